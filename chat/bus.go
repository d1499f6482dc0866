package chat

import (
	"context"
	"sync"

	"github.com/kefu-dev/kefu/store"
)

// A Bus carries what happens to conversations to every node serving
// them: committed messages, state moves, console updates and typing. Each
// node's engine turns an Event into frames for the sockets it holds.
//
// The database is the source of truth, not the bus: an event a node
// misses costs a socket nothing that seq resume does not bring back (a
// shopper resumes after its last seq; a console re-reads its lists).
type Bus interface {
	// Publish delivers ev to this node's handler before it returns, and
	// to the other nodes' handlers afterwards.
	Publish(ev Event)
	// Subscribe sets the handler for every node's events. The engine
	// calls it once, before any Publish.
	Subscribe(handle func(Event))
}

// Event is one thing that happened to a conversation. Exactly one of
// Message, State, Console, Typing and LeaseWanted is set.
type Event struct {
	Conversation string

	// Message was committed: the conversation's sockets receive it.
	Message *store.Message
	// State is the conversation's state after a move or an assignment.
	State *StateEvent
	// Console entries are for staff: every console refreshes the
	// conversation's line in its inbox, those watching it get the entries.
	Console []Entry
	// Typing is a shopper's typing (for staff) or a staff member's (for
	// the shopper).
	Typing *TypingEvent
	// LeaseWanted: a node waits to run a turn of the conversation, whose
	// turns another node holds (TurnLocks.Yield).
	LeaseWanted bool `json:",omitempty"`

	// from is the socket that sent Message (it has it, and its ack); it
	// means nothing on another node, and a bus that crosses nodes drops it.
	from *conn
}

// StateEvent is a conversation's state as a move left it.
type StateEvent struct {
	State    string
	Staff    string // the staff member who moved it, or who answers it now
	Assigned int64  // the staff member it is assigned to; 0: nobody
	Tell     bool   // the shopper is told (a state frame)
}

// TypingEvent is someone typing in a conversation.
type TypingEvent struct {
	Staff  bool // a staff member types (to the shopper); else the shopper (to staff)
	Typing bool
}

// LocalBus is the bus of a single node: Publish calls the handler at once.
type LocalBus struct {
	mu     sync.RWMutex
	handle func(Event)
}

func (b *LocalBus) Subscribe(handle func(Event)) {
	b.mu.Lock()
	b.handle = handle
	b.mu.Unlock()
}

func (b *LocalBus) Publish(ev Event) {
	b.mu.RLock()
	handle := b.handle
	b.mu.RUnlock()
	if handle != nil {
		handle(ev)
	}
}

// deliver turns an event from any node into frames for this node's
// sockets.
func (e *Engine) deliver(ev Event) {
	switch {
	case ev.Message != nil:
		if c := e.live(ev.Conversation); c != nil {
			c.remember(ev.Message)
			c.publish(ev.Message, ev.from)
		}
	case ev.State != nil:
		if c := e.live(ev.Conversation); c != nil {
			c.follow(*ev.State)
		}
	case ev.Console != nil:
		e.staffHub.deliver(e, ev.Conversation, ev.Console)
	case ev.Typing != nil && ev.Typing.Staff:
		if c := e.live(ev.Conversation); c != nil {
			c.broadcast(mustJSON(typingFrame{Type: "typing", Who: "staff", Typing: ev.Typing.Typing}), 0)
		}
	case ev.Typing != nil:
		e.staffHub.shopperTyping(ev.Conversation, ev.Typing.Typing)
	case ev.LeaseWanted:
		if e.cfg.TurnLocks != nil {
			e.cfg.TurnLocks.Yield(ev.Conversation)
		}
	}
}

// follow brings the live state up to date with a move made on any node:
// a turn in flight stops when the bot no longer answers, and the shopper
// is told when the move says so.
func (c *conversation) follow(s StateEvent) {
	c.mu.Lock()
	c.state, c.assigned, c.staff = s.State, s.Assigned, s.Staff
	if s.State != store.StateBot {
		c.queue = nil
		if c.cancel != nil {
			c.cancel()
		}
	}
	c.mu.Unlock()
	if s.Tell {
		c.broadcast(mustJSON(stateFrame{Type: "state", State: s.State, Staff: s.Staff}), 0)
	}
}

// tellConsole publishes console entries for a conversation.
func (e *Engine) tellConsole(_ context.Context, id string, entries []Entry) {
	e.bus.Publish(Event{Conversation: id, Console: entries})
}
