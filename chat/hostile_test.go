package chat

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"

	"github.com/kefu-dev/kefu/store"
)

// The hostile-input suite: what a shopper's socket does with input no
// widget sends. Every case gets a clear error (its code and message are
// asserted) and leaves the data intact: nothing of the hostile input is
// stored, and the conversation goes on (the next valid message is acked
// and stored once). Cases already covered elsewhere are not repeated:
//   - not JSON, a wrong field type, type "warp", blank and over-long text,
//     rating 9, confirm "maybe", bare invalid UTF-8, a binary frame, a
//     message before hello: TestMalformedFrames;
//   - a frame over 16 KiB closes with 1009: TestOversizeFrameCloses;
//   - the first rate_limited refusal: TestRateLimit;
//   - an evil.example.net Origin: TestBadOrigin;
//   - forged, swapped, expired and garbage identities: TestIdentityRefused;
//   - a resume token of a signed-in shopper's conversation:
//     TestResumeNeedsSameShopper.

// hostileFrame is one frame a hostile client sends.
type hostileFrame struct {
	kind int // websocket.TextMessage or BinaryMessage
	b    []byte
}

func text(s string) hostileFrame   { return hostileFrame{websocket.TextMessage, []byte(s)} }
func binary(s string) hostileFrame { return hostileFrame{websocket.BinaryMessage, []byte(s)} }

// deepArrays is n nested arrays, closed or not.
func deepArrays(n int, closed bool) string {
	s := strings.Repeat("[", n)
	if closed {
		s += strings.Repeat("]", n)
	}
	return s
}

func TestHostileFrames(t *testing.T) {
	ts := newTestServer(t, nil)
	exact := `{"type":"message","client_id":"big","text":"` // padded to exactly MaxFrameBytes below
	exact += strings.Repeat("x", MaxFrameBytes-len(exact)-2) + `"}`
	for _, tc := range []struct {
		name     string
		frame    hostileFrame
		code     string
		message  string // the error message contains it
		clientID string // the error frame carries it
	}{
		{"JSON message in a binary frame is not read", binary(`{"type":"message","client_id":"bin","text":"hello"}`),
			CodeBadFrame, "frames must be JSON text", ""},
		{"invalid UTF-8 inside a JSON string", text("{\"type\":\"message\",\"client_id\":\"u\",\"text\":\"caf\xe9 \xc3\x28\"}"),
			CodeBadFrame, "not valid UTF-8", ""},
		{"10,000 nested arrays in a 10 KiB frame", text(`{"type":"message","client_id":"d","text":` + deepArrays(10000, false)),
			CodeBadFrame, "not a JSON object", ""},
		{"8,000 nested arrays, closed, in a 16 KiB frame", text(`{"type":"message","client_id":"d","text":` + deepArrays(8000, true) + `}`),
			CodeBadFrame, `field "text" must be string`, ""},
		{"nested arrays as the whole frame", text(deepArrays(8000, true)),
			CodeBadFrame, "not a JSON object", ""},
		{"a frame of exactly 16 KiB is read, its text refused", text(exact),
			CodeInvalidMessage, "longer than 2000 characters", "big"},
		{"type as a number", text(`{"type":7}`), CodeBadFrame, `field "type" must be string`, ""},
		{"a server frame type", text(`{"type":"welcome","conversation_id":"x","state":"human"}`), CodeUnknownType, `unknown frame type "welcome"`, ""},
		{"an upper-case type", text(`{"type":"MESSAGE","client_id":"m","text":"hi"}`), CodeUnknownType, `"MESSAGE"`, ""},
		{"a 4 KiB type name is clipped in the error", text(`{"type":"` + strings.Repeat("A", 4096) + `"}`),
			CodeUnknownType, `"` + strings.Repeat("A", 32) + `"`, ""},
		{"two objects in one frame", text(`{"type":"typing"}{"type":"message","client_id":"two","text":"hi"}`),
			CodeBadFrame, "one JSON object per frame", ""},
		{"a 65-character client_id", text(`{"type":"message","client_id":"` + strings.Repeat("c", 65) + `","text":"hi"}`),
			CodeInvalidMessage, "client_id must be 1–64 characters", strings.Repeat("c", 64)},
		{"a second hello with a signed identity", text(string(mustJSON(map[string]any{"type": "hello",
			"identity": identity("cus_1001", time.Now().Add(time.Hour))}))), CodeBadFrame, "hello was already received", ""},
		{"a comment over 1000 characters", text(`{"type":"rate","rating":5,"comment":"` + strings.Repeat("好", 1001) + `"}`),
			CodeBadFrame, "longer than 1000 characters", ""},
		{"confirm without an action id", text(`{"type":"confirm","answer":"yes"}`), CodeBadFrame, `confirm needs an action_id`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := ts.dial(nil)
			w := c.hello(nil)
			if err := c.ws.WriteMessage(tc.frame.kind, tc.frame.b); err != nil {
				t.Fatal(err)
			}
			f, _ := c.until(isType("error"))
			ts.isGuest(t, w) // whatever the frame, the shopper is still the guest they were
			if f.Code != tc.code || !strings.Contains(f.Message, tc.message) || f.ClientID != tc.clientID {
				t.Fatalf("error %+v, want code %s, message with %q, client_id %q", f, tc.code, tc.message, tc.clientID)
			}
			if len(f.Message) > 200 {
				t.Errorf("error message of %d bytes", len(f.Message))
			}
			ts.stillWorks(t, c, w.ConversationID, nil)
		})
	}
}

