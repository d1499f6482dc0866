// Package memo keeps the results of pure functions of their input, a
// bounded number of them: the agent re-reads a conversation's recent
// messages every turn and would otherwise decode the same JSON again and
// again.
package memo

import "sync"

// Cache maps inputs to results. When full it starts over, which is crude
// but bounded, cheap, and rare for a working set that fits.
type Cache[K comparable, V any] struct {
	mu  sync.Mutex
	max int
	m   map[K]V
}

// New returns a cache of at most max entries.
func New[K comparable, V any](max int) *Cache[K, V] {
	return &Cache[K, V]{max: max}
}

// Get returns the result for k, computing it with f the first time. f runs
// without the lock held, so two callers may compute the same result once
// each; both get an equal one.
func (c *Cache[K, V]) Get(k K, f func(K) V) V {
	c.mu.Lock()
	v, ok := c.m[k]
	c.mu.Unlock()
	if ok {
		return v
	}
	v = f(k)
	c.mu.Lock()
	if c.m == nil || len(c.m) >= c.max {
		c.m = make(map[K]V)
	}
	c.m[k] = v
	c.mu.Unlock()
	return v
}

// Put stores the result for k, known already (the caller encoded k from
// it), so that the first Get finds it.
func (c *Cache[K, V]) Put(k K, v V) {
	c.mu.Lock()
	if c.m == nil || len(c.m) >= c.max {
		c.m = make(map[K]V)
	}
	c.m[k] = v
	c.mu.Unlock()
}
