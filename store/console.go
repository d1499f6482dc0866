package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// Summary is a conversation as the console's inbox lists it.
type Summary struct {
	Conversation
	CustomerName string
	AssignedName string
	LastRole     string
	LastText     string
	LastAt       *time.Time
	WaitingSince *time.Time // when it last entered the queued state
}

const summarySelect = `
	SELECT c.id, COALESCE(c.customer_id, 0), c.state, c.locale, COALESCE(c.assigned_staff_id, 0), c.last_seq,
	       COALESCE(c.rating, 0), c.rating_comment, c.created_at, c.updated_at, c.closed_at,
	       COALESCE(cu.name, ''), COALESCE(su.name, ''),
	       (SELECT m.role FROM messages m WHERE m.conversation_id = c.id AND m.role IN ('user', 'assistant', 'staff') AND m.text <> '' ORDER BY m.seq DESC LIMIT 1),
	       (SELECT m.text FROM messages m WHERE m.conversation_id = c.id AND m.role IN ('user', 'assistant', 'staff') AND m.text <> '' ORDER BY m.seq DESC LIMIT 1),
	       (SELECT m.created_at FROM messages m WHERE m.conversation_id = c.id AND m.role IN ('user', 'assistant', 'staff') AND m.text <> '' ORDER BY m.seq DESC LIMIT 1),
	       (SELECT max(e.created_at) FROM conversation_events e WHERE e.conversation_id = c.id AND e.to_state = 'queued')
	FROM conversations c
	LEFT JOIN customers cu ON cu.id = c.customer_id
	LEFT JOIN staff_users su ON su.id = c.assigned_staff_id`

func scanSummary(row interface{ Scan(...any) error }) (*Summary, error) {
	var s Summary
	var created, updated int64
	var closed, lastAt, waiting sql.NullInt64
	var role, text sql.NullString
	if err := row.Scan(&s.ID, &s.CustomerID, &s.State, &s.Locale, &s.AssignedStaffID, &s.LastSeq, &s.Rating, &s.RatingComment,
		&created, &updated, &closed, &s.CustomerName, &s.AssignedName, &role, &text, &lastAt, &waiting); err != nil {
		return nil, err
	}
	s.CreatedAt, s.UpdatedAt, s.ClosedAt = fromMS(created), fromMS(updated), fromNullMS(closed)
	s.LastRole, s.LastText, s.LastAt = role.String, text.String, fromNullMS(lastAt)
	if s.State == StateQueued {
		s.WaitingSince = fromNullMS(waiting)
	}
	return &s, nil
}

