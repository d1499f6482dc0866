package main

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/kefu-dev/kefu/cmd/kefu/stack"
)

// KEFU_NATS_URL takes nats:// URLs and refuses anything else, naming the
// variable; the stack connects to the bus it names, and fails to start,
// saying why, when no server answers there.
func TestNatsURLSetting(t *testing.T) {
	for _, bad := range []string{"http://nats:4222", "nats://", "nats:4222"} {
		if _, err := loadConfig([]string{"KEFU_NATS_URL=" + bad}); err == nil || !strings.Contains(err.Error(), "KEFU_NATS_URL") {
			t.Errorf("%s: err = %v, want it refused", bad, err)
		}
	}
	ns, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, NoLog: true, NoSigs: true})
	if err != nil {
		t.Fatal(err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(5 * time.Second) {
		t.Fatal("nats server not ready")
	}
	defer ns.Shutdown()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg, err := loadConfig([]string{"KEFU_NATS_URL=" + ns.ClientURL(), "KEFU_DB=" + filepath.Join(t.TempDir(), "kefu.db")})
	if err != nil {
		t.Fatal(err)
	}
	s, err := stack.New(ctx, cfg.Config, stack.Options{Log: log})
	if err != nil {
		t.Fatal(err)
	}
	if n := ns.NumClients(); n != 1 {
		t.Errorf("%d clients on the NATS server, want the node's 1", n)
	}
	s.Shutdown(ctx)

	down := ns.ClientURL()
	ns.Shutdown()
	ns.WaitForShutdown()
	cfg.DB = filepath.Join(t.TempDir(), "other.db")
	cfg.NatsURL = down
	if _, err := stack.New(ctx, cfg.Config, stack.Options{Log: log}); err == nil || !strings.Contains(err.Error(), "KEFU_NATS_URL") {
		t.Errorf("with no NATS server: %v, want a refusal naming KEFU_NATS_URL", err)
	}
}
