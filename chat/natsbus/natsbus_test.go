package natsbus

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
	"github.com/nats-io/nats-server/v2/server"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/kefu-dev/kefu/agents"
	"github.com/kefu-dev/kefu/chat"
	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/store/demo"
)

// startNATS runs a NATS server in the test, on a random loopback port.
func startNATS(t *testing.T) *server.Server {
	t.Helper()
	s, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, NoLog: true, NoSigs: true})
	if err != nil {
		t.Fatal(err)
	}
	go s.Start()
	if !s.ReadyForConnections(5 * time.Second) {
		t.Fatal("nats server not ready")
	}
	t.Cleanup(s.Shutdown)
	return s
}

// node is one kefu engine on the shared database and the NATS bus.
type node struct {
	engine *chat.Engine
	store  *store.Store
	bus    *Bus
	url    string // the shopper socket
}

func startNode(t *testing.T, dbPath, natsURL string, seed bool) *node {
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
	bus, err := Connect(natsURL, Options{Log: log})
	if err != nil {
		t.Fatal(err)
	}
	runner, err := agents.NewRunner(ctx, st, agents.Options{Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	e := chat.NewEngine(st, runner, chat.Config{Bus: bus}, log, prometheus.NewRegistry())
	srv := httptest.NewServer(http.HandlerFunc(e.ServeWS))
	t.Cleanup(func() {
		srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		e.Shutdown(ctx)
		bus.Close()
		st.Close()
	})
	return &node{engine: e, store: st, bus: bus, url: "ws" + strings.TrimPrefix(srv.URL, "http")}
}

type frame struct {
	Type           string `json:"type"`
	ConversationID string `json:"conversation_id"`
	ResumeToken    string `json:"resume_token"`
	State          string `json:"state"`
	Staff          string `json:"staff"`
	Seq            int64  `json:"seq"`
	Role           string `json:"role"`
	Text           string `json:"text"`
}

type shopper struct {
	t  *testing.T
	ws *websocket.Conn
}

func dial(t *testing.T, url string, hello map[string]any) (*shopper, frame) {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	s := &shopper{t: t, ws: ws}
	hello["type"] = "hello"
	s.send(hello)
	return s, s.until(func(f frame) bool { return f.Type == "welcome" })
}

func (s *shopper) send(v any) {
	s.t.Helper()
	if err := s.ws.WriteJSON(v); err != nil {
		s.t.Fatal(err)
	}
}

// until reads frames until one matches; it fails after 10 s.
func (s *shopper) until(match func(frame) bool) frame {
	s.t.Helper()
	s.ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		var f frame
		if err := s.ws.ReadJSON(&f); err != nil {
			s.t.Fatalf("read: %v", err)
		}
		if match(f) {
			return f
		}
	}
}

func staffMessage(text string) func(frame) bool {
	return func(f frame) bool { return f.Type == "message" && f.Role == store.RoleStaff && f.Text == text }
}

// Two nodes on one database and a real NATS server: a staff member acting
// on node B takes over a shopper connected to node A, whose bot stops at
// once; the shopper sees who joined and gets B's reply live.
func TestTakeoverAcrossNodes(t *testing.T) {
	ns := startNATS(t)
	db := filepath.Join(t.TempDir(), "kefu.db")
	a := startNode(t, db, ns.ClientURL(), true)
	b := startNode(t, db, ns.ClientURL(), false)
	ctx := context.Background()
	if err := a.store.CreateStaff(ctx, &store.Staff{Email: "mei@example.com", Name: "Mei", Role: store.RoleAgent, PasswordHash: "x"}); err != nil {
		t.Fatal(err)
	}
	mei := chat.StaffMember{ID: 1, Name: "Mei"}

	s, w := dial(t, a.url, map[string]any{})
	s.send(map[string]any{"type": "message", "client_id": "m1", "text": "hello"})
	s.until(func(f frame) bool { return f.Type == "message" && f.Role == store.RoleAssistant })

	if err := b.engine.TakeOver(ctx, w.ConversationID, mei); err != nil {
		t.Fatal(err)
	}
	if f := s.until(func(f frame) bool { return f.Type == "state" }); f.State != store.StateHuman || f.Staff != "Mei" {
		t.Fatalf("the shopper on A got %+v", f)
	}
	s.send(map[string]any{"type": "message", "client_id": "m2", "text": "is a person there?"})
	s.until(func(f frame) bool { return f.Type == "ack" })
	if _, err := b.engine.StaffReply(ctx, w.ConversationID, mei, "r1", "Hi, Mei here."); err != nil {
		t.Fatal(err)
	}
	got := s.until(func(f frame) bool { return f.Type == "message" && f.Role != store.RoleUser })
	if got.Role != store.RoleStaff || got.Text != "Hi, Mei here." {
		t.Fatalf("after the take-over on B, the shopper on A got %+v (the bot must stay silent)", got)
	}
}

// An event the bus drops is not lost: node A is cut off from NATS while
// staff on B reply; the shopper on A sees nothing live, and gets the
// reply, once, by resuming after the last seq it saw.
func TestResumeCoversWhatTheBusDropped(t *testing.T) {
	ns := startNATS(t)
	db := filepath.Join(t.TempDir(), "kefu.db")
	a := startNode(t, db, ns.ClientURL(), true)
	b := startNode(t, db, ns.ClientURL(), false)
	ctx := context.Background()
	if err := a.store.CreateStaff(ctx, &store.Staff{Email: "mei@example.com", Name: "Mei", Role: store.RoleAgent, PasswordHash: "x"}); err != nil {
		t.Fatal(err)
	}
	mei := chat.StaffMember{ID: 1, Name: "Mei"}
	s, w := dial(t, a.url, map[string]any{})
	s.send(map[string]any{"type": "message", "client_id": "m1", "text": "hello"})
	last := s.until(func(f frame) bool { return f.Type == "message" && f.Role == store.RoleAssistant })
	if err := b.engine.TakeOver(ctx, w.ConversationID, mei); err != nil {
		t.Fatal(err)
	}
	s.until(func(f frame) bool { return f.Type == "state" })

	a.bus.nc.Close() // A hears nothing more from the other nodes
	if _, err := b.engine.StaffReply(ctx, w.ConversationID, mei, "r1", "Sorry for the wait."); err != nil {
		t.Fatal(err)
	}
	if _, err := b.engine.StaffReply(ctx, w.ConversationID, mei, "r2", "Your parcel left today."); err != nil {
		t.Fatal(err)
	}
	s.ws.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
	var f frame
	if err := s.ws.ReadJSON(&f); err == nil {
		t.Fatalf("A was cut off from the bus, yet its shopper got %+v", f)
	}
	s.ws.Close()

	// The widget reconnects (here to B) and resumes after the last seq.
	r, _ := dial(t, b.url, map[string]any{"resume_token": w.ResumeToken, "last_seq": last.Seq})
	first := r.until(staffMessage("Sorry for the wait."))
	second := r.until(func(f frame) bool { return f.Type == "message" })
	if second.Text != "Your parcel left today." || second.Seq <= first.Seq {
		t.Fatalf("resume gave %+v then %+v", first, second)
	}
}
