package store

import (
	"path/filepath"
	"testing"

	"github.com/kefu-dev/kefu/store/pgtest"
)

// forEachEngine runs a test on SQLite and on PostgreSQL, as the external
// tests' forEachEngine does; place returns a new database's location (a
// file, or a fresh PostgreSQL database), which several stores may open, as
// several processes or nodes do.
func forEachEngine(t *testing.T, test func(t *testing.T, place func(testing.TB) string)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		test(t, func(t testing.TB) string { return filepath.Join(t.TempDir(), "kefu.db") })
	})
	t.Run("postgres", func(t *testing.T) { test(t, pgtest.NewDatabase) })
}
