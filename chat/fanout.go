package chat

import (
	"context"

	"github.com/kefu-dev/kefu/agents"
	"github.com/kefu-dev/kefu/store"
)

// broadcast queues a frame on every socket of the conversation. Message
// frames carry their seq, so a socket that already has it (from a resume)
// drops it.
func (c *conversation) broadcast(b []byte, seq int64) {
	c.broadcastExcept(b, seq, nil)
}

// socketsBut counts the conversation's sockets other than skip.
func (c *conversation) socketsBut(skip *conn) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := len(c.conns)
	if _, ok := c.conns[skip]; ok {
		n--
	}
	return n
}

// broadcastExcept is broadcast to every socket but skip.
func (c *conversation) broadcastExcept(b []byte, seq int64, skip *conn) {
	c.mu.Lock()
	if len(c.conns) == 1 { // the usual case: no copy
		for cn := range c.conns {
			c.mu.Unlock()
			if cn != skip {
				cn.send(b, seq)
			}
			return
		}
	}
	conns := make([]*conn, 0, len(c.conns))
	for cn := range c.conns {
		if cn != skip {
			conns = append(conns, cn)
		}
	}
	c.mu.Unlock()
	for _, cn := range conns {
		cn.send(b, seq)
	}
}

// answerCards applies the one rule for what a shopper sees of a turn's
// tool results, live and on resume alike: they become cards attached to
// the answer that follows them, and a previewed change becomes the confirm
// prompt sent after that answer, which stands until the shopper writes.
type answerCards struct {
	cards       []Card
	suggestions []string      // offered by the answer that follows
	confirm     *confirmFrame // previewed since the last shopper message
}

// add takes the next stored message. For an answer it returns the cards
// to attach; prompt is the confirm frame to send after it, if any.
// Suggestions stored before an answer are attached to it too (see
// frameFor).
func (a *answerCards) add(m *store.Message, locale string) (cards []Card, prompt *confirmFrame) {
	switch m.Role {
	case store.RoleUser:
		a.cards, a.confirm, a.suggestions = nil, nil, nil // the shopper has answered since
	case store.RoleSystem:
		if m.Author == agents.SuggestionsAuthor {
			a.suggestions = agents.SplitSuggestions(m.Text)
		}
	case store.RoleTool:
		r, ok := agents.ToolResultOf(m.ToolResult)
		if !ok {
			return nil, nil
		}
		cs, cf := cardsFrom(r.Name, r.Content, locale)
		a.cards = append(a.cards, cs...)
		if cf != nil {
			a.confirm = cf
		}
	case store.RoleAssistant:
		if isAnswer(m) {
			cards, a.cards = a.cards, nil
			return cards, a.confirm
		}
	}
	return nil, nil
}

// frameFor is the frame of a message add has just taken, with its cards
// and the suggestions offered with it.
func (a *answerCards) frameFor(m *store.Message, cards []Card) MessageFrame {
	f := messageFrame(m, cards)
	if isAnswer(m) {
		f.Suggestions, a.suggestions = a.suggestions, nil
	}
	return f
}

// isAnswer reports whether m is an answer the shopper sees (not the
// assistant's tool calls).
func isAnswer(m *store.Message) bool {
	return m.Role == store.RoleAssistant && len(m.ToolCalls) == 0 && m.Text != ""
}

// publish sends a committed message to the sockets: shopper and staff
// messages as they are (but to skip, the tab that sent it), answers with
// their cards and confirm prompt.
func (c *conversation) publish(m *store.Message, skip *conn) {
	switch m.Role {
	case store.RoleUser, store.RoleStaff:
		// The tab that sent the message has it, and its ack. (Most
		// shoppers have one tab: no frame to encode.)
		if c.socketsBut(skip) > 0 {
			c.broadcastExcept(mustJSON(messageFrame(m, nil)), m.Seq, skip)
		}
	}
	c.mu.Lock()
	cards, prompt := c.answer.add(m, c.locale)
	var f MessageFrame
	if isAnswer(m) {
		f = c.answer.frameFor(m, cards)
	}
	c.mu.Unlock()
	if isAnswer(m) {
		c.broadcast(mustJSON(f), m.Seq)
		if prompt != nil {
			c.broadcast(mustJSON(prompt), 0)
		}
	}
}

func messageFrame(m *store.Message, cards []Card) MessageFrame {
	f := MessageFrame{Type: "message", Seq: m.Seq, Role: m.Role, Text: m.Text, CreatedAt: m.CreatedAt, Cards: cards}
	switch m.Role {
	case store.RoleUser:
		f.ClientID, f.Photos = m.ClientID, m.Attachments
	case store.RoleAssistant:
		f.Author, f.Offer = "kefu", offerOf(m)
	case store.RoleStaff:
		f.Author = m.Author
	}
	return f
}

// history returns the frames a resuming socket must receive: every
// shopper-visible message after afterSeq with its cards, and the confirm
// prompt if the last answer still waits for one.
func (e *Engine) history(ctx context.Context, c *conversation, afterSeq int64) ([][]byte, []int64, error) {
	var frames [][]byte
	var seqs []int64
	var answer answerCards
	photos := e.photosBySeq(ctx, c.id)
	const page = 500
	for from := int64(0); ; {
		ms, err := e.store.Messages(ctx, c.id, from, page)
		if err != nil {
			return nil, nil, err
		}
		for i := range ms {
			m := &ms[i]
			cards, _ := answer.add(m, c.locale)
			f := answer.frameFor(m, cards)
			if m.Seq <= afterSeq {
				continue
			}
			if m.Role == store.RoleUser {
				f.Photos = photos[m.Seq]
			}
			if m.Role == store.RoleUser || m.Role == store.RoleStaff || isAnswer(m) {
				frames, seqs = append(frames, mustJSON(f)), append(seqs, m.Seq)
			}
		}
		if len(ms) < page {
			break
		}
		from = ms[len(ms)-1].Seq
	}
	if answer.confirm != nil && answer.confirm.ExpiresAt.After(e.cfg.Now()) {
		frames, seqs = append(frames, mustJSON(answer.confirm)), append(seqs, 0)
	}
	return frames, seqs, nil
}
