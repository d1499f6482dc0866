package store

import (
	"database/sql"
	"errors"
	"fmt"
)

// ErrNotFound is returned when a looked-up record does not exist. It wraps
// sql.ErrNoRows, so either can be tested with errors.Is.
var ErrNotFound error = notFoundError{}

type notFoundError struct{}

func (notFoundError) Error() string { return "not found" }
func (notFoundError) Unwrap() error { return sql.ErrNoRows }

// ErrSchemaTooNew is returned by Open when the database was migrated by a
// newer kefu than this binary: running an older binary against it could
// corrupt data it does not understand.
var ErrSchemaTooNew = errors.New("store: database schema is newer than this kefu binary; upgrade kefu")

// notFound maps sql.ErrNoRows to ErrNotFound and wraps other errors with
// what was being done.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: %s: %w", what, ErrNotFound)
	}
	return fmt.Errorf("store: unable to fetch %s: %w", what, err)
}
