package chat

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/tmc/langchaingo/llms"

	"github.com/kefu-dev/kefu/agents"
	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/tools"
)

// callModel is a streaming model that reports each call, with the last
// shopper text it was given, and streams "answer N" for its Nth call. A
// call with hang set streams its first token and then waits for its
// context, as a stalled model does.
type callModel struct {
	calls  chan modelCall
	mu     sync.Mutex
	n      int
	hang   map[int]bool
	cancel chan int // receives N when call N saw its context end
}

type modelCall struct {
	n        int
	lastText string
}

func (m *callModel) GenerateContent(ctx context.Context, msgs []llms.MessageContent, options ...llms.CallOption) (*llms.ContentResponse, error) {
	var o llms.CallOptions
	for _, opt := range options {
		opt(&o)
	}
	m.mu.Lock()
	m.n++
	n, hang := m.n, m.hang[m.n]
	m.mu.Unlock()
	last := ""
	if len(msgs) > 0 && msgs[len(msgs)-1].Role == llms.ChatMessageTypeHuman {
		last = fmt.Sprint(msgs[len(msgs)-1].Parts[0])
	}
	m.calls <- modelCall{n, last}
	tokens := []string{"answer ", fmt.Sprint(n)}
	for i, tok := range tokens {
		if err := o.StreamingFunc(ctx, []byte(tok)); err != nil {
			return nil, err
		}
		if i == 0 && hang {
			<-ctx.Done()
			m.cancel <- n
			return nil, ctx.Err()
		}
	}
	return &llms.ContentResponse{Choices: []*llms.ContentChoice{{Content: strings.Join(tokens, "")}}}, nil
}

func (m *callModel) Call(ctx context.Context, p string, o ...llms.CallOption) (string, error) {
	return llms.GenerateFromSinglePrompt(ctx, m, p, o...)
}

// earlyServer is an engine whose turns open their feed at once (so that
// only the gate holds a turn's frames back) around model, and a shopper
// whose first message was answered.
func earlyServer(t *testing.T, model *callModel, leases bool) (*testServer, *client, string) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "kefu.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	runner := &agents.Runner{Model: agents.Model{Model: model, Name: "calls"}, Tools: tools.Default(st, tools.Policy{}), Logger: log}
	cfg := Config{FeedDelay: -1, DeltaEvery: -1}
	if leases { // as every node of several does
		cfg.TurnLocks = &TurnLeases{Store: st, Node: "node", Log: log}
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
	c := ts.dial(nil)
	id := c.hello(nil).ConversationID
	c.send(map[string]any{"type": "message", "client_id": "m1", "text": "hello"})
	nextCall(t, model, "the first message was not answered")
	if f, _ := c.until(answer); f.Text != "answer 1" {
		t.Fatalf("first answer %q", f.Text)
	}
	// A turn starts early only when none runs: wait for the first to end.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		lc := e.live(id)
		lc.mu.Lock()
		running := lc.running
		lc.mu.Unlock()
		if !running {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the first turn did not end")
		}
	}
	return ts, c, id
}

// nextCall waits for the model's next call.
func nextCall(t *testing.T, m *callModel, why string) modelCall {
	t.Helper()
	select {
	case call := <-m.calls:
		return call
	case <-time.After(10 * time.Second):
		t.Fatal(why)
		return modelCall{}
	}
}

