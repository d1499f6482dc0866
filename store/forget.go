package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
)

// ForgetReport says what ForgetCustomer removed.
type ForgetReport struct {
	Conversations int64 `json:"conversations"`
	Messages      int64 `json:"messages"`
	Orders        int64 `json:"orders_anonymised"`
}

// ForgetCustomer answers a privacy request in one transaction: the
// customer's conversations are deleted (messages, events, pending changes,
// search index), their name, email and shop id are replaced, and their
// orders keep only what bookkeeping needs (the email and address are
// removed). An audit entry records who did it and the counts, never the
// data.
func (s *Store) ForgetCustomer(ctx context.Context, customerID int64, actor string) (ForgetReport, error) {
	var rep ForgetReport
	s.ix.mu.Lock()
	defer s.ix.mu.Unlock()
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var exists int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM customers WHERE id = ?`, customerID).Scan(&exists); err != nil || exists == 0 {
			return fmt.Errorf("store: customer %d: %w", customerID, ErrNotFound)
		}
		convs := `SELECT id FROM conversations WHERE customer_id = ?`
		steps := []struct {
			sql   string
			args  []any
			count *int64
		}{
			{`DELETE FROM messages_fts WHERE docid IN (SELECT (c.num << ` + seqBitsSQL + `) | m.seq FROM messages m
				JOIN conversations c ON c.id = m.conversation_id WHERE c.customer_id = ?)`, []any{customerID}, nil},
			{`DELETE FROM messages WHERE conversation_id IN (` + convs + `)`, []any{customerID}, &rep.Messages},
			{`DELETE FROM conversation_events WHERE conversation_id IN (` + convs + `)`, []any{customerID}, nil},
			{`DELETE FROM pending_actions WHERE customer_id = ? OR conversation_id IN (` + convs + `)`, []any{customerID, customerID}, nil},
			{`DELETE FROM conversation_tools WHERE conversation_id IN (` + convs + `)`, []any{customerID}, nil},
			{`DELETE FROM conversation_orders WHERE conversation_id IN (` + convs + `)`, []any{customerID}, nil},
			{`UPDATE coupons SET conversation_id = NULL WHERE customer_id = ?`, []any{customerID}, nil},
			{`DELETE FROM customer_summaries WHERE customer_id = ?`, []any{customerID}, nil},
			{`DELETE FROM conversations WHERE customer_id = ?`, []any{customerID}, &rep.Conversations},
		}
		for _, st := range steps {
			res, err := tx.ExecContext(ctx, st.sql, st.args...)
			if err != nil {
				return fmt.Errorf("store: forget: %w", err)
			}
			if st.count != nil {
				*st.count, _ = res.RowsAffected()
			}
		}
		if err := lowerIndexWatermark(ctx, tx); err != nil {
			return err
		}
		forgotten := fmt.Sprintf("forgotten-%d@invalid", customerID)
		if _, err := tx.ExecContext(ctx, `DELETE FROM order_address_changes WHERE order_id IN (SELECT id FROM orders WHERE customer_id = ?)`,
			customerID); err != nil {
			return fmt.Errorf("store: forget: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE customers SET name = 'Forgotten customer', email = ?, external_id = NULL, addresses = '' WHERE id = ?`,
			forgotten, customerID); err != nil {
			return fmt.Errorf("store: forget: %w", err)
		}
		res, err := tx.ExecContext(ctx, `UPDATE orders SET email = ?, ship_to = '', address = '' WHERE customer_id = ?`, forgotten, customerID)
		if err != nil {
			return fmt.Errorf("store: forget: %w", err)
		}
		rep.Orders, _ = res.RowsAffected()
		data, _ := json.Marshal(rep)
		_, err = tx.ExecContext(ctx, `INSERT INTO audit_log (actor, action, subject, data, created_at) VALUES (?, 'forget_customer', ?, ?, ?)`,
			actor, fmt.Sprintf("customer:%d", customerID), string(data), ms(s.now()))
		return err
	})
	return rep, err
}

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	Actor, Action, Subject string
	Data                   json.RawMessage
}

// Audit returns the audit log, oldest first.
func (s *Store) Audit(ctx context.Context) ([]AuditEntry, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT actor, action, subject, COALESCE(data, '') FROM audit_log ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read the audit log: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var data string
		if err := rows.Scan(&e.Actor, &e.Action, &e.Subject, &data); err != nil {
			return nil, err
		}
		e.Data = json.RawMessage(data)
		out = append(out, e)
	}
	return out, rows.Err()
}
