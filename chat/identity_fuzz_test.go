package chat

import (
	"strings"
	"testing"
	"time"
)

// FuzzVerifyIdentity checks the shopper identity check against arbitrary
// claims: verify never accepts an identity whose signature is not exactly
// HMAC-SHA256(secret, customer_id + ":" + expires), never accepts an
// expired one, and never says "expired" about a forged one (which would
// tell a forger their signature was right); a correctly signed, unexpired
// identity is accepted as that customer. The seed corpus is in
// testdata/fuzz/FuzzVerifyIdentity.
func FuzzVerifyIdentity(f *testing.F) {
	now := time.Date(2026, 11, 28, 14, 0, 0, 0, time.UTC).Unix()
	good := Sign(testSecret, "cus_1001", now+3600)
	f.Add("cus_1001", now+3600, good, now, uint8(0))
	f.Add("cus_1001", now-60, Sign(testSecret, "cus_1001", now-60), now, uint8(3))
	f.Add("cus_1001", now, Sign(testSecret, "cus_1001", now), now, uint8(63))
	f.Add("cus_1002", now+3600, good, now, uint8(1))                                        // swapped customer
	f.Add("cus_1001", now+7200, good, now, uint8(2))                                        // extended expiry
	f.Add("cus_1001:1", now+3600, Sign(testSecret, "cus_1001", 1), now, uint8(4))           // splice the separator
	f.Add("cus_1001", now+3600, strings.ToUpper(good), now, uint8(5))                       // upper-case hex
	f.Add("cus_1001", now+3600, strings.Repeat("0", 64), now, uint8(6))                     // zero signature
	f.Add("cus_1001", now+3600, Sign(nil, "cus_1001", now+3600), now, uint8(7))             // signed with no secret
	f.Add("cus_1001", now+3600, Sign([]byte("other"), "cus_1001", now+3600), now, uint8(8)) // another shop's secret
	f.Add("", now+3600, Sign(testSecret, "", now+3600), now, uint8(9))
	f.Add(strings.Repeat("x", 129), now+3600, Sign(testSecret, strings.Repeat("x", 129), now+3600), now, uint8(10))
	f.Add("cus_\x00\xff", int64(-1<<63), "", int64(1<<63-1), uint8(255))
	f.Add("<script>", int64(1<<63-1), good+"00", int64(-1<<63), uint8(11))

	f.Fuzz(func(t *testing.T, customerID string, expires int64, signature string, nowUnix int64, flip uint8) {
		at := time.Unix(nowUnix, 0)
		claim := &Identity{CustomerID: customerID, Expires: expires, Signature: signature}
		want := Sign(testSecret, customerID, expires)
		usable := customerID != "" && len(customerID) <= 128

		// Whatever is claimed: accepted only if signed with the secret and
		// unexpired.
		ext, perr := verify(testSecret, claim, at)
		if perr == nil {
			if signature != want || expires <= nowUnix || !usable || ext != customerID {
				t.Fatalf("verify accepted %+v at %d as %q (want signature %s)", claim, nowUnix, ext, want)
			}
		} else {
			checkRefusal(t, perr, claim)
			if perr.Code == CodeIdentityExpired && signature != want {
				t.Fatalf("a forged identity %+v was told it expired", claim)
			}
		}

		// The shop's own signature: accepted until it expires.
		signed := &Identity{CustomerID: customerID, Expires: expires, Signature: want}
		ext, perr = verify(testSecret, signed, at)
		switch {
		case !usable:
			if perr == nil || perr.Code != CodeIdentityInvalid {
				t.Fatalf("customer id %q (%d bytes) accepted: %v", customerID, len(customerID), perr)
			}
		case expires <= nowUnix:
			if perr == nil || perr.Code != CodeIdentityExpired {
				t.Fatalf("expired identity %+v at %d: %v, want %s", signed, nowUnix, perr, CodeIdentityExpired)
			}
		default:
			if perr != nil || ext != customerID {
				t.Fatalf("correctly signed identity %+v at %d refused: %v", signed, nowUnix, perr)
			}
		}

		// One changed hex digit, another secret, or no secret on the server:
		// refused.
		b := []byte(want)
		i := int(flip) % len(b)
		b[i] = "0123456789abcdef"[(strings.IndexByte("0123456789abcdef", b[i])+1+int(flip)%15)%16]
		if _, perr := verify(testSecret, &Identity{CustomerID: customerID, Expires: expires, Signature: string(b)}, at); perr == nil || perr.Code != CodeIdentityInvalid {
			t.Fatalf("signature %s with digit %d changed accepted: %v", b, i, perr)
		}
		other := Sign(append([]byte("x"), testSecret...), customerID, expires)
		if _, perr := verify(testSecret, &Identity{CustomerID: customerID, Expires: expires, Signature: other}, at); perr == nil {
			t.Fatalf("identity signed with another secret accepted: %+v", claim)
		}
		for _, s := range [][]byte{nil, {}} {
			if _, perr := verify(s, signed, at); perr == nil || perr.Code != CodeIdentityInvalid {
				t.Fatalf("a server without a secret accepted %+v: %v", signed, perr)
			}
			if _, perr := verify(s, &Identity{CustomerID: customerID, Expires: expires, Signature: Sign(s, customerID, expires)}, at); perr == nil {
				t.Fatalf("a server without a secret accepted an identity signed with the empty key: %q", customerID)
			}
		}
	})
}

func checkRefusal(t *testing.T, perr *protocolError, claim *Identity) {
	t.Helper()
	if perr.Code != CodeIdentityInvalid && perr.Code != CodeIdentityExpired {
		t.Fatalf("verify(%+v) refused with code %q", claim, perr.Code)
	}
	if perr.Message == "" {
		t.Fatalf("verify(%+v) refused with message %q", claim, perr.Message)
	}
}
