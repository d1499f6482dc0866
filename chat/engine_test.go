package chat

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/kefu-dev/kefu/agents"
	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/store/demo"
)

var testSecret = []byte("test-secret-0123456789abcdef0123456789")

type testServer struct {
	t      testing.TB
	st     *store.Store
	engine *Engine
	srv    *httptest.Server
	url    string
}

// newTestServer runs the engine over a real demo store behind a real HTTP
// server; tune adjusts the engine's config.
func newTestServer(t testing.TB, tune func(*Config)) *testServer {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "kefu.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Import(ctx, demo.Dataset(time.Now())); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	runner, err := agents.NewRunner(ctx, st, agents.Options{Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{IdentitySecret: testSecret, HelloTimeout: 2 * time.Second}
	if tune != nil {
		tune(&cfg)
	}
	e := NewEngine(st, runner, cfg, log, prometheus.NewRegistry())
	srv := httptest.NewServer(http.HandlerFunc(e.ServeWS))
	ts := &testServer{t: t, st: st, engine: e, srv: srv, url: "ws" + strings.TrimPrefix(srv.URL, "http")}
	t.Cleanup(func() {
		srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		e.Shutdown(ctx)
		st.Close()
	})
	return ts
}

type client struct {
	t  testing.TB
	ws *websocket.Conn
}

func (ts *testServer) dial(header http.Header) *client {
	ts.t.Helper()
	ws, resp, err := websocket.DefaultDialer.Dial(ts.url, header)
	if err != nil {
		ts.t.Fatalf("dial: %v (%v)", err, resp)
	}
	c := &client{t: ts.t, ws: ws}
	ts.t.Cleanup(func() { ws.Close() })
	return c
}

func (c *client) send(v any) {
	c.t.Helper()
	if err := c.ws.WriteJSON(v); err != nil {
		c.t.Fatalf("send: %v", err)
	}
}

// frame is any server frame, decoded loosely.
type frame struct {
	Type           string          `json:"type"`
	ConversationID string          `json:"conversation_id"`
	ResumeToken    string          `json:"resume_token"`
	State          string          `json:"state"`
	Resumed        bool            `json:"resumed"`
	Customer       *customer       `json:"customer"`
	ClientID       string          `json:"client_id"`
	Seq            int64           `json:"seq"`
	Role           string          `json:"role"`
	Text           string          `json:"text"`
	Code           string          `json:"code"`
	Message        string          `json:"message"`
	ActionID       string          `json:"action_id"`
	Cards          json.RawMessage `json:"cards"`
	Reset          bool            `json:"reset"`
}

func (c *client) read() frame {
	c.t.Helper()
	c.ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	var f frame
	if err := c.ws.ReadJSON(&f); err != nil {
		c.t.Fatalf("read: %v", err)
	}
	return f
}

// until reads frames until one matches, returning it and those before it.
func (c *client) until(match func(frame) bool) (frame, []frame) {
	c.t.Helper()
	var seen []frame
	for {
		f := c.read()
		if match(f) {
			return f, seen
		}
		seen = append(seen, f)
	}
}

// expectClose reads past any frames until the server closes the socket,
// and fails unless it closes with code.
func (c *client) expectClose(code int) {
	c.t.Helper()
	c.ws.SetReadDeadline(time.Now().Add(3 * time.Second))
	for {
		_, _, err := c.ws.ReadMessage()
		if err == nil {
			continue
		}
		var ce *websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != code {
			c.t.Fatalf("err = %v, want close %d", err, code)
		}
		return
	}
}

func isType(t string) func(frame) bool { return func(f frame) bool { return f.Type == t } }

func answer(f frame) bool { return f.Type == "message" && f.Role == "assistant" }

func (c *client) hello(extra map[string]any) frame {
	c.t.Helper()
	h := map[string]any{"type": "hello"}
	for k, v := range extra {
		h[k] = v
	}
	c.send(h)
	w, _ := c.until(isType("welcome"))
	return w
}

