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
	// answer: another node may have answered it meanwhile. The caller
	// releases what it holds, answer or not.
	Hold(ctx context.Context, id string, seq int64) (HeldTurn, bool, error)
}

// HeldTurn is a conversation's turns held by this node.
type HeldTurn interface {
	// Lost is closed when the hold was lost (it could not be renewed in
	// time, and another node may hold it now): the turn must stop.
	Lost() <-chan struct{}
	// Release gives the hold up; answered is the seq of the shopper
	// message the turn answered, 0 if it answered none.
	Release(answered int64)
	// Lease is the hold as the store fences a turn's output with it
	// (store.Message.Lease): the answer commits only while it is held.
	Lease() *store.TurnLease
}

// LeaseStore is what TurnLeases needs of the store (*store.Store).
type LeaseStore interface {
	TakeTurnLease(ctx context.Context, id, node string, ttl time.Duration) (*store.TurnLease, error)
	RenewTurnLease(ctx context.Context, l *store.TurnLease, ttl time.Duration) (bool, error)
	ReleaseTurnLease(ctx context.Context, l *store.TurnLease, answered int64) (bool, error)
	TurnProgressAfter(ctx context.Context, id string, replied, shopper int64) (store.TurnProgress, error)
}

// TurnLeases are TurnLocks kept in the database (store.TakeTurnLease): a
// lease per conversation, taken with a compare-and-set, renewed while
// the turn runs and released after it. A node that dies holds its leases
// until they expire, TTL at most; see docs/scale.md for why a lease and
// not a PostgreSQL advisory lock.
type TurnLeases struct {
	Store LeaseStore
	Node  string        // this node's name, unique among the nodes (host, pid, random)
	TTL   time.Duration // zero: 10 s; renewed every TTL/4
	Poll  time.Duration // how often a node waiting for a held lease tries again; zero: 100 ms
	Log   *slog.Logger
}

func (tl *TurnLeases) ttl() time.Duration {
	if tl.TTL > 0 {
		return tl.TTL
	}
	return 10 * time.Second
}

func (tl *TurnLeases) Hold(ctx context.Context, id string, seq int64) (HeldTurn, bool, error) {
	poll := tl.Poll
	if poll <= 0 {
		poll = 100 * time.Millisecond
	}
	var l *store.TurnLease
	for {
		var err error
		l, err = tl.Store.TakeTurnLease(ctx, id, tl.Node, tl.ttl())
		if err == nil {
			break
		}
		if !errors.Is(err, store.ErrLeaseHeld) {
			return nil, false, err
		}
		// Another node runs a turn of this conversation: wait for it to
		// release the lease (or for the lease to expire, if it died).
		select {
		case <-ctx.Done():
			return nil, false, ctx.Err()
		case <-time.After(poll):
		}
	}
	h := tl.renew(l)
	answer, err := tl.unanswered(ctx, l, seq)
	if err != nil {
		h.Release(0)
		return nil, false, err
	}
	return h, answer, nil
}

// unanswered decides, for the node that now holds l, whether message seq
// still needs its answer. A holder that released its lease recorded what
// it answered. One whose lease expired died mid-turn, perhaps after
// committing its answer: its turn was the first shopper message after
// what it had recorded (turns run in order), answered if anything but the
// shopper's came after it (a turn commits its steps and answer together).
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

// heldLease is a lease this node holds, renewed until released.
type heldLease struct {
	tl    *TurnLeases
	lease *store.TurnLease
	lost  chan struct{}
	stop  chan struct{}
	done  chan struct{}
	once  sync.Once
}

func (tl *TurnLeases) renew(l *store.TurnLease) *heldLease {
	h := &heldLease{tl: tl, lease: l, lost: make(chan struct{}), stop: make(chan struct{}), done: make(chan struct{})}
	go h.renewLoop()
	return h
}

// renewLoop renews the lease every TTL/4; it gives the turn up (Lost)
// when the lease is no longer this node's, or when it could not be
// renewed before it expired (the database unreachable).
func (h *heldLease) renewLoop() {
	defer close(h.done)
	ttl := h.tl.ttl()
	expires := time.Now().Add(ttl)
	tick := time.NewTicker(ttl / 4)
	defer tick.Stop()
	for {
		select {
		case <-h.stop:
			return
		case <-tick.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), ttl/4)
		started := time.Now()
		ok, err := h.tl.Store.RenewTurnLease(ctx, h.lease, ttl)
		cancel()
		switch {
		case err == nil && ok:
			expires = started.Add(ttl)
			continue
		case err == nil:
			h.tl.logger().Warn("turn lease lost to another node", "conversation_id", h.lease.ConversationID)
		case time.Now().Before(expires):
			continue // try again at the next tick
		default:
			h.tl.logger().Warn("turn lease not renewed in time", "conversation_id", h.lease.ConversationID, "err", err)
		}
		close(h.lost)
		return
	}
}

func (h *heldLease) Lost() <-chan struct{} { return h.lost }

func (h *heldLease) Lease() *store.TurnLease { return h.lease }

func (h *heldLease) Release(answered int64) {
	h.once.Do(func() {
		close(h.stop)
		<-h.done
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if _, err := h.tl.Store.ReleaseTurnLease(ctx, h.lease, answered); err != nil {
			// It expires on its own: another node waits TTL at most.
			h.tl.logger().Warn("turn lease not released", "conversation_id", h.lease.ConversationID, "err", err)
		}
	})
}

func (tl *TurnLeases) logger() *slog.Logger {
	if tl.Log != nil {
		return tl.Log
	}
	return slog.Default()
}
