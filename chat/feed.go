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
//
// Streamed text is coalesced: a delta goes out at once when none went out
// for Config.DeltaEvery, else it waits with those that follow for the
// rest of that interval and they go out as one frame. The first token is
// not delayed, and a model streaming a token every few milliseconds costs
// the shopper 20 frames a second, not hundreds (a widget repaints no
// faster than a reader follows, and each frame costs a write system call).
type turnFeed struct {
	c     *conversation
	mu    sync.Mutex
	open  bool
	done  bool
	gated bool            // its message's ack has not gone out yet (early.go): nothing shows
	due   bool            // it would have opened, but was gated
	act   []byte          // the latest activity frame, while closed
	text  strings.Builder // the streamed text, while closed
	timer *time.Timer

	every   time.Duration   // coalescing interval; 0: none
	held    strings.Builder // streamed text waiting for the interval, while open
	sentAt  time.Time       // when the last delta frame went out
	flusher *time.Timer     // sends held at the end of the interval
}

// startFeed starts a turn's feed; delay < 0 opens it at once. A turn that
// started before its message was stored passes that message's gate.
func (c *conversation) startFeed(delay, every time.Duration, gate *turnGate) *turnFeed {
	f := &turnFeed{c: c, every: max(every, 0)}
	if gate != nil {
		gate.attach(f)
	}
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
	if f.gated {
		f.due = true
		return
	}
	f.open = true
	f.c.broadcast(mustJSON(typingFrame{Type: "typing", Who: "assistant", Typing: true}), 0)
	if f.act != nil {
		f.c.broadcast(f.act, 0)
	}
	if f.text.Len() > 0 {
		f.sendDelta(f.text.String())
	}
	f.act, f.text = nil, strings.Builder{}
}

// ungate lets the feed show itself: its message's ack went out. What it
// held while gated goes out now if it was due to open.
func (f *turnFeed) ungate() {
	if f == nil {
		return
	}
	f.mu.Lock()
	f.gated = false
	due := f.due
	f.mu.Unlock()
	if due {
		f.openNow()
	}
}

// sendDelta sends streamed text now. f.mu is held.
func (f *turnFeed) sendDelta(s string) {
	f.sentAt = time.Now()
	f.c.broadcast(mustJSON(deltaFrame{Type: "delta", Text: s}), 0)
}

func (f *turnFeed) delta(s string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case f.done:
	case f.open:
		wait := f.every - time.Since(f.sentAt)
		if f.held.Len() == 0 && wait <= 0 {
			f.sendDelta(s)
			return
		}
		f.held.WriteString(s)
		if f.flusher == nil {
			f.flusher = time.AfterFunc(wait, f.flushHeld)
		}
	default:
		f.text.WriteString(s)
	}
}

// flushHeld sends the text held for the interval.
func (f *turnFeed) flushHeld() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.flushHeldLocked()
}

func (f *turnFeed) flushHeldLocked() {
	if f.flusher != nil {
		f.flusher.Stop()
		f.flusher = nil
	}
	if f.held.Len() > 0 && !f.done {
		f.sendDelta(f.held.String())
	}
	f.held.Reset()
}

func (f *turnFeed) reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case f.done:
	case f.open:
		if f.flusher != nil {
			f.flusher.Stop()
			f.flusher = nil
		}
		f.held.Reset()
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
		f.flushHeldLocked() // the text streamed so far comes before it
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
	f.flushHeldLocked()
	f.done = true
	if f.timer != nil {
		f.timer.Stop()
	}
	if f.open {
		f.c.broadcast(mustJSON(typingFrame{Type: "typing", Who: "assistant", Typing: false}), 0)
	}
}
