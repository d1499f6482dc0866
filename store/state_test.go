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
