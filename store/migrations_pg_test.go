package store

import (
	"strings"
	"testing"
)

// Every SQLite migration has its PostgreSQL counterpart, of the same
// number and name (migrations_pg/0001 creates schema 11 at once; 0002–0011
// only keep the numbers), so that a schema change cannot land on one
// engine only. The store matrix then runs the change on both.
func TestEveryMigrationHasAPostgresCounterpart(t *testing.T) {
	lite, err := loadMigrations("migrations")
	if err != nil {
		t.Fatal(err)
	}
	pg, err := loadMigrations("migrations_pg")
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range lite {
		if i >= len(pg) {
			t.Errorf("%s has no counterpart in store/migrations_pg", m.name)
			continue
		}
		if pg[i].name != m.name {
			t.Errorf("store/migrations_pg/%s stands for %s: give it the same name", pg[i].name, m.name)
		}
		if m.version > 11 && !strings.Contains(pg[i].sql, "SQLite "+m.name[:4]) {
			t.Errorf("store/migrations_pg/%s does not say which SQLite migration it mirrors (\"SQLite %s\")", pg[i].name, m.name[:4])
		}
	}
	if len(pg) > len(lite) {
		t.Errorf("store/migrations_pg has %d migrations, store/migrations %d", len(pg), len(lite))
	}
}
