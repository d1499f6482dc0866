package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/kefu-dev/kefu/store"
)

// TestChangeStateIsCompareAndSet: of changes made from the same state at
// the same moment exactly one happens; the others learn the state now and
// who holds it. A state change cannot slip in as a plain event.
func TestChangeStateIsCompareAndSet(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open opener) {
		st := openDemoOn(t, open)
		ctx := context.Background()
		conv, _, err := st.CreateConversation(ctx, 0, "en")
		if err != nil {
			t.Fatal(err)
		}
		var staff []int64
		for _, email := range []string{"a@shop.test", "b@shop.test", "c@shop.test", "d@shop.test"} {
			s := &store.Staff{Email: email, Name: email[:1], Role: store.RoleAgent, PasswordHash: "x"}
			if err := st.CreateStaff(ctx, s); err != nil {
				t.Fatal(err)
			}
			staff = append(staff, s.ID)
		}
		var wg sync.WaitGroup
		errs := make([]error, len(staff))
		for i, id := range staff {
			wg.Go(func() {
				errs[i] = st.ChangeState(ctx, store.StateChange{ConversationID: conv.ID, From: store.StateBot, To: store.StateHuman, StaffID: id})
			})
		}
		wg.Wait()
		won := -1
		for i, err := range errs {
			var changed *store.ErrStateChanged
			switch {
			case err == nil && won >= 0:
				t.Fatalf("two take-overs from the same state both happened (%d and %d)", won, i)
			case err == nil:
				won = i
			case !errors.As(err, &changed) || !errors.Is(err, store.ErrConflict) || changed.State != store.StateHuman:
				t.Fatalf("loser %d got %v", i, err)
			}
		}
		if won < 0 {
			t.Fatal("nobody took over")
		}
		c, err := st.Conversation(ctx, conv.ID)
		if err != nil || c.State != store.StateHuman || c.AssignedStaffID != staff[won] {
			t.Fatalf("conversation after the race: %+v %v", c, err)
		}
		// From the right state but another assignee: refused too.
		err = st.ChangeState(ctx, store.StateChange{ConversationID: conv.ID, From: store.StateHuman, To: store.StateBot, AssignedFrom: staff[(won+1)%len(staff)]})
		if !errors.Is(err, store.ErrConflict) {
			t.Fatalf("a hand-back by the wrong assignee: %v", err)
		}
		if err := st.ChangeState(ctx, store.StateChange{ConversationID: conv.ID, From: store.StateHuman, To: store.StateBot, AssignedFrom: staff[won]}); err != nil {
			t.Fatal(err)
		}
		if c, _ := st.Conversation(ctx, conv.ID); c.State != store.StateBot || c.AssignedStaffID != 0 {
			t.Fatalf("after hand-back: %+v", c)
		}
		evs, _ := st.Events(ctx, conv.ID)
		if len(evs) != 2 || evs[0].ToState != store.StateHuman || evs[1].ToState != store.StateBot {
			t.Fatalf("events %+v", evs)
		}
		if err := st.AddEvent(ctx, &store.Event{ConversationID: conv.ID, Kind: store.EventState, FromState: "bot", ToState: "closed"}); err == nil {
			t.Fatal("a state change was accepted as a plain event")
		}
		if c, _ := st.Conversation(ctx, conv.ID); c.State != store.StateBot {
			t.Fatalf("state moved by an event: %s", c.State)
		}
	})
}

// A staff reply (Message.AssignedTo) is stored only while the
// conversation is with a person assigned to its author, checked in the
// reply's own commit: refused while the bot has it, refused for another
// staff member, stored for the one assigned, and refused again once the
// conversation went back to the bot. A retry of a stored reply is its
// duplicate. The batch's other messages are stored through the writer.
func TestStaffReplyCheckedInItsCommit(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open opener) {
		st := openDemoOn(t, open)
		ctx := context.Background()
		conv, _, err := st.CreateConversation(ctx, 0, "en")
		if err != nil {
			t.Fatal(err)
		}
		other, _, err := st.CreateConversation(ctx, 0, "en")
		if err != nil {
			t.Fatal(err)
		}
		var staff []int64
		for _, email := range []string{"a@shop.test", "b@shop.test"} {
			s := &store.Staff{Email: email, Name: email[:1], Role: store.RoleAgent, PasswordHash: "x"}
			if err := st.CreateStaff(ctx, s); err != nil {
				t.Fatal(err)
			}
			staff = append(staff, s.ID)
		}
		reply := func(by int64, client string) error {
			_, err := st.AppendMessages(ctx, []*store.Message{{ConversationID: conv.ID, Role: store.RoleStaff, Text: "hi", StaffID: by, AssignedTo: by, ClientID: client}})
			return err
		}
		if err := reply(staff[0], "r0"); !errors.Is(err, store.ErrNotAssigned) {
			t.Fatalf("a reply while the bot has the conversation: %v, want ErrNotAssigned", err)
		}
		if err := st.ChangeState(ctx, store.StateChange{ConversationID: conv.ID, From: store.StateBot, To: store.StateHuman, StaffID: staff[0]}); err != nil {
			t.Fatal(err)
		}
		if err := reply(staff[1], "r1"); !errors.Is(err, store.ErrNotAssigned) {
			t.Fatalf("another staff member's reply: %v, want ErrNotAssigned", err)
		}
		if err := reply(staff[0], "r2"); err != nil {
			t.Fatalf("the assigned staff member's reply: %v", err)
		}
		w := store.NewWriter(st, 0, nil)
		defer w.Close()
		var wg sync.WaitGroup
		errs := make([]error, 2)
		wg.Go(func() {
			_, errs[0] = w.AppendAll(ctx, []*store.Message{{ConversationID: conv.ID, Role: store.RoleStaff, Text: "hi", StaffID: staff[1], AssignedTo: staff[1]}}, nil)
		})
		wg.Go(func() {
			_, errs[1] = w.AppendAll(ctx, []*store.Message{{ConversationID: other.ID, Role: store.RoleUser, Text: "hello", ClientID: "o1"}}, nil)
		})
		wg.Wait()
		if !errors.Is(errs[0], store.ErrNotAssigned) || errs[1] != nil {
			t.Fatalf("through the writer: the refused reply %v, another conversation's message %v", errs[0], errs[1])
		}
		if err := st.ChangeState(ctx, store.StateChange{ConversationID: conv.ID, From: store.StateHuman, To: store.StateBot, AssignedFrom: staff[0]}); err != nil {
			t.Fatal(err)
		}
		if err := reply(staff[0], "r3"); !errors.Is(err, store.ErrNotAssigned) {
			t.Fatalf("a reply after the hand-back: %v, want ErrNotAssigned", err)
		}
		ms, err := st.Messages(ctx, conv.ID, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != 1 || ms[0].ClientID != "r2" {
			t.Errorf("stored %d messages (%+v), want the assigned one's reply", len(ms), ms)
		}
		if ms, _ := st.Messages(ctx, other.ID, 0, 10); len(ms) != 1 {
			t.Errorf("the other conversation has %d messages, want 1", len(ms))
		}
	})
}
