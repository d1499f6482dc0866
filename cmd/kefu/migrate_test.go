package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kefu-dev/kefu/store"
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

// Photos live in a folder, not in the database: migrate-to says where
// they are, and with --photos-to copies them into the folder the nodes
// share, checked against their names.
func TestMigrateToCopiesPhotos(t *testing.T) {
	ctx := context.Background()
	target := pgtest.NewDatabase(t)
	db := filepath.Join(t.TempDir(), "kefu.db")
	env := []string{"KEFU_DB=" + db}
	if code, _, errOut := kefu(t, env, "seed"); code != 0 {
		t.Fatalf("seed: %d\n%s", code, errOut)
	}
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	conv, _, err := st.CreateConversation(ctx, 0, "en")
	if err != nil {
		t.Fatal(err)
	}
	data := []byte("a cleaned photo's bytes")
	sum := sha256.Sum256(data)
	p := &store.Photo{ConversationID: conv.ID, SHA256: hex.EncodeToString(sum[:]), ContentType: "image/png", Width: 1, Height: 1, Size: int64(len(data))}
	if err := store.WritePhotoFile(store.PhotoDirBeside(db), p.SHA256, data); err != nil {
		t.Fatal(err)
	}
	if err := st.AddPhoto(ctx, p); err != nil {
		t.Fatal(err)
	}
	st.Close()

	code, out, errOut := kefu(t, env, "migrate-to", target)
	if code != 0 || !strings.Contains(out, "The 1 photos' files are in "+store.PhotoDirBeside(db)) {
		t.Fatalf("migrate-to: %d\n%s\n%s", code, out, errOut)
	}
	shared := filepath.Join(t.TempDir(), "shared-photos")
	code, out, errOut = kefu(t, env, "migrate-to", "--replace", "--photos-to", shared, target)
	if code != 0 || !strings.Contains(out, "Copied 1 photos' files into "+shared) {
		t.Fatalf("migrate-to --photos-to: %d\n%s\n%s", code, out, errOut)
	}
	if got, err := os.ReadFile(store.PhotoFile(shared, p.SHA256)); err != nil || string(got) != string(data) {
		t.Fatalf("the copied photo: %q %v", got, err)
	}
	// A file that does not hold what its name says is not copied on.
	if err := os.WriteFile(store.PhotoFile(store.PhotoDirBeside(db), p.SHA256), []byte("tampered"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := kefu(t, env, "migrate-to", "--replace", "--photos-to", filepath.Join(t.TempDir(), "other"), target); code != 1 || !strings.Contains(errOut, "does not hold the photo") {
		t.Fatalf("a tampered photo: %d\n%s", code, errOut)
	}
}
