package chat

import (
	"context"

	"github.com/kefu-dev/kefu/store"
)

// A live conversation keeps its recent messages, so that a turn builds the
// model's history without reading the database: every message the engine
// stores passes through remember after its commit. The cache holds a few
// more than the model's window (40), and the text of the shopper's messages
// that fell out of it, for the summary of older turns. Its size bounds the
// memory of a conversation in use (tool results are a few KiB).
const (
	historyCap = 48
	olderCap   = 16 // more than the summary reads (agents.summaryTurns+1)
)

type history struct {
	msgs   []store.Message // the last up to historyCap messages, in seq order
	older  []shopperText   // shopper messages before msgs, newest last
	whole  bool            // msgs and older hold every shopper message from seq 1
	loaded bool            // msgs is the conversation's tail
	gen    uint64          // counts remembers, to detect one racing a load
}

type shopperText struct {
	seq  int64
	text string
}

// remember adds committed messages to the conversation's recent history.
// A gap in the seqs (a message stored elsewhere, or remembers out of
// order) drops the cache; the next turn reads the database again.
func (c *conversation) remember(ms ...*store.Message) {
	c.mu.Lock()
	defer c.mu.Unlock()
	h := &c.hist
	h.gen++
	if !h.loaded {
		return
	}
	for _, m := range ms {
		last := int64(0)
		if n := len(h.msgs); n > 0 {
			last = h.msgs[n-1].Seq
		}
		switch {
		case m.Seq <= last:
			continue // already there
		case m.Seq != last+1: // (an empty history's next is seq 1)
			h.msgs, h.loaded = nil, false
			return
		}
		if len(h.msgs) == historyCap {
			if out := h.msgs[0]; out.Role == store.RoleUser {
				if len(h.older) == olderCap {
					h.older, h.whole = h.older[1:], false
				}
				h.older = append(h.older, shopperText{out.Seq, out.Text})
			}
			h.msgs = append(h.msgs[:0], h.msgs[1:]...)
		}
		h.msgs = append(h.msgs, *m)
	}
}

// lastMessages returns the last n messages of a conversation and the seq
// before the first of them, from the live cache when it can.
func (e *Engine) lastMessages(ctx context.Context, id string, n int) ([]store.Message, int64, error) {
	c := e.live(id)
	if c == nil || n > historyCap {
		return e.store.LastMessages(ctx, id, n)
	}
	c.mu.Lock()
	if c.hist.loaded {
		ms := c.hist.msgs[max(0, len(c.hist.msgs)-n):]
		out := append([]store.Message(nil), ms...)
		c.mu.Unlock()
		var before int64
		if len(out) > 0 {
			before = out[0].Seq - 1
		}
		return out, before, nil
	}
	gen := c.hist.gen
	c.mu.Unlock()
	ms, before, err := e.store.LastMessages(ctx, id, historyCap)
	if err != nil {
		return nil, 0, err
	}
	c.mu.Lock()
	if c.hist.gen == gen && !c.hist.loaded { // nothing was stored meanwhile
		c.hist.msgs, c.hist.older, c.hist.loaded = append([]store.Message(nil), ms...), nil, true
		c.hist.whole = len(ms) == 0 || ms[0].Seq == 1
	}
	c.mu.Unlock()
	if len(ms) > n {
		ms = ms[len(ms)-n:]
		before = ms[0].Seq - 1
	}
	return ms, before, nil
}

// shopperTexts returns the text of the last n shopper messages before
// seq beforeSeq, oldest first, from the live cache when it holds them.
func (e *Engine) shopperTexts(ctx context.Context, id string, beforeSeq int64, n int) ([]string, error) {
	if c := e.live(id); c != nil {
		c.mu.Lock()
		if h := c.hist; h.loaded && len(h.msgs) > 0 {
			var out []string
			for i := len(h.msgs) - 1; i >= 0 && len(out) < n; i-- {
				if m := h.msgs[i]; m.Seq < beforeSeq && m.Role == store.RoleUser {
					out = append(out, m.Text)
				}
			}
			for i := len(h.older) - 1; i >= 0 && len(out) < n; i-- {
				if o := h.older[i]; o.seq < beforeSeq {
					out = append(out, o.text)
				}
			}
			// Enough found, or the cache holds every shopper message.
			if len(out) == n || h.whole {
				c.mu.Unlock()
				for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
					out[i], out[j] = out[j], out[i]
				}
				return out, nil
			}
		}
		c.mu.Unlock()
	}
	return e.store.ShopperTexts(ctx, id, beforeSeq, n)
}
