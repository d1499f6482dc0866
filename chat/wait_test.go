package chat

import (
	"testing"
	"time"
)

// waitFor polls cond until it holds, for what cannot send a frame (a row
// stored after the socket is gone, a queue the writer drained), and fails
// naming what it waited for once a deadline passes. A test that slept a
// guessed while instead passed by luck when the machine was fast and
// failed when it was slow.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	const within = 5 * time.Second
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s", within, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
