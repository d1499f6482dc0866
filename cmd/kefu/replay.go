package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/kefu-dev/kefu/agents"
	"github.com/kefu-dev/kefu/cmd/kefu/stack"
	"github.com/kefu-dev/kefu/store"
)

// cmdReplay re-runs the shopper turns of recorded conversations against
// the current agent, on a snapshot of the database (so no real order is
// touched), and reports where tool calls or answers changed.
func cmdReplay(ctx context.Context, c *cli, args []string) error {
	fs := c.flags()
	model := fs.String("model", "", "builtin, or openai (uses the KEFU_LLM_* settings); default: the configured model")
	failOn := fs.String("fail-on", "", "exit 1 if any conversation is changed (or worse), or worse")
	limit := fs.Int("limit", 100, "replay at most this many conversations (the most recently active; at most 500)")
	asJSON := fs.Bool("json", false, "print the results as JSON instead of the report")
	disable := fs.String("disable-tool", "", "replay as if this tool were removed (to see what depends on it)")
	filter := transcriptFlags(fs)
	if _, err := c.parse(fs, args); err != nil {
		return err
	}
	if *failOn != "" && *failOn != agents.VerdictChanged && *failOn != agents.VerdictWorse {
		return usagef("--fail-on is changed or worse")
	}
	if *model != "" && *model != "builtin" && *model != "openai" {
		return usagef("--model is builtin or openai")
	}
	cfg, log, err := c.config()
	if err != nil {
		return err
	}
	s, err := stack.New(ctx, cfg.Config, stack.Options{Log: log, Version: version})
	if err != nil {
		return err
	}
	defer s.Shutdown(context.Background())
	st := s.Store
	f, err := filter(ctx, st)
	if err != nil {
		return usageError{err}
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
		return err
	}

	provider := cfg.LLM
	if *model == "builtin" {
		provider = agents.ProviderConfig{}
	}
	var off []string
	if *disable != "" {
		off = []string{*disable}
	}
	results, err := s.Replay(ctx, recorded, provider, off)
	if err != nil {
		return err
	}
	counts := map[string]int{}
	if *asJSON {
		for _, r := range results {
			counts[r.Verdict]++
		}
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		enc.Encode(results)
	} else {
		counts = agents.WriteReplayReport(c.stdout, results)
	}
	switch {
	case *failOn == agents.VerdictWorse && counts[agents.VerdictWorse] > 0:
		return fmt.Errorf("%d conversation(s) worse (--fail-on worse)", counts[agents.VerdictWorse])
	case *failOn == agents.VerdictChanged && counts[agents.VerdictWorse]+counts[agents.VerdictChanged] > 0:
		return fmt.Errorf("%d conversation(s) changed or worse (--fail-on changed)", counts[agents.VerdictWorse]+counts[agents.VerdictChanged])
	}
	return nil
}
