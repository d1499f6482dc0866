package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/mattn/go-sqlite3"
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

// Unavailable reports whether err means the database could not take a
// write at all (locked by another process, busy, full disk, I/O error,
// read-only), as opposed to a problem with the data written: trying the
// same writes again one by one would only wait longer.
func Unavailable(err error) bool {
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code {
		case sqlite3.ErrBusy, sqlite3.ErrLocked, sqlite3.ErrFull, sqlite3.ErrIoErr, sqlite3.ErrReadonly, sqlite3.ErrCantOpen:
			return true
		}
	}
	return pgUnavailable(err) || errors.Is(err, context.DeadlineExceeded)
}
