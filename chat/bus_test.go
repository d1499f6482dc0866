package chat

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/kefu-dev/kefu/agents"
	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/store/demo"
)

// relay is a bus between engines in one process, shaped like one between
// nodes: the publishing node's handler runs at once; each other node gets
// a copy, in order, from its own queue, without the sending socket.
type relay struct {
	mu    sync.Mutex
	nodes []*relayNode
}

type relayNode struct {
	r      *relay
	handle func(Event)
	in     chan Event
}

func (r *relay) node(t *testing.T) *relayNode {
	n := &relayNode{r: r, in: make(chan Event, 1024)}
	r.mu.Lock()
	r.nodes = append(r.nodes, n)
	r.mu.Unlock()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev := range n.in {
			n.handle(ev)
		}
	}()
	t.Cleanup(func() { close(n.in); <-done })
	return n
}

func (n *relayNode) Subscribe(h func(Event)) { n.handle = h }

func (n *relayNode) Publish(ev Event) {
	n.handle(ev)
	ev.from = nil
	if ev.Message != nil {
		m := *ev.Message
		ev.Message = &m
	}
	n.r.mu.Lock()
	defer n.r.mu.Unlock()
	for _, o := range n.r.nodes {
		if o != n {
			o.in <- ev
		}
	}
}

// Two engines on one database, joined by a bus: a staff member on node B
// takes over a shopper connected to node A. The bot on A stops, the
// shopper is told who joined, the staff reply sent on B reaches the
// shopper on A, and B's console sees the shopper's messages from A. With
// a bus that stays on one node, A keeps answering as the bot.
func TestTakeoverAcrossNodesOverTheBus(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "kefu.db")
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	bus := &relay{}
	node := func(seed bool) (*Engine, *store.Store) {
		st, err := store.Open(ctx, path, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if seed {
			if _, err := st.Import(ctx, demo.Dataset(time.Now())); err != nil {
				t.Fatal(err)
			}
		}
		runner, err := agents.NewRunner(ctx, st, agents.Options{Logger: log})
		if err != nil {
			t.Fatal(err)
		}
		e := NewEngine(st, runner, Config{IdentitySecret: testSecret, Bus: bus.node(t)}, log, prometheus.NewRegistry())
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			e.Shutdown(ctx)
			st.Close()
		})
		return e, st
	}
	a, st := node(true)
	b, _ := node(false)
	srvA := httptest.NewServer(http.HandlerFunc(a.ServeWS))
	defer srvA.Close()
	staff := StaffMember{ID: 1, Name: "Mei"}
	if err := st.CreateStaff(ctx, &store.Staff{Email: "mei@example.com", Name: "Mei", Role: store.RoleAgent, PasswordHash: "x"}); err != nil {
		t.Fatal(err)
	}
	srvB := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { b.ServeStaffWS(w, r, staff) }))
	defer srvB.Close()

	ts := &testServer{t: t, st: st, engine: a, srv: srvA, url: "ws" + strings.TrimPrefix(srvA.URL, "http")}
	shopper := ts.dial(nil)
	w := shopper.hello(nil)
	shopper.send(map[string]any{"type": "message", "client_id": "m1", "text": "hello"})
	shopper.until(answer) // the bot answers on A

	console, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srvB.URL, "http"), http.Header{"Origin": {srvB.URL}})
	if err != nil {
		t.Fatal(err)
	}
	defer console.Close()
	if err := console.WriteJSON(map[string]string{"type": "watch", "conversation_id": w.ConversationID}); err != nil {
		t.Fatal(err)
	}

	if err := b.TakeOver(ctx, w.ConversationID, staff); err != nil {
		t.Fatal(err)
	}
	if f, _ := shopper.until(isType("state")); f.State != store.StateHuman {
		t.Fatalf("the shopper on A got %+v", f)
	}
	// The shopper writes on A: B's console shows it, and A's bot stays
	// silent (the next frame after the ack is the staff reply).
	shopper.send(map[string]any{"type": "message", "client_id": "m2", "text": "is a person there?"})
	shopper.until(isType("ack"))
	consoleSees(t, console, w.ConversationID, "is a person there?")
	if _, err := b.StaffReply(ctx, w.ConversationID, staff, "r1", "Hi, Mei here."); err != nil {
		t.Fatal(err)
	}
	f, before := shopper.until(func(f frame) bool { return f.Type == "message" && f.Role == store.RoleStaff })
	if f.Text != "Hi, Mei here." {
		t.Fatalf("staff reply on A: %+v", f)
	}
	for _, f := range before {
		if f.Type == "message" && f.Role == store.RoleAssistant {
			t.Fatalf("A's bot answered after the take-over on B: %+v", f)
		}
	}
}

// consoleSees reads a console socket until an entry of the conversation
// carries text.
func consoleSees(t *testing.T, ws *websocket.Conn, id, text string) {
	t.Helper()
	ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		var f struct {
			Type           string          `json:"type"`
			ConversationID string          `json:"conversation_id"`
			Entry          json.RawMessage `json:"entry"`
		}
		if err := ws.ReadJSON(&f); err != nil {
			t.Fatalf("the console on B never showed %q: %v", text, err)
		}
		if f.Type == "entry" && f.ConversationID == id && strings.Contains(string(f.Entry), text) {
			return
		}
	}
}
