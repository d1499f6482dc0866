package natsbus

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/chat"
	"github.com/kefu-dev/kefu/store"
)

// A node answers NodeAlive while it is connected, and a node that left
// NATS is known to be gone at once: another node then takes the lease
// it held (here for an hour) without waiting for it to expire. While the
// holder still answers, its lease is not taken.
func TestLeaseOfAStoppedNodeIsTakenAtOnce(t *testing.T) {
	ns := startNATS(t)
	ctx := context.Background()
	const nameA, nameB = "shop-1.example.com/41/a1b2", "shop-2.example.com/42/c3d4" // dots: not subject tokens
	a, err := Connect(ns.ClientURL(), Options{Node: nameA})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Connect(ns.ClientURL(), Options{Node: nameB})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	for _, c := range []struct {
		node string
		want bool
	}{{nameA, true}, {"shop-1.example.com/41/other", false}} {
		if got, err := b.NodeAlive(ctx, c.node); got != c.want || err != nil {
			t.Errorf("NodeAlive(%q) = %v, %v; want %v", c.node, got, err, c.want)
		}
	}

	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "kefu.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	conv, _, err := st.NewConversation(0, "en")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Write(ctx, []*store.Conversation{conv}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AppendMessages(ctx, []*store.Message{{ConversationID: conv.ID, Role: store.RoleUser, Text: "hello"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.TakeTurnLease(ctx, conv.ID, nameA, time.Hour); err != nil {
		t.Fatal(err)
	}
	tl := &chat.TurnLeases{Store: st, Node: nameB, Liveness: b, Poll: 20 * time.Millisecond}
	defer tl.Close()

	wait, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	_, _, err = tl.Hold(wait, conv.ID, 1, nil)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Hold while the holder runs: %v, want it to wait", err)
	}

	a.Close() // as when node A is killed: its connection, and its subscription, go
	started := time.Now()
	wait, cancel = context.WithTimeout(ctx, 5*time.Second) // the lease would last an hour
	defer cancel()
	held, answer, err := tl.Hold(wait, conv.ID, 1, nil)
	if err != nil {
		t.Fatalf("Hold after the holder stopped: %v", err)
	}
	defer held.Release(0)
	if waited := time.Since(started); waited > 2*time.Second {
		t.Errorf("took the stopped node's lease after %s", waited)
	}
	if l := held.Lease(); l.Node != nameB || l.Fence != 2 || !answer {
		t.Errorf("lease %+v, answer %v: want node B's, fence 2, the message unanswered", l, answer)
	}
}
