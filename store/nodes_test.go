package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/store/pgtest"
)

// Two stores on one database, as two kefu nodes on one PostgreSQL (or two
// processes on one SQLite file), append batches to the same conversation
// at once: every message gets its own seq, with no gap, and is indexed
// once, whichever node's indexer runs.
func TestTwoNodesAppendToOneConversation(t *testing.T) {
	forEachEngine(t, func(t *testing.T, place func(testing.TB) string) {
		ctx := context.Background()
		db := place(t)
		a, b := openAt(t, db), openAt(t, db)
		conv := newConversations(t, a, 1)[0]
		const writers, batches, per = 8, 20, 3
		var wg sync.WaitGroup
		errs := make(chan error, writers*batches)
		for w := range writers {
			st := []*Store{a, b}[w%2]
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range batches {
					var msgs []*Message
					for j := range per {
						msgs = append(msgs, &Message{ConversationID: conv, Role: RoleUser, Text: "kumquat",
							ClientID: fmt.Sprintf("w%d-%d-%d", w, i, j)})
					}
					if _, err := st.AppendMessages(ctx, msgs); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		msgs, err := b.Messages(ctx, conv, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		const total = writers * batches * per
		if len(msgs) != total {
			t.Fatalf("%d messages stored, want %d", len(msgs), total)
		}
		for i, m := range msgs {
			if m.Seq != int64(i+1) {
				t.Fatalf("message %d has seq %d: seqs are not 1..%d", i, m.Seq, total)
			}
		}
		var wg2 sync.WaitGroup
		for _, st := range []*Store{a, b, a, b} {
			wg2.Add(1)
			go func() { defer wg2.Done(); st.IndexMessages(ctx) }()
		}
		wg2.Wait()
		if hits, err := a.SearchMessages(ctx, "kumquat", 1000); err != nil || len(hits) != total {
			t.Errorf("%d hits (%v), want %d, each once", len(hits), err, total)
		}
		if n := ftsCount(t, b); n != total {
			t.Errorf("the index has %d entries, want %d", n, total)
		}
	})
}

// With several nodes on one PostgreSQL database, one node's indexer in the
// middle of a batch (here: a transaction holding the watermark's row)
// does not hold up another node: its background indexer skips the batch
// instead of waiting on the row with its one writer connection, so its
// commits go on. Before, the second node's every commit waited for the
// first node's batch. A search there waits for that batch, outside any
// transaction, and then finds the messages.
func TestAnotherNodesIndexBatchDoesNotHoldCommits(t *testing.T) {
	ctx := context.Background()
	db := pgtest.NewDatabase(t)
	a, b := openAt(t, db), openAt(t, db)
	conv := newConversations(t, b, 1)[0]
	tx, err := a.w.BeginTx(ctx, nil) // node A's indexer, mid-batch
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var at int64
	if err := tx.QueryRowContext(ctx, `SELECT indexed_through FROM search_index_state WHERE id = 1 /*FOR UPDATE*/`).Scan(&at); err != nil {
		t.Fatal(err)
	}
	if _, err := b.AppendMessages(ctx, []*Message{{ConversationID: conv, Role: RoleUser, Text: "kumquat marmalade"}}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * indexEvery) // B's indexer has tried the batch
	done := make(chan error, 1)
	go func() {
		_, err := b.AppendMessages(ctx, []*Message{{ConversationID: conv, Role: RoleUser, Text: "and quince"}})
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("node B's commit waited for node A's index batch")
	}
	searched := make(chan []MessageHit, 1)
	go func() {
		hits, err := b.SearchMessages(ctx, "kumquat", 10)
		if err != nil {
			t.Error(err)
		}
		searched <- hits
	}()
	time.Sleep(100 * time.Millisecond)
	tx.Rollback() // A's batch ends without indexing anything
	if hits := <-searched; len(hits) != 1 {
		t.Fatalf("search after the other node's batch: %d hits, want 1", len(hits))
	}
}
