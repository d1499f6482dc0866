package main

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
)

// KEFU_DEBUG_ADDR serves the profiler on its own listener; a bad address
// is refused at start.
func TestDebugAddr(t *testing.T) {
	if _, err := loadConfig([]string{"KEFU_DEBUG_ADDR=6060"}); err == nil || !strings.Contains(err.Error(), "KEFU_DEBUG_ADDR") {
		t.Errorf("KEFU_DEBUG_ADDR=6060: %v, want an error naming it", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cfg, err := loadConfig([]string{"KEFU_DEBUG_ADDR=" + addr})
	if err != nil || cfg.DebugAddr != addr {
		t.Fatalf("config = %q, %v", cfg.DebugAddr, err)
	}
	stop, err := serveDebug(cfg.DebugAddr, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	resp, err := http.Get("http://" + addr + "/debug/pprof/goroutine?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "goroutine profile") {
		t.Errorf("GET goroutine profile: %d %.80s", resp.StatusCode, body)
	}
}
