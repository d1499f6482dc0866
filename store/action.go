package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Pending action statuses.
const (
	ActionPending = "pending"
	ActionDone    = "done"
	ActionFailed  = "failed"
	ActionExpired = "expired"
)

// PendingAction is a change a shopper was shown and must confirm before it
// happens (a return, a cancellation). The tool layer creates it with a
// preview and executes it at most once.
type PendingAction struct {
	ID             string
	Kind           string
	ConversationID string // "" when not tied to a conversation
	CustomerID     int64  // 0 for a guest
	OrderID        int64
	Payload        json.RawMessage
	Status         string
	Result         json.RawMessage
	CreatedAt      time.Time
	ExpiresAt      time.Time
	ExecutedAt     *time.Time
}

// ErrActionNotPending is returned when executing an action that was already
// executed, failed or expired; the action as stored comes with it.
var ErrActionNotPending = errors.New("store: action is no longer pending")

// ErrConflict is returned when a change no longer applies because the data
// changed since it was previewed (the order shipped, the item was returned).
var ErrConflict = errors.New("store: the record changed since the action was previewed")

// CreatePendingAction stores a new pending action.
func (s *Store) CreatePendingAction(ctx context.Context, a *PendingAction) error {
	a.Status = ActionPending
	if a.CreatedAt.IsZero() {
		a.CreatedAt = s.now()
	}
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO pending_actions (id, kind, conversation_id, customer_id, order_id, payload, status, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.ID, a.Kind, nullString(a.ConversationID), nullID(a.CustomerID), a.OrderID, string(a.Payload), a.Status,
			ms(a.CreatedAt), ms(a.ExpiresAt))
		if err != nil {
			return fmt.Errorf("store: unable to create pending action: %w", err)
		}
		return nil
	})
}

// PendingAction returns the action with the given id.
func (s *Store) PendingAction(ctx context.Context, id string) (*PendingAction, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	a, err := scanAction(s.r.QueryRowContext(ctx, `SELECT `+actionColumns+` FROM pending_actions WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "pending action "+id)
	}
	return a, nil
}

const actionColumns = `id, kind, COALESCE(conversation_id, ''), COALESCE(customer_id, 0), order_id, payload,
	status, COALESCE(result, ''), created_at, expires_at, executed_at`

func scanAction(row interface{ Scan(...any) error }) (*PendingAction, error) {
	var a PendingAction
	var payload, result string
	var created, expires int64
	var executed sql.NullInt64
	if err := row.Scan(&a.ID, &a.Kind, &a.ConversationID, &a.CustomerID, &a.OrderID, &payload,
		&a.Status, &result, &created, &expires, &executed); err != nil {
		return nil, err
	}
	a.Payload = json.RawMessage(payload)
	if result != "" {
		a.Result = json.RawMessage(result)
	}
	a.CreatedAt, a.ExpiresAt, a.ExecutedAt = fromMS(created), fromMS(expires), fromNullMS(executed)
	return &a, nil
}

// FinishAction marks a pending action failed or expired with a result that
// explains why, so a later confirmation gets the same answer.
func (s *Store) FinishAction(ctx context.Context, id, status string, result any) error {
	b, err := json.Marshal(result)
	if err != nil {
		return fmt.Errorf("store: unable to encode action result: %w", err)
	}
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE pending_actions SET status = ?, result = ?, executed_at = ?
			WHERE id = ? AND status = 'pending'`, status, string(b), ms(s.now()), id)
		if err != nil {
			return fmt.Errorf("store: unable to finish action %s: %w", id, err)
		}
		return nil
	})
}

// execAction runs do inside one write transaction with the action, and
// marks the action done with do's result: the change and the record that it
// happened commit together, so an action runs exactly once however many
// times it is confirmed. If the action is not pending, it returns the
// stored action and ErrActionNotPending.
func (s *Store) execAction(ctx context.Context, id string, do func(tx *sql.Tx, a *PendingAction) (any, error)) (*PendingAction, error) {
	var out *PendingAction
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		// The read locks the action's row on PostgreSQL: a second node
		// confirming it at once waits here and then finds it done.
		a, err := scanAction(tx.QueryRowContext(ctx, `SELECT `+actionColumns+` FROM pending_actions WHERE id = ? /*FOR UPDATE*/`, id))
		if err != nil {
			return notFound(err, "pending action "+id)
		}
		out = a
		if a.Status != ActionPending {
			return ErrActionNotPending
		}
		res, err := do(tx, a)
		if err != nil {
			return err
		}
		b, err := json.Marshal(res)
		if err != nil {
			return fmt.Errorf("store: unable to encode action result: %w", err)
		}
		now := s.now()
		if _, err := tx.ExecContext(ctx, `UPDATE pending_actions SET status = 'done', result = ?, executed_at = ? WHERE id = ?`,
			string(b), ms(now), id); err != nil {
			return fmt.Errorf("store: unable to record action %s: %w", id, err)
		}
		a.Status, a.Result, a.ExecutedAt = ActionDone, b, &now
		return nil
	})
	return out, err
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
