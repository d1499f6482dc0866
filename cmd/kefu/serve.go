package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"golang.org/x/time/rate"

	"github.com/kefu-dev/kefu/agents"
	"github.com/kefu-dev/kefu/chat"
	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/store/demo"
	"github.com/kefu-dev/kefu/web"
)

// cmdServe runs the gateway until ctx ends (SIGINT or SIGTERM), then shuts
// down in order: stop accepting, tell connected shoppers, finish the turns
// and commits in flight, close the database; all within
// KEFU_SHUTDOWN_TIMEOUT, after which the process exits anyway.
func cmdServe(ctx context.Context, cfg Config, log *slog.Logger, ready chan<- string) int {
	log.Info("starting kefu", "version", version, "commit", commit, "addr", cfg.Addr, "db", cfg.DB, "model", modelName(cfg))
	st, err := openStore(ctx, cfg, log)
	if err != nil {
		log.Error("cannot open the database", "err", err)
		return 1
	}
	defer st.Close()
	if err := seedIfEmpty(ctx, st, cfg, log); err != nil {
		log.Error("cannot seed the demo shop", "err", err)
		return 1
	}
	if err := ensureAdmin(ctx, st, cfg, log); err != nil {
		log.Error("cannot create the first admin", "err", err)
		return 1
	}
	runner, err := newRunner(ctx, cfg, st, log)
	if err != nil {
		log.Error("cannot start the agent", "err", err)
		return 1
	}
	if cfg.DebugAddr != "" {
		stop, err := serveDebug(cfg.DebugAddr, log)
		if err != nil {
			log.Error("cannot listen for the profiler", "addr", cfg.DebugAddr, "err", err)
			return 1
		}
		defer stop()
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	engine := chat.NewEngine(st, runner, chat.Config{IdentitySecret: cfg.IdentitySecret, AllowedOrigins: cfg.AllowedOrigins, Now: st.Now,
		MessageRate: rate.Limit(cfg.MessageRate), MessageBurst: cfg.MessageBurst, IPRate: rate.Limit(cfg.IPRate), IPBurst: cfg.IPBurst}, log, reg)
	if cfg.Demo {
		log.Warn("demo mode: /api/demo signs any demo customer's identity; set KEFU_IDENTITY_SECRET and KEFU_DEMO=false in production")
	}
	// A hosted model, when configured, also writes customer summaries.
	summary, _, err := agents.NewProviderModel(cfg.LLM)
	if err != nil {
		log.Error("cannot start the model provider", "err", err)
		return 1
	}
	srv := web.New(web.Options{Addr: cfg.Addr, StaticDir: cfg.StaticDir, Demo: cfg.Demo, DemoSecret: cfg.IdentitySecret, Version: version},
		web.Deps{Store: st, Engine: engine, Gatherer: reg, Log: log, Now: st.Now,
			Replay: func(ctx context.Context, recorded []*store.TranscriptJSON) ([]agents.ReplayResult, error) {
				return replayOnSnapshot(ctx, cfg, log, st, recorded, cfg.LLM, nil)
			}, Summary: summary})

	l, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		log.Error("cannot listen", "addr", cfg.Addr, "err", err)
		return 1
	}
	log.Info("kefu is ready", "url", "http://"+displayAddr(l.Addr().String()))
	if ready != nil {
		ready <- l.Addr().String()
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()

	select {
	case err := <-served:
		if err != nil {
			log.Error("server failed", "err", err)
			return 1
		}
		return 0
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
	if err := srv.Shutdown(sctx); err != nil {
		log.Warn("http shutdown", "err", err)
	}
	if err := engine.Shutdown(sctx); err != nil {
		log.Warn("turns cancelled at the shutdown deadline", "err", err)
	}
	log.Info("stopped")
	return 0
}

func seedIfEmpty(ctx context.Context, st *store.Store, cfg Config, log *slog.Logger) error {
	has, err := st.HasShopData(ctx)
	if err != nil || has {
		return err
	}
	if _, err := st.Import(ctx, demo.Dataset(st.Now())); err != nil {
		return err
	}
	log.Info("seeded the demo shop into an empty database", "path", cfg.DB)
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
func cmdHealthcheck(ctx context.Context, cfg Config, stdout, stderr io.Writer) int {
	_, port, _ := net.SplitHostPort(cfg.Addr)
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://127.0.0.1:"+port+"/readyz", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(stderr, "kefu healthcheck: %v\n", err)
		return 1
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "kefu healthcheck: %s\n", resp.Status)
		return 1
	}
	fmt.Fprintln(stdout, "ok")
	return 0
}
