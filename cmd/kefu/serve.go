package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/kefu-dev/kefu/cmd/kefu/stack"
	"github.com/kefu-dev/kefu/store"
)

func cmdServe(ctx context.Context, c *cli, args []string) error {
	if _, err := c.parse(c.flags(), args); err != nil {
		return err
	}
	cfg, log, err := c.config()
	if err != nil {
		return err
	}
	return serve(ctx, cfg, log, nil)
}

// serve runs the gateway until ctx ends (SIGINT or SIGTERM), then shuts
// down in order: stop accepting, tell connected shoppers, finish the turns
// and commits in flight, close the database; all within
// KEFU_SHUTDOWN_TIMEOUT, after which the process exits anyway. ready, if
// set, receives the address once it listens.
func serve(ctx context.Context, cfg Config, log *slog.Logger, ready chan<- string) error {
	log.Info("starting kefu", "version", version, "commit", commit, "addr", cfg.Addr, "db", store.Redacted(cfg.Database()), "model", modelName(cfg))
	s, err := stack.New(ctx, cfg.Config, stack.Options{Log: log, Version: version, Seed: true})
	if err != nil {
		return err
	}
	started := false
	defer func() {
		if !started { // shut down below otherwise
			s.Shutdown(context.Background())
		}
	}()
	if err := ensureAdmin(ctx, s.Store, cfg, log); err != nil {
		return fmt.Errorf("creating the first admin: %w", err)
	}
	if cfg.DebugAddr != "" {
		stop, err := serveDebug(cfg.DebugAddr, log)
		if err != nil {
			return fmt.Errorf("listening for the profiler on %s: %w", cfg.DebugAddr, err)
		}
		defer stop()
	}
	if cfg.NatsURL != "" && cfg.PhotoDir == store.PhotoDirBeside(cfg.DB) {
		// A photo uploaded through one node is served by any other.
		log.Warn("several nodes with photos in a folder of this node's own; give every node the same shared folder as KEFU_PHOTO_DIR (docs/scale.md)", "photo_dir", cfg.PhotoDir)
	}
	if cfg.Demo {
		log.Warn("demo mode: /api/demo signs any demo customer's identity; set KEFU_IDENTITY_SECRET and KEFU_DEMO=false in production")
	}
	l, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	started = true
	log.Info("kefu is ready", "url", "http://"+displayAddr(l.Addr().String()))
	if ready != nil {
		ready <- l.Addr().String()
	}
	served := make(chan error, 1)
	go func() { served <- s.Server.Serve(l) }()

	select {
	case err := <-served:
		s.Shutdown(context.Background())
		if err != nil {
			return fmt.Errorf("server failed: %w", err)
		}
		return nil
	case <-ctx.Done():
	}
	log.Info("shutting down", "timeout", cfg.ShutdownTimeout)
	// A hard deadline: whatever hangs, the process ends.
	hard := time.AfterFunc(cfg.ShutdownTimeout+2*time.Second, func() {
		log.Error("shutdown did not finish in time; exiting")
		os.Exit(1)
	})
	defer hard.Stop()
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := s.Server.Shutdown(sctx); err != nil {
		log.Warn("http shutdown", "err", err)
	}
	if err := s.Shutdown(sctx); err != nil {
		log.Warn("turns cancelled at the shutdown deadline", "err", err)
	}
	log.Info("stopped")
	return nil
}

func modelName(cfg Config) string {
	if cfg.LLM.Kind == "openai" {
		return "openai:" + cfg.LLM.Model
	}
	return "builtin"
}

func displayAddr(a string) string {
	if strings.HasPrefix(a, "[::]") || strings.HasPrefix(a, "0.0.0.0") {
		_, port, _ := net.SplitHostPort(a)
		return "localhost:" + port
	}
	return a
}

// cmdHealthcheck asks the local server whether it is ready: the container
// image has no curl.
func cmdHealthcheck(ctx context.Context, c *cli, args []string) error {
	if _, err := c.parse(c.flags(), args); err != nil {
		return err
	}
	cfg, _, err := c.config()
	if err != nil {
		return err
	}
	_, port, _ := net.SplitHostPort(cfg.Addr)
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://127.0.0.1:"+port+"/readyz", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return errors.New(resp.Status)
	}
	fmt.Fprintln(c.stdout, "ok")
	return nil
}
