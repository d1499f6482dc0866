package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/kefu-dev/kefu/store/pgtest"
)

// kefu migrate-to, as an operator runs it: the demo shop seeded into a
// SQLite file is copied into PostgreSQL with every table counted; a second
// run is refused (nothing copied) and with --replace gives the same copy.
func TestMigrateTo(t *testing.T) {
	target := pgtest.NewDatabase(t)
	env := []string{"KEFU_DB=" + filepath.Join(t.TempDir(), "kefu.db")}
	if code, _, errOut := kefu(t, env, "seed"); code != 0 {
		t.Fatalf("seed: %d\n%s", code, errOut)
	}
	code, first, errOut := kefu(t, env, "migrate-to", target)
	if code != 0 || !strings.Contains(first, "products") || !strings.Contains(first, "every table holds as many rows as the source") {
		t.Fatalf("migrate-to: %d\n%s\n%s", code, first, errOut)
	}
	code, _, errOut = kefu(t, env, "migrate-to", target)
	if code != 1 || !strings.Contains(errOut, "not empty") || !strings.Contains(errOut, "nothing was copied") {
		t.Fatalf("a second run: %d\n%s", code, errOut)
	}
	code, again, errOut := kefu(t, env, "migrate-to", "--replace", target)
	if code != 0 || again != first {
		t.Fatalf("--replace: %d\n%s\nfirst:\n%s\n%s", code, again, first, errOut)
	}
}
