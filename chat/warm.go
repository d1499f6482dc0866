package chat

import (
	"sync/atomic"
	"time"
)

// warm runs functions each on a goroutine of its own at once, as a go
// statement does, but on a goroutine that ran one before when one is
// idle. A turn (and a frame's handling) on a new goroutine grew its stack
// from 8 KiB step by step, copying it each time: 5% of the server's CPU
// under the 100-shopper load. An idle goroutine keeps its stack (until
// garbage collection shrinks it) and waits keep for the next function,
// then ends; at most maxIdle wait at a time, so idle sockets cost no more
// than they did.
// The engine's: an idle goroutine waits a second; up to 256 wait.
const (
	warmKeep = time.Second
	warmIdle = 256
)

type warm struct {
	tasks   chan func() // unbuffered: a send succeeds only to a waiting goroutine
	keep    time.Duration
	maxIdle int32
	idle    atomic.Int32
	started atomic.Int64 // goroutines started, for tests
	stop    <-chan struct{}
}

func newWarm(keep time.Duration, maxIdle int, stop <-chan struct{}) *warm {
	return &warm{tasks: make(chan func()), keep: keep, maxIdle: int32(maxIdle), stop: stop}
}

// run runs f on a goroutine: one that is idle, or a new one. It never
// waits for one to be free.
func (w *warm) run(f func()) {
	select {
	case w.tasks <- f:
		return
	default:
	}
	w.started.Add(1)
	go w.work(f)
}

func (w *warm) work(f func()) {
	f()
	var t *time.Timer
	for {
		if w.idle.Add(1) > w.maxIdle {
			w.idle.Add(-1)
			return
		}
		if t == nil {
			t = time.NewTimer(w.keep)
		} else {
			t.Reset(w.keep)
		}
		select {
		case f = <-w.tasks:
			w.idle.Add(-1)
			f()
		case <-t.C:
			w.idle.Add(-1)
			return
		case <-w.stop:
			w.idle.Add(-1)
			t.Stop()
			return
		}
	}
}
