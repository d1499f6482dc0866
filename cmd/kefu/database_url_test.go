package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/store/pgtest"
)

// KEFU_DATABASE_URL takes a postgres:// URL (or its _FILE), is never shown,
// and is refused when it names no server.
func TestDatabaseURLSetting(t *testing.T) {
	cfg, err := loadConfig([]string{"KEFU_DATABASE_URL=postgres://kefu:s3cret@db:5432/kefu"})
	if err != nil || cfg.Database() != "postgres://kefu:s3cret@db:5432/kefu" {
		t.Fatalf("Database() = %q, %v", cfg.Database(), err)
	}
	if cfg, _ := loadConfig(nil); cfg.Database() != "kefu.db" {
		t.Errorf("without it, Database() = %q, want the SQLite file", cfg.Database())
	}
	for _, bad := range []string{"mysql://kefu:s3cret@db/kefu", "kefu.db", "postgres://kefu:s3cret@/kefu"} {
		_, err := loadConfig([]string{"KEFU_DATABASE_URL=" + bad})
		if err == nil || !strings.Contains(err.Error(), "KEFU_DATABASE_URL") {
			t.Errorf("%s: err = %v, want it refused", bad, err)
		} else if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("the refusal shows the password: %v", err)
		}
	}
	file := filepath.Join(t.TempDir(), "url")
	os.WriteFile(file, []byte("postgres://kefu:s3cret@db:5432/kefu\n"), 0o600)
	if cfg, err := loadConfig([]string{"KEFU_DATABASE_URL_FILE=" + file}); err != nil || cfg.DatabaseURL != "postgres://kefu:s3cret@db:5432/kefu" {
		t.Errorf("from the file: %q, %v", cfg.DatabaseURL, err)
	}
	if got := store.Redacted("postgres://kefu:s3cret@db:5432/kefu"); strings.Contains(got, "s3cret") {
		t.Errorf("Redacted = %q", got)
	}
}

// kefu serve with KEFU_DATABASE_URL keeps everything in PostgreSQL: it seeds
// the demo shop there, and a shopper's messages, sent as fast as the
// socket takes them, are each acknowledged with a seq that PostgreSQL
// already holds (read back from another connection once the ack is in),
// and answered. No SQLite file is made.
func TestServeOnPostgres(t *testing.T) {
	dbURL := pgtest.NewDatabase(t)
	sqliteFile := filepath.Join(t.TempDir(), "kefu.db")
	cfg, err := loadConfig([]string{"KEFU_DATABASE_URL=" + dbURL, "KEFU_DB=" + sqliteFile, "KEFU_ADDR=127.0.0.1:0", "KEFU_SHUTDOWN_TIMEOUT=5s"})
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
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not start")
	}
	st, err := store.Open(context.Background(), dbURL, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if has, err := st.HasShopData(context.Background()); err != nil || !has {
		t.Fatalf("the demo shop is not in PostgreSQL: %v %v", has, err)
	}

	ws, _, err := websocket.DefaultDialer.Dial("ws://"+addr+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ws.WriteJSON(map[string]any{"type": "hello"})
	const n = 8 // within KEFU_MESSAGE_BURST
	for i := range n {
		ws.WriteJSON(map[string]any{"type": "message", "client_id": fmt.Sprintf("c%d", i), "text": fmt.Sprintf("where is my order KF-10042? (%d)", i)})
	}
	var convID string
	acks := map[string]int64{}
	replies := 0
	ws.SetReadDeadline(time.Now().Add(60 * time.Second))
	for len(acks) < n || replies == 0 {
		var f struct {
			Type           string `json:"type"`
			ConversationID string `json:"conversation_id"`
			ClientID       string `json:"client_id"`
			Seq            int64  `json:"seq"`
			Role           string `json:"role"`
		}
		if err := ws.ReadJSON(&f); err != nil {
			t.Fatalf("after %d acks and %d replies: %v", len(acks), replies, err)
		}
		switch {
		case f.Type == "welcome":
			convID = f.ConversationID
		case f.Type == "ack":
			acks[f.ClientID] = f.Seq
			// Committed before the ack: another connection sees it.
			msgs, err := st.Messages(context.Background(), convID, f.Seq-1, 1)
			if err != nil || len(msgs) != 1 || msgs[0].ClientID != f.ClientID {
				t.Fatalf("ack %s seq %d, PostgreSQL has %+v %v", f.ClientID, f.Seq, msgs, err)
			}
		case f.Type == "message" && f.Role == "assistant":
			replies++
		}
	}
	seqs := map[int64]bool{}
	for _, seq := range acks {
		seqs[seq] = true
	}
	if len(seqs) != n {
		t.Errorf("%d messages acknowledged with %d seqs: %v", n, len(seqs), acks)
	}
	stop()
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("serve exited: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
	if _, err := os.Stat(sqliteFile); !os.IsNotExist(err) {
		t.Errorf("a SQLite file was made (%v)", err)
	}
}
