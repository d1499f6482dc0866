//go:build linux

// (Loopback addresses besides 127.0.0.1, /proc and socket buffer options:
// Linux.)

package chat

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/kefu-dev/kefu/store"
)

// waitUntil polls cond, an observable state, until it holds or time is up.
func waitUntil(t *testing.T, what string, within time.Duration, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(within); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, within)
		}
	}
}

func walSize(db string) int64 {
	fi, err := os.Stat(db + "-wal")
	if err != nil {
		return 0
	}
	return fi.Size()
}

// TestRatingFlood: 20,000 rating frames on one socket (the frame limit
// lifted) leave one rating (the last), one rating in the timeline and a
// WAL that hardly grew; with the default limits such a flood is cut off
// (4029); a rating before anything was answered is refused and stores
// nothing; a later rating replaces the first.
func TestRatingFlood(t *testing.T) {
	var rates countingRates
	ts := newExhaustionServerOver(t, func(c *Config) {
		c.RatingEvery = 200 * time.Millisecond
		c.FrameRate, c.FrameBurst = 1e9, 1<<30
	}, func(st *store.Store) Store { rates.Store = st; return &rates })
	ctx := context.Background()

	c := ts.dial(nil)
	w := c.hello(nil)
	c.send(map[string]any{"type": "message", "client_id": "m1", "text": "how long does shipping take?"})
	c.until(answer)
	wal := walSize(ts.db)
	start := time.Now()
	for i := range 20000 {
		c.send(map[string]any{"type": "rate", "rating": 1 + i%5, "comment": fmt.Sprint("flood ", i)})
	}
	// Frames are read in order: once this one is acknowledged, the flood
	// was read.
	c.send(map[string]any{"type": "message", "client_id": "m2", "text": "thanks"})
	c.ws.SetReadDeadline(time.Now().Add(2 * time.Minute)) // a transaction a frame takes long
	for {
		var f frame
		if err := c.ws.ReadJSON(&f); err != nil {
			t.Fatal(err)
		}
		if f.Type == "ack" && f.ClientID == "m2" {
			break
		}
	}
	took := time.Since(start)
	// The last rating taken is stored within RatingEvery.
	var sm *store.Summary
	waitUntil(t, "the ratings stored", 10*time.Second, func() bool { return len(ts.engine.ratingSlots()) == 0 })
	sm, err := ts.st.ConversationSummary(ctx, w.ConversationID)
	if err != nil {
		t.Fatal(err)
	}
	rated := countRows(t, ts.db, `SELECT count(*) FROM conversation_events WHERE conversation_id = ? AND kind = 'rated'`, w.ConversationID)
	events := countRows(t, ts.db, `SELECT count(*) FROM conversation_events WHERE conversation_id = ?`, w.ConversationID)
	grew := walSize(ts.db) - wal
	t.Logf("20,000 rating frames read in %s: %d rating transactions, rating %d stored, %d rated events (%d events in the timeline), WAL grew %d bytes",
		took.Round(time.Millisecond), rates.n.Load(), sm.Rating, rated, events, grew)
	if max := int64(took/(200*time.Millisecond)) + 2; rates.n.Load() > max {
		t.Errorf("%d rating transactions in %s, want at most %d (one a RatingEvery)", rates.n.Load(), took, max)
	}
	if sm.Rating != 5 { // the last frame's (20,000 % 5 = 0: 5 stars)
		t.Errorf("rating %d stored, want the last one's, 5", sm.Rating)
	}
	if rated != 1 || events > 3 {
		t.Errorf("%d rated events, %d in all; want one rating", rated, events)
	}
	if grew > 1<<20 {
		t.Errorf("the WAL grew by %d bytes", grew)
	}

	// With the default limits, rating frames count like any other.
	def := newExhaustionServer(t, nil)
	f := def.dial(nil)
	f.hello(nil)
	f.send(map[string]any{"type": "message", "client_id": "m1", "text": "how long does shipping take?"})
	f.until(answer)
	for range 1000 {
		if f.ws.WriteJSON(map[string]any{"type": "rate", "rating": 4}) != nil {
			break
		}
	}
	if code := closeCode(f.ws); code != CloseFlood {
		t.Errorf("a rating flood closed with %d, want %d", code, CloseFlood)
	}

	early := ts.dial(nil)
	ew := early.hello(nil)
	early.send(map[string]any{"type": "rate", "rating": 5})
	if f, _ := early.until(isType("error")); f.Code != CodeNotRateable {
		t.Errorf("a rating before any answer: %+v", f)
	}
	if n := countRows(t, ts.db, `SELECT count(*) FROM conversations WHERE id = ?`, ew.ConversationID); n != 0 {
		t.Errorf("a rating before any answer stored the conversation")
	}

	// A later rating replaces it.
	again := ts.dial(nil)
	again.hello(map[string]any{"resume_token": w.ResumeToken})
	again.send(map[string]any{"type": "rate", "rating": 2, "comment": "changed my mind"})
	waitUntil(t, "the new rating", 5*time.Second, func() bool {
		sm, _ = ts.st.ConversationSummary(ctx, w.ConversationID)
		return sm.Rating == 2
	})
	if rated := countRows(t, ts.db, `SELECT count(*) FROM conversation_events WHERE conversation_id = ? AND kind = 'rated'`, w.ConversationID); rated != 1 {
		t.Errorf("%d rated events after a second rating", rated)
	}
}

