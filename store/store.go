// Package store keeps kefu's data in SQLite: the shop (catalog, customers,
// orders, shipments, returns, reviews, knowledge base), conversations and
// staff. It owns the schema and its migrations, every query, full-text
// search and the demo data; nothing else in kefu imports database/sql.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/mattn/go-sqlite3"
)

// driverName is mattn's driver with kefu's SQL functions registered on
// every connection (see fts.go).
const driverName = "sqlite3_kefu"

func init() {
	sql.Register(driverName, &sqlite3.SQLiteDriver{
		ConnectHook: func(c *sqlite3.SQLiteConn) error {
			if err := enableQPSG(c); err != nil {
				return err
			}
			return c.RegisterFunc("kefu_bm25", bm25, true)
		},
	})
}

// defaultQueryTimeout bounds a query whose caller set no deadline, in
// nanoseconds (atomic, for the tests that shorten it while the indexer
// runs).
var defaultQueryTimeout atomic.Int64

func init() { defaultQueryTimeout.Store(int64(10 * time.Second)) }

// Options tune Open. The zero value is ready to use.
type Options struct {
	// Now returns the current time. Zero value: time.Now. Tests inject a
	// fixed clock so that timestamps and policy windows are deterministic.
	Now func() time.Time
	// ReadConns is the size of the read pool. Zero value: max(4, NumCPU).
	ReadConns int
	// Sync is the writer's synchronous pragma: SyncFull (the zero value)
	// or SyncNormal. See docs/durability.md for the trade-off.
	Sync Sync
}

// Sync is how hard a commit waits for the disk.
type Sync string

const (
	// SyncFull syncs the WAL at every commit: an acknowledged message
	// survives a power cut or a crash of the machine, not only of kefu.
	SyncFull Sync = "full"
	// SyncNormal syncs only at checkpoints: a commit is faster, and one
	// acknowledged in the last moments before the machine (not kefu)
	// crashes may be lost. The database stays consistent either way.
	SyncNormal Sync = "normal"
)

// pragma is the value of PRAGMA synchronous for the DSN.
func (y Sync) pragma() (string, error) {
	switch y {
	case "", SyncFull:
		return "FULL", nil
	case SyncNormal:
		return "NORMAL", nil
	}
	return "", fmt.Errorf("store: synchronous %q: want full or normal", string(y))
}

// Store is kefu's database. Writes go through one connection, because
// SQLite allows a single writer and a queue in Go is cheaper than
// SQLITE_BUSY retries; reads use a separate pool that WAL lets run beside
// the writer.
type Store struct {
	w        *sql.DB
	r        *sql.DB
	now      func() time.Time
	path     string
	kb       *shopCache[articleKey, ArticleHit] // knowledge-base search results (cache.go)
	products *shopCache[struct{}, ProductStats] // the catalog
	ix       indexer                            // adds messages to the full-text index (search_index.go)

	cp              *sql.DB // checkpoints the WAL (checkpoint.go)
	stopCheckpoints func()

	pg bool // on PostgreSQL (pg_store.go)
}

