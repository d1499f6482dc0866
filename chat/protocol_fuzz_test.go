package chat

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeFrame feeds the shopper frame decoder arbitrary bytes, as a
// hostile client can send them in a text frame (the socket's read limit,
// MaxFrameBytes, is enforced before decodeFrame sees anything). The decoder
// must never panic, must return either a frame or a protocol error (never
// both, never neither), and a frame it accepts must be within the limits of
// docs/protocol.md. The seed corpus is in testdata/fuzz/FuzzDecodeFrame.
func FuzzDecodeFrame(f *testing.F) {
	for _, s := range []string{
		`{"type":"hello"}`,
		`{"type":"hello","resume_token":"abc","last_seq":12,"locale":"zh","identity":{"customer_id":"cus_1001","expires":1764345600,"signature":"9f86d0"}}`,
		`{"type":"hello","last_seq":-1}`,
		`{"type":"hello","locale":"fr"}`,
		`{"type":"message","client_id":"m-1","text":"Where is my order KF-10045?"}`,
		`{"type":"message","client_id":"m-1","text":"   "}`,
		`{"type":"message","client_id":"` + strings.Repeat("c", 65) + `","text":"hi"}`,
		`{"type":"message","client_id":"m","text":"` + strings.Repeat("长", MaxTextRunes+1) + `"}`,
		`{"type":"message","client_id":"m","text":"\ud800 lone surrogate"}`,
		`{"type":"message","client_id":"m","text":"NUL \u0000 inside"}`,
		`{"type":"message","client_id":"m","text":"<script>window.__pwned=1</script>"}`,
		`{"type":"message","client_id":5,"text":"hi"}`,
		`{"type":"message","client_id":"m","text":[[[[[]]]]]}`,
		`{"type":"message","client_id":"m","text":"a"}{"type":"hello"}`,
		`{"TYPE":"message","Client_ID":"m","TEXT":"case-folded keys"}`,
		`{"type":"typing","typing":true}`,
		`{"type":"confirm","action_id":"0b8e6c1e","answer":"yes"}`,
		`{"type":"confirm","action_id":"0b8e6c1e","answer":"maybe"}`,
		`{"type":"rate","rating":5,"comment":"Quick and clear, thanks!"}`,
		`{"type":"rate","rating":6}`,
		`{"type":"click","sku":"TENT-2P-GRN"}`,
		`{"type":"click"}`,
		`{"type":"welcome"}`,
		`{"type":"` + strings.Repeat("x", 100) + `"}`,
		`{"type":null}`,
		`{}`,
		`null`,
		`[]`,
		`"hello"`,
		`{not json`,
		"\xff\xfe",
		`{"type":"message","client_id":"m","text":"` + "\xc3\x28" + `"}`,
		`{"type":"message","client_id":"m","text":` + strings.Repeat("[", 10000),
		strings.Repeat("[", 8000) + strings.Repeat("]", 8000),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fr, err := decodeFrame(b)
		// Read at once (json.Unmarshal) or not, the frame and the error
		// are those of the decoder the frame was read with before.
		if want, wantErr := decodeFrameByDecoder(b); !reflect.DeepEqual(fr, want) || !reflect.DeepEqual(err, wantErr) {
			t.Fatalf("decodeFrame(%q) = %+v, %v; with a decoder: %+v, %v", b, fr, err, want, wantErr)
		}
		if (fr == nil) == (err == nil) {
			t.Fatalf("decodeFrame(%q) = %+v, %v: want exactly one of a frame and an error", b, fr, err)
		}
		if err != nil {
			checkProtocolError(t, b, err)
			return
		}
		if !utf8.Valid(b) {
			t.Fatalf("decodeFrame accepted invalid UTF-8 %q as %+v", b, fr)
		}
		checkFrame(t, b, fr)
		// Decoding is canonical: the accepted frame, encoded again, decodes
		// to the same frame.
		again, err := decodeFrame(mustJSON(fr))
		if err != nil || !reflect.DeepEqual(again, fr) {
			t.Fatalf("decodeFrame(%q) = %+v, but its re-encoding %s decodes to %+v, %v", b, fr, mustJSON(fr), again, err)
		}
	})
}

