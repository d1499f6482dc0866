package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
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
		case expires > ms(now) && holder != node:
			out = &TurnLease{ConversationID: id, Node: holder, Fence: fence, AnsweredThrough: answered}
			return ErrLeaseHeld
		}
		// Free, expired, or this node's own (one it gave up for lost while
		// the database still had it): the next fence, so that output
		// fenced with the old one is refused.
		res, err := tx.ExecContext(ctx, `UPDATE turn_leases SET node = ?, fence = fence + 1, expires_at = ?
			WHERE conversation_id = ? AND fence = ? AND (expires_at <= ? OR node = ?)`, node, ms(now.Add(ttl)), id, fence, ms(now), node)
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

// TakeTurnLeaseFrom takes conversation id's turn lease for node until
// now+ttl from gone, the holder TakeTurnLease refused it for, before it
// expires: gone's node is known to have stopped. It is a compare-and-set
// on gone's node and fence (ErrLeaseHeld when another node took it since),
// and the next fence refuses whatever gone's turn still tries to commit.
// The lease is Expired: gone may have died in a turn.
func (s *Store) TakeTurnLeaseFrom(ctx context.Context, id, node string, gone *TurnLease, ttl time.Duration) (*TurnLease, error) {
	var out *TurnLease
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var answered int64
		err := tx.QueryRowContext(ctx, `UPDATE turn_leases SET node = ?, fence = fence + 1, expires_at = ?
			WHERE conversation_id = ? AND node = ? AND fence = ? RETURNING answered_through`,
			node, ms(s.now().Add(ttl)), id, gone.Node, gone.Fence).Scan(&answered)
		if errors.Is(err, sql.ErrNoRows) {
			out = &TurnLease{ConversationID: id}
			return ErrLeaseHeld
		}
		if err != nil {
			return fmt.Errorf("store: unable to take the turn lease of %s: %w", id, err)
		}
		out = &TurnLease{ConversationID: id, Node: node, Fence: gone.Fence + 1, AnsweredThrough: answered, Expired: true}
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

// RenewTurnLeases extends, in one statement, the leases node holds among
// leases to now+ttl: a node keeps the leases of its live conversations
// between their turns, and renews all of them at once. It returns the
// conversations whose lease was renewed; a lease missing from them is no
// longer the holder's (another node took it, or it was released).
func (s *Store) RenewTurnLeases(ctx context.Context, node string, leases []*TurnLease, ttl time.Duration) (map[string]bool, error) {
	renewed := map[string]bool{}
	if len(leases) == 0 {
		return renewed, nil
	}
	fences := make(map[string]int64, len(leases))
	ids := make([]string, 0, len(leases))
	for _, l := range leases {
		fences[l.ConversationID] = l.Fence
		ids = append(ids, l.ConversationID)
	}
	list, _ := json.Marshal(ids)
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		// A row still this node's has the fence this node took (a
		// fence moves only when a node takes the lease), so the node
		// alone picks the rows; the fences are compared below all the same.
		rows, err := tx.QueryContext(ctx, `UPDATE turn_leases SET expires_at = ?
			WHERE node = ? AND expires_at > 0 AND conversation_id IN (SELECT value FROM json_each(?))
			RETURNING conversation_id, fence`, ms(s.now().Add(ttl)), node, string(list))
		if err != nil {
			return fmt.Errorf("store: unable to renew the turn leases: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			var fence int64
			if err := rows.Scan(&id, &fence); err != nil {
				return fmt.Errorf("store: unable to renew the turn leases: %w", err)
			}
			if fences[id] == fence {
				renewed[id] = true
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return renewed, nil
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

// ErrLeaseLost is Write's error when a turn's output (Message.Lease)
// comes after its node's turn lease passed to another node: a node that
// stalled for longer than its lease must not commit an answer the next
// holder gives too. The batch's other requests are stored (the writer
// retries each alone).
var ErrLeaseLost = errors.New("store: the turn's lease passed to another node; its output is dropped")

// checkLeases is the fence of the turn leases, inside the transaction
// that stores a turn's output: it locks the leases the fenced messages
// name, so that no node takes one before this transaction ends, and fails
// with ErrLeaseLost if one is no longer its holder's. Renewal and release
// check the fence too, but only a check in the commit leaves no gap.
// (SQLite's one writer serialises the take and the commit anyway.) A
// lease that expired and that nobody took yet still fences: the next
// holder finds the answer stored (TurnProgressAfter).
func checkLeases(ctx context.Context, tx *sql.Tx, msgs []*Message) error {
	want := map[string]*TurnLease{}
	var ids []string
	for _, m := range msgs {
		if m.Lease != nil && want[m.ConversationID] == nil {
			want[m.ConversationID] = m.Lease
			ids = append(ids, m.ConversationID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	list, _ := json.Marshal(ids)
	// In id order, so that two nodes' batches lock the same rows in the
	// same order.
	rows, err := tx.QueryContext(ctx, `SELECT conversation_id, node, fence FROM turn_leases
		WHERE conversation_id IN (SELECT value FROM json_each(?)) ORDER BY conversation_id /*FOR UPDATE*/`, string(list))
	if err != nil {
		return fmt.Errorf("store: unable to check the turn leases: %w", err)
	}
	defer rows.Close()
	held := map[string]bool{}
	for rows.Next() {
		var id, node string
		var fence int64
		if err := rows.Scan(&id, &node, &fence); err != nil {
			return fmt.Errorf("store: unable to check the turn leases: %w", err)
		}
		l := want[id]
		held[id] = l.Node == node && l.Fence == fence
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: unable to check the turn leases: %w", err)
	}
	rows.Close()
	for _, id := range ids {
		if !held[id] {
			return fmt.Errorf("conversation %s: %w", id, ErrLeaseLost)
		}
	}
	return recordAnswers(ctx, tx, msgs)
}

// recordAnswers moves each lease's answered_through to the shopper
// message its turn's answer (Message.Answers) answers, in the answer's
// own transaction: a node that keeps its lease between turns writes
// nothing else per turn, and a node that takes the lease after it died
// knows exactly what it answered. The rows are locked (checkLeases).
func recordAnswers(ctx context.Context, tx *sql.Tx, msgs []*Message) error {
	answered := map[string]int64{}
	var ids []string
	for _, m := range msgs {
		if m.Lease == nil || m.Answers <= 0 {
			continue
		}
		if _, ok := answered[m.ConversationID]; !ok {
			ids = append(ids, m.ConversationID)
		}
		answered[m.ConversationID] = max(answered[m.ConversationID], m.Answers)
	}
	if len(ids) == 0 {
		return nil
	}
	// One statement for the batch (a round trip each on PostgreSQL).
	var b strings.Builder
	args := make([]any, 0, 2*len(ids))
	for i, id := range ids {
		if i > 0 {
			b.WriteString(" UNION ALL ")
		}
		b.WriteString("SELECT ? AS id, ? AS seq")
		args = append(args, id, answered[id])
	}
	_, err := tx.ExecContext(ctx, `UPDATE turn_leases SET answered_through = max(answered_through,
		(SELECT a.seq FROM (`+b.String()+`) AS a WHERE a.id = turn_leases.conversation_id))
		WHERE conversation_id IN (SELECT value FROM json_each(?))`, append(args, mustJSONList(ids))...)
	if err != nil {
		return fmt.Errorf("store: unable to record the turns answered: %w", err)
	}
	return nil
}

func mustJSONList(ids []string) string {
	b, _ := json.Marshal(ids)
	return string(b)
}
