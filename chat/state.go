package chat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/kefu-dev/kefu/store"
)

// A conversation is a state machine. These are all its moves:
//
//	bot    → queued  the assistant hands off, or the shopper asks for a person
//	bot    → human   a staff member takes over
//	bot    → closed  staff close it
//	queued → human   a staff member takes it from the queue
//	queued → bot     staff hand it back
//	queued → closed
//	human  → bot     staff hand it back
//	human  → queued  staff put it back in the queue
//	human  → closed
//	closed → bot     the shopper writes again
//
// The store makes each move a compare-and-set on the state it starts from,
// so two moves made from the same state cannot both happen.
var moves = map[string][]string{
	store.StateBot:    {store.StateQueued, store.StateHuman, store.StateClosed},
	store.StateQueued: {store.StateHuman, store.StateBot, store.StateClosed},
	store.StateHuman:  {store.StateBot, store.StateQueued, store.StateClosed},
	store.StateClosed: {store.StateBot},
}

// canMove reports whether a conversation may go from one state to another.
func canMove(from, to string) bool {
	for _, s := range moves[from] {
		if s == to {
			return true
		}
	}
	return false
}

// ErrMove is returned for a move the state machine does not have.
var ErrMove = errors.New("chat: the conversation cannot make that move")

// ErrTaken is returned when another staff member has the conversation.
type ErrTaken struct{ Holder string }

func (e *ErrTaken) Error() string { return "chat: conversation already taken by " + e.Holder }

// move changes c's state from what kefu last knew of it to to, made by
// staff (or, with a zero StaffMember, by kefu or the shopper), records it,
// and tells the sockets and the console. A turn in flight is cancelled
// when the bot stops answering, and its late output is not shown. When the
// stored state changed meanwhile (another node, another staff member),
// nothing moves, the live state is brought up to date and the error is a
// *store.ErrStateChanged.
func (e *Engine) move(ctx context.Context, c *conversation, to string, by StaffMember) error {
	c.mu.Lock()
	from, assigned := c.state, c.assigned
	c.mu.Unlock()
	if from == to && to != store.StateHuman {
		return nil
	}
	if !canMove(from, to) {
		return fmt.Errorf("%w: %s → %s", ErrMove, from, to)
	}
	data, _ := json.Marshal(map[string]string{"staff": by.Name})
	ch := store.StateChange{ConversationID: c.id, From: from, To: to, AssignedFrom: assigned, StaffID: by.ID, Data: data}
	err := e.store.ChangeState(context.WithoutCancel(ctx), ch)
	var changed *store.ErrStateChanged
	if errors.As(err, &changed) && changed.State == from && to != store.StateHuman {
		// Only the assignee changed (an assignment made elsewhere): the
		// move still starts from the same state.
		ch.AssignedFrom = changed.Assigned
		err = e.store.ChangeState(context.WithoutCancel(ctx), ch)
	}
	if errors.As(err, &changed) {
		c.mu.Lock()
		c.state, c.assigned, c.staff = changed.State, changed.Assigned, changed.Holder
		c.mu.Unlock()
		return err
	}
	if err != nil {
		e.log.Error("state change not stored", "conversation_id", c.id, "to", to, "err", err)
		return err
	}
	switch to {
	case store.StateHuman:
		assigned = by.ID
	case store.StateBot:
		assigned = 0
	}
	// This node's copy follows at once (it may not be live, as when staff
	// act on a conversation nobody has open); the others through the bus.
	moved := StateEvent{State: to, Staff: by.Name, Assigned: assigned, Tell: true}
	c.follow(StateEvent{State: to, Staff: by.Name, Assigned: assigned})
	e.bus.Publish(Event{Conversation: c.id, State: &moved})
	e.tellConsole(ctx, c.id, []Entry{{Kind: "event", Type: store.EventState, From: from, To: to, Staff: by.Name, At: e.cfg.Now()}})
	return nil
}

// SetState moves a conversation to another state (bot, queued, human,
// closed), as staff do from the console.
func (e *Engine) SetState(ctx context.Context, conversationID, to string, by StaffMember) error {
	if _, ok := moves[to]; !ok {
		return fmt.Errorf("chat: unknown state %q", to)
	}
	c, err := e.conv(ctx, conversationID)
	if err != nil {
		return err
	}
	return e.move(ctx, c, to, by)
}
