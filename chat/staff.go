package chat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/kefu-dev/kefu/agents"
	"github.com/kefu-dev/kefu/store"
)

// StaffMember is who acts from the console.
type StaffMember struct {
	ID   int64
	Name string
}

// ErrNotYours is returned when a staff member acts on a conversation that
// another has, or that no person has taken over.
var ErrNotYours = errors.New("chat: the conversation is not yours to answer")

// conv returns the live conversation, loading it if no socket has it open.
func (e *Engine) conv(ctx context.Context, id string) (*conversation, error) {
	e.mu.Lock()
	c := e.convs[id]
	e.mu.Unlock()
	if c != nil {
		// Staff act on stored conversations: one a shopper opened and
		// wrote nothing in yet is stored first.
		return c, e.saveConversation(ctx, id)
	}
	conv, err := e.store.Conversation(ctx, id)
	if err != nil {
		return nil, err
	}
	return e.newConversation(conv, ""), nil
}

// TakeOver hands a bot or queued conversation to a staff member: the bot
// stops at once (a turn in flight is cancelled and its late output
// dropped) and the shopper is told who joined. Of two staff taking over at
// the same moment, on any node, exactly one wins; the other gets
// *ErrTaken naming the winner. Taking over one's own conversation again
// changes nothing.
func (e *Engine) TakeOver(ctx context.Context, id string, s StaffMember) error {
	c, err := e.conv(ctx, id)
	if err != nil {
		return err
	}
	// The stored state decides, not what this node last knew.
	sm, err := e.store.ConversationSummary(ctx, id)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.state, c.assigned = sm.State, sm.AssignedStaffID
	if sm.State == store.StateHuman {
		c.staff = sm.AssignedName
	}
	c.mu.Unlock()
	err = e.move(ctx, c, store.StateHuman, s)
	var changed *store.ErrStateChanged
	switch {
	case errors.As(err, &changed) && changed.State == store.StateHuman && changed.Assigned != s.ID:
		return &ErrTaken{Holder: changed.Holder}
	case errors.As(err, &changed) && changed.State == store.StateHuman:
		return nil
	case errors.Is(err, ErrMove) && sm.State == store.StateHuman && sm.AssignedStaffID == s.ID:
		return nil
	case errors.Is(err, ErrMove) && sm.State == store.StateHuman:
		return &ErrTaken{Holder: sm.AssignedName}
	case errors.Is(err, ErrMove):
		return fmt.Errorf("chat: conversation %s is %s: %w", id, sm.State, store.ErrConflict)
	}
	return err
}

// mustBeYours checks that the staff member answers this conversation now.
func (e *Engine) mustBeYours(ctx context.Context, id string, s StaffMember) (*store.Summary, error) {
	sm, err := e.store.ConversationSummary(ctx, id)
	if err != nil {
		return nil, err
	}
	if sm.State != store.StateHuman || sm.AssignedStaffID != s.ID {
		return sm, ErrNotYours
	}
	return sm, nil
}

// StaffReply sends a staff member's message to the shopper, stored with
// them as its author. A retry with the same clientID is stored once.
//
// Whether it is theirs to answer is checked in the reply's commit
// (store.Message.AssignedTo), not read before it: a read of its own was a
// round trip more on the way to the shopper, and left a gap in which the
// conversation could move.
func (e *Engine) StaffReply(ctx context.Context, id string, s StaffMember, clientID, text string) (int64, error) {
	if s.ID == 0 {
		return 0, ErrNotYours
	}
	m := &store.Message{ConversationID: id, Role: store.RoleStaff, Author: s.Name, StaffID: s.ID, Text: text, AssignedTo: s.ID}
	if clientID != "" {
		m.ClientID = clip("staff-"+clientID, MaxClientID)
	}
	// append tells the console too.
	if _, err := e.append(ctx, m); err != nil {
		if errors.Is(err, store.ErrNotAssigned) {
			return 0, fmt.Errorf("%w (%w)", ErrNotYours, err)
		}
		return 0, err
	}
	e.mailReply(ctx, id, s.Name, text) // the shopper has left: to their email
	return m.Seq, nil
}

// Note adds a private note: staff see it, the shopper never does.
func (e *Engine) Note(ctx context.Context, id string, s StaffMember, text string) error {
	data, _ := json.Marshal(map[string]string{"text": text})
	ev := &store.Event{ConversationID: id, Kind: store.EventNote, StaffID: s.ID, Data: data}
	if err := e.store.AddEvent(ctx, ev); err != nil {
		return err
	}
	e.tellConsole(ctx, id, []Entry{eventEntry(*ev, s.Name)})
	return nil
}