func identity(customerID string, expires time.Time) map[string]any {
	exp := expires.Unix()
	return map[string]any{"customer_id": customerID, "expires": exp, "signature": Sign(testSecret, customerID, exp)}
}

func TestNewConversationAndTurn(t *testing.T) {
	// The feed opens at once: the turn streams its typing, activity and text.
	ts := newTestServer(t, func(c *Config) { c.FeedDelay = -1 })
	c := ts.dial(nil)
	w := c.hello(map[string]any{"identity": identity("cus_1001", time.Now().Add(time.Hour))})
	if w.ConversationID == "" || w.ResumeToken == "" || w.State != "bot" || w.Resumed || w.Customer == nil || w.Customer.Name != "Alice Johnson" {
		t.Fatalf("welcome = %+v", w)
	}
	c.send(map[string]any{"type": "message", "client_id": "m1", "text": "where is my order KF-10045?"})
	ack, _ := c.until(isType("ack"))
	// The ack comes only after the commit: the message is in the database.
	ms, err := ts.st.Messages(context.Background(), w.ConversationID, 0, 10)
	if err != nil || len(ms) == 0 || ms[0].Seq != ack.Seq || ms[0].ClientID != "m1" || ms[0].Text != "where is my order KF-10045?" {
		t.Fatalf("ack %+v but stored %+v (%v)", ack, ms, err)
	}
	reply, before := c.until(answer)
	var streamed strings.Builder
	activity := false
	for _, f := range before {
		switch f.Type {
		case "delta":
			streamed.WriteString(f.Text)
		case "activity":
			activity = activity || strings.Contains(f.Text, "parcel")
		}
	}
	if streamed.String() != reply.Text || !activity {
		t.Errorf("streamed %q, activity %v; reply %q", streamed.String(), activity, reply.Text)
	}
	if !strings.Contains(reply.Text, "UPS") || !strings.Contains(string(reply.Cards), `"kind":"order"`) ||
		!strings.Contains(string(reply.Cards), `"carrier":"UPS"`) || reply.Seq <= ack.Seq {
		t.Errorf("reply = %+v cards %s", reply, reply.Cards)
	}
	for _, f := range before {
		if f.Type == "delta" && (strings.Contains(f.Text, "{") || f.Text == "") {
			t.Errorf("delta leaked internals: %q", f.Text)
		}
	}
}

// A turn answered before its feed opens sends the shopper its answer and
// nothing else: no typing indicator, activity or streamed text.
func TestQuickTurnSendsOnlyTheAnswer(t *testing.T) {
	ts := newTestServer(t, func(c *Config) { c.FeedDelay = time.Hour })
	c := ts.dial(nil)
	c.hello(map[string]any{"identity": identity("cus_1001", time.Now().Add(time.Hour))})
	c.send(map[string]any{"type": "message", "client_id": "m1", "text": "where is my order KF-10045?"})
	reply, before := c.until(answer)
	var types []string
	for _, f := range before {
		types = append(types, f.Type)
	}
	if strings.Join(types, ",") != "ack" || !strings.Contains(string(reply.Cards), `"kind":"order"`) {
		t.Errorf("frames before the answer: %v; answer %+v", types, reply)
	}
	c.send(map[string]any{"type": "message", "client_id": "m2", "text": "thanks"})
	if _, before := c.until(answer); len(before) != 1 || before[0].Type != "ack" {
		t.Errorf("second turn: frames before the answer: %+v", before)
	}
}

