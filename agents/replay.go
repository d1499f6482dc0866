package agents

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/tools"
)

// Replay verdicts, from best to worst.
const (
	VerdictSame    = "same"
	VerdictChanged = "changed"
	VerdictWorse   = "worse"
)

// TurnRecord is what the agent did in one turn: the tools it called with
// each result's status, and its answer.
type TurnRecord struct {
	Tools  []ToolOutcome `json:"tools"`
	Answer string        `json:"answer"`
}

// ToolOutcome is one tool call's name and result status.
type ToolOutcome struct {
	Name   string `json:"name"`
	Status string `json:"status"`
}

// ReplayTurn compares one shopper turn, recorded and replayed.
type ReplayTurn struct {
	Shopper  string     `json:"shopper"`
	Recorded TurnRecord `json:"recorded"`
	Replayed TurnRecord `json:"replayed"`
	Verdict  string     `json:"verdict"`
	Why      []string   `json:"why,omitempty"`
}

// ReplayResult is one conversation's replay.
type ReplayResult struct {
	ConversationID string       `json:"conversation_id"`
	Verdict        string       `json:"verdict"`
	Turns          []ReplayTurn `json:"turns"`
}

// recordedTurns reads the bot's turns from a transcript: each shopper
// message the bot answered, with the tools of the turn and the answer.
// Messages a person answered are not the agent's and are left out.
func recordedTurns(t *store.TranscriptJSON) []ReplayTurn {
	var out []ReplayTurn
	var cur *ReplayTurn
	for _, m := range t.Messages {
		switch m.Role {
		case store.RoleUser:
			out = append(out, ReplayTurn{Shopper: m.Text})
			cur = &out[len(out)-1]
		case store.RoleTool:
			var r ToolResultRecord
			if cur != nil && json.Unmarshal(m.ToolResult, &r) == nil {
				res, _ := tools.Decode(r.Name, r.Content)
				cur.Recorded.Tools = append(cur.Recorded.Tools, ToolOutcome{Name: r.Name, Status: res.Status})
			}
		case store.RoleAssistant:
			if cur != nil && m.Text != "" && len(m.ToolCalls) == 0 {
				cur.Recorded.Answer = m.Text
			}
		}
	}
	kept := out[:0]
	for _, tr := range out {
		if tr.Recorded.Answer != "" {
			kept = append(kept, tr)
		}
	}
	return kept
}

// Replay re-runs a recorded conversation's shopper turns through the
// runner, as the same shopper, in a new conversation of st, and compares
// each turn. Run it on a snapshot of the database, never the real one:
// the change tools then touch no real order.
func Replay(ctx context.Context, r *Runner, st *store.Store, t *store.TranscriptJSON) (ReplayResult, error) {
	res := ReplayResult{ConversationID: t.ID, Verdict: VerdictSame}
	conv, _, err := st.CreateConversation(ctx, t.CustomerID, t.Locale)
	if err != nil {
		return res, err
	}
	id := tools.Identity{CustomerID: t.CustomerID, ConversationID: conv.ID, Locale: t.Locale}
	made := madeItsChange(recordedTurns(t), r.Tools)
	for _, turn := range recordedTurns(t) {
		if _, err := st.AppendMessage(ctx, &store.Message{ConversationID: conv.ID, Role: store.RoleUser, Text: turn.Shopper}); err != nil {
			return res, err
		}
		out, err := r.Turn(ctx, Turn{ConversationID: conv.ID, Identity: id, ShopperName: t.CustomerName, Text: turn.Shopper}, Events{})
		if err != nil {
			return res, fmt.Errorf("agents: replay of %s: %w", t.ID, err)
		}
		for _, c := range out.Calls {
			turn.Replayed.Tools = append(turn.Replayed.Tools, ToolOutcome{Name: c.Name, Status: c.Status})
		}
		turn.Replayed.Answer = out.Reply
		turn.Verdict, turn.Why = compareTurn(turn.Recorded, turn.Replayed, made)
		res.Verdict = worst(res.Verdict, turn.Verdict)
		res.Turns = append(res.Turns, turn)
	}
	return res, nil
}

// madeItsChange is, for a recorded conversation that confirmed a change
// (an order cancelled, a return started), the change tools of the
// registry: the replay runs on today's data, where that change is already
// made, so those tools may now be refused earlier or not called at all.
// Nil when the conversation changed nothing.
func madeItsChange(turns []ReplayTurn, reg *tools.Registry) map[string]bool {
	confirmed := false
	for _, t := range turns {
		for _, o := range t.Recorded.Tools {
			confirmed = confirmed || (o.Name == confirmTool && o.Status == tools.StatusOK)
		}
	}
	if !confirmed || reg == nil {
		return nil
	}
	out := map[string]bool{}
	for _, in := range reg.List() {
		if in.Risk == tools.Change {
			out[in.Name] = true
		}
	}
	return out
}