// Summaries lists conversations for the inbox: in one state ("" for all
// but closed), or assigned to staffID when mine is set. Queued ones come
// oldest first (longest wait first), the rest newest activity first.
// Conversations with no message yet are left out.
func (s *Store) Summaries(ctx context.Context, state string, mine int64, limit int) ([]Summary, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	where, args := `c.last_seq > 0 AND c.state <> 'closed'`, []any{}
	switch {
	case mine != 0:
		where, args = `c.last_seq > 0 AND c.assigned_staff_id = ? AND c.state <> 'closed'`, []any{mine}
	case state != "":
		where, args = `c.last_seq > 0 AND c.state = ?`, []any{state}
	}
	order := `c.updated_at DESC`
	if state == StateQueued {
		order = `c.updated_at ASC`
	}
	rows, err := s.r.QueryContext(ctx, summarySelect+` WHERE `+where+` ORDER BY `+order+` LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list conversations: %w", err)
	}
	defer rows.Close()
	var out []Summary
	for rows.Next() {
		sm, err := scanSummary(rows)
		if err != nil {
			return nil, fmt.Errorf("store: unable to list conversations: %w", err)
		}
		out = append(out, *sm)
	}
	return out, rows.Err()
}

// ConversationSummary returns one conversation's summary.
func (s *Store) ConversationSummary(ctx context.Context, id string) (*Summary, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	sm, err := scanSummary(s.r.QueryRowContext(ctx, summarySelect+` WHERE c.id = ?`, id))
	if err != nil {
		return nil, notFound(err, "conversation "+id)
	}
	return sm, nil
}

// ConversationsByCustomer returns a customer's conversations, newest
// first, with whether each was handed to a person.
func (s *Store) ConversationsByCustomer(ctx context.Context, customerID int64, limit int) ([]Summary, []bool, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	rows, err := s.r.QueryContext(ctx, summarySelect+` WHERE c.customer_id = ? AND c.last_seq > 0 ORDER BY c.created_at DESC LIMIT ?`, customerID, limit)
	if err != nil {
		return nil, nil, fmt.Errorf("store: unable to list conversations: %w", err)
	}
	var out []Summary
	for rows.Next() {
		sm, err := scanSummary(rows)
		if err != nil {
			rows.Close()
			return nil, nil, fmt.Errorf("store: unable to list conversations: %w", err)
		}
		out = append(out, *sm)
	}
	rows.Close()
	handed := make([]bool, len(out))
	for i, c := range out {
		var n int
		s.r.QueryRowContext(ctx, `SELECT count(*) FROM conversation_events WHERE conversation_id = ? AND kind = 'handoff_requested'`, c.ID).Scan(&n)
		handed[i] = n > 0
	}
	return out, handed, rows.Err()
}

// StateChange moves a conversation from one state to another. Which moves
// are allowed is the chat engine's rule; the store only makes them atomic.
type StateChange struct {
	ConversationID string
	From, To       string
	// AssignedFrom is the staff member the conversation must still be
	// assigned to (0: nobody), checked with From.
	AssignedFrom int64
	// StaffID made the change (0: kefu or the shopper). Moving to human
	// assigns the conversation to them; moving to bot assigns nobody.
	StaffID int64
	Data    json.RawMessage // the event's data
}

// ErrStateChanged is returned by ChangeState when the conversation is no
// longer in the state (or with the assignee) the change was made from:
// someone else changed it first. It says what it is now.
type ErrStateChanged struct {
	State    string
	Assigned int64
	Holder   string // the assigned staff member's name
}

func (e *ErrStateChanged) Error() string {
	return "store: the conversation is " + e.State + " now"
}

// Unwrap makes errors.Is(err, ErrConflict) true.
func (e *ErrStateChanged) Unwrap() error { return ErrConflict }

// ChangeState makes ch if the conversation is still in ch.From, assigned to
// ch.AssignedFrom, and records it as a state event, in one transaction: a
// compare-and-set, so that of two changes made from the same state exactly
// one happens.
func (s *Store) ChangeState(ctx context.Context, ch StateChange) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		now := ms(s.now())
		res, err := tx.ExecContext(ctx, `UPDATE conversations SET state = ?, updated_at = ?,
			assigned_staff_id = CASE ? WHEN 'human' THEN ? WHEN 'bot' THEN NULL ELSE assigned_staff_id END,
			closed_at = CASE WHEN ? = 'closed' THEN ? ELSE NULL END
			WHERE id = ? AND state = ? AND COALESCE(assigned_staff_id, 0) = ?`,
			ch.To, now, ch.To, nullID(ch.StaffID), ch.To, now, ch.ConversationID, ch.From, ch.AssignedFrom)
		if err != nil {
			return fmt.Errorf("store: unable to change conversation state: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			cur := &ErrStateChanged{}
			err := tx.QueryRowContext(ctx, `SELECT c.state, COALESCE(c.assigned_staff_id, 0), COALESCE(su.name, '')
				FROM conversations c LEFT JOIN staff_users su ON su.id = c.assigned_staff_id WHERE c.id = ?`,
				ch.ConversationID).Scan(&cur.State, &cur.Assigned, &cur.Holder)
			if err != nil {
				return notFound(err, "conversation "+ch.ConversationID)
			}
			return cur
		}
		var data any
		if len(ch.Data) > 0 {
			data = string(ch.Data)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO conversation_events (conversation_id, kind, from_state, to_state, staff_id, data, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, ch.ConversationID, EventState, ch.From, ch.To, nullID(ch.StaffID), data, now); err != nil {
			return fmt.Errorf("store: unable to record the state change: %w", err)
		}
		return nil
	})
}

// Assign gives a conversation to another staff member. The event records
// whom, by id and by name (its text, as the timeline shows it).
func (s *Store) Assign(ctx context.Context, id string, staffID, byStaffID int64) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var name string
		if err := tx.QueryRowContext(ctx, `SELECT name FROM staff_users WHERE id = ?`, staffID).Scan(&name); err != nil {
			return notFound(err, fmt.Sprintf("staff member %d", staffID))
		}
		now := ms(s.now())
		res, err := tx.ExecContext(ctx, `UPDATE conversations SET assigned_staff_id = ?, updated_at = ? WHERE id = ?`, staffID, now, id)
		if err != nil {
			return fmt.Errorf("store: unable to assign: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: conversation %s: %w", id, ErrNotFound)
		}
		data, _ := json.Marshal(map[string]any{"assigned_to": staffID, "text": name})
		_, err = tx.ExecContext(ctx, `INSERT INTO conversation_events (conversation_id, kind, staff_id, data, created_at) VALUES (?, 'assigned', ?, ?, ?)`,
			id, byStaffID, string(data), now)
		return err
	})
}