func TestIdempotentRetry(t *testing.T) {
	ts := newTestServer(t, nil)
	c := ts.dial(nil)
	w := c.hello(nil)
	msg := map[string]any{"type": "message", "client_id": "same", "text": "hello"}
	c.send(msg)
	a1, _ := c.until(isType("ack"))
	c.until(answer)
	c.send(msg) // the widget did not see the ack and retries
	a2, _ := c.until(isType("ack"))
	if a1.Seq != a2.Seq || a1.ClientID != "same" {
		t.Fatalf("acks %+v %+v", a1, a2)
	}
	// The retry starts no turn: a conversation's turns run one at a time,
	// so an answer to it would come before the answer to the next message.
	c.send(map[string]any{"type": "message", "client_id": "next", "text": "how long does shipping to Canada take?"})
	_, before := c.until(func(f frame) bool { return answer(f) && strings.Contains(f.Text, "7–14") })
	for _, f := range before {
		if answer(f) {
			t.Fatalf("the retry was answered again: %+v", f)
		}
	}
	// One message and one answer are stored for each client id.
	ms, _ := ts.st.Messages(context.Background(), w.ConversationID, 0, 100)
	var users, answers int
	for _, m := range ms {
		switch {
		case m.Role == store.RoleUser:
			users++
		case m.Role == store.RoleAssistant && len(m.ToolCalls) == 0:
			answers++
		}
	}
	if users != 2 || answers != 2 {
		t.Fatalf("%d shopper messages and %d answers stored, want 2 and 2", users, answers)
	}
}

// A shopper whose connection drops right after the ack gets the answer
// produced while away, exactly once, on resume; a reload (last_seq 0)
// gets the whole conversation.
func TestResumeAfterDrop(t *testing.T) {
	ts := newTestServer(t, nil)
	c := ts.dial(nil)
	w := c.hello(nil)
	c.send(map[string]any{"type": "message", "client_id": "m1", "text": "how long does shipping to Canada take?"})
	ack, _ := c.until(isType("ack"))
	c.ws.Close() // gone before the answer

	// No socket is left to tell of the answer; the store shows it.
	waitFor(t, "the answer to be stored", func() bool {
		ms, _ := ts.st.Messages(context.Background(), w.ConversationID, ack.Seq, 100)
		return len(ms) > 0 && ms[len(ms)-1].Role == store.RoleAssistant && len(ms[len(ms)-1].ToolCalls) == 0
	})

	c2 := ts.dial(nil)
	w2 := c2.hello(map[string]any{"resume_token": w.ResumeToken, "last_seq": ack.Seq})
	if !w2.Resumed || w2.ConversationID != w.ConversationID {
		t.Fatalf("welcome = %+v", w2)
	}
	reply := c2.read()
	if !answer(reply) || !strings.Contains(reply.Text, "7–14") || reply.Seq <= ack.Seq {
		t.Fatalf("first frame after resume = %+v", reply)
	}
	// Nothing else (no duplicate) comes: whatever the resume sends comes
	// before the ack of the next message.
	c2.send(map[string]any{"type": "message", "client_id": "m2", "text": "thanks"})
	if _, before := c2.until(isType("ack")); len(before) > 0 {
		t.Fatalf("unexpected frames after resume: %+v", before)
	}

	// A reload replays everything, in order.
	c3 := ts.dial(nil)
	c3.hello(map[string]any{"resume_token": w.ResumeToken, "last_seq": 0})
	m1, m2 := c3.read(), c3.read()
	if m1.Role != "user" || m1.ClientID != "m1" || m2.Role != "assistant" || m2.Seq != reply.Seq {
		t.Fatalf("replay = %+v, %+v", m1, m2)
	}
}

func TestIdentityRefused(t *testing.T) {
	ts := newTestServer(t, nil)
	for name, tc := range map[string]struct {
		id   map[string]any
		code string
	}{
		"forged": {map[string]any{"customer_id": "cus_1001", "expires": time.Now().Add(time.Hour).Unix(), "signature": strings.Repeat("ab", 32)}, CodeIdentityInvalid},
		"swapped": {func() map[string]any {
			m := identity("cus_1002", time.Now().Add(time.Hour))
			m["customer_id"] = "cus_1001"
			return m
		}(), CodeIdentityInvalid},
		"expired": {identity("cus_1001", time.Now().Add(-time.Minute)), CodeIdentityExpired},
		"garbage": {map[string]any{"customer_id": "cus_1001", "expires": 1, "signature": "x"}, CodeIdentityInvalid},
	} {
		t.Run(name, func(t *testing.T) {
			c := ts.dial(nil)
			c.send(map[string]any{"type": "hello", "identity": tc.id})
			e := c.read()
			w := c.read()
			if e.Type != "error" || e.Code != tc.code || w.Type != "welcome" || w.Customer != nil {
				t.Fatalf("frames %+v, %+v", e, w)
			}
			// The conversation is anonymous: another customer's order is not
			// found without the order's email.
			if customer, err := ts.customerOf(w.ConversationID); err != nil || customer != 0 {
				t.Fatalf("conversation of customer %d, %v", customer, err)
			}
		})
	}
}

