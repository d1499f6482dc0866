package chat

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/kefu-dev/kefu/store"
)

// TurnLocks lets one node at a time run a conversation's turns, when
// several nodes serve one database (issue 15): a shopper with tabs on two
// nodes, or one who comes back on another node while the first is still
// answering, is answered once. Nil in Config: one node, which runs every
// turn without asking (and writes nothing more per turn).
type TurnLocks interface {
	// Hold waits until this node holds conversation id's turns, or ctx
	// ends. It reports whether the shopper message seq still needs its
	// answer: another node may have answered it meanwhile. While another
	// node holds them, Hold calls ask (now and then) to ask that node to
	// give them up (Yield there). The caller releases what it holds,
	// answer or not.
	Hold(ctx context.Context, id string, seq int64, ask func()) (HeldTurn, bool, error)
	// HoldKept holds conversation id's turns at once if this node kept
	// them from the last turn, and nil otherwise: for a turn that starts
	// before its message is stored (early.go), which no other node can
	// have answered. Its seq is set once the message is stored.
	HoldKept(id string) HeldTurn
	// Yield: another node waits for conversation id's turns. A hold kept
	// between turns is given up now, a running turn's when it ends.
	Yield(id string)
	// Leave: conversation id has no socket and no turn on this node any
	// more. Its hold is given up.
	Leave(id string)
	// Close gives up every hold (the node stops; its turns ended).
	Close()
}

// HeldTurn is a conversation's turns held by this node for one turn.
type HeldTurn interface {
	// Lost is closed when the hold was lost (it could not be renewed in
	// time, and another node may hold it now): the turn must stop.
	Lost() <-chan struct{}
	// Release ends the turn; answered is the seq of the shopper message
	// it answered, 0 if it answered none.
	Release(answered int64)
	// Lease is the hold as the store fences a turn's output with it
	// (store.Message.Lease): the answer commits only while it is held.
	Lease() *store.TurnLease
	// Seq is the shopper message the turn answers: its answer carries it
	// (store.Message.Answers), and the commit records it in the lease.
	Seq() int64
	// SetSeq sets it, for a turn held before its message was stored.
	SetSeq(seq int64)
	// Recorded says the answer to seq committed, recorded in the lease.
	Recorded(seq int64)
}

// Liveness tells whether another node still runs (natsbus.Bus, which asks
// the node over NATS). It reports false only when it knows the node is
// gone; an error means it cannot tell.
type Liveness interface {
	NodeAlive(ctx context.Context, node string) (bool, error)
}

// LeaseStore is what TurnLeases needs of the store (*store.Store).
type LeaseStore interface {
	TakeTurnLease(ctx context.Context, id, node string, ttl time.Duration) (*store.TurnLease, error)
	TakeTurnLeaseFrom(ctx context.Context, id, node string, gone *store.TurnLease, ttl time.Duration) (*store.TurnLease, error)
	RenewTurnLeases(ctx context.Context, node string, leases []*store.TurnLease, ttl time.Duration) (map[string]bool, error)
	ReleaseTurnLease(ctx context.Context, l *store.TurnLease, answered int64) (bool, error)
	TurnProgressAfter(ctx context.Context, id string, replied, shopper int64) (store.TurnProgress, error)
}

// TurnLeases are TurnLocks kept in the database (store.TakeTurnLease): a
// lease per conversation, taken with a compare-and-set. A node keeps the
// lease of a conversation between its turns, for as long as the
// conversation lives on the node (a socket, or a turn), so that a turn
// costs no transaction of its own: the answer's commit checks the fence
// and records what it answered (store.Message.Answers), and one statement
// renews all the leases a node keeps between turns (to IdleTTL), another
// those of its running turns (to TTL), every IdleTTL/4. Another node that needs
// a kept lease asks for it over the bus (Hold's ask; Yield here), and it
// is released at once, or when the running turn ends. A node that dies
// holds its leases until they expire, TTL at most, unless Liveness says
// it is gone: then the waiting node takes its lease at once (the fence
// refuses what the dead node's turn would still commit). See
// docs/scale.md for why a lease and not a PostgreSQL advisory lock.
type TurnLeases struct {
	Store LeaseStore
	Node  string        // this node's name, unique among the nodes (host, pid, random)
	TTL   time.Duration // a running turn's lease; zero: DefaultLeaseTTL
	// IdleTTL is a lease kept between turns; zero: DefaultIdleLeaseTTL
	// (TTL if shorter). Both are renewed every IdleTTL/4.
	IdleTTL time.Duration
	Poll    time.Duration // how often a node waiting for a held lease tries again; zero: 100 ms
	// Liveness, if set, is asked whether a lease's holder still runs
	// when the lease is refused; nil: a lease outlives its holder until
	// it expires.
	Liveness Liveness
	Log      *slog.Logger

	mu      sync.Mutex
	kept    map[string]*keptLease
	start   sync.Once
	stop    chan struct{}
	stopped chan struct{}
	closed  bool
}

