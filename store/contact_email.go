package store

import (
	"context"
	"database/sql"
	"fmt"
)

// SetContactEmail records the email a shopper left on the conversation
// (outside the shop's hours), replacing any before.
func (s *Store) SetContactEmail(ctx context.Context, conversationID, email string) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `UPDATE conversations SET contact_email = ? WHERE id = ?`, email, conversationID)
		if err != nil {
			return fmt.Errorf("store: unable to record the contact email: %w", err)
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return fmt.Errorf("store: conversation %s: %w", conversationID, ErrNotFound)
		}
		return nil
	})
}

// ContactEmail is the email a shopper left on the conversation; "" if none.
func (s *Store) ContactEmail(ctx context.Context, conversationID string) (string, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	var email string
	if err := s.r.QueryRowContext(ctx, `SELECT contact_email FROM conversations WHERE id = ?`, conversationID).Scan(&email); err != nil {
		return "", notFound(err, "conversation "+conversationID)
	}
	return email, nil
}

// RotateResumeToken gives the conversation a new resume token (returned;
// only its hash is kept) in place of the old one: a shopper continuing
// from an emailed link gets a token of their own, and the old one stops
// opening the conversation.
func (s *Store) RotateResumeToken(ctx context.Context, conversationID string) (string, error) {
	token := randomToken()
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `UPDATE conversations SET resume_token_hash = ? WHERE id = ?`, hashToken(token), conversationID)
		if err != nil {
			return fmt.Errorf("store: unable to renew the resume token: %w", err)
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return fmt.Errorf("store: conversation %s: %w", conversationID, ErrNotFound)
		}
		return nil
	})
	return token, err
}