// compareTurn: worse when a recorded tool call is now missing or a
// refusal became an action; changed when the calls or the gist of the
// answer differ. A change tool of made (the conversation's own change,
// already made in today's data) that is no longer called is a change,
// with that reason.
func compareTurn(rec, now TurnRecord, made map[string]bool) (string, []string) {
	verdict := VerdictSame
	var why []string
	have := map[string]ToolOutcome{}
	for _, t := range now.Tools {
		have[t.Name] = t
	}
	for _, t := range rec.Tools {
		n, ok := have[t.Name]
		switch {
		case !ok && t.Name == confirmTool:
			// Confirmations are the shopper's, run by kefu: missing one
			// follows from an earlier turn's change, not a worse agent.
			verdict, why = worst(verdict, VerdictChanged), append(why, "no change awaited confirmation this time")
		case !ok && made[t.Name]:
			verdict, why = worst(verdict, VerdictChanged), append(why, fmt.Sprintf("%s is no longer called: this conversation's own change was already made", t.Name))
		case !ok:
			verdict, why = VerdictWorse, append(why, fmt.Sprintf("%s is no longer called", t.Name))
		case t.Status == tools.StatusRefused && n.Status != tools.StatusRefused:
			verdict, why = VerdictWorse, append(why, fmt.Sprintf("%s was refused, now %s", t.Name, n.Status))
		case t.Status != n.Status:
			verdict, why = worst(verdict, VerdictChanged), append(why, fmt.Sprintf("%s returned %s, now %s", t.Name, t.Status, n.Status))
		}
	}
	if names(rec.Tools) != names(now.Tools) && verdict == VerdictSame {
		verdict, why = VerdictChanged, append(why, fmt.Sprintf("tools %s, now %s", names(rec.Tools), names(now.Tools)))
	}
	if sim := gistSimilarity(rec.Answer, now.Answer); sim < 0.6 {
		verdict, why = worst(verdict, VerdictChanged), append(why, fmt.Sprintf("the answer changed (%.0f%% alike)", 100*sim))
	}
	return verdict, why
}

func worst(a, b string) string {
	rank := map[string]int{VerdictSame: 0, VerdictChanged: 1, VerdictWorse: 2}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

func names(ts []ToolOutcome) string {
	var ns []string
	for _, t := range ts {
		ns = append(ns, t.Name)
	}
	return "[" + strings.Join(ns, ", ") + "]"
}

// Ids that change on every run say nothing about the gist.
var volatile = regexp.MustCompile(`RMA-[A-Z0-9]+|[0-9a-f]{8}-[0-9a-f-]{27}`)

// gistSimilarity is the overlap (Jaccard) of two answers' words and
// numbers, ignoring ids that change on every run: 1 is the same gist.
func gistSimilarity(a, b string) float64 {
	words := func(s string) map[string]bool {
		m := map[string]bool{}
		s = volatile.ReplaceAllString(s, "ID")
		for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
			if len([]rune(w)) >= 3 || unicode.Is(unicode.Han, []rune(w)[0]) || unicode.IsDigit([]rune(w)[0]) {
				m[w] = true
			}
		}
		return m
	}
	wa, wb := words(a), words(b)
	if len(wa) == 0 && len(wb) == 0 {
		return 1
	}
	inter := 0
	for w := range wa {
		if wb[w] {
			inter++
		}
	}
	return float64(inter) / float64(len(wa)+len(wb)-inter)
}

// WriteReplayReport writes a readable report: a diff for every
// conversation that is not the same, then a summary table.
func WriteReplayReport(w io.Writer, results []ReplayResult) map[string]int {
	counts := map[string]int{}
	for _, r := range results {
		counts[r.Verdict]++
		if r.Verdict == VerdictSame {
			continue
		}
		fmt.Fprintf(w, "== %s: %s\n", r.ConversationID, strings.ToUpper(r.Verdict))
		for i, t := range r.Turns {
			if t.Verdict == VerdictSame {
				continue
			}
			fmt.Fprintf(w, "  turn %d  shopper: %q\n", i+1, clip(t.Shopper, 100))
			for _, y := range t.Why {
				fmt.Fprintf(w, "    - %s\n", y)
			}
			fmt.Fprintf(w, "    recorded %s %q\n", names(t.Recorded.Tools), clip(t.Recorded.Answer, 120))
			fmt.Fprintf(w, "    now      %s %q\n", names(t.Replayed.Tools), clip(t.Replayed.Answer, 120))
		}
	}
	fmt.Fprintf(w, "\n%-40s %s\n", "conversation", "verdict")
	for _, r := range results {
		fmt.Fprintf(w, "%-40s %s\n", r.ConversationID, r.Verdict)
	}
	fmt.Fprintf(w, "\n%d conversation(s): %d same, %d changed, %d worse\n", len(results), counts[VerdictSame], counts[VerdictChanged], counts[VerdictWorse])
	return counts
}

// ReplayOnSnapshot replays recorded conversations against the agent that
// opts configure, on a throwaway copy of st: the change tools run for real
// there, and nothing reaches the shop's database.
func ReplayOnSnapshot(ctx context.Context, st *store.Store, recorded []*store.TranscriptJSON, opts Options) ([]ReplayResult, error) {
	dir, err := os.MkdirTemp("", "kefu-replay-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	snap := filepath.Join(dir, "snapshot.db")
	start := time.Now()
	if err := st.Snapshot(ctx, snap); err != nil {
		return nil, err
	}
	if err := rest(ctx, time.Since(start)); err != nil {
		return nil, err
	}
	// A throwaway copy: its commits need not wait for the disk, and so do
	// not compete with the real writer's syncs.
	dry, err := store.Open(ctx, snap, store.Options{Sync: store.SyncNormal})
	if err != nil {
		return nil, err
	}
	defer dry.Close()
	runner, err := NewRunner(ctx, dry, opts)
	if err != nil {
		return nil, err
	}
	var results []ReplayResult
	for i, t := range recorded {
		start := time.Now()
		r, err := Replay(ctx, runner, dry, t)
		if err != nil {
			return nil, err
		}
		results = append(results, r)
		if i < len(recorded)-1 {
			if err := rest(ctx, time.Since(start)); err != nil {
				return nil, err
			}
		}
	}
	return results, nil
}

// rest waits as long as the last step (the snapshot, a conversation's
// replay) took: a replay runs beside the shoppers, on the same cores, and
// so takes at most about half of one core's time, leaving the rest to
// their turns.
func rest(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
