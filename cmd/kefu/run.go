package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"unicode/utf8"
)

// command is one of kefu's subcommands. Its run parses its own flags and
// arguments (refusing any it does not know) and returns an error, which
// run prints once.
type command struct {
	name     string
	synopsis string // how it is called; a second line, if any, is indented
	help     string
	run      func(ctx context.Context, c *cli, args []string) error
}

// commands are kefu's subcommands, in the order help lists them. (They
// are set in init because help's own entry lists them.)
var commands []command

func init() {
	commands = []command{
		{"serve", "kefu [serve]", "run the gateway: the demo shop at http://localhost:8080, the widget, the chat socket", cmdServe},
		{"healthcheck", "kefu healthcheck", "exit 0 if the local server is ready (for container health checks)", cmdHealthcheck},
		{"seed", "kefu seed [--reset]", "load the demo shop into an empty database (--reset: empty it first)", cmdSeed},
		{"import", "kefu import FILE.json\nkefu import --transcripts FILE.jsonl",
			"load a shop's products, customers, orders and articles (see docs/import.md), or conversations from a kefu export", cmdImport},
		{"user", "kefu user add --email E --name N --role admin|agent\nkefu user passwd --email E\nkefu user list\nkefu user remove EMAIL",
			"add a staff member, change a staff password (read from stdin), list the staff, or remove one (signed out, disabled)", cmdUser},
		{"export", "kefu export [filters] [--format jsonl|csv] [-o FILE]",
			"stream transcripts (filters: --text --from --to --state --customer --lang --tool --escalated --resolved --min-rating --max-rating)", cmdExport},
		{"replay", "kefu replay [filters] [--model builtin|openai] [--fail-on changed|worse] [--json]",
			"re-run recorded conversations against the current agent, on a snapshot", cmdReplay},
		{"forget", "kefu forget --customer EMAIL|ID [--yes]",
			"erase a customer's conversations, the guest conversations about their orders, their identifiers elsewhere and their personal data (privacy request); shows what and asks first", cmdForget},
		{"migrate-to", "kefu migrate-to [--replace] postgres://…",
			"copy the SQLite database (KEFU_DB) into PostgreSQL, for several nodes (docs/scale.md); validated by counting every table, and repeatable with --replace", cmdMigrateTo},
		{"chat", "kefu chat [--as EMAIL] [--json] [-v]", "talk to the agent in the terminal as a demo customer (or a guest)", cmdChat},
		{"loadtest", "kefu loadtest [--mode turns|flood|idle|replay] [--model-sim] [--shoppers N] [--sockets N] [--duration D] [--runs N] [--url ws://HOST/ws]",
			"drive a kefu (default: one started on a temporary database) with simulated shoppers over WebSockets; prints turns/s, ack and reply latency, errors, memory, CPU a turn", cmdLoadtest},
		{"version", "kefu version", "print the version", cmdVersion},
		{"help", "kefu help", "print this help", cmdHelp},
	}
}

// usage is `kefu help`: every command and every setting.
func usage() string {
	var b strings.Builder
	b.WriteString("kefu — an AI customer-service gateway for online stores\n\nUsage:\n")
	for _, c := range commands {
		lines := strings.Split(c.synopsis, "\n")
		for _, l := range lines[:len(lines)-1] {
			fmt.Fprintf(&b, "  %s\n", l)
		}
		help := wrap(c.help, 26, 100)
		if last := lines[len(lines)-1]; len(last) <= 22 {
			fmt.Fprintf(&b, "  %-22s  %s\n", last, help)
		} else {
			fmt.Fprintf(&b, "  %s\n  %-22s  %s\n", last, "", help)
		}
	}
	b.WriteString("\nEnvironment (a KEFU_ variable not listed here is reported at start):\n")
	b.WriteString(settingsHelp())
	return b.String()
}

// wrap breaks text into lines of at most width columns, the second and
// later indented by indent columns (the first is where the caller put it).
func wrap(text string, indent, width int) string {
	var b strings.Builder
	col := indent
	for i, w := range strings.Fields(text) {
		n := utf8.RuneCountInString(w)
		if i > 0 && col+1+n > width {
			b.WriteString("\n" + strings.Repeat(" ", indent))
			col = indent
		} else if i > 0 {
			b.WriteByte(' ')
			col++
		}
		b.WriteString(w)
		col += n
	}
	return b.String()
}