// DefaultLeaseTTL is how long a running turn's lease outlives its node:
// a message caught in a dead node's turn is answered on another node
// after about this long. DefaultIdleLeaseTTL is the same for a lease a
// node kept between turns: a shopper of a dead node who was not waiting
// for an answer waits about this long for the next one. Renewing them,
// every DefaultIdleLeaseTTL/4, is two statements for all of a node's
// leases.
const (
	DefaultLeaseTTL     = 5 * time.Second
	DefaultIdleLeaseTTL = 2 * time.Second
)

// keptLease is a lease this node holds, between turns or in one.
type keptLease struct {
	lease    *store.TurnLease
	expires  time.Time // by this node's clock: the last renewal's start + TTL
	answered int64     // the last answer recorded in the lease
	running  bool      // a turn holds it
	yield    bool      // another node waits: released when the turn ends
	lost     chan struct{}
	gone     bool // lost, yielded or left: no turn may use it again
}

func (tl *TurnLeases) ttl() time.Duration {
	if tl.TTL > 0 {
		return tl.TTL
	}
	return DefaultLeaseTTL
}

func (tl *TurnLeases) idleTTL() time.Duration {
	d := DefaultIdleLeaseTTL
	if tl.IdleTTL > 0 {
		d = tl.IdleTTL
	}
	return min(d, tl.ttl())
}

func (tl *TurnLeases) init() {
	tl.start.Do(func() {
		tl.mu.Lock()
		tl.kept = map[string]*keptLease{}
		tl.stop, tl.stopped = make(chan struct{}), make(chan struct{})
		tl.mu.Unlock()
		go tl.renewLoop()
	})
}

func (tl *TurnLeases) Hold(ctx context.Context, id string, seq int64, ask func()) (HeldTurn, bool, error) {
	tl.init()
	poll := tl.Poll
	if poll <= 0 {
		poll = 100 * time.Millisecond
	}
	var asked time.Time
	for {
		tl.mu.Lock()
		if tl.closed {
			tl.mu.Unlock()
			return nil, false, errors.New("chat: the turn leases are closed")
		}
		k := tl.kept[id]
		// A lease kept from an earlier turn, renewed lately: no
		// transaction. (Renewals that fail let it run out here first.)
		if tl.usable(k) {
			k.running = true
			tl.mu.Unlock()
			return &heldTurn{tl: tl, k: k, seq: seq}, seq > max(k.answered, k.lease.AnsweredThrough), nil
		}
		if k != nil && !k.running {
			tl.forget(id, k) // running out: taken again below, with a new fence
		}
		busy := k != nil && k.running
		tl.mu.Unlock()
		if !busy {
			l, err := tl.Store.TakeTurnLease(ctx, id, tl.Node, tl.ttl())
			if errors.Is(err, store.ErrLeaseHeld) && tl.holderGone(ctx, l) {
				l, err = tl.Store.TakeTurnLeaseFrom(ctx, id, tl.Node, l, tl.ttl())
			}
			if err == nil {
				return tl.took(ctx, l, seq)
			}
			if !errors.Is(err, store.ErrLeaseHeld) {
				return nil, false, err
			}
			// Another node holds it: between its turns it gives it up
			// when asked.
			if ask != nil && time.Since(asked) >= time.Second {
				ask()
				asked = time.Now()
			}
		}
		select {
		case <-ctx.Done():
			return nil, false, ctx.Err()
		case <-time.After(poll):
		}
	}
}