// A shopper can write any text, markup included: it is stored and sent
// back exactly as typed (the widget and the console show it as text: see
// the browser tests), never mangled or dropped, but for NUL and the bidi
// embedding, override and isolate controls, which are dropped (issue 14).
// JSON escapes that do not make valid UTF-8 are stored as U+FFFD.
func TestHostileTextStoredExactly(t *testing.T) {
	ts := newTestServer(t, nil)
	for _, tc := range []struct{ name, raw, want string }{
		{"script", `<script>window.__pwned=1</script>`, `<script>window.__pwned=1</script>`},
		{"img onerror", `<img src=x onerror="window.__pwned=1">`, `<img src=x onerror="window.__pwned=1">`},
		{"javascript link", `[click](javascript:window.__pwned=1) javascript:alert(1)`, `[click](javascript:window.__pwned=1) javascript:alert(1)`},
		{"SQL", `'); DROP TABLE messages; --`, `'); DROP TABLE messages; --`},
		{"NUL byte", "before\x00after", "beforeafter"},
		{"lone surrogate escape", `\ud800 half`, "\uFFFD half"},
		{"right-to-left override", "order \u202eKF-10045", "order KF-10045"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := ts.dial(nil)
			w := c.hello(nil)
			tab := ts.dial(nil) // the shopper's other tab
			tab.hello(map[string]any{"resume_token": w.ResumeToken, "last_seq": 0})
			raw := `{"type":"message","client_id":"x1","text":` + jsonString(tc.raw) + `}`
			if err := c.ws.WriteMessage(websocket.TextMessage, []byte(raw)); err != nil {
				t.Fatal(err)
			}
			ack, _ := c.until(isType("ack"))
			echo, _ := tab.until(func(f frame) bool { return f.Type == "message" && f.Role == "user" })
			if echo.Text != tc.want || echo.Seq != ack.Seq {
				t.Errorf("the other tab got %+v, want text %q at seq %d", echo, tc.want, ack.Seq)
			}
			if got := ts.userTexts(t, w.ConversationID); len(got) != 1 || got[0] != tc.want || !utf8.ValidString(got[0]) {
				t.Errorf("stored %q, want [%q]", got, tc.want)
			}
			ts.stillWorks(t, c, w.ConversationID, []string{tc.want})
		})
	}
}