// Assign gives the conversation to another staff member; in the human
// state the shopper is told who answers now.
func (e *Engine) Assign(ctx context.Context, id string, to, by StaffMember) error {
	if err := e.store.Assign(ctx, id, to.ID, by.ID); err != nil {
		return err
	}
	c, err := e.conv(ctx, id)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.assigned = to.ID
	state, staff := c.state, c.staff
	c.mu.Unlock()
	if human := state == store.StateHuman; human {
		staff = to.Name
	}
	e.bus.Publish(Event{Conversation: id, State: &StateEvent{State: state, Staff: staff, Assigned: to.ID, Tell: state == store.StateHuman}})
	e.tellConsole(ctx, id, []Entry{{Kind: "event", Type: "assigned", Staff: by.Name, Text: to.Name, At: e.cfg.Now()}})
	return nil
}

// HandBack returns a conversation to the bot. The model's history gets a
// note that a person handled the conversation from when to when, so the bot
// resumes instead of staying silent. The shopper is told the assistant is
// back, and the assistant answers the message that waited for the person.
func (e *Engine) HandBack(ctx context.Context, id string, s StaffMember) error {
	sm, err := e.store.ConversationSummary(ctx, id)
	if err != nil {
		return err
	}
	if sm.State != store.StateHuman && sm.State != store.StateQueued {
		return fmt.Errorf("chat: conversation is %s: %w", sm.State, ErrNotYours)
	}
	waiting := e.unanswered(ctx, id)
	since := sm.UpdatedAt
	if evs, err := e.store.Events(ctx, id); err == nil {
		for _, ev := range evs {
			if ev.ToState == store.StateHuman {
				since = ev.CreatedAt
			}
		}
	}
	now := e.cfg.Now()
	note := fmt.Sprintf("A person from the support team (%s) handled this conversation from %s to %s UTC; their messages are above. "+
		"The assistant answers again from here: continue helping the shopper.", s.Name, since.UTC().Format("2006-01-02 15:04"), now.UTC().Format("15:04"))
	if _, err := e.append(ctx, &store.Message{ConversationID: id, Role: store.RoleSystem, Author: agents.HandbackAuthor, Text: note, StaffID: s.ID}); err != nil {
		return err
	}
	c, err := e.conv(ctx, id)
	if err != nil {
		return err
	}
	if err := e.move(ctx, c, store.StateBot, s); err != nil { // move tells the console
		return err
	}
	back := "You're chatting with the shop's assistant again. A person can join again whenever you ask."
	if c.locale == "zh" {
		back = "现在由店铺的智能客服助手继续为您服务。如需人工客服，随时告诉我。"
	}
	if _, err := e.append(ctx, &store.Message{ConversationID: id, Role: store.RoleAssistant, Author: agents.NoticeAuthor, Text: back}); err != nil {
		return err
	}
	if waiting != "" {
		e.queueTurn(c, queuedTurn{text: waiting})
	}
	return nil
}

// unanswered is the shopper's last message if nobody answered it (staff
// notes and notes for the model do not answer), else "".
func (e *Engine) unanswered(ctx context.Context, id string) string {
	ms, _, err := e.store.LastMessages(ctx, id, 20)
	if err != nil {
		return ""
	}
	for i := len(ms) - 1; i >= 0; i-- {
		switch ms[i].Role {
		case store.RoleUser:
			return ms[i].Text
		case store.RoleStaff, store.RoleAssistant:
			return ""
		}
	}
	return ""
}

// Close closes the conversation; the shopper is asked for a rating.
func (e *Engine) Close(ctx context.Context, id string, s StaffMember) error {
	c, err := e.conv(ctx, id)
	if err != nil {
		return err
	}
	return e.move(ctx, c, store.StateClosed, s) // move tells the console
}

// StaffTyping shows the shopper that a staff member is typing.
func (e *Engine) StaffTyping(id string, typing bool) {
	e.bus.Publish(Event{Conversation: id, Typing: &TypingEvent{Staff: true, Typing: typing}})
}

// staffHub fans console updates out to staff sockets.
type staffHub struct {
	mu    sync.Mutex
	conns map[*staffConn]struct{}
}

type staffConn struct {
	*socket
	mu    sync.Mutex
	watch string // the conversation open in the console
}

// staffQueue is a console socket's queue: a console that falls this far
// behind is closed, and reconnects and re-fetches its lists.
const staffQueue = 1024

func (sc *staffConn) send(b []byte) { sc.enqueue(b) }

