package chat

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

	"github.com/prometheus/client_golang/prometheus"
	"github.com/tmc/langchaingo/llms"

	"github.com/kefu-dev/kefu/agents"
	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/store/demo"
	"github.com/kefu-dev/kefu/tools"
)

// slowModel takes its time, then answers, unless cancelled first.
type slowModel struct{ started chan struct{} }

func (m *slowModel) GenerateContent(ctx context.Context, _ []llms.MessageContent, _ ...llms.CallOption) (*llms.ContentResponse, error) {
	close(m.started)
	select {
	case <-time.After(2 * time.Second):
		return &llms.ContentResponse{Choices: []*llms.ContentChoice{{Content: "late answer from the bot"}}}, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (m *slowModel) Call(ctx context.Context, p string, o ...llms.CallOption) (string, error) {
	return llms.GenerateFromSinglePrompt(ctx, m, p, o...)
}

// Taking over while the bot is answering stops it at once: its answer is
// neither stored nor shown.
func TestTakeoverCancelsTurn(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "kefu.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Import(ctx, demo.Dataset(time.Now())); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	slow := &slowModel{started: make(chan struct{})}
	runner := &agents.Runner{Model: agents.Model{Model: slow, Name: "slow"}, Tools: tools.Default(st, tools.Policy{}), Logger: log}
	e := NewEngine(st, runner, Config{}, log, prometheus.NewRegistry())
	srv := httptest.NewServer(http.HandlerFunc(e.ServeWS))
	defer srv.Close()
	defer e.Shutdown(ctx)
	ts := &testServer{t: t, st: st, engine: e, srv: srv, url: "ws" + strings.TrimPrefix(srv.URL, "http")}

	c := ts.dial(nil)
	w := c.hello(nil)
	c.send(map[string]any{"type": "message", "client_id": "m", "text": "hello?"})
	c.until(isType("ack"))
	<-slow.started
	staff := StaffMember{ID: 1, Name: "Mei"}
	hash := "x"
	st.CreateStaff(ctx, &store.Staff{Email: "mei@example.com", Name: "Mei", Role: store.RoleAgent, PasswordHash: hash})
	start := time.Now()
	if err := e.TakeOver(ctx, w.ConversationID, staff); err != nil {
		t.Fatal(err)
	}
	f, _ := c.until(isType("state"))
	if f.State != "human" {
		t.Fatalf("state %+v", f)
	}
	if time.Since(start) > time.Second {
		t.Errorf("take-over took %s", time.Since(start))
	}
	// The turn ends, counted as cancelled: an error frame or a late answer
	// from it would have been sent before its outcome is counted.
	outcome := func(o string) float64 {
		var m dtoCounter
		e.metrics.Turns.WithLabelValues(o).Write(m.metric())
		return m.value()
	}
	waitFor(t, "the cancelled turn to end", func() bool {
		return outcome("cancelled")+outcome("answered")+outcome("error")+outcome("handoff") > 0
	})
	if outcome("cancelled") != 1 {
		t.Fatalf("the turn ended answered %v, error %v, handoff %v: not cancelled", outcome("answered"), outcome("error"), outcome("handoff"))
	}
	// The shopper sees no error either: the next thing they get is the ack
	// of their next message.
	c.send(map[string]any{"type": "message", "client_id": "m2", "text": "are you there?"})
	_, before := c.until(isType("ack"))
	for _, f := range before {
		if f.Type == "error" || (f.Type == "message" && f.Role == "assistant") {
			t.Fatalf("after the take-over the shopper got %+v", f)
		}
	}
	ms, _ := st.Messages(ctx, w.ConversationID, 0, 100)
	for _, m := range ms {
		if m.Role == store.RoleAssistant {
			t.Fatalf("the cancelled turn stored an answer: %+v", m)
		}
	}
}
