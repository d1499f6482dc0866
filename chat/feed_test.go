package chat

import (
	"context"
	"fmt"
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
	"github.com/kefu-dev/kefu/tools"
)

// tokenModel streams its answer a token at a time, every few milliseconds.
type tokenModel struct {
	tokens []string
	gap    time.Duration
}

func (m *tokenModel) GenerateContent(ctx context.Context, _ []llms.MessageContent, options ...llms.CallOption) (*llms.ContentResponse, error) {
	var o llms.CallOptions
	for _, opt := range options {
		opt(&o)
	}
	for _, tok := range m.tokens {
		if o.StreamingFunc != nil {
			if err := o.StreamingFunc(ctx, []byte(tok)); err != nil {
				return nil, err
			}
		}
		time.Sleep(m.gap) // the model's pace
	}
	return &llms.ContentResponse{Choices: []*llms.ContentChoice{{Content: strings.Join(m.tokens, "")}}}, nil
}

func (m *tokenModel) Call(ctx context.Context, p string, o ...llms.CallOption) (string, error) {
	return llms.GenerateFromSinglePrompt(ctx, m, p, o...)
}

// A model streaming a token every 2 ms reaches the shopper as a few delta
// frames, at most one per DeltaEvery, whose text is the whole answer; the
// first token is not held back.
func TestDeltasCoalesced(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "kefu.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var tokens []string
	for i := range 150 {
		tokens = append(tokens, fmt.Sprintf("w%d ", i))
	}
	model := &tokenModel{tokens: tokens, gap: 2 * time.Millisecond}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	runner := &agents.Runner{Model: agents.Model{Model: model, Name: "tokens"}, Tools: tools.Default(st, tools.Policy{}), Logger: log}
	const every = 50 * time.Millisecond
	e := NewEngine(st, runner, Config{FeedDelay: -1, DeltaEvery: every}, log, prometheus.NewRegistry())
	srv := httptest.NewServer(http.HandlerFunc(e.ServeWS))
	defer srv.Close()
	defer e.Shutdown(ctx)
	ts := &testServer{t: t, st: st, engine: e, srv: srv, url: "ws" + strings.TrimPrefix(srv.URL, "http")}

	c := ts.dial(nil)
	c.hello(nil)
	start := time.Now()
	c.send(map[string]any{"type": "message", "client_id": "m", "text": "tell me a long story"})
	reply, before := c.until(answer)
	took := time.Since(start)
	var streamed strings.Builder
	deltas := 0
	for _, f := range before {
		if f.Type == "delta" {
			deltas++
			streamed.WriteString(f.Text)
		}
	}
	// The answer is stored trimmed; the stream is as the model wrote it.
	if strings.TrimSpace(streamed.String()) != reply.Text || reply.Text != strings.TrimSpace(strings.Join(tokens, "")) {
		t.Fatalf("streamed %q\nanswer %q", streamed.String(), reply.Text)
	}
	// One frame at once, then at most one per interval.
	if most := 2 + int(took/every); deltas > most || deltas < 2 {
		t.Fatalf("%d delta frames for %d tokens in %s; want 2 to %d", deltas, len(tokens), took, most)
	}
	t.Logf("%d tokens in %s reached the shopper in %d delta frames", len(tokens), took.Round(time.Millisecond), deltas)
}
