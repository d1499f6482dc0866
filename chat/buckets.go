package chat

import (
	"container/heap"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// keyedBuckets are token buckets by key (a client address, a resume
// token), at most max of them, so a flood of new keys costs bounded
// memory. A key without a bucket has a full one, and a bucket that fills
// up again is dropped. When max are held and a new key comes, the bucket
// that would be full soonest goes: it holds the least of what its key
// did. A flood of new keys, one hello each, pushes out only each other,
// never the key that floods (the same idea as web's sign-in limits; the
// packages do not share code).
type keyedBuckets struct {
	burst float64
	every time.Duration // a token comes back every
	max   int

	mu   sync.Mutex
	m    map[string]*keyedBucket
	heap keyedHeap // by full, soonest first
}

type keyedBucket struct {
	key    string
	tokens float64   // at at
	at     time.Time // last change
	full   time.Time // when tokens reach burst again
	i      int       // index in the heap
}

func newKeyedBuckets(r rate.Limit, burst, max int) *keyedBuckets {
	return &keyedBuckets{burst: float64(burst), every: time.Duration(float64(time.Second) / float64(r)), max: max, m: map[string]*keyedBucket{}}
}

// allow takes a token from key's bucket and reports whether there was one.
func (bs *keyedBuckets) allow(key string, now time.Time) bool {
	bs.mu.Lock()
	defer bs.mu.Unlock()
	for len(bs.heap) > 0 && !bs.heap[0].full.After(now) {
		delete(bs.m, heap.Pop(&bs.heap).(*keyedBucket).key)
	}
	b := bs.m[key]
	if b == nil {
		if len(bs.m) >= bs.max {
			delete(bs.m, heap.Pop(&bs.heap).(*keyedBucket).key)
		}
		b = &keyedBucket{key: key, tokens: bs.burst, at: now}
		bs.m[key] = b
		heap.Push(&bs.heap, b)
	}
	if now.After(b.at) {
		b.tokens = min(bs.burst, b.tokens+float64(now.Sub(b.at))/float64(bs.every))
		b.at = now
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	b.full = b.at.Add(time.Duration((bs.burst - b.tokens) * float64(bs.every)))
	heap.Fix(&bs.heap, b.i)
	return true
}

// len is the number of buckets held, for tests.
func (bs *keyedBuckets) len() int {
	bs.mu.Lock()
	defer bs.mu.Unlock()
	return len(bs.m)
}

type keyedHeap []*keyedBucket

func (h keyedHeap) Len() int           { return len(h) }
func (h keyedHeap) Less(i, j int) bool { return h[i].full.Before(h[j].full) }
func (h keyedHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i]; h[i].i = i; h[j].i = j }
func (h *keyedHeap) Push(x any)        { b := x.(*keyedBucket); b.i = len(*h); *h = append(*h, b) }
func (h *keyedHeap) Pop() any {
	old := *h
	b := old[len(old)-1]
	*h = old[:len(old)-1]
	return b
}
