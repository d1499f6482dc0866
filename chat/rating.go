package chat

import (
	"context"
	"sync"
	"time"

	"github.com/kefu-dev/kefu/store"
)

// A conversation has one rating: a later one replaces it. It is taken
// only once there is something to rate (an answer, from the assistant or
// a person, or a conversation staff closed), and stored at most once per
// Config.RatingEvery: the first at once, those that follow within that
// time held, the last of them stored when it is up. A flood of rating
// frames therefore costs a transaction every RatingEvery, not one a frame.
type ratings struct {
	mu sync.Mutex
	m  map[string]*ratingSlot // by conversation, while a rating was stored less than RatingEvery ago
}

type ratingSlot struct {
	next *rating // held, to be stored when the time is up
}

type rating struct {
	stars   int
	comment string
}

// rate takes a rating frame.
func (cn *conn) rate(f *inFrame) {
	e, c := cn.e, cn.conv
	ok, err := cn.rateable()
	if err != nil {
		e.log.Error("rating not checked", "conversation_id", c.id, "err", err)
		cn.sendError(&protocolError{Code: CodeNotSaved, Message: cn.say("Your rating could not be saved. Please try again.", "评价未能保存，请重试。")})
		return
	}
	if !ok {
		cn.sendError(&protocolError{Code: CodeNotRateable, Message: cn.say("There is nothing to rate yet.", "暂时还没有可以评价的内容。")})
		return
	}
	r := rating{stars: f.Rating, comment: f.Comment}
	rs := &e.ratings
	rs.mu.Lock()
	if rs.m == nil {
		rs.m = map[string]*ratingSlot{}
	}
	if slot := rs.m[c.id]; slot != nil {
		// Stored a moment ago: this one waits, replacing any that waits.
		// Shutdown waits for it as for a turn; once kefu is stopping it
		// is stored at once.
		if slot.next == nil && !e.holdTurn() {
			rs.mu.Unlock()
			cn.storeRatingOrSay(r)
			return
		}
		slot.next = &r
		rs.mu.Unlock()
		return
	}
	slot := &ratingSlot{}
	rs.m[c.id] = slot
	rs.mu.Unlock()
	cn.storeRatingOrSay(r)
	time.AfterFunc(e.cfg.RatingEvery, func() { e.ratingDue(c.id, slot) })
}

func (cn *conn) storeRatingOrSay(r rating) {
	if err := cn.e.storeRating(cn.conv.id, r); err != nil {
		cn.sendError(&protocolError{Code: CodeNotSaved, Message: cn.say("Your rating could not be saved. Please try again.", "评价未能保存，请重试。")})
	}
}

// ratingDue stores the rating held for a conversation, if any, and
// otherwise forgets that one was stored.
func (e *Engine) ratingDue(id string, slot *ratingSlot) {
	rs := &e.ratings
	rs.mu.Lock()
	r := slot.next
	slot.next = nil
	if r == nil {
		delete(rs.m, id)
		rs.mu.Unlock()
		return
	}
	rs.mu.Unlock()
	defer e.turns.Done()
	if err := e.storeRating(id, *r); err != nil {
		if c := e.live(id); c != nil {
			msg := "Your rating could not be saved. Please try again."
			if c.locale == "zh" {
				msg = "评价未能保存，请重试。"
			}
			c.broadcast(mustJSON(errorFrame{Type: "error", Code: CodeNotSaved, Message: msg}), 0)
		}
	}
	time.AfterFunc(e.cfg.RatingEvery, func() { e.ratingDue(id, slot) })
}

func (e *Engine) storeRating(id string, r rating) error {
	ctx := context.Background()
	if err := e.store.RateConversation(ctx, id, r.stars, r.comment); err != nil {
		e.log.Error("rating not stored", "conversation_id", id, "err", err)
		return err
	}
	e.tellConsole(ctx, id, []Entry{{Kind: "event", Type: "rated", Text: r.comment, At: e.cfg.Now()}})
	return nil
}

// holdTurn counts work that Shutdown must wait for, as a turn, unless
// kefu is stopping (then it reports false).
func (e *Engine) holdTurn() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closing {
		return false
	}
	e.turns.Add(1)
	return true
}

// rateable reports whether the socket's conversation has something to
// rate: an answer from the assistant or a person, or (closed by staff) a
// message of the shopper's. The answer is kept once it is yes.
func (cn *conn) rateable() (bool, error) {
	if cn.rateOK {
		return true, nil
	}
	if cn.unsaved != nil && !cn.unsaved.isSaved() {
		return false, nil
	}
	ms, err := cn.e.store.Messages(cn.ctx, cn.conv.id, 0, 200)
	if err != nil {
		return false, err
	}
	state, _ := cn.conv.currentState()
	for i := range ms {
		if ms[i].Role == store.RoleStaff || isAnswer(&ms[i]) || (state == store.StateClosed && ms[i].Role == store.RoleUser) {
			cn.rateOK = true
			return true, nil
		}
	}
	return false, nil
}
