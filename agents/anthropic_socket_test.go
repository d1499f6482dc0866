package agents_test

import (
	"context"
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
	"github.com/kefu-dev/kefu/chat"
	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/store/demo"
)

// End to end on KEFU_LLM=anthropic: a guest on a real chat socket asks
// for an order with its email; the engine runs the turn on the anthropic
// provider as NewRunner wires it, the fake Messages API streams a sentence
// and a lookup_order call in input_json_delta pieces, then the answer; the
// shopper gets the ack, the activity, the answer's deltas and the answer,
// and the lookup ran with the email (the result says delivered).
func TestAnthropicOverAChatSocket(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "kefu.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Import(ctx, demo.Dataset(time.Now())); err != nil {
		t.Fatal(err)
	}
	answer := []string{"Your order KF-10031 ", "was delivered ", "5 days ago."}
	ai := newFakeAnthropic(t,
		anthReply{Text: []string{"One moment, ", "I'll check."}, Calls: []wireCall{{ID: "toolu_W1", Name: "lookup_order",
			Args: []string{`{"order_number": "KF-`, `10031", "email": "` + hannahEmail, `"}`}}}, Usage: [2]int{900, 40}},
		anthReply{Text: answer, Usage: [2]int{1200, 20}},
	)
	defer ai.srv.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	runner, err := agents.NewRunner(ctx, st, agents.Options{
		Provider: agents.ProviderConfig{Kind: agents.ProviderAnthropic, BaseURL: ai.srv.URL + "/v1", APIKey: "sk-ant-test", Model: "claude-test"},
		Logger:   log,
	})
	if err != nil {
		t.Fatal(err)
	}
	// The feed opens at once: the deltas are what this test follows.
	cfg := chat.Config{IdentitySecret: []byte(strings.Repeat("s", 32)), FeedDelay: -1}
	e := chat.NewEngine(st, runner, cfg, log, prometheus.NewRegistry())
	srv := httptest.NewServer(http.HandlerFunc(e.ServeWS))
	defer func() {
		srv.Close()
		sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		e.Shutdown(sctx)
	}()
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	type frame struct {
		Type           string `json:"type"`
		ConversationID string `json:"conversation_id"`
		ClientID       string `json:"client_id"`
		Role           string `json:"role"`
		Text           string `json:"text"`
		Code           string `json:"code"`
		Message        string `json:"message"`
		Reset          bool   `json:"reset"`
	}
	read := func() frame {
		t.Helper()
		ws.SetReadDeadline(time.Now().Add(20 * time.Second)) // a bound on a hung turn, not a speed check
		var f frame
		if err := ws.ReadJSON(&f); err != nil {
			t.Fatalf("read: %v", err)
		}
		if f.Type == "error" {
			t.Fatalf("error frame %s: %s", f.Code, f.Message)
		}
		return f
	}
	if err := ws.WriteJSON(map[string]any{"type": "hello", "locale": "en"}); err != nil {
		t.Fatal(err)
	}
	var conv string
	for conv == "" {
		conv = read().ConversationID
	}
	question := "Where is my order KF-10031? My email is " + hannahEmail
	if err := ws.WriteJSON(map[string]any{"type": "message", "client_id": "c1", "text": question}); err != nil {
		t.Fatal(err)
	}
	var acked, activity bool
	var streamed strings.Builder
	var final frame
	for final.Type == "" {
		switch f := read(); {
		case f.Type == "ack" && f.ClientID == "c1":
			acked = true
		case f.Type == "activity":
			activity = true
		case f.Type == "delta" && f.Reset:
			streamed.Reset()
		case f.Type == "delta":
			streamed.WriteString(f.Text)
		case f.Type == "message" && f.Role == "assistant":
			final = f
		}
	}
	want := strings.Join(answer, "")
	if !acked || !activity || final.Text != want {
		t.Errorf("acked %v, activity %v, answer %q, want %q", acked, activity, final.Text, want)
	}
	if !strings.HasSuffix(streamed.String(), want) || strings.ContainsAny(streamed.String(), "{}") {
		t.Errorf("streamed %q, want shopper text ending in the answer", streamed.String())
	}
	reqs := ai.requests()
	if len(reqs) != 2 {
		t.Fatalf("the Messages API got %d requests, want 2", len(reqs))
	}
	uses, results := lastToolExchange(t, reqs[1])
	if len(uses) != 1 || len(results) != 1 || !strings.Contains(resultText(t, results[0]), `"delivered"`) {
		t.Errorf("tool_use %+v, tool_result %+v", uses, results)
	}
	ms, err := st.Messages(ctx, conv, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	last := ms[len(ms)-1]
	if last.Model != anthropicName || last.Text != want || last.TokensIn != 1200 {
		t.Errorf("stored answer %+v", last)
	}
}
