package chat

import (
	"context"
	"fmt"
	"sync"

	"github.com/kefu-dev/kefu/agents"
	"github.com/kefu-dev/kefu/store"
)

// A turn may start before the shopper message it answers is committed: a
// hosted model takes hundreds of milliseconds to its first token, and on a
// loaded disk the commit alone can take as long, so waiting for it first
// adds the one to the other. The turn is held back by its gate until the
// commit's outcome is known:
//
//   - the shopper sees nothing of it (typing, activity, streamed text)
//     before the message's ack went out;
//   - it stores nothing, and so runs no tool, before then (the agent
//     records a tool call before running it: Record waits at the gate);
//   - if the commit fails (or finds the message stored already, a retry),
//     the turn is cancelled and dropped: the shopper was told the message
//     was not saved, and an answer to it would look as if it were.
//
// Only the model's first call overlaps the commit. With several nodes
// (Config.TurnLocks) a turn starts early only on the lease this node kept
// from the conversation's last turn (TurnLocks.HoldKept): no other node
// can have answered a message not stored yet. Its seq, which the answer
// records in the lease, is the gate's once it opens. Otherwise the turn
// waits for its lease, which names the message by its seq, after the
// commit.

// errNotStored ends a turn whose message was not stored. It wraps
// context.Canceled: the turn stops quietly, as when a person takes over.
var errNotStored = fmt.Errorf("chat: the message this turn answers was not stored: %w", context.Canceled)

type turnGate struct {
	mu     sync.Mutex
	done   chan struct{} // closed when the commit's outcome is known
	stored bool
	seq    int64              // the message's, once stored
	cancel context.CancelFunc // the turn's, once it runs
	feed   *turnFeed          // the turn's feed, once it runs
}

func newTurnGate() *turnGate { return &turnGate{done: make(chan struct{})} }

// resolved reports whether the outcome is known, and whether it was stored.
func (g *turnGate) resolved() (known, stored bool) {
	select {
	case <-g.done:
		return true, g.stored
	default:
		return false, false
	}
}

// open lets the turn show itself and store its steps: the message is
// stored (at seq) and its ack went out.
func (g *turnGate) open(seq int64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if known, _ := g.resolved(); known {
		return
	}
	g.stored, g.seq = true, seq
	// The feed shows what it held before the turn may go on: a turn let
	// through first can answer, and stop its feed, before the held typing,
	// activity and text went out, and they never would. (Lock order: g.mu,
	// then the feed's, as in attach.)
	g.feed.ungate()
	close(g.done)
}

// fail drops the turn: its message was not stored.
func (g *turnGate) fail() {
	g.mu.Lock()
	if known, _ := g.resolved(); known {
		g.mu.Unlock()
		return
	}
	close(g.done)
	cancel := g.cancel
	g.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// setCancel registers the running turn's cancel func; it reports false
// (and cancels) when the gate failed already.
func (g *turnGate) setCancel(cancel context.CancelFunc) bool {
	g.mu.Lock()
	known, stored := g.resolved()
	if !known {
		g.cancel = cancel
	}
	g.mu.Unlock()
	if known && !stored {
		cancel()
		return false
	}
	return true
}

// attach holds the turn's feed back until the gate opens.
func (g *turnGate) attach(f *turnFeed) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if known, _ := g.resolved(); !known {
		f.mu.Lock()
		f.gated = true
		f.mu.Unlock()
		g.feed = f
	}
}

// wait blocks until the message is stored, or reports why it will not be.
func (g *turnGate) wait(ctx context.Context) error {
	select {
	case <-g.done:
		if g.stored {
			return nil
		}
		return errNotStored
	case <-ctx.Done():
		return ctx.Err()
	}
}

// startEarly starts the turn for a shopper message not yet committed, when
// the conversation's bot is idle (no turn running or queued: the message
// is then the last one the turn sees). It returns nil when the turn must
// wait for the commit as before.
func (e *Engine) startEarly(c *conversation, m *store.Message, confirmAction string) *turnGate {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closing {
		return nil
	}
	c.mu.Lock()
	if c.running || len(c.queue) > 0 || c.state != store.StateBot {
		c.mu.Unlock()
		return nil
	}
	var held HeldTurn
	if e.cfg.TurnLocks != nil {
		if held = e.cfg.TurnLocks.HoldKept(c.id); held == nil {
			c.mu.Unlock()
			return nil
		}
	}
	g := newTurnGate()
	pending := *m // a copy: the writer sets the original's seq as it commits
	c.queue = append(c.queue, queuedTurn{text: m.Text, confirmAction: confirmAction, gate: g, pending: &pending, held: held})
	c.running = true
	c.mu.Unlock()
	e.turns.Add(1)
	e.warm.run(func() { e.runTurns(c) })
	return g
}

// gatedLog is the engine's log for a turn started before its message was
// committed: its history ends with that message whether or not the commit
// is done, and it stores nothing until the message is stored.
type gatedLog struct {
	engineLog
	gate    *turnGate
	pending *store.Message
}

func (l gatedLog) LastMessages(ctx context.Context, id string, n int) ([]store.Message, int64, error) {
	ms, before, err := l.engineLog.LastMessages(ctx, id, n)
	if err != nil {
		return nil, 0, err
	}
	// The message may be there already (committed meanwhile), with the
	// shopper's next messages after it, which later turns answer: it
	// comes last, and they are left out (as agents' asAnswering does).
	p := *l.pending
	p.Seq = 0
	for _, m := range ms {
		if m.Role == store.RoleUser && m.ClientID == p.ClientID {
			p.Seq = m.Seq
		}
	}
	out := make([]store.Message, 0, len(ms)+1) // and p: one allocation, not one for every doubling
	for _, m := range ms {
		if m.Role == store.RoleUser && (m.ClientID == p.ClientID || (p.Seq > 0 && m.Seq > p.Seq)) {
			continue
		}
		out = append(out, m)
	}
	if p.Seq == 0 { // not stored yet: it is the next
		p.Seq = before + 1
		if len(ms) > 0 {
			p.Seq = ms[len(ms)-1].Seq + 1
		}
	}
	if len(out) == n && n > 0 {
		out, before = out[1:], out[0].Seq
	}
	return append(out, p), before, nil
}

func (l gatedLog) AppendMessage(ctx context.Context, m *store.Message) (bool, error) {
	if err := l.gate.wait(ctx); err != nil {
		return false, err
	}
	if c := l.e.live(m.ConversationID); c != nil {
		c.mu.Lock()
		held := c.held
		c.mu.Unlock()
		if held != nil {
			held.SetSeq(l.gate.seq) // the answer records it in the lease
		}
	}
	return l.engineLog.AppendMessage(ctx, m)
}

// turnLog is the log a turn records through.
func (e *Engine) turnLog(q queuedTurn) agents.Log {
	if q.gate == nil {
		return e.agentLog
	}
	return &agents.StoreLog{Store: gatedLog{engineLog{e}, q.gate, q.pending}}
}
