package store

import (
	"context"
	"fmt"
	"time"
)

// Fault rehearsal: these change the writing connection of an open store
// so that tests can see what kefu does when SQLite refuses a write, as it
// does when another process holds the database locked or the disk is
// full. Normal operation never calls them. Each setting lasts as long as
// the writing connection, which the store keeps open until Close.

// SetWriteBusyTimeout sets how long a write waits for a lock that another
// connection or process holds before it fails with SQLITE_BUSY ("database
// is locked"). Open sets 10s.
func (s *Store) SetWriteBusyTimeout(ctx context.Context, d time.Duration) error {
	if _, err := s.w.ExecContext(ctx, fmt.Sprintf(`PRAGMA busy_timeout = %d`, d.Milliseconds())); err != nil {
		return fmt.Errorf("store: unable to set the busy timeout: %w", err)
	}
	return nil
}

// CapSize compacts the database (VACUUM, so that no free page is left to
// reuse) and caps it at its size (SQLite's max_page_count), so that the
// next write that needs another page fails with SQLITE_FULL ("database or
// disk is full"), as on a full disk. The returned function lifts the cap.
func (s *Store) CapSize(ctx context.Context) (lift func(context.Context) error, err error) {
	var prev, capped int64
	if _, err := s.w.ExecContext(ctx, `VACUUM`); err != nil {
		return nil, fmt.Errorf("store: unable to compact the database: %w", err)
	}
	if err := s.w.QueryRowContext(ctx, `PRAGMA max_page_count`).Scan(&prev); err != nil {
		return nil, fmt.Errorf("store: unable to read max_page_count: %w", err)
	}
	// SQLite does not lower the maximum below the current size: asking
	// for 1 page caps the file where it is.
	if err := s.w.QueryRowContext(ctx, `PRAGMA max_page_count = 1`).Scan(&capped); err != nil {
		return nil, fmt.Errorf("store: unable to cap the database size: %w", err)
	}
	return func(ctx context.Context) error {
		if _, err := s.w.ExecContext(ctx, fmt.Sprintf(`PRAGMA max_page_count = %d`, prev)); err != nil {
			return fmt.Errorf("store: unable to lift the size cap: %w", err)
		}
		return nil
	}, nil
}
