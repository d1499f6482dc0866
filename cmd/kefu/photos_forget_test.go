package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kefu-dev/kefu/store"
)

// kefu forget erases the photos of the conversations it deletes, rows
// and files, and leaves a guest's photo that is not about the customer.
func TestForgetErasesPhotos(t *testing.T) {
	db := filepath.Join(t.TempDir(), "kefu.db")
	env := []string{"KEFU_DB=" + db}
	for _, as := range []string{"alice.johnson@example.com", ""} {
		args := []string{"chat", "--json"}
		if as != "" {
			args = append(args, "--as", as)
		}
		var out, errb bytes.Buffer
		if code := run(context.Background(), args, strings.NewReader("my parcel arrived broken\n"), &out, &errb, env); code != 0 {
			t.Fatalf("chat: %d %s", code, errb.String())
		}
	}
	ctx := context.Background()
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	convs, err := st.Summaries(ctx, "", 0, 10)
	if err != nil || len(convs) != 2 {
		t.Fatalf("conversations: %v %v", convs, err)
	}
	// A photo in each conversation, its file in the default directory
	// beside the database, as POST /api/photos leaves them.
	dir := store.PhotoDirBeside(db)
	files := map[int64]string{}
	for i, c := range convs {
		data := []byte{0xFF, 0xD8, byte(i), 0xFF, 0xD9}
		sum := sha256.Sum256(data)
		p := &store.Photo{ConversationID: c.ID, SHA256: hex.EncodeToString(sum[:]), ContentType: "image/jpeg", Width: 1, Height: 1, Size: int64(len(data))}
		path := store.PhotoFile(dir, p.SHA256)
		os.MkdirAll(filepath.Dir(path), 0o750)
		if err := os.WriteFile(path, data, 0o640); err != nil {
			t.Fatal(err)
		}
		if err := st.AddPhoto(ctx, p); err != nil {
			t.Fatal(err)
		}
		files[c.CustomerID] = path
	}
	st.Close()

	code, out, errOut := kefu(t, env, "forget", "--customer", "alice.johnson@example.com", "--yes")
	if code != 0 || !strings.Contains(out, "1 photo(s) erased") {
		t.Fatalf("forget: %d %s %s", code, out, errOut)
	}
	if _, err := os.Stat(files[1]); !os.IsNotExist(err) {
		t.Fatalf("the forgotten customer's photo file is still there: %v", err)
	}
	if _, err := os.Stat(files[0]); err != nil {
		t.Fatalf("the guest's photo file was removed: %v", err)
	}
	st, err = store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for id, c := range convs {
		ps, err := st.PhotosByConversation(ctx, c.ID)
		if err != nil || (c.CustomerID == 1) != (len(ps) == 0) {
			t.Fatalf("photos of conversation %d (customer %d) after forget: %v %v", id, c.CustomerID, ps, err)
		}
	}
}
