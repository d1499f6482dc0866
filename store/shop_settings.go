package store

import (
	"context"
	"database/sql"
	"fmt"
)

// ShopSettings returns the settings an admin saved in the console (key →
// value); empty when none were.
func (s *Store) ShopSettings(ctx context.Context) (map[string]string, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	rows, err := s.r.QueryContext(ctx, `SELECT key, value FROM shop_settings`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read the shop's settings: %w", err)
	}
	defer rows.Close()
	m := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("store: unable to read the shop's settings: %w", err)
		}
		m[k] = v
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: unable to read the shop's settings: %w", err)
	}
	return m, nil
}

// SetShopSettings saves settings (key → value) in one transaction, over
// the ones saved before.
func (s *Store) SetShopSettings(ctx context.Context, values map[string]string) error {
	at := ms(s.now())
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for k, v := range values {
			if _, err := tx.ExecContext(ctx, `INSERT INTO shop_settings (key, value, updated_at) VALUES (?, ?, ?)
				ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, k, v, at); err != nil {
				return fmt.Errorf("store: unable to save the shop's settings: %w", err)
			}
		}
		return nil
	})
}