// Open opens (creating if needed) the SQLite database at path and brings its
// schema up to date. It refuses a database written by a newer kefu.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	if path == "" {
		return nil, errors.New("store: empty database path")
	}
	if IsPostgresURL(path) {
		return openPostgres(ctx, path, opts)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ReadConns <= 0 {
		opts.ReadConns = max(4, runtime.NumCPU())
	}
	syncPragma, err := opts.Sync.pragma()
	if err != nil {
		return nil, err
	}
	// busy_timeout comes first so that it already applies while the other
	// pragmas run; _txlock=immediate takes the write lock at BEGIN, so a
	// transaction never fails half-way on a lock upgrade.
	w, err := sql.Open(driverName, dsn(path, "_busy_timeout=10000&_journal_mode=WAL&_foreign_keys=on&_synchronous="+syncPragma+"&_txlock=immediate&_stmt_cache_size=64&_cache_size=-32768"))
	if err != nil {
		return nil, fmt.Errorf("store: unable to open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("store: unable to open %s: %w", path, err)
	}
	r, err := sql.Open(driverName, dsn(path, "_busy_timeout=10000&_foreign_keys=on&_query_only=1&_stmt_cache_size=64"))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store: unable to open %s for reading: %w", path, err)
	}
	r.SetMaxOpenConns(opts.ReadConns)
	r.SetMaxIdleConns(opts.ReadConns)
	s := &Store{w: w, r: r, now: opts.Now, path: path, kb: newArticleCache(), products: newProductCache()}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if _, err := w.ExecContext(ctx, `PRAGMA wal_autocheckpoint = 0`); err != nil {
		s.Close()
		return nil, fmt.Errorf("store: unable to open %s: %w", path, err)
	}
	if err := s.startCheckpointer(path); err != nil {
		s.Close()
		return nil, fmt.Errorf("store: unable to open %s: %w", path, err)
	}
	s.startIndexer()
	return s, nil
}

func dsn(path, params string) string {
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + params
}

// Close closes both pools. The WAL is checkpointed by SQLite when the last
// connection closes.
func (s *Store) Close() error {
	return errors.Join(s.stopIndexer(), s.stopCheckpointer(), s.r.Close(), s.w.Close())
}

// Ping checks that the database answers a query.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	var one int
	if err := s.r.QueryRowContext(ctx, `SELECT 1`).Scan(&one); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// Now is the store's clock, the one its policy windows use.
func (s *Store) Now() time.Time { return s.now() }

// Path is the database file's path.
func (s *Store) Path() string { return s.path }

// IntegrityCheck runs PRAGMA integrity_check and returns its verdict ("ok"
// when the file is sound).
func (s *Store) IntegrityCheck(ctx context.Context) (string, error) {
	if s.pg {
		return s.pgIntegrityCheck(ctx)
	}
	var res string
	if err := s.r.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return "", fmt.Errorf("store: integrity check: %w", err)
	}
	return res, nil
}

// withTimeout applies defaultQueryTimeout when ctx has no deadline.
func withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, time.Duration(defaultQueryTimeout.Load()))
}

// inTx runs fn in a write transaction, committing if it returns nil. The
// transaction ends at ctx's deadline (or defaultQueryTimeout), rolled back
// between statements; the statements themselves run with a context that
// cannot be cancelled, which fn is given. With one that can,
// mattn/go-sqlite3 runs each Exec (BEGIN included) on a goroutine of its
// own and waits for it; under load, waiting for the scheduler to run those
// goroutines took three quarters of a commit's time, all of it holding the
// one write connection. Lock waits still end at busy_timeout.
func (s *Store) inTx(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	if err := ctx.Err(); err != nil {
		return err
	}
	tx, err := s.w.BeginTx(context.WithoutCancel(ctx), nil)
	if err != nil {
		return fmt.Errorf("store: unable to begin transaction: %w", err)
	}
	stop := context.AfterFunc(ctx, func() { tx.Rollback() })
	defer stop()
	if err := fn(context.WithoutCancel(ctx), tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("store: unable to commit: %w", ctx.Err())
		}
		return fmt.Errorf("store: unable to commit: %w", err)
	}
	return nil
}

// Times are stored as milliseconds since the epoch, UTC.

func ms(t time.Time) int64 { return t.UnixMilli() }

func msPtr(t *time.Time) any {
	if t == nil || t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

func fromNullMS(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMS(v.Int64)
	return &t
}

// WriterSync reads the writer connection's synchronous pragma back from
// SQLite: what a commit actually waits for.
func (s *Store) WriterSync(ctx context.Context) (Sync, error) {
	var n int
	if err := s.w.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&n); err != nil {
		return "", fmt.Errorf("store: unable to read the synchronous pragma: %w", err)
	}
	switch n {
	case 1:
		return SyncNormal, nil
	case 2:
		return SyncFull, nil
	}
	return Sync(fmt.Sprintf("level %d", n)), nil
}
