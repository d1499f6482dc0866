package main

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kefu-dev/kefu/store"
)

// KEFU_SYNC sets the writer's synchronous pragma, full unless told
// otherwise; the database kefu opens runs with it.
func TestSyncSetting(t *testing.T) {
	ctx := context.Background()
	for env, want := range map[string]store.Sync{"": store.SyncFull, "KEFU_SYNC=full": store.SyncFull, "KEFU_SYNC=NORMAL": store.SyncNormal} {
		cfg, err := loadConfig([]string{env, "KEFU_DB=" + filepath.Join(t.TempDir(), "kefu.db")})
		if err != nil {
			t.Fatal(err)
		}
		st, err := openStore(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		got, err := st.WriterSync(ctx)
		st.Close()
		if err != nil || got != want {
			t.Errorf("%q: the writer runs with synchronous=%q (%v), want %q", env, got, err, want)
		}
	}
	if _, err := loadConfig([]string{"KEFU_SYNC=off"}); err == nil || !strings.Contains(err.Error(), `KEFU_SYNC="off": want full or normal`) {
		t.Errorf("KEFU_SYNC=off: %v", err)
	}
}
