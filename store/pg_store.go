package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// IsPostgresURL reports whether a database setting names a PostgreSQL
// server (postgres:// or postgresql://) rather than a SQLite file.
func IsPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// pgMigrationLock is the advisory lock under which a node migrates, so
// that nodes starting together do not run the same step twice.
const pgMigrationLock = 7306214518

// openPostgres opens the store on a PostgreSQL server. It is the same
// Store as on SQLite: the same queries (rewritten by pg_driver.go), the
// same single writer connection, so that the group commit (chat.Writer)
// batches a node's writes into one transaction as it does on SQLite, and
// a read pool. There is no WAL to checkpoint.
func openPostgres(ctx context.Context, dsn string, opts Options) (*Store, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ReadConns <= 0 {
		// A read here waits on a round trip, not on a core: more of them
		// run at once than on SQLite. Three nodes take 3 × 17 of the
		// server's 100 connections by default.
		opts.ReadConns = max(16, 4*runtime.NumCPU())
	}
	where := redactURL(dsn)
	connector, err := newPGConnector(dsn)
	if err != nil {
		return nil, fmt.Errorf("store: unable to open %s: %w", where, err)
	}
	w := sql.OpenDB(connector)
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	r := sql.OpenDB(connector)
	r.SetMaxOpenConns(opts.ReadConns)
	r.SetMaxIdleConns(opts.ReadConns)
	s := &Store{w: w, r: r, now: opts.Now, path: where, kb: newArticleCache(), products: newProductCache(), pg: true}
	if err := w.PingContext(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("store: unable to open %s: %w", where, err)
	}
	// pgLiteral's quoting is all the escaping there is only with
	// standard_conforming_strings on (the default since PostgreSQL 9.1).
	var conforming string
	if err := w.QueryRowContext(ctx, `SHOW standard_conforming_strings`).Scan(&conforming); err != nil || conforming != "on" {
		s.Close()
		return nil, fmt.Errorf("store: %s: standard_conforming_strings must be on (is %q): %v", where, conforming, err)
	}
	if err := s.migrateLocked(ctx); err != nil {
		s.Close()
		return nil, err
	}
	s.startIndexer()
	return s, nil
}

// migrateLocked migrates under the advisory lock, on the one writer
// connection (session locks belong to a connection).
func (s *Store) migrateLocked(ctx context.Context) error {
	if _, err := s.w.ExecContext(ctx, `SELECT pg_advisory_lock(?)`, pgMigrationLock); err != nil {
		return fmt.Errorf("store: unable to take the migration lock: %w", err)
	}
	defer s.w.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(?)`, pgMigrationLock)
	return s.migrate(ctx)
}

// migrationsDir is where the engine's migrations are embedded.
func (s *Store) migrationsDir() string {
	if s.pg {
		return "migrations_pg"
	}
	return "migrations"
}

// rawSQL marks a migration to go to PostgreSQL as written.
func (s *Store) rawSQL(q string) string {
	if s.pg {
		return pgRawPrefix + q
	}
	return q
}

// pgIntegrityCheck stands for SQLite's PRAGMA integrity_check: PostgreSQL
// checks its own pages (data checksums, when the cluster has them); what
// kefu can check is that the schema is the one this binary writes and
// that every table answers.
func (s *Store) pgIntegrityCheck(ctx context.Context) (string, error) {
	ms, err := loadMigrations("migrations_pg")
	if err != nil {
		return "", err
	}
	v, err := s.schemaVersion(ctx)
	if err != nil {
		return "", err
	}
	if v != len(ms) {
		return fmt.Sprintf("schema version %d, want %d", v, len(ms)), nil
	}
	rows, err := s.r.QueryContext(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = current_schema()`)
	if err != nil {
		return "", fmt.Errorf("store: integrity check: %w", err)
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return "", fmt.Errorf("store: integrity check: %w", err)
		}
		tables = append(tables, t)
	}
	rows.Close()
	for _, t := range tables {
		var n int64
		if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM `+pgIdent(t)).Scan(&n); err != nil {
			return fmt.Sprintf("table %s: %v", t, err), nil
		}
	}
	return "ok", nil
}

// pgIdent quotes an identifier.
func pgIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// Postgres reports whether the store is on PostgreSQL.
func (s *Store) Postgres() bool { return s.pg }

// Redacted is a database setting fit for a log: a SQLite path as it is, a
// PostgreSQL URL with its password hidden.
func Redacted(db string) string {
	if IsPostgresURL(db) {
		return redactURL(db)
	}
	return db
}

// redactURL hides the password of a database URL, for logs and errors.
func redactURL(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres://…"
	}
	return u.Redacted()
}

// pgUnavailable reports whether a PostgreSQL error means the server could
// not take a write at all: no connection, out of resources (disk full,
// too many connections), shutting down, read-only.
func pgUnavailable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case strings.HasPrefix(pe.Code, "08"), // connection exception
			strings.HasPrefix(pe.Code, "53"),  // insufficient resources
			strings.HasPrefix(pe.Code, "57P"), // operator intervention (shutdown)
			pe.Code == "25006":                // read-only transaction
			return true
		}
		return false
	}
	var ce *pgconn.ConnectError
	return errors.As(err, &ce) || pgconn.Timeout(err)
}
