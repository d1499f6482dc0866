package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Migrations are SQL files named NNNN_what.sql, applied in order, each in
// its own transaction together with the new schema version (a new
// database gets them all in one). They are
// append-only: never edit one that has shipped, add the next instead. The
// order of the files is the schema's history. migrations_pg holds the
// PostgreSQL counterpart of each, under the same number.
//
//go:embed migrations/*.sql migrations_pg/*.sql
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations(dir string) ([]migration, error) {
	names, err := fs.Glob(migrationFiles, dir+"/*.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, n := range names {
		base := path.Base(n)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("store: migration %s: name must start with a number and '_'", base)
		}
		b, err := migrationFiles.ReadFile(n)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: base, sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("store: migration %s: want version %d", m.name, i+1)
		}
	}
	return ms, nil
}

// SchemaVersion is the schema version this binary writes.
func SchemaVersion() int {
	ms, err := loadMigrations("migrations")
	if err != nil {
		panic(err) // the embedded files are fixed at build time; a test covers this
	}
	return len(ms)
}

// migrate applies every migration newer than the database's version.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := loadMigrations(s.migrationsDir())
	if err != nil {
		return err
	}
	if _, err := s.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("store: unable to create schema_version: %w", err)
	}
	current, err := s.schemaVersion(ctx)
	if err != nil {
		return err
	}
	if current > len(ms) {
		return fmt.Errorf("%w (database at version %d, binary knows %d)", ErrSchemaTooNew, current, len(ms))
	}
	apply := func(ctx context.Context, tx *sql.Tx, m migration) error {
		if _, err := tx.ExecContext(ctx, s.rawSQL(m.sql)); err != nil {
			return fmt.Errorf("store: migration %s failed: %w", m.name, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM schema_version`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (?)`, m.version)
		return err
	}
	if current == 0 {
		// A new database is built in one transaction: it is all there or
		// still empty, and a first start waits for one commit, not one a
		// migration.
		return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			for _, m := range ms {
				if err := apply(ctx, tx, m); err != nil {
					return err
				}
			}
			return nil
		})
	}
	for _, m := range ms[current:] {
		if err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error { return apply(ctx, tx, m) }); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) schemaVersion(ctx context.Context) (int, error) {
	var v sql.NullInt64
	err := s.w.QueryRowContext(ctx, `SELECT max(version) FROM schema_version`).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("store: unable to read schema version: %w", err)
	}
	return int(v.Int64), nil
}
