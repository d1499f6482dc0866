package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Erasure is a conversation a privacy request (kefu forget) erased or
// redacted, possibly in another process: a kefu serving it closes its
// sockets, or forgets what it holds of it in memory.
type Erasure struct {
	ID             int64
	ConversationID string
}

// recordErasures adds the conversations to the erasures table and prunes
// the rows older than ErasureKeep.
func recordErasures(ctx context.Context, tx *sql.Tx, convs map[string]bool, now time.Time) error {
	for id := range convs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO erasures (conversation_id, created_at) VALUES (?, ?)`, id, ms(now)); err != nil {
			return fmt.Errorf("store: unable to record an erasure: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM erasures WHERE created_at < ?`, ms(now.Add(-ErasureKeep))); err != nil {
		return fmt.Errorf("store: unable to prune erasures: %w", err)
	}
	return nil
}

// ErasuresAfter returns the erasures recorded after id, oldest first, at
// most 1000. LastErasure gives where to start.
func (s *Store) ErasuresAfter(ctx context.Context, id int64) ([]Erasure, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	rows, err := s.r.QueryContext(ctx, `SELECT id, conversation_id FROM erasures WHERE id > ? ORDER BY id LIMIT 1000`, id)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read erasures: %w", err)
	}
	defer rows.Close()
	var out []Erasure
	for rows.Next() {
		var e Erasure
		if err := rows.Scan(&e.ID, &e.ConversationID); err != nil {
			return nil, fmt.Errorf("store: unable to read erasures: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// LastErasure is the id of the latest erasure (0 if none).
func (s *Store) LastErasure(ctx context.Context) (int64, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	var id int64
	if err := s.r.QueryRowContext(ctx, `SELECT COALESCE(max(id), 0) FROM erasures`).Scan(&id); err != nil {
		return 0, fmt.Errorf("store: unable to read erasures: %w", err)
	}
	return id, nil
}

// WasErased reports whether a privacy request erased or redacted
// conversation id in the last ErasureKeep.
func (s *Store) WasErased(ctx context.Context, id string) (bool, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM erasures WHERE conversation_id = ?`, id).Scan(&n); err != nil {
		return false, fmt.Errorf("store: unable to read erasures: %w", err)
	}
	return n > 0, nil
}