// A resume token does not reopen a signed-in shopper's conversation for a
// browser that is no longer signed in as them.
func TestResumeNeedsSameShopper(t *testing.T) {
	ts := newTestServer(t, nil)
	c := ts.dial(nil)
	w := c.hello(map[string]any{"identity": identity("cus_1001", time.Now().Add(time.Hour))})
	c2 := ts.dial(nil)
	w2 := c2.hello(map[string]any{"resume_token": w.ResumeToken})
	if w2.Resumed || w2.ConversationID == w.ConversationID {
		t.Fatalf("a guest resumed a signed-in conversation: %+v", w2)
	}
}

func TestBadOrigin(t *testing.T) {
	ts := newTestServer(t, func(c *Config) { c.AllowedOrigins = []string{"https://shop.example.com"} })
	_, resp, err := websocket.DefaultDialer.Dial(ts.url, http.Header{"Origin": {"https://evil.example.net"}})
	if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("bad origin: err %v resp %v", err, resp)
	}
	ts.dial(http.Header{"Origin": {"https://shop.example.com"}}).hello(nil)
	ts.dial(http.Header{"Origin": {"http://" + strings.TrimPrefix(ts.srv.URL, "http://")}}).hello(nil)
}

func TestMalformedFrames(t *testing.T) {
	ts := newTestServer(t, nil)
	c := ts.dial(nil)
	c.send(map[string]any{"type": "message", "client_id": "x", "text": "hi"})
	if f := c.read(); f.Code != CodeNotReady {
		t.Fatalf("message before hello: %+v", f)
	}
	c.hello(nil)
	for _, tc := range []struct {
		raw  string
		code string
	}{
		{`{not json`, CodeBadFrame},
		{`{"type":"message","client_id":5,"text":"hi"}`, CodeBadFrame},
		{`{"type":"warp"}`, CodeUnknownType},
		{`{"type":"message","client_id":"a","text":"   "}`, CodeInvalidMessage},
		{`{"type":"message","client_id":"a","text":"` + strings.Repeat("x", 2001) + `"}`, CodeInvalidMessage},
		{`{"type":"rate","rating":9}`, CodeBadFrame},
		{`{"type":"confirm","action_id":"x","answer":"maybe"}`, CodeBadFrame},
		{"\xff\xfe", CodeBadFrame},
	} {
		c.ws.WriteMessage(websocket.TextMessage, []byte(tc.raw))
		if f := c.read(); f.Type != "error" || f.Code != tc.code {
			t.Errorf("%.40q: %+v, want %s", tc.raw, f, tc.code)
		}
	}
	c.ws.WriteMessage(websocket.BinaryMessage, []byte{1, 2, 3})
	if f := c.read(); f.Code != CodeBadFrame {
		t.Errorf("binary frame: %+v", f)
	}
	// The socket still works.
	c.send(map[string]any{"type": "message", "client_id": "ok", "text": "hello"})
	if a, _ := c.until(isType("ack")); a.ClientID != "ok" {
		t.Fatal(a)
	}
}

func TestOversizeFrameCloses(t *testing.T) {
	ts := newTestServer(t, nil)
	c := ts.dial(nil)
	c.hello(nil)
	c.ws.WriteMessage(websocket.TextMessage, []byte(`{"type":"message","client_id":"a","text":"`+strings.Repeat("x", MaxFrameBytes)+`"}`))
	c.expectClose(websocket.CloseMessageTooBig)
}

