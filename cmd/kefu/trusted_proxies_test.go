package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// Behind a trusted proxy the per-address socket limit counts the client
// the proxy names in X-Forwarded-For; from anyone else the header is
// ignored, so a client cannot name itself another address.
func TestTrustedProxies(t *testing.T) {
	for _, c := range []struct {
		name    string
		trusted string
		// whether a socket naming a second client is accepted once the
		// first client has its two
		second bool
	}{
		{"behind a trusted proxy", "127.0.0.1", true},
		{"no proxy trusted", "", false},
		{"another proxy trusted", "10.0.0.0/8", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			env := []string{"KEFU_DB=" + filepath.Join(t.TempDir(), "kefu.db"), "KEFU_ADDR=127.0.0.1:0", "KEFU_SOCKETS_PER_ADDRESS=2", "KEFU_SHUTDOWN_TIMEOUT=5s"}
			if c.trusted != "" {
				env = append(env, "KEFU_TRUSTED_PROXIES="+c.trusted)
			}
			cfg, err := loadConfig(env)
			if err != nil {
				t.Fatal(err)
			}
			ctx, stop := context.WithCancel(context.Background())
			ready := make(chan string, 1)
			exited := make(chan error, 1)
			go func() { exited <- serve(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), ready) }()
			t.Cleanup(func() { stop(); <-exited })
			var addr string
			select {
			case addr = <-ready:
			case err := <-exited:
				t.Fatalf("serve exited: %v", err)
			case <-time.After(60 * time.Second):
				t.Fatal("serve did not start")
			}
			dial := func(client string) int {
				t.Helper()
				h := http.Header{"X-Forwarded-For": {client}}
				ws, resp, err := websocket.DefaultDialer.Dial("ws://"+addr+"/ws", h)
				if err == nil {
					t.Cleanup(func() { ws.Close() })
					return http.StatusSwitchingProtocols
				}
				if resp == nil {
					t.Fatal(err)
				}
				return resp.StatusCode
			}
			for i := range 2 {
				if code := dial("203.0.113.5"); code != http.StatusSwitchingProtocols {
					t.Fatalf("socket %d of the first client: %d", i, code)
				}
			}
			if code := dial("203.0.113.5"); code != http.StatusTooManyRequests {
				t.Errorf("the first client's third socket: %d, want 429", code)
			}
			code := dial("203.0.113.6")
			if got := code == http.StatusSwitchingProtocols; got != c.second {
				t.Errorf("a socket naming a second client: %d", code)
			}
		})
	}
}

func TestTrustedProxiesSetting(t *testing.T) {
	for _, v := range []string{"10.0.0.0/8, 192.168.1.7", "::1", "fd00::/8"} {
		if _, err := loadConfig([]string{"KEFU_TRUSTED_PROXIES=" + v}); err != nil {
			t.Errorf("%q: %v", v, err)
		}
	}
	for _, v := range []string{"nginx", "10.0.0.0/33", "10.0.0.1,"} {
		if _, err := loadConfig([]string{"KEFU_TRUSTED_PROXIES=" + v}); err == nil {
			t.Errorf("%q was accepted", v)
		}
	}
}
