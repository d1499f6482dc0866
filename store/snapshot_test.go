package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/store/pgtest"
)

// fillLog adds conversations of ten messages each, an assistant's tool
// result among them (the bulk of a real log), until the database holds
// about mb megabytes, and returns how many messages it added.
func fillLog(t testing.TB, st *Store, mb int) int {
	t.Helper()
	ctx := context.Background()
	result := []byte(`{"orders":[{"number":"KF-10031","status":"shipped","items":"` + strings.Repeat("Alpine down jacket, size M, colour forest green; ", 40) + `"}]}`)
	n := 0
	for size := int64(0); size < int64(mb)<<20; {
		var cs []*Conversation
		var ms []*Message
		for range 100 {
			c, _, err := st.NewConversation(0, "en")
			if err != nil {
				t.Fatal(err)
			}
			cs = append(cs, c)
			for j := range 10 {
				m := &Message{ConversationID: c.ID, Role: RoleUser, Text: fmt.Sprintf("where is my order KF-%d? it has not arrived", 10000+j), ClientID: fmt.Sprint("c", j)}
				if j%2 == 1 {
					m = &Message{ConversationID: c.ID, Role: RoleTool, ToolResult: result}
				}
				ms = append(ms, m)
			}
		}
		if _, err := st.Write(ctx, cs, ms); err != nil {
			t.Fatal(err)
		}
		n += len(ms)
		if err := st.r.QueryRowContext(ctx, `SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()`).Scan(&size); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.IndexMessages(ctx); err != nil {
		t.Fatal(err)
	}
	return n
}

// appendOne stores one shopper message in a conversation of its own, as a
// shopper's first message is, through the writer.
func appendOne(ctx context.Context, st *Store, i int) error {
	c, _, err := st.NewConversation(0, "en")
	if err != nil {
		return err
	}
	_, err = st.Write(ctx, []*Conversation{c}, []*Message{{ConversationID: c.ID, Role: RoleUser, Text: "is my parcel on its way?", ClientID: fmt.Sprint("w", i)}})
	return err
}

// countMessages counts the messages in the database file at path.
func countMessages(t *testing.T, path string) int {
	t.Helper()
	db, err := sql.Open(driverName, dsn(path, "_query_only=1"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM messages`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// The writer goes on committing while a snapshot of a large database is
// taken: with VACUUM INTO on the write connection, no commit got through
// until the copy was done.
func TestSnapshotLeavesTheWriterFree(t *testing.T) {
	ctx := context.Background()
	// Commits that do not wait for the disk (synchronous=NORMAL), so that
	// the count measures the snapshot's hold on the writer, not fsync:
	// with FULL, the default, one commit took 6 to 17 ms here.
	st, err := Open(ctx, filepath.Join(t.TempDir(), "kefu.db"), Options{Sync: SyncNormal})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	before := fillLog(t, st, 48)
	snap := filepath.Join(t.TempDir(), "snapshot.db")
	done := make(chan error, 1)
	var snapshotting atomic.Bool
	snapshotting.Store(true)
	start := time.Now()
	go func() {
		err := st.Snapshot(ctx, snap)
		snapshotting.Store(false)
		done <- err
	}()
	during := 0 // commits begun and ended while the snapshot ran
	var waits []time.Duration
	for i := 0; ; i++ {
		t0 := time.Now()
		if err := appendOne(ctx, st, i); err != nil {
			t.Fatal(err)
		}
		if !snapshotting.Load() {
			break
		}
		during++
		waits = append(waits, time.Since(t0))
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	slices.Sort(waits)
	t.Logf("snapshot of %d messages took %s; %d commits meanwhile, the slowest %s", before, took, during, waits[len(waits)-1])
	if during < 20 {
		t.Fatalf("only %d commits while the snapshot ran (%s): it holds up the writer", during, took)
	}
	if got := countMessages(t, snap); got < before || got > before+during {
		t.Errorf("the snapshot has %d messages, want %d to %d", got, before, before+during)
	}
}

// A snapshot is of the moment it began: what the writer commits while the
// copy is under way is in the database and not in the copy, and the copy
// opens as a store.
func TestSnapshotIsOfOneMoment(t *testing.T) {
	ctx := context.Background()
	st := openFresh(t)
	before := fillLog(t, st, 8)
	paused, resume := make(chan struct{}), make(chan struct{})
	var once atomic.Bool
	snapshotStep = func(remaining, total int) {
		if remaining > 0 && once.CompareAndSwap(false, true) {
			close(paused)
			<-resume
		}
	}
	t.Cleanup(func() { snapshotStep = nil })
	snap := filepath.Join(t.TempDir(), "snapshot.db")
	done := make(chan error, 1)
	go func() { done <- st.Snapshot(ctx, snap) }()
	select {
	case <-paused:
	case err := <-done:
		t.Fatalf("the snapshot ended without a step between its first page and its last: %v", err)
	}
	// Half-way through the copy, the writer commits, each commit on its own.
	const writes = 50
	for i := range writes {
		wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err := appendOne(wctx, st, i)
		cancel()
		if err != nil {
			t.Fatalf("commit %d while the snapshot is paused: %v", i, err)
		}
	}
	close(resume)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := countMessages(t, snap); got != before {
		t.Errorf("the snapshot has %d messages, want the %d from when it began", got, before)
	}
	if got := countMessages(t, st.path); got != before+writes {
		t.Errorf("the database has %d messages, want %d", got, before+writes)
	}
	dry, err := Open(ctx, snap, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer dry.Close()
	if ok, err := dry.IntegrityCheck(ctx); err != nil || ok != "ok" {
		t.Fatalf("integrity of the copy: %q %v", ok, err)
	}
	if err := appendOne(ctx, dry, 0); err != nil {
		t.Fatalf("writing to the copy: %v", err)
	}
}

// A cancelled snapshot stops copying and leaves no file behind.
func TestSnapshotCancelled(t *testing.T) {
	st := openFresh(t)
	fillLog(t, st, 4)
	ctx, cancel := context.WithCancel(context.Background())
	snapshotStep = func(int, int) { cancel() }
	t.Cleanup(func() { snapshotStep = nil })
	snap := filepath.Join(t.TempDir(), "snapshot.db")
	if err := st.Snapshot(ctx, snap); err == nil {
		t.Fatal("a cancelled snapshot succeeded")
	}
	if left, _ := filepath.Glob(snap + "*"); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}

// On PostgreSQL a snapshot is a new SQLite file, copied from one read-only
// transaction: what is committed while the copy is under way is in the
// database and not in the copy, and the copy opens as a store.
func TestPostgresSnapshotIsOfOneMoment(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, pgtest.NewDatabase(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const before = 20
	for i := range before {
		if err := appendOne(ctx, st, i); err != nil {
			t.Fatal(err)
		}
	}
	paused, resume := make(chan struct{}), make(chan struct{})
	copiedTable = func(table string) {
		if table == "customers" {
			close(paused)
			<-resume
		}
	}
	t.Cleanup(func() { copiedTable = nil })
	snap := filepath.Join(t.TempDir(), "snapshot.db")
	done := make(chan error, 1)
	go func() { done <- st.Snapshot(ctx, snap) }()
	select {
	case <-paused:
	case err := <-done:
		t.Fatalf("the snapshot ended before copying its first table: %v", err)
	}
	const writes = 30
	for i := range writes {
		if err := appendOne(ctx, st, before+i); err != nil {
			t.Fatalf("commit %d while the snapshot is paused: %v", i, err)
		}
	}
	close(resume)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := countMessages(t, snap); got != before {
		t.Errorf("the snapshot has %d messages, want the %d from when it began", got, before)
	}
	var n int
	if err := st.r.QueryRowContext(ctx, `SELECT count(*) FROM messages`).Scan(&n); err != nil || n != before+writes {
		t.Errorf("the database has %d messages (%v), want %d", n, err, before+writes)
	}
	dry, err := Open(ctx, snap, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer dry.Close()
	if ok, err := dry.IntegrityCheck(ctx); err != nil || ok != "ok" {
		t.Fatalf("integrity of the copy: %q %v", ok, err)
	}
	if err := appendOne(ctx, dry, 0); err != nil {
		t.Fatalf("writing to the copy: %v", err)
	}
	if err := st.Snapshot(ctx, snap); err == nil {
		t.Error("a snapshot over an existing file succeeded")
	}
}