// jsonString quotes s for a JSON document, keeping backslash escapes in s
// as they are (so a test can send \ud800).
func jsonString(s string) string {
	if strings.Contains(s, `\u`) {
		return `"` + s + `"`
	}
	return string(mustJSON(s))
}

// A frame over the limit closes the socket (1009), however it is cut into
// fragments; nothing of it is stored, and the shopper resumes the same
// conversation.
func TestHostileOversizeFragments(t *testing.T) {
	ts := newTestServer(t, nil)
	c := ts.dial(nil)
	w := c.hello(nil)
	// Something to resume: a conversation is stored with its first message.
	c.send(map[string]any{"type": "message", "client_id": "first", "text": "hello"})
	c.until(answer)
	wr, err := c.ws.NextWriter(websocket.TextMessage)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(wr, `{"type":"message","client_id":"huge","text":"`)
	for i := 0; i < 5; i++ { // 5 × 4 KiB fragments
		wr.Write([]byte(strings.Repeat("y", 4096)))
	}
	io.WriteString(wr, `"}`)
	wr.Close()
	c.expectClose(websocket.CloseMessageTooBig)

	again := ts.dial(nil)
	w2 := again.hello(map[string]any{"resume_token": w.ResumeToken})
	if !w2.Resumed || w2.ConversationID != w.ConversationID {
		t.Fatalf("resume after the 1009 close: %+v", w2)
	}
	ts.stillWorks(t, again, w.ConversationID, []string{"hello"})
}

// Hostile identities in hello: each is refused with its code and a
// message, the shopper chats as a guest (no name, no customer on the
// conversation), and the conversation works.
func TestHostileIdentities(t *testing.T) {
	ts := newTestServer(t, nil)
	if _, err := ts.st.Import(context.Background(), &store.Dataset{Customers: []store.Customer{
		{ExternalID: "cus_html", Email: "html@example.com", Name: `<img src=x onerror="window.__pwned=1">`}}}); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	exp := now.Add(time.Hour).Unix()
	long := strings.Repeat("c", 129)
	for _, tc := range []struct {
		name    string
		id      map[string]any
		code    string
		message string
	}{
		{"expired a second ago", identity("cus_1001", now.Add(-time.Second)), CodeIdentityExpired, "has expired"},
		{"signature for another expiry", map[string]any{"customer_id": "cus_1001", "expires": exp + 86400*365,
			"signature": Sign(testSecret, "cus_1001", exp)}, CodeIdentityInvalid, "could not be verified"},
		{"signed with the empty key", map[string]any{"customer_id": "cus_1001", "expires": exp,
			"signature": Sign(nil, "cus_1001", exp)}, CodeIdentityInvalid, "could not be verified"},
		{"signed with another shop's key", map[string]any{"customer_id": "cus_1001", "expires": exp,
			"signature": Sign([]byte("another shop"), "cus_1001", exp)}, CodeIdentityInvalid, "could not be verified"},
		{"the separator spliced into the id", map[string]any{"customer_id": "cus_1001:1", "expires": exp,
			"signature": Sign(testSecret, "cus_1001", 1)}, CodeIdentityInvalid, "could not be verified"},
		{"correctly signed, unknown to the shop", identity("cus_9999", now.Add(time.Hour)), CodeIdentityInvalid, "unknown to the shop"},
		{"correctly signed, 129-byte id", map[string]any{"customer_id": long, "expires": exp,
			"signature": Sign(testSecret, long, exp)}, CodeIdentityInvalid, "could not be verified"},
		{"SQL in the customer id", identity("' OR 1=1 --", now.Add(time.Hour)), CodeIdentityInvalid, "unknown to the shop"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := ts.dial(nil)
			c.send(map[string]any{"type": "hello", "identity": tc.id})
			e, w := c.read(), c.read()
			if e.Type != "error" || e.Code != tc.code || !strings.Contains(e.Message, tc.message) {
				t.Fatalf("error frame %+v, want %s with %q", e, tc.code, tc.message)
			}
			ts.isGuest(t, w)
			ts.stillWorks(t, c, w.ConversationID, nil)
		})
	}

	// An identity with wrong JSON types is not a hello at all: the socket
	// is not ready until a proper one.
	t.Run("expires as a string", func(t *testing.T) {
		c := ts.dial(nil)
		c.send(map[string]any{"type": "hello", "identity": map[string]any{"customer_id": "cus_1001", "expires": "never", "signature": "x"}})
		if f := c.read(); f.Code != CodeBadFrame || !strings.Contains(f.Message, `"identity.expires" must be int64`) {
			t.Fatalf("error %+v", f)
		}
		c.send(map[string]any{"type": "message", "client_id": "early", "text": "hi"})
		if f := c.read(); f.Code != CodeNotReady {
			t.Fatalf("message before a good hello: %+v", f)
		}
		w := c.hello(nil)
		ts.isGuest(t, w)
		ts.stillWorks(t, c, w.ConversationID, nil)
	})

	// A customer's name is shown to them exactly as the shop stored it.
	t.Run("markup in the customer's name", func(t *testing.T) {
		c := ts.dial(nil)
		w := c.hello(map[string]any{"identity": identity("cus_html", now.Add(time.Hour))})
		if w.Customer == nil || w.Customer.Name != `<img src=x onerror="window.__pwned=1">` {
			t.Fatalf("welcome %+v", w)
		}
		ts.stillWorks(t, c, w.ConversationID, nil)
	})

	// A server without a secret accepts no identity, not even one signed
	// with the empty key.
	t.Run("no secret configured", func(t *testing.T) {
		open := newTestServer(t, func(c *Config) { c.IdentitySecret = nil })
		c := open.dial(nil)
		c.send(map[string]any{"type": "hello", "identity": map[string]any{"customer_id": "cus_1001", "expires": exp, "signature": Sign(nil, "cus_1001", exp)}})
		e, w := c.read(), c.read()
		if e.Code != CodeIdentityInvalid {
			t.Fatalf("error %+v", e)
		}
		open.isGuest(t, w)
	})
}

