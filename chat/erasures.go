package chat

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/kefu-dev/kefu/store"
)

// CloseErased closes the sockets of a conversation a privacy request
// erased (kefu forget): its messages are gone, so the widget must not
// resume it or resend to it; it starts afresh when the shopper writes.
const CloseErased = 4410

func init() { closeReasons[CloseErased] = "conversation erased (privacy request)" }

// erasureEvery is how often the engine looks for erasures made by another
// process. kefu forget runs as a command beside kefu serve, on the same
// database: it records what it erased in the erasures table, which this
// watch reads (an indexed read of the rows after the last seen).
const erasureEvery = time.Second

// erasureStore is what the watch reads; *store.Store has it.
type erasureStore interface {
	LastErasure(ctx context.Context) (int64, error)
	ErasuresAfter(ctx context.Context, id int64) ([]store.Erasure, error)
	WasErased(ctx context.Context, id string) (bool, error)
}

// watchErasures starts the watch when the store records erasures, and
// returns what stops it.
func (e *Engine) watchErasures() (stop func()) {
	es, ok := e.store.(erasureStore)
	if !ok {
		return func() {}
	}
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		// Erasures before this start are of conversations no longer in the
		// database, which this engine cannot have loaded.
		last, err := es.LastErasure(context.Background())
		if err != nil {
			e.log.Warn("erasures not read; erased conversations' sockets close when they next write", "err", err)
		}
		t := time.NewTicker(erasureEvery)
		defer t.Stop()
		failing := false // warned of a failure, once until a read succeeds
		for {
			select {
			case <-quit:
				return
			case <-t.C:
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			list, err := es.ErasuresAfter(ctx, last)
			if err != nil && !failing {
				e.log.Warn("erasures not read; trying again every second", "err", err)
			}
			failing = err != nil
			for _, er := range list {
				e.erased(ctx, er.ConversationID)
				last = er.ID
			}
			cancel()
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			close(quit)
			<-done
		})
	}
}

// erased acts on an erasure of conversation id: if it is gone, its
// sockets are closed with CloseErased and its turn is cancelled; if it
// was only redacted (another customer's conversation that named the one
// forgotten), the messages it holds in memory are dropped, to be read
// again from the database.
func (e *Engine) erased(ctx context.Context, id string) {
	c := e.live(id)
	if c == nil {
		return
	}
	_, err := e.store.Conversation(ctx, id)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		e.log.Warn("erased conversation not checked", "conversation_id", id, "err", err)
		return
	}
	c.mu.Lock()
	c.hist = history{gen: c.hist.gen + 1}
	if err == nil {
		c.mu.Unlock()
		return
	}
	conns := make([]*conn, 0, len(c.conns))
	for cn := range c.conns {
		conns = append(conns, cn)
	}
	cancel := c.cancel
	c.queue, c.steps = nil, nil
	c.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	for _, cn := range conns {
		cn.closeWith(CloseErased)
	}
	e.log.Info("closed the sockets of an erased conversation", "conversation_id", id, "sockets", len(conns))
}

// noticeErased is called when storing a conversation's messages failed:
// if a privacy request erased it (forgotten since), its sockets are
// closed now instead of the shopper retrying a message that can never be
// saved. A failure for any other reason (a full disk) is left alone.
func (e *Engine) noticeErased(id string) {
	es, ok := e.store.(erasureStore)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if was, err := es.WasErased(ctx, id); err == nil && was {
		e.erased(ctx, id)
	}
}
