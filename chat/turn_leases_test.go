package chat

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/store"
)

// A node that takes over the lease of a node that died mid-turn answers
// what the dead node left unanswered, and not what it answered before it
// died (its answer committed, its lease never released): the turns run
// in order, so the dead node's turn was the first shopper message after
// what it recorded as answered.
func TestTurnLeaseAfterANodeDied(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name   string
		roles  []string // the conversation's messages, seq 1, 2, …
		seq    int64
		answer bool
	}{
		{"died before answering", []string{store.RoleUser, store.RoleUser}, 1, true},
		{"died after answering, its message", []string{store.RoleUser, store.RoleUser, store.RoleAssistant}, 1, false},
		{"died after answering, the next message", []string{store.RoleUser, store.RoleUser, store.RoleAssistant}, 2, true},
		{"died after answering the last message", []string{store.RoleUser, store.RoleAssistant}, 1, false},
	} {
		t.Run(c.name, func(t *testing.T) {
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
			for _, role := range c.roles {
				if _, err := st.AppendMessages(ctx, []*store.Message{{ConversationID: conv.ID, Role: role, Text: "x"}}); err != nil {
					t.Fatal(err)
				}
			}
			// The dead node's lease, never released, expires in 200 ms.
			if _, err := st.TakeTurnLease(ctx, conv.ID, "dead", 200*time.Millisecond); err != nil {
				t.Fatal(err)
			}
			tl := &TurnLeases{Store: st, Node: "alive", Poll: 20 * time.Millisecond}
			started := time.Now()
			held, answer, err := tl.Hold(ctx, conv.ID, c.seq)
			if err != nil {
				t.Fatal(err)
			}
			defer held.Release(0)
			if waited := time.Since(started); waited < 150*time.Millisecond {
				t.Errorf("took the dead node's lease after %s, before it expired", waited)
			}
			if answer != c.answer {
				t.Errorf("seq %d after %v: answer %v, want %v", c.seq, c.roles, answer, c.answer)
			}
			l, _, err := st.TurnLeaseOf(ctx, conv.ID)
			if err != nil || l.Node != "alive" || l.Fence != 2 {
				t.Errorf("lease %+v, %v", l, err)
			}
		})
	}
}

// A released lease passes at once, with what its holder answered.
func TestTurnLeaseReleased(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "kefu.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	conv, _, _ := st.NewConversation(0, "en")
	if _, err := st.Write(ctx, []*store.Conversation{conv}, nil); err != nil {
		t.Fatal(err)
	}
	a := &TurnLeases{Store: st, Node: "a"}
	b := &TurnLeases{Store: st, Node: "b"}
	held, answer, err := a.Hold(ctx, conv.ID, 1)
	if err != nil || !answer {
		t.Fatalf("first hold: %v %v", answer, err)
	}
	waiting := make(chan bool)
	go func() {
		h, answer, err := b.Hold(ctx, conv.ID, 1)
		if err != nil {
			t.Error(err)
			close(waiting)
			return
		}
		h.Release(0)
		waiting <- answer
	}()
	held.Release(1)
	if answer := <-waiting; answer {
		t.Error("node b answers seq 1 again after node a released it answered")
	}
}

// A holder whose lease another node took (it expired while the holder
// could not renew it) is told at its next renewal: Lost closes, and the
// engine cancels the turn.
func TestTurnLeaseLost(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "kefu.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	conv, _, _ := st.NewConversation(0, "en")
	if _, err := st.Write(ctx, []*store.Conversation{conv}, nil); err != nil {
		t.Fatal(err)
	}
	a := &TurnLeases{Store: st, Node: "a", TTL: 400 * time.Millisecond}
	held, _, err := a.Hold(ctx, conv.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Release(0)
	// The lease passes to node b behind a's back, as when it expired.
	if ok, err := st.ReleaseTurnLease(ctx, held.(*heldLease).lease, 0); !ok || err != nil {
		t.Fatalf("release: %v %v", ok, err)
	}
	if _, err := st.TakeTurnLease(ctx, conv.ID, "b", time.Minute); err != nil {
		t.Fatal(err)
	}
	select {
	case <-held.Lost():
	case <-time.After(5 * time.Second):
		t.Fatal("the holder was not told it lost the lease")
	}
	if l, _, _ := st.TurnLeaseOf(ctx, conv.ID); l.Node != "b" {
		t.Errorf("lease %+v, want b's", l)
	}
}
