package chat

import (
	"context"
	"sync"
	"time"

	"github.com/kefu-dev/kefu/store"
)

// A hello without a conversation to resume opens a new one, but stores
// nothing: the conversation's row is written with the first thing that
// must be kept (the shopper's first message, in its transaction, or a
// staff member acting on it). A widget opened and left, or a flood of hellos, leaves no row. The
// welcome still carries the conversation's id and resume token; a second
// tab that resumes with the token before anything is stored joins the same
// conversation (on the same node: another node does not know it), and a
// token whose conversation was never stored and is no longer open starts
// a new one (there was nothing in it to lose).
type unsavedConvs struct {
	mu      sync.Mutex
	byID    map[string]*unsavedConv
	byToken map[string]*unsavedConv
}

// unsavedConv is a conversation not stored yet, and the sockets on it.
type unsavedConv struct {
	conv    *store.Conversation
	token   string
	sockets int // guarded by unsavedConvs.mu

	saving sync.Mutex // one save at a time
	saved  bool       // guarded by saving
}

// open registers a new conversation, not stored, with one socket on it.
func (u *unsavedConvs) open(conv *store.Conversation, token string) *unsavedConv {
	uc := &unsavedConv{conv: conv, token: token, sockets: 1}
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.byID == nil {
		u.byID, u.byToken = map[string]*unsavedConv{}, map[string]*unsavedConv{}
	}
	u.byID[conv.ID], u.byToken[token] = uc, uc
	return uc
}

// join returns the unsaved conversation the token opens, with one more
// socket on it, or nil.
func (u *unsavedConvs) join(token string) *unsavedConv {
	u.mu.Lock()
	defer u.mu.Unlock()
	uc := u.byToken[token]
	if uc != nil {
		uc.sockets++
	}
	return uc
}

// leave lets go of a socket's hold; the last one forgets the conversation.
func (u *unsavedConvs) leave(uc *unsavedConv) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if uc.sockets--; uc.sockets <= 0 {
		u.forget(uc)
	}
}

func (u *unsavedConvs) forget(uc *unsavedConv) {
	if u.byID[uc.conv.ID] == uc {
		delete(u.byID, uc.conv.ID)
		delete(u.byToken, uc.token)
	}
}

func (u *unsavedConvs) byConversation(id string) *unsavedConv {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.byID[id]
}

// unsavedCount is how many conversations are open and not stored, for
// tests.
func (u *unsavedConvs) unsavedCount() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return len(u.byID)
}

// save stores uc's conversation if it is not stored yet. The commit is not
// cancelled by the socket going away: a commit left running would store
// the row, and the next try would find it there twice.
func (e *Engine) save(ctx context.Context, uc *unsavedConv) error {
	if uc == nil {
		return nil
	}
	uc.saving.Lock()
	defer uc.saving.Unlock()
	if uc.saved {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := e.writer.Create(ctx, uc.conv); err != nil {
		return err
	}
	uc.saved = true
	e.unsaved.mu.Lock()
	e.unsaved.forget(uc)
	e.unsaved.mu.Unlock()
	return nil
}

// appendSaving stores ms, a shopper's message, and uc's conversation with
// them in the same transaction if it is not stored yet. As in save, that
// commit is not cancelled by the socket going away.
func (e *Engine) appendSaving(ctx context.Context, uc *unsavedConv, ms []*store.Message, skip *conn) ([]bool, error) {
	if uc == nil || uc.isSaved() {
		return e.appendAll(ctx, ms, skip)
	}
	uc.saving.Lock()
	defer uc.saving.Unlock()
	if uc.saved { // another tab's message stored it meanwhile
		return e.appendAll(ctx, ms, skip)
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	dups, err := e.createAndAppend(ctx, uc.conv, ms, skip)
	if err != nil {
		return nil, err
	}
	uc.saved = true
	e.unsaved.mu.Lock()
	e.unsaved.forget(uc)
	e.unsaved.mu.Unlock()
	return dups, nil
}

// saveConversation stores conversation id if it is open and not stored
// yet: staff act only on stored conversations.
func (e *Engine) saveConversation(ctx context.Context, id string) error {
	return e.save(ctx, e.unsaved.byConversation(id))
}

func (uc *unsavedConv) isSaved() bool {
	uc.saving.Lock()
	defer uc.saving.Unlock()
	return uc.saved
}
