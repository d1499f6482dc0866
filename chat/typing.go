package chat

import (
	"sync"
	"time"
)

// typingGate passes a socket's typing on to staff at most once per every:
// a change within that is held, and the last state is passed on when the
// time is up (if it differs from what staff last heard). A flood of typing
// frames therefore costs the console one frame a second, not one each.
type typingGate struct {
	every time.Duration

	mu    sync.Mutex
	last  time.Time // when a state was last passed on
	sent  bool      // the state staff last heard
	want  bool      // the latest state, while held
	held  bool
	timer *time.Timer
	pass  func(bool)
}

func (t *typingGate) set(on bool, pass func(bool)) {
	now := time.Now()
	t.mu.Lock()
	t.pass = pass
	if wait := t.every - now.Sub(t.last); wait > 0 {
		t.want, t.held = on, true
		if t.timer == nil {
			t.timer = time.AfterFunc(wait, t.flush)
		}
		t.mu.Unlock()
		return
	}
	// Passed on now: a state held before is stale (a timer about to pass
	// it finds nothing held).
	t.last, t.sent, t.held = now, on, false
	t.mu.Unlock()
	pass(on)
}

func (t *typingGate) flush() {
	t.mu.Lock()
	t.timer = nil
	if !t.held {
		t.mu.Unlock()
		return
	}
	// A timer late to fire may find a state passed on since: the held one
	// waits its turn again.
	if wait := t.every - time.Since(t.last); wait > 0 {
		t.timer = time.AfterFunc(wait, t.flush)
		t.mu.Unlock()
		return
	}
	on, pass := t.want, t.pass
	send := on != t.sent || on // a held "still typing" is passed on too
	t.held = false
	if send {
		t.last, t.sent = time.Now(), on
	}
	t.mu.Unlock()
	if send && pass != nil {
		pass(on)
	}
}

// stop drops a held state; the socket is gone (the console hides a
// typing shown for 15 s).
func (t *typingGate) stop() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.timer != nil {
		t.timer.Stop()
		t.timer = nil
	}
	t.held = false
}
