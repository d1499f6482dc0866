package chat

import (
	"sync"
	"testing"
	"time"
)

// A function runs at once even while every goroutine is busy (a turn
// never waits for another's), one after another they share one
// goroutine, at most maxIdle wait, and idle ones end after keep or when
// the engine stops.
func TestWarmGoroutines(t *testing.T) {
	stop := make(chan struct{})
	w := newWarm(200*time.Millisecond, 2, stop)

	// One after another: the same goroutine.
	for range 50 {
		done := make(chan struct{})
		w.run(func() { close(done) })
		<-done
		waitFor(t, "the goroutine to wait", func() bool { return w.idle.Load() == 1 })
	}
	if n := w.started.Load(); n != 1 {
		t.Fatalf("%d goroutines for 50 functions one after another, want 1", n)
	}

	// All busy: the next runs at once on a new goroutine.
	release := make(chan struct{})
	var running sync.WaitGroup
	running.Add(5)
	for range 5 {
		w.run(func() { running.Done(); <-release })
	}
	ran := make(chan struct{})
	w.run(func() { close(ran) })
	select {
	case <-ran:
	case <-time.After(5 * time.Second):
		t.Fatal("a function waited for a busy goroutine")
	}
	running.Wait()
	close(release)
	// Six finished: two wait, the others end.
	waitFor(t, "two to wait", func() bool { return w.idle.Load() == 2 })
	time.Sleep(20 * time.Millisecond)
	if n := w.idle.Load(); n != 2 {
		t.Fatalf("%d idle, want at most 2", n)
	}
	// Idle ones end after keep.
	waitFor(t, "the idle ones to end", func() bool { return w.idle.Load() == 0 })

	// And at once when the engine stops.
	w = newWarm(time.Hour, 4, stop)
	var ws sync.WaitGroup
	ws.Add(3)
	for range 3 {
		w.run(func() { ws.Done(); ws.Wait() })
	}
	waitFor(t, "three to wait", func() bool { return w.idle.Load() == 3 })
	close(stop)
	waitFor(t, "the stop to end them", func() bool { return w.idle.Load() == 0 })
}

// deep uses about n KiB of stack, as a turn does (the model, the store,
// JSON, SQLite through cgo).
//
//go:noinline
func deep(n int) byte {
	var pad [1000]byte
	if n == 0 {
		return pad[0]
	}
	pad[n%1000] = byte(n)
	return deep(n-1) + pad[(n*7)%1000]
}

// BenchmarkWarm is a function that needs 32 KiB of stack run on a new
// goroutine (a go statement, as turns and frames were) and on the warm
// ones, waiting for each.
func BenchmarkWarm(b *testing.B) {
	b.Run("go", func(b *testing.B) {
		done := make(chan byte)
		for b.Loop() {
			go func() { done <- deep(32) }()
			<-done
		}
	})
	b.Run("warm", func(b *testing.B) {
		stop := make(chan struct{})
		defer close(stop)
		w := newWarm(time.Second, 4, stop)
		done := make(chan byte)
		for b.Loop() {
			w.run(func() { done <- deep(32) })
			<-done
		}
	})
}
