package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/kefu-dev/kefu/store"
)

// transcriptFlags adds the transcript filters to a flag set.
func transcriptFlags(fs *flag.FlagSet) func(ctx context.Context, st *store.Store) (store.TranscriptFilter, error) {
	text := fs.String("text", "", "words in any message (English or Chinese)")
	from := fs.String("from", "", "started on or after this date (YYYY-MM-DD)")
	to := fs.String("to", "", "started before this date (YYYY-MM-DD)")
	state := fs.String("state", "", "bot, queued, human or closed")
	customer := fs.String("customer", "", "customer email or id")
	lang := fs.String("lang", "", "en or zh")
	tool := fs.String("tool", "", "a tool the agent called, e.g. start_return")
	escalated := fs.String("escalated", "", "true or false: handed to a person")
	resolved := fs.String("resolved", "", "true or false: closed by the bot without a handoff")
	minRating := fs.Int("min-rating", 0, "lowest rating, 1–5")
	maxRating := fs.Int("max-rating", 0, "highest rating, 1–5")
	return func(ctx context.Context, st *store.Store) (store.TranscriptFilter, error) {
		f := store.TranscriptFilter{Text: *text, State: *state, Locale: *lang, Tool: *tool, MinRating: *minRating, MaxRating: *maxRating}
		var err error
		for _, d := range []struct {
			s   string
			dst *time.Time
		}{{*from, &f.From}, {*to, &f.To}} {
			if d.s == "" {
				continue
			}
			if *d.dst, err = time.Parse("2006-01-02", d.s); err != nil {
				return f, fmt.Errorf("dates are YYYY-MM-DD, not %q", d.s)
			}
		}
		for _, b := range []struct {
			s   string
			dst **bool
		}{{*escalated, &f.Escalated}, {*resolved, &f.Resolved}} {
			if b.s == "" {
				continue
			}
			v, err := strconv.ParseBool(b.s)
			if err != nil {
				return f, fmt.Errorf("--escalated and --resolved take true or false, not %q", b.s)
			}
			*b.dst = &v
		}
		if *customer != "" {
			if f.CustomerID, err = lookupCustomer(ctx, st, *customer); err != nil {
				return f, err
			}
		}
		return f, f.Validate()
	}
}

// cmdExport streams transcripts as JSONL or CSV, in constant memory.
func cmdExport(ctx context.Context, c *cli, args []string) error {
	fs := c.flags()
	format := fs.String("format", "jsonl", "jsonl (everything, one conversation per line) or csv (one row per message)")
	out := fs.String("o", "", "write to this file instead of stdout")
	filter := transcriptFlags(fs)
	if _, err := c.parse(fs, args); err != nil {
		return err
	}
	if *format != "jsonl" && *format != "csv" {
		return usagef("--format is jsonl or csv")
	}
	cfg, log, err := c.config()
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	f, err := filter(ctx, st)
	if err != nil {
		return usageError{err}
	}
	w := c.stdout
	if *out != "" {
		file, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer file.Close()
		w = file
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	var n int
	if *format == "csv" {
		n, err = st.ExportCSV(ctx, f, bw)
	} else {
		n, err = st.ExportJSONL(ctx, f, bw)
	}
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stderr, "Exported %d conversation(s).\n", n)
	return nil
}

// lookupCustomer finds a customer by id or email, as the command-line
// filters take them.
func lookupCustomer(ctx context.Context, st *store.Store, s string) (int64, error) {
	if id, err := strconv.ParseInt(s, 10, 64); err == nil {
		return id, nil
	}
	c, err := st.CustomerByEmail(ctx, s)
	if err != nil {
		return 0, fmt.Errorf("no customer %q", s)
	}
	return c.ID, nil
}