func TestRateLimit(t *testing.T) {
	ts := newTestServer(t, func(c *Config) { c.MessageRate, c.MessageBurst = 1, 3 })
	c := ts.dial(nil)
	c.hello(nil)
	for i := 0; i < 6; i++ {
		c.send(map[string]any{"type": "message", "client_id": "m" + string(rune('a'+i)), "text": "hello"})
	}
	// The refusals come among the acks and the streamed answers.
	f, _ := c.until(func(f frame) bool { return f.Type == "error" })
	if f.Code != CodeRateLimited {
		t.Fatalf("error %+v, want rate_limited", f)
	}
}

func TestNoHelloClosed(t *testing.T) {
	ts := newTestServer(t, func(c *Config) { c.HelloTimeout = 200 * time.Millisecond })
	c := ts.dial(nil)
	c.expectClose(CloseNoHello)
}

// A reader that never reads is cut off with the slow code once its queue
// fills; a shopper in another conversation is answered meanwhile.
func TestSlowReaderCutOff(t *testing.T) {
	ts := newTestServer(t, func(c *Config) { c.SendQueue = 64; c.WriteWait = 500 * time.Millisecond })
	slow := ts.dial(nil)
	w := slow.hello(nil)
	c := ts.live(w.ConversationID)
	// Flood the slow socket's conversation with large frames until the
	// server gives up on it.
	big := mustJSON(deltaFrame{Type: "delta", Text: strings.Repeat("x", 60<<10)})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 4000; i++ {
			c.broadcast(big, 0)
			if ts.engine.metrics.SlowClients != nil && testutilCount(ts) > 0 {
				return
			}
		}
	}()
	other := ts.dial(nil)
	other.hello(nil)
	start := time.Now()
	other.send(map[string]any{"type": "message", "client_id": "q", "text": "hello"})
	other.until(answer)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("the other shopper waited %s", d)
	}
	<-done
	if testutilCount(ts) == 0 {
		t.Fatal("the slow socket was not cut off")
	}
	// The slow socket sees the close (after its buffered frames).
	slow.ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		_, _, err := slow.ws.ReadMessage()
		if err == nil {
			continue
		}
		var ce *websocket.CloseError
		if errors.As(err, &ce) && ce.Code != CloseSlow {
			t.Errorf("close code %d, want %d", ce.Code, CloseSlow)
		}
		break
	}
}

func (ts *testServer) live(id string) *conversation {
	ts.t.Helper()
	c := ts.engine.live(id)
	if c == nil {
		ts.t.Fatal("no live conversation")
	}
	return c
}

func testutilCount(ts *testServer) float64 {
	var m = &dtoCounter{}
	ts.engine.metrics.SlowClients.Write(m.metric())
	return m.value()
}

// In the queued and human states the bot stays silent: messages are
// stored and acknowledged, and no answer comes.
func TestHandoffAndHumanState(t *testing.T) {
	ts := newTestServer(t, nil)
	c := ts.dial(nil)
	w := c.hello(nil)
	c.send(map[string]any{"type": "message", "client_id": "h", "text": "I want to talk to a real person"})
	st, _ := c.until(isType("state"))
	if st.State != "queued" {
		t.Fatalf("state = %+v", st)
	}
	events, _ := ts.st.Events(context.Background(), w.ConversationID)
	var kinds []string
	for _, e := range events {
		kinds = append(kinds, e.Kind+":"+e.ToState)
	}
	if !strings.Contains(strings.Join(kinds, ","), "handoff_requested:,state:queued") {
		t.Errorf("events = %v", kinds)
	}
	if err := ts.engine.SetState(context.Background(), w.ConversationID, store.StateHuman, StaffMember{Name: "Mei"}); err != nil {
		t.Fatal(err)
	}
	if f, _ := c.until(isType("state")); f.State != "human" {
		t.Fatalf("state = %+v", f)
	}
	c.send(map[string]any{"type": "message", "client_id": "h2", "text": "hello? anyone?"})
	c.until(isType("ack"))
	for {
		c.ws.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
		var f frame
		if err := c.ws.ReadJSON(&f); err != nil {
			break // silence
		}
		if (f.Type == "message" && f.Role == "user" && f.ClientID == "h2") || f.Type == "typing" {
			continue // the shopper's own message, echoed to their tabs; typing stops
		}
		t.Fatalf("the bot answered in human state: %+v", f)
	}
	conv, _ := ts.st.Conversation(context.Background(), w.ConversationID)
	if conv.State != store.StateHuman {
		t.Fatalf("stored state %s", conv.State)
	}
}

