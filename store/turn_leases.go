package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// TurnLease is a node's hold on a conversation's turns (turn_leases):
// while it is valid, no other node runs a turn of that conversation.
type TurnLease struct {
	ConversationID string
	Node           string
	Fence          int64 // this holder's number; every new holder gets the next one
	// AnsweredThrough is the seq of the last shopper message a holder
	// answered and released the lease after.
	AnsweredThrough int64
	// Expired is set when the previous holder did not release the lease
	// (it died, or lost the database, mid-turn): AnsweredThrough may miss
	// the one turn it was running.
	Expired bool
}

// TurnLeaseOf reads conversation id's lease as stored: who holds it (or
// held it last), its fence and when it expires (zero: released). Nil if
// no node ever took it.
func (s *Store) TurnLeaseOf(ctx context.Context, id string) (*TurnLease, time.Time, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	l := &TurnLease{ConversationID: id}
	var expires int64
	err := s.r.QueryRowContext(ctx, `SELECT node, fence, expires_at, answered_through FROM turn_leases WHERE conversation_id = ?`, id).
		Scan(&l.Node, &l.Fence, &expires, &l.AnsweredThrough)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, time.Time{}, nil
	}
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("store: unable to read the turn lease of %s: %w", id, err)
	}
	var at time.Time
	if expires != 0 {
		at = fromMS(expires)
	}
	return l, at, nil
}

// ErrLeaseHeld is TakeTurnLease's answer while another node's lease is
// valid.
var ErrLeaseHeld = errors.New("store: the conversation's turn lease is held by another node")

// TakeTurnLease takes conversation id's turn lease for node until now+ttl,
// if nobody holds it or the holder's lease expired: a compare-and-set on
// the fence the transaction read, so that of two nodes taking it at once
// one gets it (the other's update finds the fence moved, or its insert a
// row). It returns ErrLeaseHeld, with the holder's lease, otherwise.
func (s *Store) TakeTurnLease(ctx context.Context, id, node string, ttl time.Duration) (*TurnLease, error) {
	now := s.now()
	var out *TurnLease
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var holder string
		var fence, expires, answered int64
		err := tx.QueryRowContext(ctx, `SELECT node, fence, expires_at, answered_through FROM turn_leases WHERE conversation_id = ?`, id).
			Scan(&holder, &fence, &expires, &answered)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			res, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO turn_leases (conversation_id, node, fence, expires_at, answered_through)
				VALUES (?, ?, 1, ?, 0)`, id, node, ms(now.Add(ttl)))
			if err != nil {
				return fmt.Errorf("store: unable to take the turn lease of %s: %w", id, err)
			}
			if n, _ := res.RowsAffected(); n != 1 {
				out = &TurnLease{ConversationID: id}
				return ErrLeaseHeld // another node inserted it first
			}
			out = &TurnLease{ConversationID: id, Node: node, Fence: 1}
			return nil
		case err != nil:
			return fmt.Errorf("store: unable to read the turn lease of %s: %w", id, err)
		case expires > ms(now):
			out = &TurnLease{ConversationID: id, Node: holder, Fence: fence, AnsweredThrough: answered}
			return ErrLeaseHeld
		}
		res, err := tx.ExecContext(ctx, `UPDATE turn_leases SET node = ?, fence = fence + 1, expires_at = ?
			WHERE conversation_id = ? AND fence = ? AND expires_at <= ?`, node, ms(now.Add(ttl)), id, fence, ms(now))
		if err != nil {
			return fmt.Errorf("store: unable to take the turn lease of %s: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			out = &TurnLease{ConversationID: id}
			return ErrLeaseHeld // another node took it since the read
		}
		out = &TurnLease{ConversationID: id, Node: node, Fence: fence + 1, AnsweredThrough: answered, Expired: expires != 0}
		return nil
	})
	return out, err
}

// RenewTurnLease extends a lease its holder still holds to now+ttl. It
// reports false when the lease is no longer the holder's (it expired and
// another node took it).
func (s *Store) RenewTurnLease(ctx context.Context, l *TurnLease, ttl time.Duration) (bool, error) {
	return s.updateTurnLease(ctx, l, `UPDATE turn_leases SET expires_at = ?
		WHERE conversation_id = ? AND node = ? AND fence = ? AND expires_at > 0`, ms(s.now().Add(ttl)))
}

// ReleaseTurnLease gives a lease up. answered is the seq of the shopper
// message the holder's turn answered (0: none); answered_through only
// grows. It reports false when the lease was no longer the holder's.
func (s *Store) ReleaseTurnLease(ctx context.Context, l *TurnLease, answered int64) (bool, error) {
	return s.updateTurnLease(ctx, l, `UPDATE turn_leases SET expires_at = 0, answered_through = max(answered_through, ?)
		WHERE conversation_id = ? AND node = ? AND fence = ? AND expires_at > 0`, answered)
}

func (s *Store) updateTurnLease(ctx context.Context, l *TurnLease, query string, arg int64) (bool, error) {
	var ok bool
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, query, arg, l.ConversationID, l.Node, l.Fence)
		if err != nil {
			return fmt.Errorf("store: unable to update the turn lease of %s: %w", l.ConversationID, err)
		}
		n, _ := res.RowsAffected()
		ok = n == 1
		return nil
	})
	return ok, err
}

// TurnProgress is what the messages say about a conversation's turns
// after a seq, for a node that took a lease to decide whether a shopper
// message still needs its answer.
type TurnProgress struct {
	// RepliedAfter: a message not from the shopper (an answer, a tool
	// step, a person's reply) was stored after the seq.
	RepliedAfter bool
	// FirstShopper is the first shopper message after the seq asked
	// (0: none).
	FirstShopper int64
}

// TurnProgressAfter reads conversation id's messages after seq replied
// and after seq shopper (two different seqs: see chat's turn leases).
func (s *Store) TurnProgressAfter(ctx context.Context, id string, replied, shopper int64) (TurnProgress, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	var p TurnProgress
	var n int
	var first sql.NullInt64
	err := s.r.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM messages WHERE conversation_id = ? AND seq > ? AND role <> 'user'),
		(SELECT min(seq) FROM messages WHERE conversation_id = ? AND seq > ? AND role = 'user')`,
		id, replied, id, shopper).Scan(&n, &first)
	if err != nil {
		return p, fmt.Errorf("store: unable to read the turns of %s: %w", id, err)
	}
	p.RepliedAfter, p.FirstShopper = n > 0, first.Int64
	return p, nil
}
