package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/kefu-dev/kefu/store"
)

// The writer waits for the disk at every commit unless told otherwise:
// an acknowledged message must survive a crash of the machine, not only
// of kefu. The pragma is read back from SQLite, not from the options.
func TestWriterSync(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		opt  store.Sync
		want store.Sync
	}{{"", store.SyncFull}, {store.SyncFull, store.SyncFull}, {store.SyncNormal, store.SyncNormal}} {
		st, err := store.Open(ctx, filepath.Join(t.TempDir(), "kefu.db"), store.Options{Sync: c.opt})
		if err != nil {
			t.Fatal(err)
		}
		got, err := st.WriterSync(ctx)
		st.Close()
		if err != nil || got != c.want {
			t.Errorf("Options{Sync: %q}: the writer runs with synchronous=%q (%v), want %q", c.opt, got, err, c.want)
		}
	}
	if _, err := store.Open(ctx, filepath.Join(t.TempDir(), "kefu.db"), store.Options{Sync: "off"}); err == nil {
		t.Error("Sync off was accepted")
	}
}

// BenchmarkCommitSync is the cost of the durability setting: one commit
// of one message (what a lone shopper's message costs) and of 64 (a busy
// moment's group commit), with synchronous=FULL and NORMAL.
func BenchmarkCommitSync(b *testing.B) {
	for _, sync := range []store.Sync{store.SyncFull, store.SyncNormal} {
		for _, batch := range []int{1, 64} {
			b.Run(fmt.Sprintf("%s/batch%d", sync, batch), func(b *testing.B) {
				ctx := context.Background()
				st, err := store.Open(ctx, filepath.Join(b.TempDir(), "kefu.db"), store.Options{Sync: sync})
				if err != nil {
					b.Fatal(err)
				}
				defer st.Close()
				c, _, err := st.CreateConversation(ctx, 0, "en")
				if err != nil {
					b.Fatal(err)
				}
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					ms := make([]*store.Message, batch)
					for j := range ms {
						ms[j] = &store.Message{ConversationID: c.ID, Role: store.RoleUser, ClientID: fmt.Sprint(i, "-", j), Text: "where is my order? it has not arrived yet"}
					}
					if _, err := st.AppendMessages(ctx, ms); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