// Origins that only look like an allowed one are refused before the
// upgrade with 403; the allowed origin and kefu's own host still work.
func TestHostileOrigins(t *testing.T) {
	ts := newTestServer(t, func(c *Config) { c.AllowedOrigins = []string{"https://shop.example.com"} })
	for _, origin := range []string{
		"null",
		"https://shop.example.com.evil.net",
		"https://evil.net/https://shop.example.com",
		"http://shop.example.com",
		"https://shop.example.com:8443",
		"https://shop.example.com@evil.net",
		"http://127.0.0.1:1",
		"://",
	} {
		t.Run(origin, func(t *testing.T) {
			ws, resp, err := websocket.DefaultDialer.Dial(ts.url, http.Header{"Origin": {origin}})
			if err == nil {
				ws.Close()
				t.Fatalf("Origin %q opened a socket", origin)
			}
			if resp == nil || resp.StatusCode != http.StatusForbidden {
				t.Fatalf("Origin %q: %v %v, want 403", origin, err, resp)
			}
			body, _ := io.ReadAll(resp.Body)
			if strings.TrimSpace(string(body)) != "origin not allowed" {
				t.Fatalf("Origin %q: body %q", origin, body)
			}
		})
	}
	c := ts.dial(http.Header{"Origin": {"https://shop.example.com"}})
	w := c.hello(nil)
	ts.stillWorks(t, c, w.ConversationID, nil)
}

