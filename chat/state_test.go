package chat

import (
	"context"
	"errors"
	"testing"

	"github.com/kefu-dev/kefu/store"
)

// TestMovesFollowTheStoredState: the live state is what this node last
// knew; a move made from it after someone else (another node) changed the
// stored state does not happen, and the live state catches up. So the
// bot's hand-off cannot undo a take-over it did not see.
func TestMovesFollowTheStoredState(t *testing.T) {
	ts := newTestServer(t, nil)
	ctx := context.Background()
	cl := ts.dial(nil)
	w := cl.hello(nil)
	cl.send(map[string]any{"type": "message", "client_id": "m1", "text": "hello"})
	cl.until(answer)
	mei := &store.Staff{Email: "mei@shop.test", Name: "Mei", Role: store.RoleAgent, PasswordHash: "x"}
	if err := ts.st.CreateStaff(ctx, mei); err != nil {
		t.Fatal(err)
	}
	// Elsewhere, Mei takes the conversation over.
	if err := ts.st.ChangeState(ctx, store.StateChange{ConversationID: w.ConversationID, From: store.StateBot, To: store.StateHuman, StaffID: mei.ID}); err != nil {
		t.Fatal(err)
	}
	c := ts.engine.live(w.ConversationID)
	if c == nil {
		t.Fatal("no live conversation")
	}
	err := ts.engine.move(ctx, c, store.StateQueued, StaffMember{})
	var changed *store.ErrStateChanged
	if !errors.As(err, &changed) || changed.State != store.StateHuman || changed.Holder != "Mei" {
		t.Fatalf("hand-off over a take-over: %v", err)
	}
	if state, _ := c.currentState(); state != store.StateHuman {
		t.Fatalf("live state %s, want human", state)
	}
	if got, _ := ts.st.Conversation(ctx, w.ConversationID); got.State != store.StateHuman || got.AssignedStaffID != mei.ID {
		t.Fatalf("stored %+v", got)
	}
	// A move the machine does not have is refused before the store.
	if err := ts.engine.move(ctx, c, store.StateHuman, StaffMember{ID: mei.ID, Name: "Mei"}); !errors.Is(err, ErrMove) {
		t.Fatalf("human → human: %v", err)
	}
	if err := ts.engine.Close(ctx, w.ConversationID, StaffMember{ID: mei.ID, Name: "Mei"}); err != nil {
		t.Fatal(err)
	}
	if err := ts.engine.TakeOver(ctx, w.ConversationID, StaffMember{ID: mei.ID, Name: "Mei"}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("take-over of a closed conversation: %v", err)
	}
}
