package chat

import (
	"strings"
	"sync"
	"time"
)

// turnFeed is what a shopper sees while a turn runs: the typing indicator,
// what the assistant is doing, and the answer streaming in. It opens only
// once the turn has run for Config.FeedDelay: a quick answer (the built-in
// model's usually are) arrives as one message without an indicator
// flashing first, and costs no frames but the answer; a slow one (a hosted
// model) shows everything held so far at once and streams from then on.
type turnFeed struct {
	c     *conversation
	mu    sync.Mutex
	open  bool
	done  bool
	act   []byte          // the latest activity frame, while closed
	text  strings.Builder // the streamed text, while closed
	timer *time.Timer
}

// startFeed starts a turn's feed; delay < 0 opens it at once.
func (c *conversation) startFeed(delay time.Duration) *turnFeed {
	f := &turnFeed{c: c}
	if delay < 0 {
		f.openNow()
	} else {
		f.timer = time.AfterFunc(delay, f.openNow)
	}
	return f
}

func (f *turnFeed) openNow() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.open || f.done {
		return
	}
	f.open = true
	f.c.broadcast(mustJSON(typingFrame{Type: "typing", Who: "assistant", Typing: true}), 0)
	if f.act != nil {
		f.c.broadcast(f.act, 0)
	}
	if f.text.Len() > 0 {
		f.c.broadcast(mustJSON(deltaFrame{Type: "delta", Text: f.text.String()}), 0)
	}
	f.act, f.text = nil, strings.Builder{}
}

func (f *turnFeed) delta(s string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case f.done:
	case f.open:
		f.c.broadcast(mustJSON(deltaFrame{Type: "delta", Text: s}), 0)
	default:
		f.text.WriteString(s)
	}
}

func (f *turnFeed) reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case f.done:
	case f.open:
		f.c.broadcast(mustJSON(deltaFrame{Type: "delta", Reset: true}), 0)
	default:
		f.text.Reset()
	}
}

func (f *turnFeed) activity(frame []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case f.done:
	case f.open:
		f.c.broadcast(frame, 0)
	default:
		f.act = frame
	}
}

// stop ends the feed before the answer is shown: nothing streams after it,
// and the typing indicator, if it was shown, goes away.
func (f *turnFeed) stop() {
	if f == nil {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done {
		return
	}
	f.done = true
	if f.timer != nil {
		f.timer.Stop()
	}
	if f.open {
		f.c.broadcast(mustJSON(typingFrame{Type: "typing", Who: "assistant", Typing: false}), 0)
	}
}
