package agents_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kefu-dev/kefu/agents"
	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/store/pgtest"
)

// Recorded conversations replayed against the same agent are the same;
// against an agent without a tool they used, worse; and the replay runs on
// a snapshot, touching no real order.
func TestReplay(t *testing.T) {
	st, run := newScenario(t, "chloe.martin@example.com")
	run("can you cancel KF-10054? I ordered it by mistake")
	run("yes")
	run("how long does shipping to Canada take?")
	ctx := context.Background()
	o, _ := st.OrderByNumber(ctx, "KF-10054")
	if o.Status != store.OrderCancelled {
		t.Fatalf("setup: order %s", o.Status)
	}
	var transcripts []*store.TranscriptJSON
	st.EachTranscript(ctx, store.TranscriptFilter{}, func(sm store.Summary) error {
		tr, err := st.Transcript(ctx, sm)
		transcripts = append(transcripts, tr)
		return err
	})
	if len(transcripts) != 1 {
		t.Fatalf("%d transcripts", len(transcripts))
	}

	replay := func(disable ...string) agents.ReplayResult {
		snap := filepath.Join(t.TempDir(), "snap.db")
		if err := st.Snapshot(ctx, snap); err != nil {
			t.Fatal(err)
		}
		dry, err := store.Open(ctx, snap, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer dry.Close()
		r, err := agents.NewRunner(ctx, dry, agents.Options{DisableTools: disable, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		res, err := agents.Replay(ctx, r, dry, transcripts[0])
		if err != nil {
			t.Fatal(err)
		}
		return res
	}

	same := replay()
	if len(same.Turns) != 3 {
		t.Fatalf("%d turns replayed, want 3", len(same.Turns))
	}
	// The copy holds today's data, where the order is already cancelled:
	// the preview becomes a refusal and nothing awaits confirmation, which
	// is a change, not worse; the policy question is answered the same.
	if same.Verdict != agents.VerdictChanged || same.Turns[0].Verdict != agents.VerdictChanged || same.Turns[2].Verdict != agents.VerdictSame {
		t.Errorf("replay on today's data: %+v", same)
	}

	worse := replay("search_knowledge_base")
	if worse.Verdict != agents.VerdictWorse || worse.Turns[2].Verdict != agents.VerdictWorse ||
		!strings.Contains(strings.Join(worse.Turns[2].Why, " "), "search_knowledge_base is no longer called") {
		t.Fatalf("without the knowledge base: %+v", worse)
	}
	var b bytes.Buffer
	counts := agents.WriteReplayReport(&b, []agents.ReplayResult{same, worse})
	if counts[agents.VerdictWorse] != 1 || counts[agents.VerdictChanged] != 1 || !strings.Contains(b.String(), "WORSE") || !strings.Contains(b.String(), "no longer called") {
		t.Errorf("report:\n%s", b.String())
	}
	// The real database was not touched by either replay.
	page, err := st.SearchTranscripts(ctx, store.TranscriptFilter{})
	if err != nil || len(page.Conversations) != 1 {
		t.Errorf("the replay wrote to the real database: %+v, %v", page, err)
	}
}

// On PostgreSQL the replay runs on a SQLite snapshot of the shop's
// database, as on SQLite: the same verdicts, and the real database is not
// touched.
func TestReplayOnPostgres(t *testing.T) {
	ctx := context.Background()
	local, run := newScenario(t, "chloe.martin@example.com")
	run("can you cancel KF-10054? I ordered it by mistake")
	run("yes")
	run("how long does shipping to Canada take?")
	pg, err := store.Open(ctx, pgtest.NewDatabase(t), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	if _, err := local.CopyTo(ctx, pg, false); err != nil {
		t.Fatal(err)
	}
	var transcripts []*store.TranscriptJSON
	pg.EachTranscript(ctx, store.TranscriptFilter{}, func(sm store.Summary) error {
		tr, err := pg.Transcript(ctx, sm)
		transcripts = append(transcripts, tr)
		return err
	})
	if len(transcripts) != 1 {
		t.Fatalf("%d transcripts in PostgreSQL", len(transcripts))
	}
	var messages int
	pg.EachTranscript(ctx, store.TranscriptFilter{}, func(sm store.Summary) error {
		messages += int(sm.LastSeq)
		return nil
	})
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	results, err := agents.ReplayOnSnapshot(ctx, pg, transcripts, agents.Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 1 || len(results[0].Turns) != 3 || results[0].Verdict != agents.VerdictChanged || results[0].Turns[2].Verdict != agents.VerdictSame {
		t.Fatalf("replay on PostgreSQL: %+v", results)
	}
	worse, err := agents.ReplayOnSnapshot(ctx, pg, transcripts, agents.Options{Logger: quiet, DisableTools: []string{"search_knowledge_base"}})
	if err != nil || worse[0].Verdict != agents.VerdictWorse {
		t.Fatalf("replay on PostgreSQL without the knowledge base: %+v, %v", worse, err)
	}
	after := 0
	page, err := pg.SearchTranscripts(ctx, store.TranscriptFilter{})
	for _, sm := range page.Conversations {
		after += int(sm.LastSeq)
	}
	if err != nil || len(page.Conversations) != 1 || after != messages {
		t.Errorf("the replay wrote to PostgreSQL: %d conversations, %d messages (was %d), %v", len(page.Conversations), after, messages, err)
	}
}
