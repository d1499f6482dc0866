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
			held, answer, err := tl.Hold(ctx, conv.ID, c.seq, nil)
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
	held, answer, err := a.Hold(ctx, conv.ID, 1, nil)
	if err != nil || !answer {
		t.Fatalf("first hold: %v %v", answer, err)
	}
	waiting := make(chan bool)
	go func() {
		h, answer, err := b.Hold(ctx, conv.ID, 1, nil)
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
	held, _, err := a.Hold(ctx, conv.ID, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Release(0)
	// The lease passes to node b behind a's back, as when it expired.
	if ok, err := st.ReleaseTurnLease(ctx, held.Lease(), 0); !ok || err != nil {
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

// A node keeps a conversation's lease between its turns: the next turn
// holds it with no new take (the same fence), and its answer's commit
// records what it answered. Another node that needs it asks (Hold's ask,
// Yield on the holder): the holder, between turns, releases it at once,
// with what it answered; one asked during a turn releases it when the
// turn ends. Leave releases it too.
func TestTurnLeaseKeptBetweenTurns(t *testing.T) {
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
	a := &TurnLeases{Store: st, Node: "a", Poll: 10 * time.Millisecond}
	b := &TurnLeases{Store: st, Node: "b", Poll: 10 * time.Millisecond}
	defer a.Close()
	defer b.Close()
	turn := func(tl *TurnLeases, seq int64, ask func()) HeldTurn {
		t.Helper()
		held, answer, err := tl.Hold(ctx, conv.ID, seq, ask)
		if err != nil || !answer {
			t.Fatalf("%s holding for seq %d: answer %v, %v", tl.Node, seq, answer, err)
		}
		m := &store.Message{ConversationID: conv.ID, Role: store.RoleAssistant, Text: "answer", Lease: held.Lease(), Answers: seq}
		if _, err := st.Write(ctx, nil, []*store.Message{m}); err != nil {
			t.Fatal(err)
		}
		held.Recorded(seq)
		return held
	}
	first := turn(a, 1, nil)
	first.Release(1)
	second := turn(a, 2, nil)
	if second.Lease() != first.Lease() {
		t.Errorf("the second turn took the lease again (fence %d, then %d)", first.Lease().Fence, second.Lease().Fence)
	}
	l, exp, _ := st.TurnLeaseOf(ctx, conv.ID)
	if l.Node != "a" || l.Fence != 1 || exp.IsZero() || l.AnsweredThrough != 2 {
		t.Errorf("lease during a's second turn: %+v expires %v; want a's, fence 1, answered through 2", l, exp)
	}

	// b asks during a's turn: a releases it when the turn ends.
	asked := make(chan struct{}, 10)
	got := make(chan HeldTurn)
	go func() {
		held, answer, err := b.Hold(ctx, conv.ID, 2, func() { asked <- struct{}{}; a.Yield(conv.ID) })
		if err != nil || answer {
			t.Errorf("b holding for seq 2, which a answered: answer %v, %v", answer, err)
		}
		got <- held
	}()
	<-asked
	select {
	case <-got:
		t.Fatal("b took the lease while a's turn ran")
	case <-time.After(100 * time.Millisecond):
	}
	second.Release(2)
	held := <-got
	if l := held.Lease(); l.Node != "b" || l.Fence != 2 || l.AnsweredThrough != 2 {
		t.Errorf("b's lease %+v", l)
	}
	held.Release(0)

	// a asks b, which is between turns: released at once.
	third := turn(a, 3, func() { b.Yield(conv.ID) })
	third.Release(3)
	// Leave: released (in the background: the engine calls it under its
	// lock), and b takes it without asking.
	a.Leave(conv.ID)
	for {
		if _, exp, _ := st.TurnLeaseOf(ctx, conv.ID); exp.IsZero() {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	fourth := turn(b, 4, func() { t.Error("b asked for a lease a left") })
	fourth.Release(4)
	if l, _, _ := st.TurnLeaseOf(ctx, conv.ID); l.Node != "b" || l.AnsweredThrough != 4 {
		t.Errorf("lease %+v", l)
	}
}
