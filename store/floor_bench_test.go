package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
)

// BenchmarkDriverFloor measures what SQLite costs through database/sql
// and mattn/go-sqlite3 with none of kefu's schema or code: a table of
// short messages with one index, written in transactions of 1, 16 and 64
// rows (WAL, synchronous=NORMAL, as the store runs), and a point read by
// that index. Each runs on mattn's driver as it comes ("sqlite3") and as
// the store registers it (driverName: the planner stability guarantee).
// It is the floor under the store's own benchmarks: a turn stores a few
// rows and reads one or two, and no store built on this driver does
// either for less. ns/op is a row (or a read).
func BenchmarkDriverFloor(b *testing.B) {
	for _, driver := range []string{"sqlite3", driverName} {
		b.Run(driver, func(b *testing.B) { benchmarkDriverFloor(b, driver) })
	}
}

func benchmarkDriverFloor(b *testing.B, driver string) {
	ctx := context.Background()
	open := func(b *testing.B) *sql.DB {
		db, err := sql.Open(driver, dsn(filepath.Join(b.TempDir(), "floor.db"), "_journal_mode=WAL&_synchronous=NORMAL&_txlock=immediate"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		db.SetMaxOpenConns(1)
		if _, err := db.Exec(`CREATE TABLE messages (id INTEGER PRIMARY KEY, conversation TEXT NOT NULL, seq INTEGER NOT NULL,
			role TEXT NOT NULL, text TEXT NOT NULL, created_at INTEGER NOT NULL, UNIQUE (conversation, seq))`); err != nil {
			b.Fatal(err)
		}
		return db
	}
	insert := `INSERT INTO messages (conversation, seq, role, text, created_at) VALUES (?, ?, ?, ?, ?)`
	// Eight messages a conversation, as in a short chat.
	conversation := func(n int) string { return fmt.Sprintf("0190c0de-0000-7000-8000-%012d", n/8) }
	for _, rows := range []int{1, 16, 64} {
		b.Run(fmt.Sprintf("insert_%d_a_commit", rows), func(b *testing.B) {
			db := open(b)
			for n := 0; n < b.N; {
				tx, err := db.BeginTx(ctx, nil)
				if err != nil {
					b.Fatal(err)
				}
				for range rows {
					if _, err := tx.ExecContext(ctx, insert, conversation(n), n, "user", "where is my order KF-10023?", int64(n)); err != nil {
						b.Fatal(err)
					}
					n++
				}
				if err := tx.Commit(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("read_by_index", func(b *testing.B) {
		db := open(b)
		const stored = 10000
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		for n := range stored {
			if _, err := tx.ExecContext(ctx, insert, conversation(n), n, "user", "hello", int64(n)); err != nil {
				b.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for i := range b.N {
			n := i % stored
			var text string
			if err := db.QueryRowContext(ctx, `SELECT text FROM messages WHERE conversation = ? AND seq = ?`, conversation(n), n).Scan(&text); err != nil {
				b.Fatal(err)
			}
		}
	})
}
