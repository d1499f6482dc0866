package store_test

import (
	"context"
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