// cli is what a command runs with: the process's streams and environment.
type cli struct {
	name    string // "kefu seed", which starts each of its messages
	stdin   io.Reader
	stdout  io.Writer
	stderr  io.Writer
	environ []string
}

// usageError is a command called wrongly: an unknown flag, a missing or
// stray argument, a bad flag value. kefu exits 2 after it.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// helpRequest is -h or --help: the command's flags, printed by run.
type helpRequest struct{ fs *flag.FlagSet }

func (helpRequest) Error() string { return "help requested" }

// flags returns a flag set for the command. It prints nothing: run
// reports a parsing error once, with the command's usage.
func (c *cli) flags() *flag.FlagSet {
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parse parses args with fs and returns the arguments after the flags,
// which must be exactly one for each name given.
func (c *cli) parse(fs *flag.FlagSet, args []string, names ...string) ([]string, error) {
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return nil, helpRequest{fs}
	} else if err != nil {
		return nil, usageError{err}
	}
	rest := fs.Args()
	if len(rest) < len(names) {
		return nil, usagef("missing %s", strings.Join(names[len(rest):], " "))
	}
	if len(rest) > len(names) {
		return nil, usagef("unexpected argument %q", rest[len(names)])
	}
	return rest, nil
}

// config reads the configuration and builds the logger, warning of
// KEFU_ variables that are not settings.
func (c *cli) config() (Config, *slog.Logger, error) {
	cfg, err := loadConfig(c.environ)
	if err != nil {
		return cfg, nil, fmt.Errorf("invalid configuration:\n%w", err)
	}
	log := newLogger(cfg, c.stderr)
	for _, k := range cfg.Unknown {
		log.Warn("unknown environment variable ignored", "name", k)
	}
	return cfg, log, nil
}

// run is kefu's entry point, separate from main so that tests can call it.
// It prints a command's error once, as "kefu <command>: …", and returns
// the exit code: 0, 1 for a failure, 2 for a command called wrongly.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, environ []string) int {
	name := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	} else if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
		name, args = "help", args[1:]
	} else if len(args) > 0 {
		fmt.Fprintf(stderr, "kefu: unknown flag %s (flags come after the command)\n\n%s", args[0], usage())
		return 2
	}
	var cmd *command
	for i := range commands {
		if commands[i].name == name {
			cmd = &commands[i]
		}
	}
	if cmd == nil {
		fmt.Fprintf(stderr, "kefu: unknown command %q\n\n%s", name, usage())
		return 2
	}
	c := &cli{name: "kefu " + name, stdin: stdin, stdout: stdout, stderr: stderr, environ: environ}
	err := cmd.run(ctx, c, args)
	var help helpRequest
	var uerr usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &help):
		fmt.Fprintf(stdout, "usage: %s\n\n%s\n", strings.ReplaceAll(cmd.synopsis, "\n", "\n       "), cmd.help)
		var flags bytes.Buffer
		help.fs.SetOutput(&flags)
		help.fs.PrintDefaults()
		if flags.Len() > 0 {
			fmt.Fprintf(stdout, "\nflags:\n%s", flags.String())
		}
		return 0
	case errors.As(err, &uerr):
		fmt.Fprintf(stderr, "%s: %v\nusage: %s\n", c.name, err, strings.ReplaceAll(cmd.synopsis, "\n", "\n       "))
		return 2
	default:
		fmt.Fprintf(stderr, "%s: %v\n", c.name, err)
		return 1
	}
}

func cmdHelp(ctx context.Context, c *cli, args []string) error {
	if _, err := c.parse(c.flags(), args); err != nil {
		return err
	}
	fmt.Fprint(c.stdout, usage())
	return nil
}

func cmdVersion(ctx context.Context, c *cli, args []string) error {
	if _, err := c.parse(c.flags(), args); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "kefu %s %s\n", version, commit)
	return nil
}

func newLogger(cfg Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