// countingRates counts the ratings that reach the store: a transaction each.
type countingRates struct {
	*store.Store
	n atomic.Int64
}

func (c *countingRates) RateConversation(ctx context.Context, id string, rating int, comment string) error {
	c.n.Add(1)
	return c.Store.RateConversation(ctx, id, rating, comment)
}

// ratingSlots lists the conversations with a rating stored a moment ago
// or held, for tests.
func (e *Engine) ratingSlots() []string {
	e.ratings.mu.Lock()
	defer e.ratings.mu.Unlock()
	var ids []string
	for id := range e.ratings.m {
		ids = append(ids, id)
	}
	return ids
}

// TestTypingFloodKeepsTheConsole: a shopper's typing flood (100,000 frames,
// with the frame limit lifted) reaches a watching console as a few frames
// (one a TypingEvery), so the console socket, not reading meanwhile, is
// not dropped as too slow; with the default limits the flood is cut off.
func TestTypingFloodKeepsTheConsole(t *testing.T) {
	ts := newExhaustionServer(t, func(c *Config) { c.FrameRate, c.FrameBurst = 1e9, 1<<30 })
	c := ts.dial(nil)
	w := c.hello(nil)
	staff, _, err := websocket.DefaultDialer.Dial("ws://"+ts.host+"/ws/console", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer staff.Close()
	staff.WriteJSON(map[string]any{"type": "watch", "conversation_id": w.ConversationID})
	// The console watches once the engine has its watch.
	waitUntil(t, "the console watching", 5*time.Second, func() bool {
		for _, sc := range ts.engine.staffHub.list() {
			sc.mu.Lock()
			watching := sc.watch == w.ConversationID
			sc.mu.Unlock()
			if watching {
				return true
			}
		}
		return false
	})
	start := time.Now()
	for i := range 100000 {
		if err := c.ws.WriteJSON(map[string]any{"type": "typing", "typing": i%2 == 0}); err != nil {
			t.Fatalf("typing frame %d: %v", i, err)
		}
	}
	// The flood was read: a message after it is acknowledged.
	c.send(map[string]any{"type": "message", "client_id": "after", "text": "hello"})
	c.ws.SetReadDeadline(time.Now().Add(2 * time.Minute)) // (a slow machine reads 100,000 frames slowly)
	for {
		var f frame
		if err := c.ws.ReadJSON(&f); err != nil {
			t.Fatal(err)
		}
		if f.Type == "ack" {
			break
		}
	}
	took := time.Since(start)
	typing := 0
	staff.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		var f struct {
			Type  string `json:"type"`
			Who   string `json:"who"`
			Entry struct {
				Text string `json:"text"`
			} `json:"entry"`
		}
		if err := staff.ReadJSON(&f); err != nil {
			t.Fatalf("the console socket, after %d typing frames: %v", typing, err)
		}
		if f.Type == "typing" && f.Who == "shopper" { // (the assistant types its answer too)
			typing++
		}
		if f.Type == "entry" && f.Entry.Text == "hello" {
			break
		}
	}
	all := time.Since(start)
	t.Logf("100,000 typing frames read in %s reached the console as %d (in %s)", took.Round(time.Millisecond), typing, all.Round(time.Millisecond))
	if max := int(all/time.Second) + 2; typing > max {
		t.Errorf("%d typing frames reached the console in %s", typing, all)
	}

	// With the default limits, every frame type counts: a typing flood is
	// cut off.
	def := newExhaustionServer(t, nil)
	f := def.dial(nil)
	f.hello(nil)
	for range 1000 {
		if f.ws.WriteJSON(map[string]any{"type": "typing", "typing": true}) != nil {
			break
		}
	}
	if code := closeCode(f.ws); code != CloseFlood {
		t.Fatalf("a typing flood closed with %d", code)
	}
}

