package web

import (
	"container/heap"
	"net/netip"
	"sync"
	"time"
)

// Sign-in limits. Each failed attempt takes a token from its address's
// bucket and from its account's; a bucket holds loginBurst tokens and gets
// one back every loginEvery. An attempt that finds either bucket empty is
// refused before its password is checked. Attempts are limited per address
// and per account separately: guesses spread over many addresses still
// run into the account's limit, and a busy address (an office) does not
// lock anyone out by itself. A staff member signing in from an address
// they signed in from before (store.KnownLoginAddress) is held to a bucket
// of that account and address instead of the account's, so failures from
// elsewhere do not lock them out.
const (
	loginBurst = 5
	loginEvery = 12 * time.Second
	// loginKeys bounds each table of buckets (addresses; accounts and
	// known account-address pairs).
	loginKeys = 10000
)

type loginLimiter struct {
	addrs, accounts *buckets
}

func newLoginLimiter(keys int) *loginLimiter {
	return &loginLimiter{addrs: newBuckets(loginBurst, loginEvery, keys), accounts: newBuckets(loginBurst, loginEvery, keys)}
}

func (l *loginLimiter) accountKey(email, addr string, known bool) string {
	if known {
		return "known\x00" + email + "\x00" + addr
	}
	return email
}

// take reserves an attempt for email from addr, or says how long to wait.
func (l *loginLimiter) take(email, addr string, known bool, now time.Time) (ok bool, wait time.Duration) {
	if ok, wait = l.addrs.take(addr, now); !ok {
		return false, wait
	}
	if ok, wait = l.accounts.take(l.accountKey(email, addr, known), now); !ok {
		l.addrs.give(addr, now)
		return false, wait
	}
	return true, 0
}

// succeeded gives back what take reserved: only failures count. It does
// not clear earlier failures, which would hand an attacker elsewhere a
// fresh set of guesses each time the real staff member signs in.
func (l *loginLimiter) succeeded(email, addr string, known bool, now time.Time) {
	l.addrs.give(addr, now)
	l.accounts.give(l.accountKey(email, addr, known), now)
}

// loginAddress is the key of a client address: an IPv4 address, or an
// IPv6 address's /64, which one household or one attacker holds whole.
func loginAddress(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap()
	if a.Is4() {
		return a.String()
	}
	p, _ := a.Prefix(64)
	return p.String()
}

// buckets are token buckets by key, at most max of them. A key without a
// bucket has a full one; a bucket that fills up again is dropped. When
// max buckets are held and another key fails, the bucket that would be
// full soonest goes: it carries the least of what failures were made. A
// flood of new keys, each with one failure, therefore pushes out only
// each other, never a key that failed more often or more recently (a
// locked account, a guessing address): forgetting that one needs max
// keys each held longer than it.
type buckets struct {
	burst float64
	every time.Duration
	max   int

	mu   sync.Mutex
	m    map[string]*bucket
	heap bucketHeap // by full, soonest first
}

type bucket struct {
	key    string
	tokens float64   // at at
	at     time.Time // last change
	full   time.Time // when tokens reach burst again
	i      int       // index in the heap
}

func newBuckets(burst int, every time.Duration, max int) *buckets {
	return &buckets{burst: float64(burst), every: every, max: max, m: map[string]*bucket{}}
}

// refill brings b's tokens to now.
func (bs *buckets) refill(b *bucket, now time.Time) {
	if now.After(b.at) {
		b.tokens = min(bs.burst, b.tokens+float64(now.Sub(b.at))/float64(bs.every))
		b.at = now
	}
}

func (bs *buckets) setFull(b *bucket) {
	b.full = b.at.Add(time.Duration((bs.burst - b.tokens) * float64(bs.every)))
}

// take takes a token from key's bucket, or says how long until one is back.
func (bs *buckets) take(key string, now time.Time) (bool, time.Duration) {
	bs.mu.Lock()
	defer bs.mu.Unlock()
	// Buckets full again hold nothing a new one would not.
	for len(bs.heap) > 0 && !bs.heap[0].full.After(now) {
		delete(bs.m, heap.Pop(&bs.heap).(*bucket).key)
	}
	b := bs.m[key]
	if b == nil {
		if len(bs.m) >= bs.max {
			delete(bs.m, heap.Pop(&bs.heap).(*bucket).key)
		}
		b = &bucket{key: key, tokens: bs.burst, at: now}
		bs.m[key] = b
		heap.Push(&bs.heap, b)
	}
	bs.refill(b, now)
	if b.tokens < 1 {
		return false, time.Duration((1 - b.tokens) * float64(bs.every))
	}
	b.tokens--
	bs.setFull(b)
	heap.Fix(&bs.heap, b.i)
	return true, 0
}

// give puts back a token taken from key's bucket.
func (bs *buckets) give(key string, now time.Time) {
	bs.mu.Lock()
	defer bs.mu.Unlock()
	b := bs.m[key]
	if b == nil {
		return
	}
	bs.refill(b, now)
	b.tokens = min(bs.burst, b.tokens+1)
	if b.tokens >= bs.burst {
		heap.Remove(&bs.heap, b.i)
		delete(bs.m, key)
		return
	}
	bs.setFull(b)
	heap.Fix(&bs.heap, b.i)
}

// len is the number of buckets held, for tests.
func (bs *buckets) len() int {
	bs.mu.Lock()
	defer bs.mu.Unlock()
	return len(bs.m)
}

type bucketHeap []*bucket

func (h bucketHeap) Len() int           { return len(h) }
func (h bucketHeap) Less(i, j int) bool { return h[i].full.Before(h[j].full) }
func (h bucketHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i]; h[i].i = i; h[j].i = j }
func (h *bucketHeap) Push(x any)        { b := x.(*bucket); b.i = len(*h); *h = append(*h, b) }
func (h *bucketHeap) Pop() any {
	old := *h
	b := old[len(old)-1]
	*h = old[:len(old)-1]
	return b
}
