package chat

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3" // the locking process's driver
	dto "github.com/prometheus/client_model/go"

	"github.com/kefu-dev/kefu/store"
)

// When the database is locked by another process at commit, the shoppers
// whose messages could not be stored get not_saved and no ack; nothing of
// theirs is in the database; once the lock is gone, a retry with the same
// client id is acknowledged, stored once and answered.
func TestCommitFaultLockedDatabase(t *testing.T) {
	ts := newTestServer(t, nil)
	ctx := context.Background()
	// Fail a blocked write after 300ms instead of the 10s Open sets.
	if err := ts.st.SetWriteBusyTimeout(ctx, 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	// Three shoppers, so that a failing group commit of several
	// messages is exercised too.
	var cs []*commitShopper
	for i := range 3 {
		cs = append(cs, newCommitShopper(ts, i))
	}

	// Another process takes the write lock and keeps it.
	db, err := sql.Open("sqlite3", "file:"+(&url.URL{Path: ts.st.Path()}).EscapedPath()+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	lock, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if _, err := lock.ExecContext(ctx, `BEGIN EXCLUSIVE`); err != nil {
		t.Fatal(err)
	}
	batches, singles := writeBatches(t, ts.engine)
	// The first message holds the writer at BEGIN; the other two queue
	// behind it and are committed together, which fails too.
	for i, c := range cs {
		c.c.send(map[string]any{"type": "message", "client_id": "m2", "text": "how long does shipping to Canada take?"})
		if i == 0 {
			time.Sleep(50 * time.Millisecond)
		}
	}
	for _, c := range cs {
		c.expectNotSaved("m2")
	}
	if b, s := writeBatches(t, ts.engine); b-batches == s-singles {
		t.Errorf("no commit of several messages was tried while the database was locked (%d commits)", b-batches)
	}
	if _, err := lock.ExecContext(ctx, `ROLLBACK`); err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		c.expectNotStored("m2")
	}
	for _, c := range cs {
		c.retry("m2", "how long does shipping to Canada take?")
	}
}

// When the disk is full at commit (SQLITE_FULL), the shopper gets
// not_saved and no ack, the message is not stored and uses up no seq;
// once there is room again, a retry with the same client id is
// acknowledged, stored once and answered.
func TestCommitFaultDiskFull(t *testing.T) {
	ts := newTestServer(t, nil)
	ctx := context.Background()
	c := newCommitShopper(ts, 0)

	lift, err := ts.st.CapSize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The longest message a shopper may send, 2000 Chinese characters
	// (6 KB): it needs pages of its own.
	text := "我的订单到哪了？" + string([]rune(strings.Repeat("我等了好几个星期还没有收到", 200))[:MaxTextRunes-8])
	c.c.send(map[string]any{"type": "message", "client_id": "m2", "text": text})
	c.expectNotSaved("m2")
	c.expectNotStored("m2")
	if err := lift(ctx); err != nil {
		t.Fatal(err)
	}
	c.retry("m2", text)
}

// commitShopper is a shopper whose first message was stored and answered.
type commitShopper struct {
	t      testing.TB
	ts     *testServer
	c      *client
	n      int
	convID string
	acks   map[string]int // acks received per client id
}

func newCommitShopper(ts *testServer, n int) *commitShopper {
	ts.t.Helper()
	s := &commitShopper{t: ts.t, ts: ts, c: ts.dial(nil), n: n, acks: map[string]int{}}
	s.convID = s.c.hello(nil).ConversationID
	s.c.send(map[string]any{"type": "message", "client_id": "m1", "text": "hello"})
	s.readUntil(isType("ack"))
	// A turn's steps are committed with its answer: after it, the turn
	// writes nothing more.
	s.readUntil(answer)
	return s
}

// readUntil reads frames until one matches, counting acks on the way.
func (s *commitShopper) readUntil(match func(frame) bool) frame {
	s.t.Helper()
	for {
		f := s.c.read()
		if f.Type == "ack" {
			s.acks[f.ClientID]++
		}
		if match(f) {
			return f
		}
	}
}

// expectNotSaved reads up to the error frame for cid; there must be no
// ack for it before.
func (s *commitShopper) expectNotSaved(cid string) {
	s.t.Helper()
	f := s.readUntil(func(f frame) bool { return f.Type == "error" || (f.Type == "ack" && f.ClientID == cid) })
	if f.Type != "error" || f.Code != CodeNotSaved || f.ClientID != cid || f.Message == "" {
		s.t.Fatalf("shopper %d: got %+v, want a not_saved error for %s and no ack", s.n, f, cid)
	}
}

// expectNotStored checks the database: no message with cid, and the seqs
// of what is stored run from 1 without a gap (the failed commit took none).
func (s *commitShopper) expectNotStored(cid string) {
	s.t.Helper()
	ms, err := s.ts.st.Messages(context.Background(), s.convID, 0, 1000)
	if err != nil {
		s.t.Fatal(err)
	}
	for i, m := range ms {
		if m.ClientID == cid {
			s.t.Errorf("shopper %d: %s was refused with not_saved but is stored as seq %d", s.n, cid, m.Seq)
		}
		if m.Seq != int64(i+1) {
			s.t.Errorf("shopper %d: stored seqs %s", s.n, seqList(ms))
			break
		}
	}
	conv, err := s.ts.st.Conversation(context.Background(), s.convID)
	if err != nil {
		s.t.Fatal(err)
	}
	if conv.LastSeq != int64(len(ms)) {
		s.t.Errorf("shopper %d: conversation last_seq %d with %d messages stored", s.n, conv.LastSeq, len(ms))
	}
}

// retry resends cid as the widget does after not_saved: it must be
// acknowledged once, stored once with the acknowledged seq, and answered.
func (s *commitShopper) retry(cid, text string) {
	s.t.Helper()
	s.c.send(map[string]any{"type": "message", "client_id": cid, "text": text})
	ack := s.readUntil(func(f frame) bool { return f.Type == "ack" && f.ClientID == cid })
	if s.acks[cid] != 1 {
		s.t.Errorf("shopper %d: %d acks for %s", s.n, s.acks[cid], cid)
	}
	reply := s.readUntil(answer)
	if reply.Seq <= ack.Seq {
		s.t.Errorf("shopper %d: answer seq %d before the retried message's %d", s.n, reply.Seq, ack.Seq)
	}
	ms, err := s.ts.st.Messages(context.Background(), s.convID, 0, 1000)
	if err != nil {
		s.t.Fatal(err)
	}
	stored := 0
	for _, m := range ms {
		if m.ClientID == cid {
			stored++
			if m.Seq != ack.Seq || m.Text != text || m.Role != store.RoleUser {
				s.t.Errorf("shopper %d: acknowledged as seq %d, stored as %+v", s.n, ack.Seq, m)
			}
		}
	}
	if stored != 1 {
		s.t.Errorf("shopper %d: %s stored %d times", s.n, cid, stored)
	}
}

// writeBatches returns how many commits the engine's writer tried, and
// how many of them held a single message.
func writeBatches(t *testing.T, e *Engine) (total, single uint64) {
	t.Helper()
	var m dto.Metric
	if err := e.metrics.WriteBatch.Write(&m); err != nil {
		t.Fatal(err)
	}
	h := m.GetHistogram()
	return h.GetSampleCount(), h.GetBucket()[0].GetCumulativeCount() // the first bucket is le=1
}

func seqList(ms []store.Message) string {
	var b strings.Builder
	for _, m := range ms {
		fmt.Fprintf(&b, "%d ", m.Seq)
	}
	return b.String()
}
