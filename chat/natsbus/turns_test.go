package natsbus

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/kefu-dev/kefu/agents"
	"github.com/kefu-dev/kefu/chat"
	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/store/demo"
)

// gate holds a node's turns until the test opens it, and counts them: the
// real agent answers once it is open.
type gate struct {
	agent   chat.Agent
	entered chan string // a turn started (conversation id)
	open    chan struct{}
	turns   atomic.Int32
	// returned, if set before open is closed, is closed when a turn
	// returns (its answer's commit has been tried).
	returned chan struct{}
}

func (g *gate) Turn(ctx context.Context, t agents.Turn, ev agents.Events) (agents.Result, error) {
	g.turns.Add(1)
	select {
	case g.entered <- t.ConversationID:
	default:
	}
	select {
	case <-g.open:
	case <-ctx.Done():
		return agents.Result{}, ctx.Err()
	}
	res, err := g.agent.Turn(ctx, t, ev)
	if g.returned != nil {
		close(g.returned)
	}
	return res, err
}

// startLeasedNode is startNode with turn leases (as kefu serve runs with
// KEFU_NATS_URL) and its turns behind a gate.
func startLeasedNode(t *testing.T, dbPath, natsURL, name string, seed, leases bool) (*node, *gate) {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := store.Open(ctx, dbPath, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if seed {
		if _, err := st.Import(ctx, demo.Dataset(time.Now())); err != nil {
			t.Fatal(err)
		}
	}
	bus, err := Connect(natsURL, Options{Log: log, Name: name})
	if err != nil {
		t.Fatal(err)
	}
	runner, err := agents.NewRunner(ctx, st, agents.Options{Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	g := &gate{agent: runner, entered: make(chan string, 8), open: make(chan struct{})}
	cfg := chat.Config{Bus: bus}
	if leases {
		cfg.TurnLocks = &chat.TurnLeases{Store: st, Node: name, Log: log}
	}
	e := chat.NewEngine(st, g, cfg, log, prometheus.NewRegistry())
	srv := httptest.NewServer(http.HandlerFunc(e.ServeWS))
	t.Cleanup(func() {
		srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		e.Shutdown(ctx)
		bus.Close()
		st.Close()
	})
	return &node{engine: e, store: st, bus: bus, url: "ws" + strings.TrimPrefix(srv.URL, "http")}, g
}

// A shopper writes on node A, and while A's turn runs opens the widget
// again on node B, which finds the message unanswered (as after a
// crash) and queues a turn for it. With turn leases B waits for A's
// lease, sees A answered the message, and does not answer it again: one
// answer, which both tabs get. (Without leases B answered it too.)
func TestOneAnswerWhenAShopperIsOnTwoNodes(t *testing.T) {
	{
		ns := startNATS(t)
		db := filepath.Join(t.TempDir(), "kefu.db")
		a, ga := startLeasedNode(t, db, ns.ClientURL(), "node-a", true, true)
		b, gb := startLeasedNode(t, db, ns.ClientURL(), "node-b", false, true)
		close(gb.open) // B answers at once if it answers at all
		ctx := context.Background()

		s, w := dial(t, a.url, map[string]any{})
		s.send(map[string]any{"type": "message", "client_id": "m1", "text": "how long does shipping to Canada take"})
		ack := s.until(func(f frame) bool { return f.Type == "ack" })
		<-ga.entered // A's turn runs (and holds the lease)

		r, _ := dial(t, b.url, map[string]any{"resume_token": w.ResumeToken, "last_seq": ack.Seq})
		// B has queued its turn for the unanswered message: it waits for
		// A's lease. A answers.
		close(ga.open)
		got := s.until(func(f frame) bool { return f.Type == "message" && f.Role == store.RoleAssistant })
		if got2 := r.until(func(f frame) bool { return f.Type == "message" && f.Role == store.RoleAssistant }); got2.Seq != got.Seq {
			t.Fatalf("the tab on B got answer seq %d, the tab on A %d", got2.Seq, got.Seq)
		}
		// Wait until B has decided: it asked A for the lease, which A
		// keeps between turns, took it after A's turn (and keeps it in
		// turn), and found the message answered.
		deadline := time.Now().Add(10 * time.Second)
		for {
			if gb.turns.Load() > 0 {
				t.Fatalf("node B ran a turn for seq %d, which node A answered", ack.Seq)
			}
			l, expires, err := b.store.TurnLeaseOf(ctx, w.ConversationID)
			if err != nil {
				t.Fatal(err)
			}
			if l != nil && l.Fence == 2 && l.Node == "node-b" && l.AnsweredThrough == ack.Seq && !expires.IsZero() {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("node B never took the lease after node A: %+v, expires %v", l, expires)
			}
			time.Sleep(10 * time.Millisecond)
		}
		// The tab on B closes: B, its turn loop over, leaves the
		// conversation and releases the lease.
		r.ws.Close()
		for {
			l, expires, err := b.store.TurnLeaseOf(ctx, w.ConversationID)
			if err != nil {
				t.Fatal(err)
			}
			if l.Node == "node-b" && expires.IsZero() {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("node B kept the lease of a conversation it left: %+v, expires %v", l, expires)
			}
			time.Sleep(10 * time.Millisecond)
		}
		if gb.turns.Load() > 0 {
			t.Fatalf("node B ran a turn for seq %d, which node A answered", ack.Seq)
		}
		ms, err := a.store.Messages(ctx, w.ConversationID, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		answers := 0
		for _, m := range ms {
			if m.Role == store.RoleAssistant && len(m.ToolCalls) == 0 {
				answers++
			}
		}
		if answers != 1 {
			t.Fatalf("%d answers stored for one message", answers)
		}
	}
}

// A node whose turn stalls past its lease (here: the lease passes to node
// B behind its back, before A's next renewal could notice) does not
// commit its late answer: the commit checks the fence, so the message is
// left to the lease's new holder, and the shopper gets neither A's answer
// nor an error from A.
func TestAStalledNodeIsFencedOut(t *testing.T) {
	ns := startNATS(t)
	db := filepath.Join(t.TempDir(), "kefu.db")
	a, ga := startLeasedNode(t, db, ns.ClientURL(), "node-a", true, true)
	ctx := context.Background()

	s, w := dial(t, a.url, map[string]any{})
	s.send(map[string]any{"type": "message", "client_id": "m1", "text": "how long does shipping to Canada take"})
	s.until(func(f frame) bool { return f.Type == "ack" })
	<-ga.entered // A's turn runs and holds the lease
	l, _, err := a.store.TurnLeaseOf(ctx, w.ConversationID)
	if err != nil || l == nil || l.Node != "node-a" {
		t.Fatalf("A's lease: %+v, %v", l, err)
	}
	if ok, err := a.store.ReleaseTurnLease(ctx, l, 0); !ok || err != nil {
		t.Fatalf("release: %v %v", ok, err)
	}
	if _, err := a.store.TakeTurnLease(ctx, w.ConversationID, "node-b", time.Minute); err != nil {
		t.Fatal(err)
	}
	returned := make(chan struct{})
	ga.returned = returned
	close(ga.open)
	select {
	case <-returned:
	case <-time.After(10 * time.Second):
		t.Fatal("A's turn did not end")
	}
	ms, err := a.store.Messages(ctx, w.ConversationID, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Role != store.RoleUser {
			t.Errorf("stored after the lease passed: %s %q", m.Role, m.Text)
		}
	}
}
