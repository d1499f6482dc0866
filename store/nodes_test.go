package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
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
