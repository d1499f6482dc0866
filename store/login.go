package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Known sign-in addresses: where each staff member signed in from before.

const (
	// knownAddressesKept is how many addresses are kept per staff member,
	// the most recent.
	knownAddressesKept = 20
	// knownAddressFor is how long an address stays known after its last
	// successful sign-in.
	knownAddressFor = 90 * 24 * time.Hour
)

// RememberLoginAddress records that the staff member signed in from
// address (a client address, or an IPv6 prefix) just now; the oldest
// beyond the last 20 are forgotten.
func (s *Store) RememberLoginAddress(ctx context.Context, staffID int64, address string) error {
	now := s.now()
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO staff_login_addresses (staff_id, address, last_ok_at) VALUES (?, ?, ?)
			ON CONFLICT (staff_id, address) DO UPDATE SET last_ok_at = excluded.last_ok_at`,
			staffID, address, ms(now)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `
			DELETE FROM staff_login_addresses WHERE staff_id = ? AND (last_ok_at < ? OR address NOT IN (
				SELECT address FROM staff_login_addresses WHERE staff_id = ? ORDER BY last_ok_at DESC, address LIMIT ?))`,
			staffID, ms(now.Add(-knownAddressFor)), staffID, knownAddressesKept)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: unable to remember sign-in address: %w", err)
	}
	return nil
}

// KnownLoginAddress reports whether the staff member signed in from
// address in the last 90 days (and it is among their last 20).
func (s *Store) KnownLoginAddress(ctx context.Context, staffID int64, address string) (bool, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	var one int
	err := s.r.QueryRowContext(ctx, `SELECT 1 FROM staff_login_addresses WHERE staff_id = ? AND address = ? AND last_ok_at >= ?`,
		staffID, address, ms(s.now().Add(-knownAddressFor))).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: unable to check sign-in address: %w", err)
	}
	return true, nil
}
