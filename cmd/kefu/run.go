package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/store/demo"
)

const usage = `kefu — an AI customer-service gateway for online stores

Usage:
  kefu [serve]            run the gateway: the demo shop at http://localhost:8080, the widget, the chat socket
  kefu healthcheck        exit 0 if the local server is ready (for container health checks)
  kefu seed [--reset]     load the demo shop into an empty database (--reset: empty it first)
  kefu import FILE.json   load a shop's products, customers, orders and articles (see docs/import.md)
  kefu import --transcripts FILE.jsonl
                          load conversations from a kefu export
  kefu user add --email E --name N --role admin|agent   add a staff member (password from stdin)
  kefu user passwd --email E                             change a staff password (from stdin)
  kefu export [filters] [--format jsonl|csv] [-o FILE]
                          stream transcripts (filters: --text --from --to --state --customer --lang
                          --tool --escalated --resolved --min-rating --max-rating)
  kefu replay [filters] [--model builtin|openai] [--fail-on changed|worse] [--json]
                          re-run recorded conversations against the current agent, on a snapshot
  kefu forget --customer EMAIL|ID
                          delete a customer's conversations and personal data (privacy request)
  kefu chat [--as EMAIL] [--json] [-v]
                          talk to the agent in the terminal as a demo customer (or a guest)
  kefu loadtest [--mode turns|flood|idle] [--shoppers N] [--sockets N] [--duration D] [--runs N] [--url ws://HOST/ws]
                          drive a kefu (default: one started on a temporary database) with simulated
                          shoppers over WebSockets; prints turns/s, ack and reply latency, errors, memory
  kefu version            print the version

Environment:
  KEFU_DB                  SQLite database file (default kefu.db)
  KEFU_RETURN_WINDOW_DAYS  days after delivery that returns are accepted (default 30)
  KEFU_COUPON_PERCENT      the discount offer_coupon gives, 1–30 (default 10)
  KEFU_LOG_LEVEL           debug, info, warn or error (default info)
  KEFU_LOG_FORMAT          text or json (default text)
  KEFU_LLM                 builtin (default, offline) or openai (any OpenAI-compatible endpoint)
  KEFU_LLM_BASE_URL        endpoint ending in /v1 (default OPENAI_BASE_URL or https://api.openai.com/v1)
  KEFU_LLM_API_KEY         API key (or KEFU_LLM_API_KEY_FILE; default OPENAI_API_KEY)
  KEFU_LLM_MODEL           model name (default OPENAI_MODEL)
  KEFU_LLM_TIMEOUT         time limit per model call (default 30s)
  KEFU_LLM_MAX_STEPS       model calls per turn (default 6)
  KEFU_ADDR                listen address (default :8080)
  KEFU_ALLOWED_ORIGINS     comma-separated origins of shop pages that embed the widget
  KEFU_IDENTITY_SECRET     secret for signed shopper identities, 32+ characters (or KEFU_IDENTITY_SECRET_FILE)
  KEFU_DEMO                serve the demo API that signs demo identities (default: true without a secret)
  KEFU_STATIC_DIR          serve the front-end files from this folder instead of the binary
  KEFU_SHUTDOWN_TIMEOUT    time allowed for a graceful shutdown (default 10s)
  KEFU_ADMIN_EMAIL         first admin created when there is no staff (default admin@kefu.local)
  KEFU_ADMIN_PASSWORD      their password (default: a one-time password printed to the log)
`

// maxImportSize bounds the file `kefu import` reads into memory.
const maxImportSize = 256 << 20

