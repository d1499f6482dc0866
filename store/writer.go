package store

import (
	"context"
	"errors"
	"runtime/debug"
	"sync"
	"time"
)

// Batching under load: after a batch of lingerAbove messages or more, the
// writer waits up to lingerFor for lingerFill messages before committing.
const (
	lingerAbove = 8
	lingerFill  = 64
	lingerFor   = time.Millisecond
)

// ErrWriterClosed is returned by AppendAll after Close.
var ErrWriterClosed = errors.New("store: writer closed")

// Writer persists messages, and new conversations, with group commit:
// appends that arrive while a transaction is committing wait for the next
// one, which takes them all, up to MaxBatch. AppendAll returns only after
// its messages' transaction committed, which is when the engine may
// acknowledge it.
type Writer struct {
	db       batchStore
	reqs     chan *writeReq
	maxBatch int
	linger   time.Duration // lingerFor; tests change it
	onBatch  func(size int, took time.Duration)

	mu     sync.RWMutex
	closed bool
	done   chan struct{}

	// OnPanic, if set before the first append, hears of a panic in an
	// AppendAll after function.
	OnPanic func(p any, stack []byte)

	failMu   sync.Mutex
	failErr  error     // the last commit's error, if the database refused it (full, locked, I/O)
	failedAt time.Time // when
}

// batchStore stores a batch in one transaction.
type batchStore interface {
	Write(ctx context.Context, convs []*Conversation, ms []*Message) ([]bool, error)
}

// writeReq is one caller's conversations and messages: stored together in
// one transaction, or not at all.
type writeReq struct {
	convs []*Conversation
	ms    []*Message
	after func(dups []bool) // run by the writer after the commit
	dups  []bool
	err   error
	done  chan struct{}
}

// NewWriter starts a writer. maxBatch bounds a transaction (zero: 256);
// onBatch, if set, observes each batch's size and the time it took to
func NewWriter(st batchStore, maxBatch int, onBatch func(size int, took time.Duration)) *Writer {
	if maxBatch <= 0 {
		maxBatch = 256
	}
	w := &Writer{db: st, reqs: make(chan *writeReq, 4*maxBatch), maxBatch: maxBatch, linger: lingerFor, onBatch: onBatch, done: make(chan struct{})}
	go w.run()
	return w
}

// AppendAll stores ms in one transaction, all or none, and reports which
// were duplicates (retried client ids). It blocks until they are committed
// or ctx ends; after ctx ends they may still be committed, but are not
// acknowledged. If after is set, the writer calls
// it once they are committed, before it commits anything else: what after
// does for a conversation's messages (send them to its sockets) happens in
// seq order. It must not block.
func (w *Writer) AppendAll(ctx context.Context, ms []*Message, after func(dups []bool)) ([]bool, error) {
	return w.submit(ctx, &writeReq{ms: ms, after: after, done: make(chan struct{})})
}

// CreateAndAppend stores a conversation made by NewConversation with its
// first messages, in one transaction: all or none. A conversation's first
// message was two commits, the conversation's row and then the message,
// each waiting its turn at the one writer. after is as for AppendAll.
func (w *Writer) CreateAndAppend(ctx context.Context, c *Conversation, ms []*Message, after func(dups []bool)) ([]bool, error) {
	return w.submit(ctx, &writeReq{convs: []*Conversation{c}, ms: ms, after: after, done: make(chan struct{})})
}

// Create stores a conversation made by NewConversation. A new
// conversation for every shopper's first hello was a transaction of its
// own, holding the one write connection; now it shares the group commit.
func (w *Writer) Create(ctx context.Context, c *Conversation) error {
	_, err := w.submit(ctx, &writeReq{convs: []*Conversation{c}, done: make(chan struct{})})
	return err
}

