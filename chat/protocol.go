// Package chat is kefu's conversation engine: conversations as a state
// machine (bot, queued, human, closed), the WebSocket protocol of
// docs/protocol.md, per-connection read and write pumps, fan-out to every
// socket of a conversation, persistence through a batched writer, and
// turning a shopper message into an agent turn. It knows neither SQL nor a
// model's API: the store and the agent are behind small interfaces.
package chat

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits of the protocol.
const (
	MaxFrameBytes   = 16 << 10 // larger frames close the socket
	MaxTextRunes    = 2000
	MaxClientID     = 64
	MaxCommentRunes = 1000
	// maxRefused rate_limited refusals in a row close the socket (4029).
	maxRefused = 50
)

// inFrame is any frame a shopper sends; which fields matter depends on
// Type.
type inFrame struct {
	Type string `json:"type"`

	// hello
	ResumeToken string    `json:"resume_token,omitempty"`
	LastSeq     int64     `json:"last_seq,omitempty"`
	Locale      string    `json:"locale,omitempty"`
	Identity    *Identity `json:"identity,omitempty"`
	// Continue is the token of an emailed link (continue.go).
	Continue string `json:"continue,omitempty"`

	// message
	ClientID string `json:"client_id,omitempty"`
	Text     string `json:"text,omitempty"`
	// Attachments are ids of photos uploaded with POST /api/photos.
	Attachments []string `json:"attachments,omitempty"`

	// typing
	Typing bool `json:"typing,omitempty"`

	// confirm
	ActionID string `json:"action_id,omitempty"`
	Answer   string `json:"answer,omitempty"`

	// rate
	Rating  int    `json:"rating,omitempty"`
	Comment string `json:"comment,omitempty"`

	// click
	SKU string `json:"sku,omitempty"`

	// offer: the shopper clicked or dismissed a campaign's message
	CampaignID int64  `json:"campaign_id,omitempty"`
	Response   string `json:"response,omitempty"`
}

// Identity is a shop's signed statement of who the shopper is.
type Identity struct {
	CustomerID string `json:"customer_id"`
	Expires    int64  `json:"expires"`
	Signature  string `json:"signature"`
}

// Error codes of error frames.
const (
	CodeBadFrame        = "bad_frame"
	CodeUnknownType     = "unknown_type"
	CodeNotReady        = "not_ready"
	CodeInvalidMessage  = "invalid_message"
	CodeIdentityInvalid = "identity_invalid"
	CodeIdentityExpired = "identity_expired"
	CodeContinueInvalid = "continue_invalid" // an emailed link forged, altered or expired
	CodeRateLimited     = "rate_limited"
	CodeNotSaved        = "not_saved"
	CodeNotRateable     = "not_rateable" // a rating before anything was answered
	CodeClosed          = "closed"
	CodeInternal        = "internal"
)

// protocolError is a problem with a frame, reported in an error frame.
type protocolError struct {
	Code, Message, ClientID string
}

func (e *protocolError) Error() string { return e.Code + ": " + e.Message }

func badFrame(format string, args ...any) error {
	return &protocolError{Code: CodeBadFrame, Message: fmt.Sprintf(format, args...)}
}

// decodeFrame parses and validates one text frame from a shopper.
func decodeFrame(b []byte) (*inFrame, error) {
	if !utf8.Valid(b) {
		return nil, badFrame("the frame is not valid UTF-8")
	}
	var f inFrame
	// One JSON object and nothing after it, read at once; anything else
	// is read again with a decoder, for the same answer (and error) as
	// before, which a decoder allocated for every frame gave.
	if json.Unmarshal(b, &f) != nil {
		g, err := decodeFrameSlowly(b)
		if err != nil {
			return nil, err
		}
		f = *g
	}
	return validFrame(&f)
}

// decodeFrameSlowly reads a frame that is not one JSON object alone.
func decodeFrameSlowly(b []byte) (*inFrame, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	var f inFrame
	if err := dec.Decode(&f); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return nil, badFrame("field %q must be %s", te.Field, te.Type.String())
		}
		return nil, badFrame("the frame is not a JSON object")
	}
	if dec.More() {
		return nil, badFrame("one JSON object per frame")
	}
	return &f, nil
}

