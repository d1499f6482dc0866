package chat

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

// Sign returns the signature of a shopper identity: the lower-case hex of
// HMAC-SHA256(secret, customerID + ":" + expires). A shop's server computes
// it for its signed-in customer; kefu's demo page uses it to act as any
// demo customer.
func Sign(secret []byte, customerID string, expires int64) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(customerID + ":" + strconv.FormatInt(expires, 10)))
	return hex.EncodeToString(m.Sum(nil))
}

// verify checks a signed identity at time now. The signature is compared
// in constant time; an identity without a future expiry is refused, since
// a signature that never expires can be replayed forever.
func verify(secret []byte, id *Identity, now time.Time) (string, *protocolError) {
	if len(secret) == 0 || id.CustomerID == "" || len(id.CustomerID) > 128 || len(id.Signature) != 64 {
		return "", &protocolError{Code: CodeIdentityInvalid, Message: "The sign-in could not be verified; you are chatting as a guest."}
	}
	want := Sign(secret, id.CustomerID, id.Expires)
	if !hmac.Equal([]byte(want), []byte(id.Signature)) {
		return "", &protocolError{Code: CodeIdentityInvalid, Message: "The sign-in could not be verified; you are chatting as a guest."}
	}
	if id.Expires <= now.Unix() {
		return "", &protocolError{Code: CodeIdentityExpired, Message: "The sign-in has expired; you are chatting as a guest. Reload the page to sign in again."}
	}
	return id.CustomerID, nil
}

// verifyWithin is verify that also refuses an identity expiring more than
// maxLife after now (Config.MaxIdentityLifetime): one signed to last for
// years is as good as one that never expires to whoever copies it.
func verifyWithin(secret []byte, id *Identity, now time.Time, maxLife time.Duration) (string, *protocolError) {
	ext, perr := verify(secret, id, now)
	if perr == nil && maxLife > 0 && id.Expires > now.Add(maxLife).Unix() {
		return "", &protocolError{Code: CodeIdentityInvalid, Message: "The sign-in expires too far ahead to be accepted; you are chatting as a guest."}
	}
	return ext, perr
}