// decodeFrameByDecoder is decodeFrame as it was before it read a frame
// with json.Unmarshal first: a json.Decoder for every frame.
func decodeFrameByDecoder(b []byte) (*inFrame, error) {
	if !utf8.Valid(b) {
		return nil, badFrame("the frame is not valid UTF-8")
	}
	f, err := decodeFrameSlowly(b)
	if err != nil {
		return nil, err
	}
	return validFrame(f)
}

// checkProtocolError checks that a refused frame gets an error frame a
// widget can show: a known code, a short human message, valid UTF-8.
func checkProtocolError(t *testing.T, b []byte, err error) {
	t.Helper()
	var pe *protocolError
	if !errors.As(err, &pe) {
		t.Fatalf("decodeFrame(%q) error %T %v is not a protocol error", b, err, err)
	}
	switch pe.Code {
	case CodeBadFrame, CodeUnknownType, CodeInvalidMessage:
	default:
		t.Fatalf("decodeFrame(%q) error code %q", b, pe.Code)
	}
	if pe.Message == "" || !utf8.ValidString(pe.Message) || len(pe.Message) > 200 {
		t.Fatalf("decodeFrame(%q) error message %q: want 1-200 bytes of valid UTF-8", b, pe.Message)
	}
	if len(pe.ClientID) > MaxClientID || !utf8.ValidString(pe.ClientID) {
		t.Fatalf("decodeFrame(%q) error echoes client_id %q", b, pe.ClientID)
	}
	if !utf8.Valid(b) && pe.Code != CodeBadFrame {
		t.Fatalf("decodeFrame(%q): invalid UTF-8 refused with %q, want %q", b, pe.Code, CodeBadFrame)
	}
	var out errorFrame
	if json.Unmarshal(mustJSON(errorFrame{Type: "error", Code: pe.Code, Message: pe.Message, ClientID: pe.ClientID}), &out) != nil || out.Message != pe.Message {
		t.Fatalf("the error frame for %q does not survive JSON: %+v", b, pe)
	}
}

// checkFrame checks an accepted frame against the limits of its type.
func checkFrame(t *testing.T, b []byte, f *inFrame) {
	t.Helper()
	fail := func(why string) { t.Helper(); t.Fatalf("decodeFrame(%q) accepted %+v: %s", b, f, why) }
	for _, s := range []string{f.Type, f.ResumeToken, f.Locale, f.ClientID, f.Text, f.ActionID, f.Answer, f.Comment, f.SKU} {
		if !utf8.ValidString(s) {
			fail("a field is not valid UTF-8")
		}
	}
	switch f.Type {
	case "hello":
		if f.LastSeq < 0 {
			fail("negative last_seq")
		}
		if f.Locale != "" && f.Locale != "en" && f.Locale != "zh" {
			fail("unknown locale kept")
		}
	case "message":
		n := utf8.RuneCountInString(f.Text)
		if f.ClientID == "" || len(f.ClientID) > MaxClientID {
			fail("client_id out of bounds")
		}
		if n == 0 || n > MaxTextRunes || strings.TrimSpace(f.Text) == "" {
			fail("text empty, blank or too long")
		}
	case "typing":
	case "confirm":
		if f.ActionID == "" || len(f.ActionID) > 64 || (f.Answer != "yes" && f.Answer != "no") {
			fail("confirm without an action id or a yes/no")
		}
	case "rate":
		if f.Rating < 1 || f.Rating > 5 || utf8.RuneCountInString(f.Comment) > MaxCommentRunes {
			fail("rating or comment out of bounds")
		}
	case "click":
		if f.SKU == "" || len(f.SKU) > 64 {
			fail("click without a sku")
		}
	case "offer":
		if f.CampaignID <= 0 || (f.Response != "click" && f.Response != "dismiss") {
			fail("offer without a campaign or a response")
		}
	default:
		fail("unknown type accepted")
	}
}
