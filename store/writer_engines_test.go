package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// The group commit on both engines: 60 shoppers appending at once through
// one Writer over a real store share transactions (fewer batches than
// messages), and when AppendAll returns (when the engine acknowledges) the
// message is already readable from another store on the same database,
// so it was committed first.
func TestWriterGroupCommitsOnBothEngines(t *testing.T) {
	forEachEngine(t, func(t *testing.T, place func(testing.TB) string) {
		ctx := context.Background()
		db := place(t)
		st, reader := openAt(t, db), openAt(t, db)
		var mu sync.Mutex
		var batches, stored int
		w := NewWriter(st, 0, func(size int, took time.Duration) {
			mu.Lock()
			batches, stored = batches+1, stored+size
			mu.Unlock()
		})
		defer w.Close()
		const shoppers, each = 60, 5
		convs := newConversations(t, st, shoppers)
		var wg sync.WaitGroup
		errs := make(chan error, shoppers)
		for i, conv := range convs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := range each {
					m := &Message{ConversationID: conv, Role: RoleUser, Text: "hi", ClientID: fmt.Sprintf("s%d-%d", i, j)}
					if _, err := w.AppendAll(ctx, []*Message{m}, nil); err != nil {
						errs <- err
						return
					}
					got, err := reader.Messages(ctx, conv, m.Seq-1, 1)
					if err != nil || len(got) != 1 || got[0].ClientID != m.ClientID {
						errs <- fmt.Errorf("appended %s (seq %d), another connection reads %+v, %v", m.ClientID, m.Seq, got, err)
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
		mu.Lock()
		defer mu.Unlock()
		if stored != shoppers*each || batches >= stored {
			t.Errorf("%d messages in %d transactions: want %d in fewer", stored, batches, shoppers*each)
		}
		t.Logf("%d messages in %d transactions", stored, batches)
	})
}