// lockDatabase takes the database's write lock in another connection, as
// another process would, until the returned func is called.
func lockDatabase(t *testing.T, st *store.Store) (unlock func()) {
	t.Helper()
	ctx := context.Background()
	db, err := sql.Open("sqlite3", "file:"+(&url.URL{Path: st.Path()}).EscapedPath()+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	lock, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lock.ExecContext(ctx, `BEGIN EXCLUSIVE`); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	unlock = func() {
		once.Do(func() {
			if _, err := lock.ExecContext(ctx, `ROLLBACK`); err != nil {
				t.Error(err)
			}
			lock.Close()
			db.Close()
		})
	}
	t.Cleanup(unlock)
	return unlock
}

// The model is called while the shopper's message is still being
// committed, with that message last in its history; yet the shopper sees
// nothing of the turn (typing, streamed text) before the message's ack,
// and the answer is stored after the message.
func TestTurnStartsBeforeItsMessageIsStored(t *testing.T) {
	for _, leases := range []bool{false, true} {
		t.Run(fmt.Sprintf("leases %v", leases), func(t *testing.T) { turnStartsBeforeItsMessageIsStored(t, leases) })
	}
}

// With turn leases (several nodes), a turn starts early on the lease its
// node kept from the conversation's last turn, and its answer records in
// the lease the seq of the message it answers, stored after it started.
func turnStartsBeforeItsMessageIsStored(t *testing.T, leases bool) {
	model := &callModel{calls: make(chan modelCall, 4)}
	ts, c, id := earlyServer(t, model, leases)
	unlock := lockDatabase(t, ts.st)

	c.send(map[string]any{"type": "message", "client_id": "m2", "text": "where is my parcel?"})
	call := nextCall(t, model, "the model was not called while the message's commit waited for the database")
	if call.lastText != "where is my parcel?" {
		t.Fatalf("the model's history ends with %q, not the message it answers", call.lastText)
	}
	// The model has streamed its whole answer while the commit still
	// waits; release the database.
	unlock()

	reply, before := c.until(answer)
	acked := false
	var streamed strings.Builder
	for _, f := range before {
		switch {
		case f.Type == "ack" && f.ClientID == "m2":
			acked = true
		case (f.Type == "typing" || f.Type == "delta" || f.Type == "activity") && !acked:
			t.Fatalf("a %s frame reached the shopper before the message's ack: %+v", f.Type, before)
		case f.Type == "delta":
			streamed.WriteString(f.Text)
		}
	}
	if !acked {
		t.Fatalf("no ack before the answer: %+v", before)
	}
	if reply.Text != "answer 2" || streamed.String() != "answer 2" {
		t.Fatalf("answer %q, streamed %q", reply.Text, streamed.String())
	}
	ms, err := ts.st.Messages(context.Background(), id, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, m := range ms {
		order = append(order, m.Role+":"+m.Text)
	}
	if got := strings.Join(order, " | "); !strings.HasSuffix(got, "user:where is my parcel? | assistant:answer 2") {
		t.Fatalf("stored %s", got)
	}
	if leases {
		asked := ms[len(ms)-2].Seq
		if l, exp, err := ts.st.TurnLeaseOf(context.Background(), id); err != nil || l.Fence != 1 || l.AnsweredThrough != asked || exp.IsZero() {
			t.Fatalf("lease %+v (expires %v, %v): want the first turn's, kept (fence 1), answered through seq %d", l, exp, err, asked)
		}
	}
}

// When the message's commit fails, the turn that started beside it is
// cancelled (its model call sees its context end) and leaves nothing: no
// frame of it reaches the shopper, nothing of it is stored; the retry is
// answered once, by a turn of its own.
func TestTurnOfAnUnstoredMessageIsDropped(t *testing.T) {
	model := &callModel{calls: make(chan modelCall, 4), hang: map[int]bool{2: true}, cancel: make(chan int, 1)}
	ts, c, id := earlyServer(t, model, false)
	if err := ts.st.SetWriteBusyTimeout(context.Background(), 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	unlock := lockDatabase(t, ts.st)

	c.send(map[string]any{"type": "message", "client_id": "m2", "text": "where is my parcel?"})
	if call := nextCall(t, model, "the model was not called while the message's commit waited for the database"); call.n != 2 {
		t.Fatalf("model call %d", call.n)
	}
	f, before := c.until(func(f frame) bool { return f.Type == "error" || f.Type == "ack" })
	if f.Type != "error" || f.Code != CodeNotSaved || f.ClientID != "m2" {
		t.Fatalf("got %+v, want not_saved for m2", f)
	}
	for _, f := range before {
		if f.Type == "typing" || f.Type == "delta" || f.Type == "message" {
			t.Fatalf("a %s frame of a turn whose message was not stored reached the shopper: %+v", f.Type, before)
		}
	}
	select {
	case n := <-model.cancel:
		if n != 2 {
			t.Fatalf("call %d cancelled", n)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the model call of a turn whose message was not stored was not cancelled")
	}
	unlock()

	c.send(map[string]any{"type": "message", "client_id": "m2", "text": "where is my parcel?"})
	if call := nextCall(t, model, "the retry was not answered"); call.n != 3 || call.lastText != "where is my parcel?" {
		t.Fatalf("retry: model call %+v", call)
	}
	reply, before := c.until(answer)
	var streamed strings.Builder
	for _, f := range before {
		if f.Type == "delta" {
			streamed.WriteString(f.Text)
		}
	}
	if reply.Text != "answer 3" || streamed.String() != "answer 3" {
		t.Fatalf("answer %q, streamed %q", reply.Text, streamed.String())
	}
	ms, err := ts.st.Messages(context.Background(), id, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, m := range ms {
		order = append(order, m.Role+":"+m.Text)
	}
	if got, want := strings.Join(order, " | "), "user:hello | assistant:answer 1 | user:where is my parcel? | assistant:answer 3"; got != want {
		t.Fatalf("stored %s\nwant   %s", got, want)
	}
}
