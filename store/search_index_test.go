package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/store/pgtest"
)

// ftsCount counts the full-text index's entries.
func ftsCount(t *testing.T, st *Store) int {
	t.Helper()
	var n int
	if err := st.r.QueryRow(`SELECT count(*) FROM messages_fts`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// openFresh opens a new store in a temporary directory, closed when the
// test ends.
func openFresh(t testing.TB) *Store {
	return openAt(t, filepath.Join(t.TempDir(), "kefu.db"))
}

// openAt opens the store at path, closed when the test ends.
func openAt(t testing.TB, path string) *Store {
	t.Helper()
	st, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// newConversations stores n guest conversations in one write and returns
// their ids.
func newConversations(t testing.TB, st *Store, n int) []string {
	t.Helper()
	convs := make([]*Conversation, n)
	ids := make([]string, n)
	for i := range convs {
		c, _, err := st.NewConversation(0, "en")
		if err != nil {
			t.Fatal(err)
		}
		convs[i], ids[i] = c, c.ID
	}
	if _, err := st.Write(context.Background(), convs, nil); err != nil {
		t.Fatal(err)
	}
	return ids
}

func say(t *testing.T, st *Store, conv, role, text string) {
	t.Helper()
	if _, err := st.AppendMessage(context.Background(), &Message{ConversationID: conv, Role: role, Text: text}); err != nil {
		t.Fatal(err)
	}
}

// Messages are indexed after their commit; a search first catches up, so
// it finds a message stored a moment ago, and a restart after a crash
// catches up from the watermark, indexing each message once.
func TestIndexerCatchesUp(t *testing.T) {
	forEachEngine(t, func(t *testing.T, place func(testing.TB) string) {
		ctx := context.Background()
		path := place(t)
		st, err := Open(ctx, path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		c, _, err := st.CreateConversation(ctx, 0, "en")
		if err != nil {
			t.Fatal(err)
		}
		say(t, st, c.ID, RoleUser, "my umbrella leaks")
		say(t, st, c.ID, RoleTool, "umbrella tool output is not indexed")
		if hits, err := st.SearchMessages(ctx, "umbrella", 10); err != nil || len(hits) != 1 {
			t.Fatalf("search right after the commit: %d hits, %v; want 1", len(hits), err)
		}
		// A crash after the commit and before the index: the watermark is
		// behind and the entries are missing. The next start adds them, once.
		if _, err := st.w.Exec(`DELETE FROM messages_fts`); err != nil {
			t.Fatal(err)
		}
		if _, err := st.w.Exec(`UPDATE search_index_state SET indexed_through = 0`); err != nil {
			t.Fatal(err)
		}
		st.Close()
		st, err = Open(ctx, path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.IndexMessages(ctx); err != nil {
			t.Fatal(err)
		}
		if n := ftsCount(t, st); n != 1 {
			t.Errorf("after the restart the index has %d entries, want 1", n)
		}
		if n, err := st.IndexMessages(ctx); err != nil || n != 0 {
			t.Errorf("a second catch-up looked at %d messages (%v), want 0", n, err)
		}
		// More messages than one batch.
		for i := 0; i < indexBatch+10; i++ {
			say(t, st, c.ID, RoleAssistant, "parasol")
		}
		if hits, _ := st.SearchMessages(ctx, "parasol", 5000); len(hits) != indexBatch+10 {
			t.Errorf("found %d of %d", len(hits), indexBatch+10)
		}
		// A clean stop leaves the index complete.
		say(t, st, c.ID, RoleUser, "goodbye")
		st.Close()
		st, err = Open(ctx, path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var through, maxID int64
		st.r.QueryRow(`SELECT indexed_through, (SELECT max(id) FROM messages) FROM search_index_state`).Scan(&through, &maxID)
		if through != maxID {
			t.Errorf("after a clean stop the index is through message %d of %d", through, maxID)
		}
		st.Close()
	})
}

// Forgetting the customer whose messages have the highest ids lets SQLite
// hand those ids out again; the watermark comes down with them, so the
// next messages are still indexed. The same after a reset.
func TestIndexerAfterDeletions(t *testing.T) {
	forEachEngine(t, func(t *testing.T, place func(testing.TB) string) {
		ctx := context.Background()
		st := openAt(t, place(t))
		if _, err := st.w.Exec(`INSERT INTO customers (email, name, created_at) VALUES ('alice@example.com', 'Alice', 0)`); err != nil {
			t.Fatal(err)
		}
		alice, err := st.CustomerByEmail(ctx, "alice@example.com")
		if err != nil {
			t.Fatal(err)
		}
		bob, _, _ := st.CreateConversation(ctx, 0, "en")
		say(t, st, bob.ID, RoleUser, "first")
		ac, _, _ := st.CreateConversation(ctx, alice.ID, "en")
		for i := 0; i < 5; i++ {
			say(t, st, ac.ID, RoleUser, "alice writes")
		}
		st.IndexMessages(ctx)
		if _, err := st.ForgetCustomer(ctx, alice.ID, "test"); err != nil {
			t.Fatal(err)
		}
		say(t, st, bob.ID, RoleUser, "kumquat")
		if hits, _ := st.SearchMessages(ctx, "kumquat", 10); len(hits) != 1 {
			t.Errorf("after forgetting: %d hits for a new message, want 1", len(hits))
		}
		if hits, _ := st.SearchMessages(ctx, "alice", 10); len(hits) != 0 {
			t.Errorf("forgotten messages are still found: %d", len(hits))
		}
		if err := st.Reset(ctx); err != nil {
			t.Fatal(err)
		}
		c, _, _ := st.CreateConversation(ctx, 0, "en")
		say(t, st, c.ID, RoleUser, "durian")
		if hits, _ := st.SearchMessages(ctx, "durian", 10); len(hits) != 1 {
			t.Errorf("after a reset: %d hits for a new message, want 1", len(hits))
		}
	})
}

// A write transaction ends at its deadline even though its statements
// run uncancellable: it is rolled back, and nothing it wrote is kept.
func TestTransactionDeadline(t *testing.T) {
	forEachEngine(t, func(t *testing.T, place func(testing.TB) string) {
		st := openAt(t, place(t))
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		err := st.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO customers (email, name, created_at) VALUES ('late@example.com', 'Late', 0)`); err != nil {
				return err
			}
			time.Sleep(150 * time.Millisecond) // past the deadline
			_, err := tx.ExecContext(ctx, `INSERT INTO customers (email, name, created_at) VALUES ('later@example.com', 'Later', 0)`)
			return err
		})
		if err == nil {
			t.Fatal("a transaction past its deadline committed")
		}
		var n int
		st.r.QueryRow(`SELECT count(*) FROM customers`).Scan(&n)
		if n != 0 {
			t.Errorf("%d customers kept from a transaction rolled back at its deadline", n)
		}
		// The write connection is free again.
		if _, err := st.IndexMessages(context.Background()); err != nil {
			t.Errorf("after the deadline: %v", err)
		}
	})
}

// Two stores on one file (a `kefu import` beside the server) each run an
// indexer; every message is indexed once.
func TestIndexersOfTwoProcesses(t *testing.T) {
	forEachEngine(t, func(t *testing.T, place func(testing.TB) string) {
		ctx := context.Background()
		path := place(t)
		a, b := openAt(t, path), openAt(t, path)
		conv := newConversations(t, a, 1)[0]
		for i := 0; i < 300; i++ {
			say(t, a, conv, RoleUser, "pomegranate")
		}
		var wg sync.WaitGroup
		for _, st := range []*Store{a, b, a, b} {
			wg.Add(1)
			go func() { defer wg.Done(); st.IndexMessages(ctx) }()
		}
		wg.Wait()
		if hits, err := b.SearchMessages(ctx, "pomegranate", 1000); err != nil || len(hits) != 300 {
			t.Errorf("%d hits (%v), want 300, each once", len(hits), err)
		}
	})
}

// A batch goes into the index as one segment. With one savepoint per
// entry (an INSERT … SELECT opens one, and FTS4 flushes at each), every
// entry became a segment and the merges cost more than the inserts.
func TestIndexBatchIsOneSegment(t *testing.T) {
	ctx := context.Background()
	st := openFresh(t)
	convs := newConversations(t, st, 10)
	var ms []*Message
	for i := range 100 {
		ms = append(ms, &Message{ConversationID: convs[i%len(convs)], Role: RoleUser, Text: fmt.Sprintf("parcel %d is late", i)})
	}
	if _, err := st.AppendMessages(ctx, ms); err != nil {
		t.Fatal(err)
	}
	if _, err := st.IndexMessages(ctx); err != nil {
		t.Fatal(err)
	}
	var segments int
	if err := st.r.QueryRow(`SELECT count(*) FROM messages_fts_segdir`).Scan(&segments); err != nil {
		t.Fatal(err)
	}
	if segments != 1 {
		t.Errorf("100 messages made %d index segments, want 1", segments)
	}
	if n := ftsCount(t, st); n != 100 {
		t.Errorf("index has %d entries, want 100", n)
	}
}

// A message deleted after the indexer read it (by another process: in
// this one, deletions wait for the indexer) is left out of the index.
func TestIndexSkipsMessagesDeletedSinceRead(t *testing.T) {
	forEachEngine(t, func(t *testing.T, place func(testing.TB) string) {
		ctx := context.Background()
		st := openAt(t, place(t))
		c, _, _ := st.CreateConversation(ctx, 0, "en")
		say(t, st, c.ID, RoleUser, "one")
		say(t, st, c.ID, RoleUser, "two")
		say(t, st, c.ID, RoleUser, "three")
		var from int64
		st.r.QueryRow(`SELECT indexed_through FROM search_index_state`).Scan(&from)
		err := st.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			kept, err := stillStored(ctx, tx, from, from+3, 3)
			if err != nil || kept != nil {
				t.Errorf("nothing deleted: stillStored = %v, %v; want nil, nil", kept, err)
			}
			if _, err := tx.Exec(`DELETE FROM messages WHERE id = ?`, from+2); err != nil {
				return err
			}
			kept, err = stillStored(ctx, tx, from, from+3, 3)
			if err != nil || len(kept) != 2 || kept[from+2] || !kept[from+1] || !kept[from+3] {
				t.Errorf("one deleted: stillStored = %v, %v; want ids %d and %d", kept, err, from+1, from+3)
			}
			return errors.New("roll back")
		})
		if err == nil {
			t.Fatal("the transaction was not rolled back")
		}
	})
}

// BenchmarkIndexMessages measures the indexer: each op adds one message
// to the full-text index, in the indexer's batches, from 200 conversations
// whose messages interleave as they do under load. On both engines
// (postgres: KEFU_TEST_POSTGRES).
func BenchmarkIndexMessages(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchmarkIndexMessages(b, openFresh(b)) })
	b.Run("postgres", func(b *testing.B) { benchmarkIndexMessages(b, openAt(b, pgtest.NewDatabase(b))) })
}

func benchmarkIndexMessages(b *testing.B, st *Store) {
	ctx := context.Background()
	st.ix.stop() // this benchmark runs the catch-ups itself
	st.ix.stop = nil
	convs := newConversations(b, st, 200)
	texts := []string{"where is my order KF-10031? it has not arrived yet", "您好，我的订单什么时候发货？", "Your order KF-10031 shipped on Monday with UPS and should arrive by Friday.", "the zipper on my jacket broke after a week"}
	var ms []*Message
	for i := range b.N {
		ms = append(ms, &Message{ConversationID: convs[i%len(convs)], Role: RoleUser, Text: texts[i%len(texts)]})
		if len(ms) == 256 || i == b.N-1 {
			if _, err := st.AppendMessages(ctx, ms); err != nil {
				b.Fatal(err)
			}
			ms = ms[:0]
		}
	}
	b.ResetTimer()
	if n, err := st.IndexMessages(ctx); err != nil || n != b.N {
		b.Fatalf("indexed %d of %d: %v", n, b.N, err)
	}
}
