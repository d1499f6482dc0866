package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/kefu-dev/kefu/chat"
	"github.com/kefu-dev/kefu/store"
)

// frame is what the forget test reads of the server's frames.
type frame struct {
	Type           string `json:"type"`
	ConversationID string `json:"conversation_id"`
	ResumeToken    string `json:"resume_token"`
	Role           string `json:"role"`
	Text           string `json:"text"`
	Code           string `json:"code"`
	ClientID       string `json:"client_id"`
}

// readFrames reads until match, or fails after a deadline.
func readFrames(t *testing.T, ws *websocket.Conn, what string, match func(frame) bool) frame {
	t.Helper()
	ws.SetReadDeadline(time.Now().Add(20 * time.Second))
	for {
		var f frame
		if err := ws.ReadJSON(&f); err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		if match(f) {
			return f
		}
	}
}

// closeCode reads until the server closes the socket, and returns the
// close code, failing if it does not close in time.
func closeCode(t *testing.T, ws *websocket.Conn) (int, []frame) {
	t.Helper()
	ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	var seen []frame
	for {
		var f frame
		err := ws.ReadJSON(&f)
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			return ce.Code, seen
		}
		if err != nil {
			t.Fatalf("the socket was not closed with a code: %v (frames %+v)", err, seen)
		}
		seen = append(seen, f)
	}
}

// kefu forget, run as a command beside a running kefu serve (its own
// connection to the database, as another process has), erases the guest
// transcript that looked up the customer's order as well as their own,
// and the server closes both open widgets with CloseErased instead of
// leaving them to loop on "could not be saved"; a widget that comes back
// with its old resume token starts a new conversation that saves.
func TestForgetBesideARunningServer(t *testing.T) {
	db := filepath.Join(t.TempDir(), "kefu.db")
	secret := "forget-test-secret-0123456789abcdef"
	env := []string{"KEFU_DB=" + db, "KEFU_ADDR=127.0.0.1:0", "KEFU_IDENTITY_SECRET=" + secret, "KEFU_ADMIN_PASSWORD=an admin password"}
	cfg, err := loadConfig(env)
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	ready, exited := make(chan string, 1), make(chan error, 1)
	go func() { exited <- serve(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), ready) }()
	defer func() { stop(); <-exited }()
	var addr string
	select {
	case addr = <-ready:
	case err := <-exited:
		t.Fatalf("serve exited: %v", err)
	case <-time.After(3 * time.Minute): // the agent trains its classifier at start: slow under -race
		t.Fatal("serve did not start")
	}
	dial := func(hello map[string]any) (*websocket.Conn, frame) {
		ws, _, err := websocket.DefaultDialer.Dial("ws://"+addr+"/ws", nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ws.Close() })
		hello["type"] = "hello"
		ws.WriteJSON(hello)
		return ws, readFrames(t, ws, "welcome", func(f frame) bool { return f.Type == "welcome" })
	}
	say := func(ws *websocket.Conn, cid, text string) frame {
		ws.WriteJSON(map[string]any{"type": "message", "client_id": cid, "text": text})
		readFrames(t, ws, "the ack of "+cid, func(f frame) bool { return f.Type == "ack" && f.ClientID == cid })
		return readFrames(t, ws, "the answer to "+cid, func(f frame) bool { return f.Type == "message" && f.Role == "assistant" })
	}

	// A guest looks up Alice's order with her email; Alice chats signed in.
	guest, gw := dial(map[string]any{})
	answer := say(guest, "g1", "where is my order KF-10045? my email is alice.johnson@example.com")
	if !strings.Contains(answer.Text, "KF-10045") {
		t.Fatalf("the guest's look-up was not answered with the order: %q", answer.Text)
	}
	exp := time.Now().Add(time.Hour).Unix()
	alice, aw := dial(map[string]any{"identity": chat.Identity{CustomerID: "cus_1001", Expires: exp, Signature: chat.Sign([]byte(secret), "cus_1001", exp)}})
	say(alice, "a1", "where is my parcel?")

	code, out, errOut := kefuIn(t, "yes\n", []string{"KEFU_DB=" + db}, "forget", "--customer", "alice.johnson@example.com")
	if code != 0 || !strings.Contains(out, "1 guest conversation(s)") {
		t.Fatalf("forget: %d\n%s%s", code, out, errOut)
	}
	for name, ws := range map[string]*websocket.Conn{"the guest's": guest, "Alice's": alice} {
		code, frames := closeCode(t, ws)
		if code != chat.CloseErased {
			t.Errorf("%s widget was closed with %d, want %d (frames %+v)", name, code, chat.CloseErased, frames)
		}
		for _, f := range frames {
			if f.Code == "not_saved" {
				t.Errorf("%s widget got not_saved: %+v", name, f)
			}
		}
	}

	// Nothing of Alice is left in the transcripts or the search index.
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, id := range []string{gw.ConversationID, aw.ConversationID} {
		if _, err := st.Conversation(context.Background(), id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("conversation %s is still there: %v", id, err)
		}
	}
	if _, err := st.IndexMessages(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"alice", "KF-10045", "10045", "johnson"} {
		if hits, err := st.SearchMessages(context.Background(), q, 10); err != nil || len(hits) != 0 {
			t.Errorf("search %q finds %+v (%v)", q, hits, err)
		}
	}
	if code, out, _ := kefu(t, []string{"KEFU_DB=" + db}, "export", "--text", "alice"); code != 0 || out != "" {
		t.Errorf("export --text alice: %d %q", code, out)
	}

	// The widget comes back with its old token: a new conversation, whose
	// messages are saved.
	again, w := dial(map[string]any{"resume_token": gw.ResumeToken})
	if w.ConversationID == gw.ConversationID {
		t.Fatalf("the erased conversation was resumed: %+v", w)
	}
	say(again, "g2", "hello again")
}