// smallBuffers makes a listener's connections send through a small
// socket buffer, as over a slow network: the writer then waits on the
// peer, and frames queue on the socket.
type smallBuffers struct{ net.Listener }

func (l smallBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetWriteBuffer(4096)
	}
	return c, err
}

// TestFloodCloseAfterQueuedAcks: a socket cut off for flooding (4029)
// first receives every ack queued before the close: each message that was
// stored is acknowledged, and the refused ones got their rate_limited
// errors, before the close frame.
func TestFloodCloseAfterQueuedAcks(t *testing.T) {
	ts := newTestServer(t, func(c *Config) {
		c.MessageRate, c.MessageBurst = 0.001, 10
		c.FrameRate, c.FrameBurst = 1e9, 1<<30
		c.SendQueue, c.WriteWait = 1<<20, 20*time.Second
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &httptest.Server{Listener: smallBuffers{l}, Config: &http.Server{Handler: http.HandlerFunc(ts.engine.ServeWS)}}
	srv.Start()
	defer srv.Close()
	d := websocket.Dialer{NetDialContext: (&net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		return rc.Control(func(fd uintptr) { syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
	}}).DialContext}
	ws, _, err := d.Dial("ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	c := &client{t: t, ws: ws}
	w := c.hello(nil)
	// Not reading: errors fill the buffers, then the acks queue behind
	// them, then the refusals, then the flood's close.
	for range 3000 {
		c.send(map[string]any{"type": "nope"})
	}
	for i := range 10 + maxRefused + 1 {
		c.send(map[string]any{"type": "message", "client_id": fmt.Sprint("m", i), "text": fmt.Sprint("message ", i)})
	}
	var flood dtoCounter
	waitUntil(t, "the flood refused", 10*time.Second, func() bool {
		ts.engine.metrics.FramesRefused.WithLabelValues("flood").Write(flood.metric())
		return flood.value() == 1
	})
	acked, limited := map[string]bool{}, map[string]bool{}
	code := 0
	ws.SetReadDeadline(time.Now().Add(20 * time.Second))
	for code == 0 {
		var f frame
		_, b, err := ws.ReadMessage()
		if ce, ok := err.(*websocket.CloseError); ok {
			code = ce.Code
			break
		} else if err != nil {
			t.Fatalf("read: %v", err)
		}
		if json.Unmarshal(b, &f); f.Type == "ack" {
			acked[f.ClientID] = true
		} else if f.Code == CodeRateLimited {
			limited[f.ClientID] = true
		}
	}
	stored := ts.userTexts(t, w.ConversationID)
	t.Logf("close %d after %d acks and %d rate_limited errors; %d messages stored", code, len(acked), len(limited), len(stored))
	if code != CloseFlood {
		t.Fatalf("closed with %d, want %d", code, CloseFlood)
	}
	for i := range stored {
		if id := fmt.Sprint("m", i); !acked[id] {
			t.Errorf("message %s was stored and its ack not sent before the close", id)
		}
	}
	if len(stored) != 10 || len(limited) != maxRefused {
		t.Errorf("%d stored, %d refused with rate_limited; want 10 and %d", len(stored), len(limited), maxRefused)
	}
}