// run is kefu's entry point, separate from main so that tests can call it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, environ []string) int {
	fs := flag.NewFlagSet("kefu", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cmd, rest := fs.Arg(0), fs.Args()
	if len(rest) > 0 {
		rest = rest[1:]
	}
	switch cmd {
	case "help":
		fmt.Fprint(stdout, usage)
		return 0
	case "version":
		fmt.Fprintf(stdout, "kefu %s %s\n", version, commit)
		return 0
	}

	cfg, err := loadConfig(environ)
	if err != nil {
		fmt.Fprintf(stderr, "kefu: invalid configuration:\n%v\n", err)
		return 1
	}
	log := newLogger(cfg, stderr)
	for _, k := range cfg.Unknown {
		log.Warn("unknown environment variable ignored", "name", k)
	}

	switch cmd {
	case "", "serve":
		return cmdServe(ctx, cfg, log, nil)
	case "healthcheck":
		return cmdHealthcheck(ctx, cfg, stdout, stderr)
	case "seed":
		return cmdSeed(ctx, cfg, log, rest, stdout, stderr)
	case "import":
		return cmdImport(ctx, cfg, log, rest, stdout, stderr)
	case "chat":
		return cmdChat(ctx, cfg, log, rest, stdin, stdout, stderr)
	case "user":
		return cmdUser(ctx, cfg, log, rest, stdin, stdout, stderr)
	case "export":
		return cmdExport(ctx, cfg, log, rest, stdout, stderr)
	case "forget":
		return cmdForget(ctx, cfg, log, rest, stdout, stderr)
	case "replay":
		return cmdReplay(ctx, cfg, log, rest, stdout, stderr)
	case "loadtest":
		return cmdLoadtest(ctx, rest, stdout, stderr, environ)
	default:
		fmt.Fprintf(stderr, "kefu: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
}

func newLogger(cfg Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func openStore(ctx context.Context, cfg Config, log *slog.Logger) (*store.Store, error) {
	st, err := store.Open(ctx, cfg.DB, store.Options{})
	if err != nil {
		return nil, err
	}
	log.Debug("database open", "path", cfg.DB, "schema_version", store.SchemaVersion())
	return st, nil
}

func cmdSeed(ctx context.Context, cfg Config, log *slog.Logger, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("kefu seed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	reset := fs.Bool("reset", false, "delete all shop data and conversations first")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	st, err := openStore(ctx, cfg, log)
	if err != nil {
		fmt.Fprintf(stderr, "kefu seed: %v\n", err)
		return 1
	}
	defer st.Close()
	if *reset {
		if err := st.Reset(ctx); err != nil {
			fmt.Fprintf(stderr, "kefu seed: %v\n", err)
			return 1
		}
	} else if has, err := st.HasShopData(ctx); err != nil {
		fmt.Fprintf(stderr, "kefu seed: %v\n", err)
		return 1
	} else if has {
		fmt.Fprintf(stderr, "kefu seed: %s already has shop data; use `kefu seed --reset` to replace it with the demo shop\n", cfg.DB)
		return 1
	}
	rep, err := st.Import(ctx, demo.Dataset(st.Now()))
	if err != nil {
		fmt.Fprintf(stderr, "kefu seed: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "Seeded the demo shop into %s:\n%s", cfg.DB, rep)
	return 0
}

func cmdImport(ctx context.Context, cfg Config, log *slog.Logger, args []string, stdout, stderr io.Writer) int {
	if len(args) == 2 && args[0] == "--transcripts" {
		return cmdImportTranscripts(ctx, cfg, log, args[1], stdout, stderr)
	}
	if len(args) != 1 {
		fmt.Fprintln(stderr, "usage: kefu import FILE.json\n       kefu import --transcripts FILE.jsonl")
		return 2
	}
	ds, err := readDataset(args[0])
	if err != nil {
		fmt.Fprintf(stderr, "kefu import: %s: %v\n", args[0], err)
		return 1
	}
	st, err := openStore(ctx, cfg, log)
	if err != nil {
		fmt.Fprintf(stderr, "kefu import: %v\n", err)
		return 1
	}
	defer st.Close()
	rep, err := st.Import(ctx, ds)
	var verr *store.ValidationError
	if errors.As(err, &verr) {
		fmt.Fprintf(stderr, "kefu import: %s: nothing was imported; %d problem(s):\n", args[0], len(verr.Problems))
		for _, p := range verr.Problems {
			fmt.Fprintf(stderr, "  %s\n", p)
		}
		return 1
	}
	if err != nil {
		fmt.Fprintf(stderr, "kefu import: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "Imported %s into %s:\n%s", args[0], cfg.DB, rep)
	return 0
}

func readDataset(path string) (*store.Dataset, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxImportSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxImportSize {
		return nil, fmt.Errorf("file is larger than %d MiB", maxImportSize>>20)
	}
	return store.DecodeDataset(b)
}

// cmdImportTranscripts loads conversations from a `kefu export` JSONL file.
func cmdImportTranscripts(ctx context.Context, cfg Config, log *slog.Logger, path string, stdout, stderr io.Writer) int {
	f, err := os.Open(path)
	if err != nil {
		fmt.Fprintf(stderr, "kefu import: %v\n", err)
		return 1
	}
	defer f.Close()
	st, err := openStore(ctx, cfg, log)
	if err != nil {
		fmt.Fprintf(stderr, "kefu import: %v\n", err)
		return 1
	}
	defer st.Close()
	rep, err := st.ImportTranscripts(ctx, f)
	if err != nil {
		fmt.Fprintf(stderr, "kefu import: %s: %v (%d imported before it)\n", path, err, rep.Imported)
		return 1
	}
	fmt.Fprintf(stdout, "Imported %d conversation(s) from %s; %d already there.\n", rep.Imported, path, rep.Skipped)
	return 0
}
