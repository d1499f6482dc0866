package store_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/store/demo"
)

// testNow is the fixed clock of store tests.
var testNow = time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)

// openTemp opens a fresh, migrated store in a temporary file.
func openTemp(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "kefu.db"), store.Options{Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// openDemo opens a fresh store seeded with the demo shop.
func openDemo(t testing.TB) *store.Store {
	t.Helper()
	st := openTemp(t)
	if _, err := st.Import(context.Background(), demo.Dataset(testNow)); err != nil {
		t.Fatal(err)
	}
	return st
}
