package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/kefu-dev/kefu/cmd/kefu/stack"
	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/store/demo"
)

// Where a shopper-paid return goes is the operator's KEFU_RETURN_ADDRESS,
// or the demo shop's own on the demo; an imported shop with none set is
// never sent to the demo's warehouse.
func TestReturnAddressIsTheShops(t *testing.T) {
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	start := func(t *testing.T, db string, seed bool, env ...string) string {
		t.Helper()
		cfg, err := loadConfig(append(env, "KEFU_DB="+db))
		if err != nil {
			t.Fatal(err)
		}
		s, err := stack.New(ctx, cfg.Config, stack.Options{Log: log, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Shutdown(ctx)
		return s.Config.ReturnAddress
	}
	demoDB := filepath.Join(t.TempDir(), "demo.db")
	if got := start(t, demoDB, true); got != demo.ReturnAddress {
		t.Errorf("the demo shop's return address: %q, want %q", got, demo.ReturnAddress)
	}
	if got := start(t, demoDB, true, "KEFU_RETURN_ADDRESS=Returns, 9 Harbour St, Sydney"); got != "Returns, 9 Harbour St, Sydney" {
		t.Errorf("with KEFU_RETURN_ADDRESS set, on the demo: %q", got)
	}

	teaDB := filepath.Join(t.TempDir(), "tea.db")
	st, err := store.Open(ctx, teaDB, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("../../store/testdata/shop_tea.json")
	if err != nil {
		t.Fatal(err)
	}
	ds, err := store.DecodeDataset(b)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Import(ctx, ds); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if got := start(t, teaDB, true); got != "" {
		t.Errorf("an imported shop with no return address set: %q, want none", got)
	}
}