// holderGone reports whether Liveness knows that held's node, which holds
// a lease TakeTurnLease refused, has stopped. The question is bounded by
// the poll interval: a node that cannot tell waits for the expiry.
func (tl *TurnLeases) holderGone(ctx context.Context, held *store.TurnLease) bool {
	if tl.Liveness == nil || held == nil || held.Node == "" || held.Node == tl.Node {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, max(tl.Poll, 100*time.Millisecond))
	defer cancel()
	alive, err := tl.Liveness.NodeAlive(ctx, held.Node)
	if err == nil && !alive {
		tl.logger().Info("turn lease taken from a node that stopped", "conversation_id", held.ConversationID, "node", held.Node)
		return true
	}
	return false
}

// usable reports whether kept lease k may start a turn now (tl.mu held).
func (tl *TurnLeases) usable(k *keptLease) bool {
	return k != nil && !k.gone && !k.running && !k.yield && time.Until(k.expires) > tl.idleTTL()/2
}

func (tl *TurnLeases) HoldKept(id string) HeldTurn {
	tl.init()
	tl.mu.Lock()
	defer tl.mu.Unlock()
	k := tl.kept[id]
	if tl.closed || !tl.usable(k) {
		return nil
	}
	k.running = true
	return &heldTurn{tl: tl, k: k}
}

// took keeps a lease just taken for its first turn.
func (tl *TurnLeases) took(ctx context.Context, l *store.TurnLease, seq int64) (HeldTurn, bool, error) {
	k := &keptLease{lease: l, expires: time.Now().Add(tl.ttl()), answered: l.AnsweredThrough, running: true, lost: make(chan struct{})}
	tl.mu.Lock()
	if old := tl.kept[l.ConversationID]; old != nil {
		tl.forget(l.ConversationID, old)
	}
	tl.kept[l.ConversationID] = k
	tl.mu.Unlock()
	h := &heldTurn{tl: tl, k: k, seq: seq}
	answer, err := tl.unanswered(ctx, l, seq)
	if err != nil {
		h.Release(0)
		return nil, false, err
	}
	return h, answer, nil
}

// forget drops k from the kept leases (tl.mu held): lost, or given up.
func (tl *TurnLeases) forget(id string, k *keptLease) {
	if !k.gone {
		k.gone = true
		close(k.lost)
	}
	if tl.kept[id] == k {
		delete(tl.kept, id)
	}
}

// unanswered decides, for the node that now holds l, whether message seq
// still needs its answer. Every answer's commit recorded what it answered
// in the lease. A holder that died mid-turn may have committed steps of
// its turn without an answer: its turn was the first shopper message
// after what it had recorded (turns run in order), answered if anything
// but the shopper's came after it.
func (tl *TurnLeases) unanswered(ctx context.Context, l *store.TurnLease, seq int64) (bool, error) {
	if seq <= l.AnsweredThrough {
		return false, nil
	}
	if !l.Expired {
		return true, nil
	}
	p, err := tl.Store.TurnProgressAfter(ctx, l.ConversationID, seq, l.AnsweredThrough)
	if err != nil {
		return false, err
	}
	if p.FirstShopper != 0 && seq > p.FirstShopper {
		return true, nil // the dead node's turn was an earlier message's
	}
	return !p.RepliedAfter, nil
}

// renewLoop renews the kept leases every IdleTTL/4: those of running
// turns to TTL, those kept between turns to IdleTTL, one statement each.
// A lease a statement did not renew is no longer this node's: it is lost
// (its turn, if one runs, stops). One that could not be renewed before
// it expired (the database unreachable) is lost too.
func (tl *TurnLeases) renewLoop() {
	defer close(tl.stopped)
	tick := time.NewTicker(tl.idleTTL() / 4)
	defer tick.Stop()
	for {
		select {
		case <-tl.stop:
			return
		case <-tick.C:
		}
		tl.mu.Lock()
		var running, idle []*store.TurnLease
		for _, k := range tl.kept {
			if k.running {
				running = append(running, k.lease)
			} else {
				idle = append(idle, k.lease)
			}
		}
		tl.mu.Unlock()
		tl.renew(running, tl.ttl())
		tl.renew(idle, tl.idleTTL())
	}
}

