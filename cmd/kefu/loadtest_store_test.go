package main

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/cmd/kefu/loadtest"
	"github.com/kefu-dev/kefu/store"

	_ "github.com/mattn/go-sqlite3"
)

// The store baseline stores every turn it answers: each acknowledged and
// answered message and its reply are in the database afterwards.
func TestStoreEchoStoresEachTurn(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "kefu.db")
	url, stop, err := storeEcho(ctx, path, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	res, err := loadtest.Run(ctx, loadtest.Options{URL: url, Shoppers: 8, Duration: 500 * time.Millisecond, Warmup: 0})
	stop()
	if err != nil {
		t.Fatal(err)
	}
	if res.Turns == 0 || len(res.Errors) != 0 {
		t.Fatalf("result: %+v", res)
	}
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var convs, shopper, replies int
	err = db.QueryRow(`SELECT (SELECT count(*) FROM conversations),
		(SELECT count(*) FROM messages WHERE role = ?), (SELECT count(*) FROM messages WHERE role = ?)`,
		store.RoleUser, store.RoleAssistant).Scan(&convs, &shopper, &replies)
	if err != nil {
		t.Fatal(err)
	}
	if convs == 0 || shopper < res.Turns || replies < res.Turns {
		t.Errorf("%d turns answered, but %d conversations, %d shopper messages and %d replies stored", res.Turns, convs, shopper, replies)
	}
}
