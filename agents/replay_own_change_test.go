package agents_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kefu-dev/kefu/agents"
	"github.com/kefu-dev/kefu/store"
)

// A recorded conversation that cancelled its order, replayed against the
// same assistant on today's data (where the order is already cancelled),
// is "changed" with that reason, never "worse": the cancellation is
// refused at once, so the turn that gave the reason calls no tool now
// (issue 17, point 6; README, kefu replay). On the three shops.
func TestReplayOwnChangeIsNotWorse(t *testing.T) {
	ctx := context.Background()
	for _, sh := range scenarioShops {
		t.Run(sh.name, func(t *testing.T) {
			_, _, ds := openShop(t, sh)
			r := findRoles(t, ds, sh.clock())
			s := newShopScenario(t, sh, r.paid.customer)
			s.run(fmt.Sprintf("cancel %s please", r.paid.number))
			s.run("changed my mind")
			if res := s.run("yes"); !strings.Contains(res.Reply, r.paid.number) {
				t.Fatalf("setup: %q", res.Reply)
			}
			if o, _ := s.st.OrderByNumber(ctx, r.paid.number); o.Status != store.OrderCancelled {
				t.Fatalf("setup: order %s is %s", r.paid.number, o.Status)
			}
			var tr *store.TranscriptJSON
			s.st.EachTranscript(ctx, store.TranscriptFilter{}, func(sm store.Summary) error {
				var err error
				tr, err = s.st.Transcript(ctx, sm)
				return err
			})
			snap := filepath.Join(t.TempDir(), "snap.db")
			if err := s.st.Snapshot(ctx, snap); err != nil {
				t.Fatal(err)
			}
			dry, err := store.Open(ctx, snap, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer dry.Close()
			runner, err := agents.NewRunner(ctx, dry, agents.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			if err != nil {
				t.Fatal(err)
			}
			res, err := agents.Replay(ctx, runner, dry, tr)
			if err != nil {
				t.Fatal(err)
			}
			why := ""
			for _, turn := range res.Turns {
				t.Logf("%q: %s %v", turn.Shopper, turn.Verdict, turn.Why)
				why += strings.Join(turn.Why, " ")
			}
			if res.Verdict != agents.VerdictChanged || !strings.Contains(why, "own change was already made") {
				t.Errorf("verdict %s, want changed because the conversation's own change was made", res.Verdict)
			}
		})
	}
}