// renew renews leases to now+ttl (see renewLoop).
func (tl *TurnLeases) renew(leases []*store.TurnLease, ttl time.Duration) {
	if len(leases) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), tl.idleTTL()/2)
	started := time.Now()
	renewed, err := tl.Store.RenewTurnLeases(ctx, tl.Node, leases, ttl)
	cancel()
	tl.mu.Lock()
	for _, l := range leases {
		k := tl.kept[l.ConversationID]
		if k == nil || k.lease != l {
			continue // given up meanwhile
		}
		switch {
		case err == nil && renewed[l.ConversationID]:
			k.expires = started.Add(ttl)
		case err == nil:
			tl.logger().Warn("turn lease lost to another node", "conversation_id", l.ConversationID)
			tl.forget(l.ConversationID, k)
		case time.Now().Before(k.expires):
			// try again at the next tick
		default:
			tl.logger().Warn("turn lease not renewed in time", "conversation_id", l.ConversationID, "err", err)
			tl.forget(l.ConversationID, k)
		}
	}
	tl.mu.Unlock()
}

// release gives a kept lease up in the database (tl.mu not held).
func (tl *TurnLeases) release(k *keptLease) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := tl.Store.ReleaseTurnLease(ctx, k.lease, k.answered); err != nil {
		// It expires on its own: another node waits TTL at most.
		tl.logger().Warn("turn lease not released", "conversation_id", k.lease.ConversationID, "err", err)
	}
}

// giveUp drops conversation id's kept lease and releases it, unless a
// turn runs: then it goes when the turn ends.
func (tl *TurnLeases) giveUp(id string) {
	if tl.kept == nil {
		return
	}
	tl.mu.Lock()
	k := tl.kept[id]
	if k == nil || k.gone {
		tl.mu.Unlock()
		return
	}
	if k.running {
		k.yield = true
		tl.mu.Unlock()
		return
	}
	tl.forget(id, k)
	tl.mu.Unlock()
	go tl.release(k)
}

func (tl *TurnLeases) Yield(id string) { tl.giveUp(id) }

func (tl *TurnLeases) Leave(id string) { tl.giveUp(id) }

// Close stops the renewals and releases every kept lease: the other
// nodes take them at once, without waiting for them to expire.
func (tl *TurnLeases) Close() {
	tl.init()
	tl.mu.Lock()
	if tl.closed {
		tl.mu.Unlock()
		return
	}
	tl.closed = true
	var all []*keptLease
	for id, k := range tl.kept {
		tl.forget(id, k)
		all = append(all, k)
	}
	tl.mu.Unlock()
	close(tl.stop)
	<-tl.stopped
	var wg sync.WaitGroup
	for _, k := range all {
		wg.Add(1)
		go func() { defer wg.Done(); tl.release(k) }()
	}
	wg.Wait()
}

// heldTurn is a kept lease held by one turn.
type heldTurn struct {
	tl   *TurnLeases
	k    *keptLease
	once sync.Once

	mu  sync.Mutex
	seq int64
}

func (h *heldTurn) Lost() <-chan struct{} { return h.k.lost }

func (h *heldTurn) Lease() *store.TurnLease { return h.k.lease }

func (h *heldTurn) Seq() int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.seq
}

func (h *heldTurn) SetSeq(seq int64) {
	h.mu.Lock()
	h.seq = seq
	h.mu.Unlock()
}

func (h *heldTurn) Recorded(seq int64) {
	h.tl.mu.Lock()
	h.k.answered = max(h.k.answered, seq)
	h.tl.mu.Unlock()
}

// Release ends the turn. The lease stays with the node for the next
// turn, unless another node asked for it, it was lost, or the turn
// answered without recording it in an answer's commit (a hand-off to a
// person): then it is released, with what the turn answered.
func (h *heldTurn) Release(answered int64) {
	h.once.Do(func() {
		tl, k := h.tl, h.k
		tl.mu.Lock()
		k.running = false
		if k.gone {
			tl.mu.Unlock()
			return
		}
		if !k.yield && answered <= k.answered && !tl.closed {
			tl.mu.Unlock()
			return // kept
		}
		k.answered = max(k.answered, answered)
		tl.forget(k.lease.ConversationID, k)
		tl.mu.Unlock()
		tl.release(k)
	})
}

func (tl *TurnLeases) logger() *slog.Logger {
	if tl.Log != nil {
		return tl.Log
	}
	return slog.Default()
}
