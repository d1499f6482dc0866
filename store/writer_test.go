package store

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeAppender stores nothing and reports no duplicates.
type fakeAppender struct{ n atomic.Int64 }

func (f *fakeAppender) Write(ctx context.Context, convs []*Conversation, ms []*Message) ([]bool, error) {
	f.n.Add(int64(len(ms)))
	return make([]bool, len(ms)), nil
}

// A panic in an after function is reported, and the writer goes on: the
// next shopper's message is still stored.
func TestWriterSurvivesPanicInAfter(t *testing.T) {
	st := &fakeAppender{}
	w := NewWriter(st, 0, nil)
	defer w.Close()
	var reported atomic.Value
	w.OnPanic = func(p any, stack []byte) { reported.Store(p) }
	ctx := context.Background()
	if _, err := w.AppendAll(ctx, []*Message{{}}, func([]bool) { panic("boom") }); err != nil {
		t.Fatal(err)
	}
	ran := false
	if _, err := w.AppendAll(ctx, []*Message{{}, {}}, func(dups []bool) { ran = len(dups) == 2 }); err != nil {
		t.Fatal(err)
	}
	if reported.Load() != "boom" || !ran || st.n.Load() != 3 {
		t.Errorf("reported %v, second after ran %v, %d stored", reported.Load(), ran, st.n.Load())
	}
}

// batchRecorder records each batch's size; its first Write says it has
// begun (entered) and waits for gate.
type batchRecorder struct {
	mu            sync.Mutex
	sizes         []int
	entered, gate chan struct{}
}

func (b *batchRecorder) Write(ctx context.Context, convs []*Conversation, ms []*Message) ([]bool, error) {
	if b.gate != nil {
		close(b.entered)
		<-b.gate
		b.gate = nil
	}
	b.mu.Lock()
	b.sizes = append(b.sizes, len(ms))
	b.mu.Unlock()
	return make([]bool, len(ms)), nil
}

// Under load the writer waits a moment for a fuller batch; after small
// batches it commits at once.
func TestWriterLingersUnderLoad(t *testing.T) {
	st := &batchRecorder{entered: make(chan struct{}), gate: make(chan struct{})}
	w := NewWriter(st, 0, nil)
	defer w.Close()
	w.linger = 500 * time.Millisecond // long enough for the second message below
	ctx := context.Background()
	one := func() {
		if _, err := w.AppendAll(ctx, []*Message{{}}, nil); err != nil {
			t.Error(err)
		}
	}
	// A lone message, then, while its commit is held, a crowd.
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); one() }()
	<-st.entered
	for range 20 {
		wg.Add(1)
		go func() { defer wg.Done(); one() }()
	}
	waitFor(t, "20 appends queued behind the held commit", func() bool { return len(w.reqs) >= 20 })
	close(st.gate)
	wg.Wait()
	// After the crowd's batch of 20, a message that comes while the
	// writer holds another shares its batch: the writer waited for more.
	// The first is queued here, not by AppendAll, to know when the writer
	// has taken it.
	first := &writeReq{ms: []*Message{{}}, done: make(chan struct{})}
	w.reqs <- first
	waitFor(t, "the writer to take the first message", func() bool { return len(w.reqs) == 0 })
	one()
	<-first.done
	// After that small batch, a lone message is committed without waiting.
	start := time.Now()
	one()
	if d := time.Since(start); d > time.Second {
		t.Errorf("a lone message after a small batch waited %v", d)
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if want := []int{1, 20, 2, 1}; !slices.Equal(st.sizes, want) {
		t.Errorf("batches %v, want %v", st.sizes, want)
	}
}

// waitFor polls cond until it holds, for what sends no signal (a queue the
// writer drained), and fails naming what it waited for once a deadline
// passes.
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
