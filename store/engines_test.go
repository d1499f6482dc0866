package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // "pgx", to read a test database directly

	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/store/demo"
	"github.com/kefu-dev/kefu/store/pgtest"
)

// opener opens a fresh, migrated store on one engine.
type opener func(testing.TB) *store.Store

// forEachEngine runs a behaviour test on SQLite and on PostgreSQL (a
// database of its own on KEFU_TEST_POSTGRES; skipped without it, failed
// without it under CI=true), so that the two engines cannot drift.
func forEachEngine(t *testing.T, test func(t *testing.T, open opener)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { test(t, openTemp) })
	t.Run("postgres", func(t *testing.T) { test(t, openPostgres) })
}

// openPostgres opens a fresh, migrated store on a new PostgreSQL database.
func openPostgres(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), pgtest.NewDatabase(t), store.Options{Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// openDemoOn opens a fresh store on an engine, seeded with the demo shop.
func openDemoOn(t testing.TB, open opener) *store.Store {
	t.Helper()
	st := open(t)
	if _, err := st.Import(context.Background(), demo.Dataset(testNow)); err != nil {
		t.Fatal(err)
	}
	return st
}

// dumpPostgres is dump on PostgreSQL: every row of every table but the
// full-text index, in physical order (an update moves a row, and changes
// it).
func dumpPostgres(t *testing.T, url string) string {
	t.Helper()
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename NOT LIKE '%fts%' ORDER BY tablename`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	var b strings.Builder
	for _, tbl := range tables {
		rows, err := db.Query(`SELECT * FROM "` + tbl + `" ORDER BY ctid`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			rows.Scan(ptrs...)
			fmt.Fprintf(&b, "%s %v\n", tbl, vals)
		}
		rows.Close()
	}
	return b.String()
}

// forEachEngineAt runs a test on both engines with a new database's
// location (a SQLite file's path, or a fresh PostgreSQL database's URL),
// for tests that open it themselves.
func forEachEngineAt(t *testing.T, test func(t *testing.T, path string)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { test(t, filepath.Join(t.TempDir(), "kefu.db")) })
	t.Run("postgres", func(t *testing.T) { test(t, pgtest.NewDatabase(t)) })
}