// validFrame checks a decoded frame's fields and cleans its text.
func validFrame(f *inFrame) (*inFrame, error) {
	switch f.Type {
	case "hello":
		if f.LastSeq < 0 {
			return nil, badFrame("last_seq must not be negative")
		}
		if f.Locale != "" && f.Locale != "en" && f.Locale != "zh" {
			f.Locale = ""
		}
	case "message":
		if f.ClientID == "" || len(f.ClientID) > MaxClientID {
			return nil, &protocolError{Code: CodeInvalidMessage, Message: fmt.Sprintf("client_id must be 1–%d characters", MaxClientID), ClientID: clip(f.ClientID, MaxClientID)}
		}
		f.Text = cleanText(f.Text)
		n := utf8.RuneCountInString(f.Text)
		if invisible(f.Text) {
			return nil, &protocolError{Code: CodeInvalidMessage, Message: "the message is empty", ClientID: f.ClientID}
		}
		if n > MaxTextRunes {
			return nil, &protocolError{Code: CodeInvalidMessage, Message: fmt.Sprintf("the message is longer than %d characters", MaxTextRunes), ClientID: f.ClientID}
		}
		if err := checkAttachments(f); err != nil {
			return nil, err
		}
	case "typing":
	case "confirm":
		if f.ActionID == "" || len(f.ActionID) > 64 || (f.Answer != "yes" && f.Answer != "no") {
			return nil, badFrame(`confirm needs an action_id and an answer of "yes" or "no"`)
		}
	case "rate":
		if f.Rating < 1 || f.Rating > 5 {
			return nil, badFrame("rating must be 1 to 5")
		}
		f.Comment = cleanText(f.Comment)
		if utf8.RuneCountInString(f.Comment) > MaxCommentRunes {
			return nil, badFrame("the comment is longer than %d characters", MaxCommentRunes)
		}
	case "click":
		if f.SKU == "" || len(f.SKU) > 64 {
			return nil, badFrame("click needs the sku of a recommended product")
		}
	case "offer":
		if f.CampaignID <= 0 || (f.Response != "click" && f.Response != "dismiss") {
			return nil, badFrame(`offer needs a campaign_id and a response of "click" or "dismiss"`)
		}
	case "":
		return nil, badFrame(`the frame has no "type"`)
	default:
		return nil, &protocolError{Code: CodeUnknownType, Message: fmt.Sprintf("unknown frame type %q", clip(f.Type, 32))}
	}
	return f, nil
}

// cleanText drops NUL and the bidirectional embedding, override and
// isolate controls (U+202A–U+202E, U+2066–U+2069) from shopper text before
// it is stored or shown: they make text read otherwise than it is (an
// order number or a link reversed in the console, a transcript cut at a
// NUL).
func cleanText(s string) string {
	return strings.Map(func(r rune) rune {
		if r == 0 || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) {
			return -1
		}
		return r
	}, s)
}

// invisible reports whether s shows nothing: only white space, control
// and format characters (zero-width ones among them), combining marks
// with nothing to combine with, and the blank fillers.
func invisible(s string) bool {
	for _, r := range s {
		switch {
		case unicode.IsSpace(r), unicode.In(r, unicode.Cc, unicode.Cf, unicode.Mn, unicode.Me, unicode.Z):
		case r == 0x115F || r == 0x1160 || r == 0x3164 || r == 0xFFA0 || r == 0x2800: // Hangul fillers, blank Braille
		default:
			return false
		}
	}
	return true
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Frames the server sends. Each is marshalled once and the bytes are
// shared by every recipient.

type welcomeFrame struct {
	Type           string    `json:"type"`
	ConversationID string    `json:"conversation_id"`
	ResumeToken    string    `json:"resume_token"`
	State          string    `json:"state"`
	Resumed        bool      `json:"resumed"`
	Staff          string    `json:"staff,omitempty"` // who answers, in the human state
	Customer       *customer `json:"customer,omitempty"`
}

type customer struct {
	Name string `json:"name"`
}

type ackFrame struct {
	Type     string `json:"type"`
	ClientID string `json:"client_id"`
	Seq      int64  `json:"seq"`
}

// MessageFrame is a shopper-visible message.
type MessageFrame struct {
	Type      string    `json:"type"`
	Seq       int64     `json:"seq"`
	Role      string    `json:"role"`
	Author    string    `json:"author,omitempty"`
	Text      string    `json:"text"`
	ClientID  string    `json:"client_id,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	Cards     []Card    `json:"cards,omitempty"`
	// Suggestions are replies the shopper can send with one click
	// (an assistant's clarifying question offers its options).
	Suggestions []string `json:"suggestions,omitempty"`
	// Photos are the ids of the photos a shopper message attached; the
	// widget opens each with POST /api/photos/:id and its resume token.
	Photos []string `json:"photos,omitempty"`
	// Offer marks a campaign's proactive message, with its coupon.
	Offer *Offer `json:"offer,omitempty"`
}

type deltaFrame struct {
	Type  string `json:"type"`
	Text  string `json:"text,omitempty"`
	Reset bool   `json:"reset,omitempty"`
}

type activityFrame struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

type confirmFrame struct {
	Type      string    `json:"type"`
	ActionID  string    `json:"action_id"`
	Kind      string    `json:"kind"`
	Summary   string    `json:"summary"`
	ExpiresAt time.Time `json:"expires_at"`
}

type stateFrame struct {
	Type  string `json:"type"`
	State string `json:"state"`
	Staff string `json:"staff,omitempty"`
}

type typingFrame struct {
	Type   string `json:"type"`
	Who    string `json:"who"`
	Typing bool   `json:"typing"`
}

type errorFrame struct {
	Type     string `json:"type"`
	Code     string `json:"code"`
	Message  string `json:"message"`
	ClientID string `json:"client_id,omitempty"`
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // frames are plain structs
	}
	return b
}