func (w *Writer) submit(ctx context.Context, r *writeReq) ([]bool, error) {
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return nil, ErrWriterClosed
	}
	select {
	case w.reqs <- r:
		w.mu.RUnlock()
	case <-ctx.Done():
		w.mu.RUnlock()
		return nil, ctx.Err()
	}
	select {
	case <-r.done:
		return r.dups, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Close stops accepting appends, commits those already queued and waits
// for the writer to finish.
func (w *Writer) Close() {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.reqs)
	}
	w.mu.Unlock()
	<-w.done
}

func (w *Writer) run() {
	defer close(w.done)
	batch := make([]*writeReq, 0, w.maxBatch)
	last := 0 // messages in the last batch
	for r := range w.reqs {
		batch = append(batch[:0], r)
		n := len(r.ms)
		// Under load (the last batch was large), wait up to lingerFor for
		// a fuller batch: a commit has a fixed cost (pages written, the
		// scheduler's round trips), and more messages share it. A lone
		// shopper's batches are small and never wait.
		var linger <-chan time.Time
		var timer *time.Timer
		if last >= lingerAbove {
			timer = time.NewTimer(w.linger)
			linger = timer.C
		}
		for n < w.maxBatch {
			r, ok := w.next(linger, n < lingerFill)
			if !ok {
				break
			}
			batch, n = append(batch, r), n+len(r.ms)
		}
		if timer != nil {
			timer.Stop()
		}
		w.commit(batch, n)
		last = n
	}
}

// next returns a request already queued or, if wait and linger is set,
// the first to arrive before linger fires. ok is false if there is none,
// or the writer is closed.
func (w *Writer) next(linger <-chan time.Time, wait bool) (r *writeReq, ok bool) {
	select {
	case r, ok = <-w.reqs:
		return r, ok
	default:
	}
	if linger == nil || !wait {
		return nil, false
	}
	select {
	case r, ok = <-w.reqs:
		return r, ok
	case <-linger:
		return nil, false
	}
}

// commit writes a batch of n messages in one transaction. If it fails
// because of one request's messages, each request is tried alone, so one
// bad message does not fail the others; if the database is unavailable
// (locked, full), all fail at once rather than each waiting its turn.
func (w *Writer) commit(batch []*writeReq, n int) {
	start := time.Now()
	ms := make([]*Message, 0, n)
	var convs []*Conversation
	for _, r := range batch {
		ms = append(ms, r.ms...)
		convs = append(convs, r.convs...)
	}
	// The writer outlives any one caller: commits are not cancelled by a
	// shopper leaving, only bounded by the store's own timeout.
	dups, err := w.db.Write(context.Background(), convs, ms)
	w.failMu.Lock()
	w.failErr = nil
	if Unavailable(err) {
		w.failErr, w.failedAt = err, time.Now()
	}
	w.failMu.Unlock()
	if w.onBatch != nil {
		w.onBatch(n, time.Since(start))
	}
	if err != nil && len(batch) > 1 && !Unavailable(err) {
		for _, r := range batch {
			r.dups, r.err = w.db.Write(context.Background(), r.convs, r.ms)
			if r.err == nil {
				w.runAfter(r)
			}
			close(r.done)
		}
		return
	}
	for _, r := range batch {
		if err != nil {
			r.err = err
		} else {
			r.dups, dups = dups[:len(r.ms)], dups[len(r.ms):]
			w.runAfter(r)
		}
		close(r.done)
	}
}

// runAfter runs a request's after function. A panic in it must not stop
// the writer, which every shopper's next message waits on: it is
// recovered and reported to OnPanic; the messages are stored all the same.
func (w *Writer) runAfter(r *writeReq) {
	if r.after == nil {
		return
	}
	defer func() {
		if p := recover(); p != nil && w.OnPanic != nil {
			w.OnPanic(p, debug.Stack())
		}
	}()
	r.after(r.dups)
}

// Failing returns when the last commit failed and its error, if the
// database refused it (Unavailable: full, locked, an I/O error);
// a nil error once a commit succeeds again. Readiness checks read it.
func (w *Writer) Failing() (at time.Time, err error) {
	w.failMu.Lock()
	defer w.failMu.Unlock()
	return w.failedAt, w.failErr
}