// A message flood from one socket is refused with rate_limited (each
// refusal names the message), none of the refused messages is stored, a
// shopper on another socket is answered meanwhile, and once the flood
// stops the flooder's next message is acked.
func TestHostileFlood(t *testing.T) {
	// The engine's clock stands still until the test moves it, so that
	// the limiter refills when the test says, however slow the machine.
	epoch := time.Now()
	var passed atomic.Int64
	ts := newTestServer(t, func(c *Config) {
		c.MessageRate, c.MessageBurst = 2, 3
		c.Now = func() time.Time { return epoch.Add(time.Duration(passed.Load())) }
	})
	flood := ts.dial(nil)
	fw := flood.hello(nil)
	other := ts.dial(nil)
	other.hello(nil)

	const n = 40
	for i := 0; i < n; i++ {
		flood.send(map[string]any{"type": "message", "client_id": fmt.Sprintf("f%02d", i), "text": "spam spam spam"})
	}
	start := time.Now()
	other.send(map[string]any{"type": "message", "client_id": "calm", "text": "how long does shipping to Canada take?"})
	other.until(isType("ack"))
	other.until(answer)
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("the other shopper waited %s during the flood", d)
	}

	acked, refused := map[string]bool{}, map[string]bool{}
	for len(acked)+len(refused) < n {
		f := flood.read()
		switch {
		case f.Type == "ack":
			acked[f.ClientID] = true
		case f.Type == "error":
			if f.Code != CodeRateLimited || !strings.Contains(f.Message, "too fast") || f.ClientID == "" {
				t.Fatalf("flood refusal %+v", f)
			}
			refused[f.ClientID] = true
		}
	}
	if len(refused) < n/2 || len(acked) == 0 {
		t.Fatalf("%d acked, %d refused of %d sent", len(acked), len(refused), n)
	}
	ms, _ := ts.st.Messages(context.Background(), fw.ConversationID, 0, 1000)
	for _, m := range ms {
		if m.Role == store.RoleUser && (refused[m.ClientID] || !acked[m.ClientID]) {
			t.Errorf("refused or unacked message %s was stored", m.ClientID)
		}
	}
	passed.Add(int64(1500 * time.Millisecond)) // the limiter refills: 3 messages at 2 a second
	ts.stillWorks(t, flood, fw.ConversationID, ts.userTexts(t, fw.ConversationID))
}

// A confirm button pressed with the action id of another shopper's
// pending change runs nothing: the change waits for its own shopper.
func TestHostileForeignConfirm(t *testing.T) {
	ts := newTestServer(t, nil)
	ctx := context.Background()
	chloe := ts.dial(nil)
	chloe.hello(map[string]any{"identity": identity("cus_1003", time.Now().Add(time.Hour))})
	chloe.send(map[string]any{"type": "message", "client_id": "c1", "text": "please cancel KF-10054, I ordered it by mistake"})
	conf, _ := chloe.until(isType("confirm"))

	for name, hello := range map[string]map[string]any{
		"a guest":              nil,
		"another customer":     {"identity": identity("cus_1001", time.Now().Add(time.Hour))},
		"chloe in a new chat":  {"identity": identity("cus_1003", time.Now().Add(time.Hour))},
		"forged chloe (guest)": {"identity": map[string]any{"customer_id": "cus_1003", "expires": time.Now().Add(time.Hour).Unix(), "signature": strings.Repeat("0", 64)}},
	} {
		t.Run(name, func(t *testing.T) {
			c := ts.dial(nil)
			c.send(mergeHello(hello))
			w, _ := c.until(isType("welcome"))
			c.send(map[string]any{"type": "confirm", "action_id": conf.ActionID, "answer": "yes"})
			c.until(isType("ack"))
			c.until(answer)
			ms, _ := ts.st.Messages(ctx, w.ConversationID, 0, 100)
			for _, m := range ms {
				if m.Role == store.RoleTool && m.Author == "confirm_action" {
					t.Errorf("a confirmation ran in the foreign conversation: %s", m.ToolResult)
				}
			}
			if o, _ := ts.st.OrderByNumber(ctx, "KF-10054"); o.Status != store.OrderPaid {
				t.Fatalf("KF-10054 is %s after a foreign confirm", o.Status)
			}
			a, err := ts.st.PendingAction(ctx, conf.ActionID)
			if err != nil || a.Status != store.ActionPending {
				t.Fatalf("chloe's action %+v, %v", a, err)
			}
			ts.stillWorks(t, c, w.ConversationID, []string{"Yes, go ahead."})
		})
	}
	// Chloe's own yes still works, once.
	chloe.send(map[string]any{"type": "confirm", "action_id": conf.ActionID, "answer": "yes"})
	chloe.until(func(f frame) bool { return answer(f) && strings.Contains(f.Text, "cancelled") })
	if o, _ := ts.st.OrderByNumber(ctx, "KF-10054"); o.Status != store.OrderCancelled {
		t.Fatalf("KF-10054 is %s after chloe's yes", o.Status)
	}
}

