package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/kefu-dev/kefu/agents"
	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/tools"
)

// cmdReplay re-runs the shopper turns of recorded conversations against
// the current agent, on a snapshot of the database (so no real order is
// touched), and reports where tool calls or answers changed.
func cmdReplay(ctx context.Context, cfg Config, log *slog.Logger, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("kefu replay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	model := fs.String("model", "", "builtin, or openai (uses the KEFU_LLM_* settings); default: the configured model")
	failOn := fs.String("fail-on", "", "exit 1 if any conversation is changed (or worse), or worse")
	limit := fs.Int("limit", 100, "replay at most this many conversations (the most recently active; at most 500)")
	asJSON := fs.Bool("json", false, "print the results as JSON instead of the report")
	disable := fs.String("disable-tool", "", "replay as if this tool were removed (to see what depends on it)")
	filter := transcriptFlags(fs)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *failOn != "" && *failOn != agents.VerdictChanged && *failOn != agents.VerdictWorse {
		fmt.Fprintln(stderr, "kefu replay: --fail-on is changed or worse")
		return 2
	}
	st, err := openStore(ctx, cfg, log)
	if err != nil {
		fmt.Fprintf(stderr, "kefu replay: %v\n", err)
		return 1
	}
	defer st.Close()
	f, err := filter(ctx, st)
	if err != nil {
		fmt.Fprintf(stderr, "kefu replay: %v\n", err)
		return 2
	}
	// The most recently active conversations first, as the console lists
	// them.
	f.Limit = *limit
	page, err := st.SearchTranscripts(ctx, f)
	var recorded []*store.TranscriptJSON
	for i := 0; err == nil && i < len(page.Conversations); i++ {
		sm := page.Conversations[i]
		var t *store.TranscriptJSON
		t, err = st.Transcript(ctx, sm)
		recorded = append(recorded, t)
	}
	if err != nil {
		fmt.Fprintf(stderr, "kefu replay: %v\n", err)
		return 1
	}

	provider := cfg.LLM
	if *model == "builtin" {
		provider = agents.ProviderConfig{}
	} else if *model != "" && *model != "openai" {
		fmt.Fprintln(stderr, "kefu replay: --model is builtin or openai")
		return 2
	}
	var off []string
	if *disable != "" {
		off = []string{*disable}
	}
	results, err := replayOnSnapshot(ctx, cfg, log, st, recorded, provider, off)
	if err != nil {
		fmt.Fprintf(stderr, "kefu replay: %v\n", err)
		return 1
	}
	counts := map[string]int{}
	if *asJSON {
		for _, r := range results {
			counts[r.Verdict]++
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(results)
	} else {
		counts = agents.WriteReplayReport(stdout, results)
	}
	switch {
	case *failOn == agents.VerdictWorse && counts[agents.VerdictWorse] > 0,
		*failOn == agents.VerdictChanged && counts[agents.VerdictWorse]+counts[agents.VerdictChanged] > 0:
		return 1
	}
	return 0
}

// replayOnSnapshot replays recorded conversations against the agent built
// with provider, on a throwaway copy of the database.
func replayOnSnapshot(ctx context.Context, cfg Config, log *slog.Logger, st *store.Store, recorded []*store.TranscriptJSON,
	provider agents.ProviderConfig, disable []string) ([]agents.ReplayResult, error) {
	return agents.ReplayOnSnapshot(ctx, st, recorded, agents.Options{Provider: provider, DisableTools: disable,
		Policy: tools.Policy{ReturnWindow: cfg.ReturnWindow, CouponPercent: cfg.CouponPercent}, Logger: log,
		Config: agents.Config{MaxSteps: cfg.LLMMaxSteps, ModelTimeout: cfg.LLMTimeout}})
}
