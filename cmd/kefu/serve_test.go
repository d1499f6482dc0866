package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/kefu-dev/kefu/store"
)

// kefu serve answers, and on SIGTERM (here: its context ending) tells the
// connected shopper, keeps what it acknowledged and closes the database.
func TestServeGracefulShutdown(t *testing.T) {
	db := filepath.Join(t.TempDir(), "kefu.db")
	cfg, err := loadConfig([]string{"KEFU_DB=" + db, "KEFU_ADDR=127.0.0.1:0", "KEFU_SHUTDOWN_TIMEOUT=5s"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	ready := make(chan string, 1)
	exited := make(chan error, 1)
	go func() { exited <- serve(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), ready) }()
	var addr string
	select {
	case addr = <-ready:
	case err := <-exited:
		t.Fatalf("serve exited: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not start")
	}

	for _, path := range []string{"/healthz", "/readyz", "/", "/widget.js", "/metrics"} {
		resp, err := http.Get("http://" + addr + path)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET %s: %v %v", path, err, resp)
		}
		resp.Body.Close()
	}

	ws, _, err := websocket.DefaultDialer.Dial("ws://"+addr+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ws.WriteJSON(map[string]any{"type": "hello"})
	ws.WriteJSON(map[string]any{"type": "message", "client_id": "c1", "text": "hello there"})
	var convID string
	var acked int64
	ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	for acked == 0 {
		var f struct {
			Type           string `json:"type"`
			ConversationID string `json:"conversation_id"`
			Seq            int64  `json:"seq"`
		}
		if err := ws.ReadJSON(&f); err != nil {
			t.Fatal(err)
		}
		switch f.Type {
		case "welcome":
			convID = f.ConversationID
		case "ack":
			acked = f.Seq
		}
	}

	stop() // SIGTERM
	closeCode := 0
	for closeCode == 0 {
		_, _, err := ws.ReadMessage()
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			closeCode = ce.Code
		} else if err != nil {
			t.Fatalf("read: %v", err)
		}
	}
	if closeCode != 4010 {
		t.Errorf("close code %d, want 4010", closeCode)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("serve exited: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
	if _, err := http.Get("http://" + addr + "/healthz"); err == nil {
		t.Error("still accepting connections after shutdown")
	}
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ms, _ := st.Messages(context.Background(), convID, 0, 10)
	if len(ms) == 0 || ms[0].Seq != acked || ms[0].Text != "hello there" {
		t.Fatalf("acknowledged message not stored: %+v", ms)
	}
	if res, err := st.IntegrityCheck(context.Background()); err != nil || res != "ok" {
		t.Fatalf("integrity: %s %v", res, err)
	}
}