func mergeHello(extra map[string]any) map[string]any {
	h := map[string]any{"type": "hello"}
	for k, v := range extra {
		h[k] = v
	}
	return h
}

// isGuest fails unless the welcome and the stored conversation are a
// guest's.
func (ts *testServer) isGuest(t *testing.T, w frame) {
	t.Helper()
	if w.Type != "welcome" || w.Customer != nil {
		t.Fatalf("welcome %+v, want a guest's", w)
	}
	if customer, err := ts.customerOf(w.ConversationID); err != nil || customer != 0 {
		t.Fatalf("conversation of customer %d, %v: want a guest's", customer, err)
	}
}

// customerOf is the customer a conversation serves: the live one's (what
// its turns tell the tools), else the stored one's. A conversation nothing
// was stored in yet has no row.
func (ts *testServer) customerOf(id string) (int64, error) {
	if c := ts.engine.live(id); c != nil {
		return c.customerID, nil
	}
	conv, err := ts.st.Conversation(context.Background(), id)
	if err != nil {
		return 0, err
	}
	return conv.CustomerID, nil
}

// userTexts returns the shopper messages stored in a conversation.
func (ts *testServer) userTexts(t *testing.T, convID string) []string {
	t.Helper()
	ms, err := ts.st.Messages(context.Background(), convID, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range ms {
		if m.Role == store.RoleUser {
			out = append(out, m.Text)
		}
	}
	return out
}

// stillWorks sends a valid message on c and fails unless it is acked and
// the conversation's stored shopper messages are then exactly before plus
// that message: nothing of the hostile input was stored.
func (ts *testServer) stillWorks(t *testing.T, c *client, convID string, before []string) {
	t.Helper()
	id := fmt.Sprintf("ok-%d", time.Now().UnixNano())
	msg := "still there? " + id
	c.send(map[string]any{"type": "message", "client_id": id, "text": msg})
	ack, _ := c.until(func(f frame) bool { return f.Type == "ack" && f.ClientID == id })
	want := append(append([]string(nil), before...), msg)
	got := ts.userTexts(t, convID)
	if strings.Join(got, "\n") != strings.Join(want, "\n") || ack.Seq == 0 {
		t.Fatalf("after the hostile input, stored shopper messages are %q (ack %+v), want %q", got, ack, want)
	}
}

// A socket that goes on sending after maxRefused refusals in a row is cut
// off (4029), and what it sent was not stored; another shopper is answered
// all along.
func TestHostileFloodIsCutOff(t *testing.T) {
	ts := newTestServer(t, func(c *Config) { c.MessageRate, c.MessageBurst = 2, 3 })
	other := ts.dial(nil)
	other.hello(nil)
	flood := ts.dial(nil)
	w := flood.hello(nil)
	for i := range maxRefused + 20 {
		if err := flood.ws.WriteJSON(map[string]any{"type": "message", "client_id": fmt.Sprint("f", i), "text": "where is my order?"}); err != nil {
			break // cut off already
		}
	}
	flood.expectClose(CloseFlood)
	other.send(map[string]any{"type": "message", "client_id": "o1", "text": "hello"})
	other.until(answer)
	ms, err := ts.st.Messages(context.Background(), w.ConversationID, 0, 200)
	users := 0
	for _, m := range ms {
		if m.Role == store.RoleUser {
			users++
		}
	}
	if err != nil || users > 3+1 { // the burst, and what the rate refilled meanwhile
		t.Errorf("the flood stored %d messages (%v)", users, err)
	}
}