func (h *staffHub) list() []*staffConn {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]*staffConn, 0, len(h.conns))
	for c := range h.conns {
		out = append(out, c)
	}
	return out
}

// deliver tells every staff socket about a conversation's new summary,
// and those watching it about its new entries.
func (h *staffHub) deliver(e *Engine, id string, entries []Entry) {
	conns := h.list()
	if len(conns) == 0 {
		return
	}
	sm, err := e.store.ConversationSummary(context.Background(), id)
	if err != nil {
		return
	}
	inbox := mustJSON(map[string]any{"type": "inbox", "conversation": SummaryView(sm)})
	var frames [][]byte
	for _, en := range entries {
		frames = append(frames, mustJSON(map[string]any{"type": "entry", "conversation_id": id, "entry": en}))
	}
	for _, sc := range conns {
		sc.send(inbox)
		sc.mu.Lock()
		watching := sc.watch == id
		sc.mu.Unlock()
		if watching {
			for _, f := range frames {
				sc.send(f)
			}
		}
	}
}

// shopperTyping tells the staff watching a conversation that the shopper
// types.
func (h *staffHub) shopperTyping(id string, typing bool) {
	f := mustJSON(map[string]any{"type": "typing", "conversation_id": id, "who": "shopper", "typing": typing})
	for _, sc := range h.list() {
		sc.mu.Lock()
		w := sc.watch == id
		sc.mu.Unlock()
		if w {
			sc.send(f)
		}
	}
}

// ServeStaffWS runs a console socket. The caller has authenticated the
// staff member (a session, never a shopper's resume token).
func (e *Engine) ServeStaffWS(w http.ResponseWriter, r *http.Request, s StaffMember) {
	up := websocket.Upgrader{CheckOrigin: SameOrigin}
	ws, err := up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	sc := &staffConn{socket: newSocket(ws, &e.cfg)}
	sc.maxQueue = staffQueue
	e.staffHub.mu.Lock()
	e.staffHub.conns[sc] = struct{}{}
	e.staffHub.mu.Unlock()
	defer func() {
		e.staffHub.mu.Lock()
		delete(e.staffHub.conns, sc)
		e.staffHub.mu.Unlock()
		sc.closeWith(websocket.CloseNormalClosure)
	}()
	sc.startPings()
	ws.SetReadLimit(4096)
	ws.SetReadDeadline(time.Now().Add(e.cfg.PongWait))
	ws.SetPongHandler(func(string) error { ws.SetReadDeadline(time.Now().Add(e.cfg.PongWait)); return nil })
	for {
		var f struct {
			Type           string `json:"type"`
			ConversationID string `json:"conversation_id"`
		}
		if err := ws.ReadJSON(&f); err != nil {
			return
		}
		ws.SetReadDeadline(time.Now().Add(e.cfg.PongWait))
		if f.Type == "watch" {
			id := clip(f.ConversationID, 64)
			sc.mu.Lock()
			sc.watch = id
			sc.mu.Unlock()
			// Said back, so that the console (and a test) knows from when
			// the conversation's entries come to this socket.
			sc.send(mustJSON(map[string]string{"type": "watching", "conversation_id": id}))
		}
	}
}

// SummaryJSON is a conversation as the console API shows it.
type SummaryJSON struct {
	ID           string     `json:"id"`
	State        string     `json:"state"`
	Locale       string     `json:"locale"`
	Customer     *named     `json:"customer"`
	Assigned     *named     `json:"assigned"`
	LastMessage  *lastMsg   `json:"last_message"`
	WaitingSince *time.Time `json:"waiting_since"`
	UpdatedAt    time.Time  `json:"updated_at"`
	Rating       int        `json:"rating"`
}

type named struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type lastMsg struct {
	Role string    `json:"role"`
	Text string    `json:"text"`
	At   time.Time `json:"at"`
}

// SummaryView shapes a summary for the console.
func SummaryView(s *store.Summary) SummaryJSON {
	v := SummaryJSON{ID: s.ID, State: s.State, Locale: s.Locale, WaitingSince: s.WaitingSince, UpdatedAt: s.UpdatedAt, Rating: s.Rating}
	if s.CustomerID != 0 {
		v.Customer = &named{ID: s.CustomerID, Name: s.CustomerName}
	}
	if s.AssignedStaffID != 0 {
		v.Assigned = &named{ID: s.AssignedStaffID, Name: s.AssignedName}
	}
	if s.LastAt != nil {
		v.LastMessage = &lastMsg{Role: s.LastRole, Text: clip(s.LastText, 280), At: *s.LastAt}
	}
	return v
}