// Confirm buttons run the previewed change once, even when pressed twice.
func TestConfirmButton(t *testing.T) {
	ts := newTestServer(t, nil)
	c := ts.dial(nil)
	c.hello(map[string]any{"identity": identity("cus_1003", time.Now().Add(time.Hour))}) // Chloe Martin
	c.send(map[string]any{"type": "message", "client_id": "c1", "text": "please cancel KF-10054, I ordered it by mistake"})
	conf, _ := c.until(isType("confirm"))
	if conf.ActionID == "" {
		t.Fatalf("confirm = %+v", conf)
	}
	c.send(map[string]any{"type": "confirm", "action_id": conf.ActionID, "answer": "yes"})
	c.send(map[string]any{"type": "confirm", "action_id": conf.ActionID, "answer": "yes"})
	reply, _ := c.until(func(f frame) bool { return answer(f) && strings.Contains(f.Text, "cancelled") })
	if !strings.Contains(reply.Text, "KF-10054") {
		t.Fatalf("reply = %+v", reply)
	}
	o, _ := ts.st.OrderByNumber(context.Background(), "KF-10054")
	if o.Status != store.OrderCancelled {
		t.Fatalf("order %s", o.Status)
	}
}

func TestGracefulShutdown(t *testing.T) {
	ts := newTestServer(t, nil)
	c := ts.dial(nil)
	w := c.hello(nil)
	c.send(map[string]any{"type": "message", "client_id": "last", "text": "hello"})
	ack, _ := c.until(isType("ack"))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := ts.engine.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	c.expectClose(CloseShutdown)
	ms, _ := ts.st.Messages(context.Background(), w.ConversationID, 0, 10)
	if len(ms) == 0 || ms[0].Seq != ack.Seq {
		t.Fatalf("acknowledged message not stored: %+v", ms)
	}
	// New sockets are refused.
	if _, resp, err := websocket.DefaultDialer.Dial(ts.url, nil); err == nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("dial after shutdown: %v %v", err, resp)
	}
}

func TestIdleSocketClosed(t *testing.T) {
	ts := newTestServer(t, func(c *Config) { c.IdleTimeout = 300 * time.Millisecond })
	c := ts.dial(nil)
	c.hello(nil)
	c.expectClose(CloseIdle)
}

// A click on a recommended product is recorded for the dashboard.
func TestRecommendationClick(t *testing.T) {
	ts := newTestServer(t, nil)
	c := ts.dial(nil)
	w := c.hello(nil)
	c.send(map[string]any{"type": "click"})
	if f := c.read(); f.Code != CodeBadFrame {
		t.Fatalf("click without a sku: %+v", f)
	}
	c.send(map[string]any{"type": "message", "client_id": "m", "text": "hello"}) // a conversation with a message
	c.until(answer)
	ps, err := ts.st.Products(context.Background())
	if err != nil || len(ps) == 0 {
		t.Fatalf("products: %d, %v", len(ps), err)
	}
	sku := ps[0].SKU // one the shop has: a made-up one is not counted
	c.send(map[string]any{"type": "click", "sku": sku})
	// A click is answered with no frame; the store shows it.
	waitFor(t, "the click on "+sku+" to be stored as an event", func() bool {
		evs, _ := ts.st.Events(context.Background(), w.ConversationID)
		return len(evs) > 0 && evs[len(evs)-1].Kind == "recommendation_click" && strings.Contains(string(evs[len(evs)-1].Data), sku)
	})
	days, err := ts.st.DailyStats(context.Background(), time.Now().Add(-time.Hour), time.Now().Add(time.Hour), "")
	if err != nil || len(days) != 1 || days[0].Clicks != 1 {
		t.Fatalf("stats = %+v, %v", days, err)
	}
}
