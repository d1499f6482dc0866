package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"

	"github.com/mattn/go-sqlite3"
)

// Snapshots copy the database with SQLite's online backup, page by page,
// on two connections of their own, never on the writer's: VACUUM INTO on
// the write connection held it for the whole copy, and every shopper's
// ack waited (15 s on a large database). The source connection holds one
// read transaction from the first page to the last, so that the copy is
// of one moment (WAL keeps that moment for it while the writer goes on)
// and the backup is not restarted by the writer's commits, as a backup
// whose source starts a new read at each step is. Between steps the copy
// looks at ctx, so that a cancelled replay stops copying.
// BenchmarkSnapshotWhileWriting compares this with VACUUM INTO on the
// writer and on a connection of its own.
const snapshotStepPages = 256 // 1 MiB a step at the default page size

// snapshotStep, if set (tests), is called after each step with the
// pages left and the pages in all.
var snapshotStep func(remaining, total int)

// Snapshot writes a consistent copy of the database to path, which must
// not exist, for dry runs such as the regression replay, which must touch
// no real order. The copy is a SQLite file on either engine. The writer is
// not held up while it runs.
func (s *Store) Snapshot(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil || !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("store: unable to snapshot to %s: the file exists", path)
	}
	take := func() error { return s.backup(ctx, path, snapshotStepPages) }
	if s.pg {
		take = func() error { return s.pgSnapshot(ctx, path) }
	}
	if err := take(); err != nil {
		os.Remove(path)
		return fmt.Errorf("store: unable to snapshot to %s: %w", path, err)
	}
	return nil
}

// backup copies the database to path, stepPages at a time (-1: all in
// one step).
func (s *Store) backup(ctx context.Context, path string, stepPages int) error {
	src, err := sql.Open(driverName, dsn(s.path, "_busy_timeout=10000&_query_only=1"))
	if err != nil {
		return err
	}
	defer src.Close()
	// The copy is a throwaway file: no journal, no syncs. A crash leaves
	// a broken copy that nobody reads.
	dst, err := sql.Open(driverName, dsn(path, "_journal_mode=OFF&_synchronous=OFF"))
	if err != nil {
		return err
	}
	defer dst.Close()
	sc, err := src.Conn(ctx)
	if err != nil {
		return err
	}
	defer sc.Close()
	dc, err := dst.Conn(ctx)
	if err != nil {
		return err
	}
	defer dc.Close()

	// BEGIN is deferred: the read transaction starts at the first read.
	if _, err := sc.ExecContext(ctx, `BEGIN`); err != nil {
		return err
	}
	defer sc.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`)
	var n int
	if err := sc.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema`).Scan(&n); err != nil {
		return err
	}
	return dc.Raw(func(d any) error {
		return sc.Raw(func(s any) error {
			b, err := d.(*sqlite3.SQLiteConn).Backup("main", s.(*sqlite3.SQLiteConn), "main")
			if err != nil {
				return err
			}
			for {
				done, err := b.Step(stepPages)
				if err != nil {
					b.Close()
					return err
				}
				if done {
					return b.Finish()
				}
				if snapshotStep != nil {
					snapshotStep(b.Remaining(), b.PageCount())
				}
				if err := ctx.Err(); err != nil {
					b.Close()
					return err
				}
			}
		})
	})
}

// pgSnapshot copies a PostgreSQL store into a new SQLite file at path:
// the dry run needs a database of its own to change, and a SQLite file is
// one that costs the shop's server nothing after the copy and is removed
// with a file. The source is read in one read-only REPEATABLE READ
// transaction, so the copy is of one moment, as SQLite's backup is, and
// the nodes' writes go on beside it.
func (s *Store) pgSnapshot(ctx context.Context, path string) error {
	dst, err := Open(ctx, path, Options{Sync: SyncNormal, Now: s.now})
	if err != nil {
		return err
	}
	defer dst.Close()
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	_, err = s.copyTo(ctx, tx, dst, false)
	return err
}
