package store

import (
	"slices"
	"sync"
	"time"
)

// shopCache keeps recent results of reads of the shop's data (articles,
// the catalog), which shoppers ask for all day and which change rarely.
// An import or reset in this process clears it (shopChanged); a change
// made otherwise (a `kefu import` by another process, a sale) shows
// within ttl. Callers get copies of the slices it holds.
type shopCache[K comparable, E any] struct {
	ttl time.Duration
	max int

	mu  sync.Mutex
	gen uint64
	m   map[K]cacheEntry[E]
}

type cacheEntry[E any] struct {
	v   []E
	gen uint64
	at  time.Time
}

func newShopCache[K comparable, E any](ttl time.Duration, max int) *shopCache[K, E] {
	return &shopCache[K, E]{ttl: ttl, max: max}
}

// load returns the cached result for k if it is fresh, and otherwise
// reads it with read and keeps it, unless the data changed during the
// read.
func (c *shopCache[K, E]) load(k K, read func() ([]E, error)) ([]E, error) {
	v, gen, ok := c.get(k)
	if ok {
		return v, nil
	}
	v, err := read()
	if err != nil {
		return nil, err
	}
	c.put(k, gen, v)
	return v, nil
}

// get returns the cached result for k, if fresh, and the generation a
// caller that reads it anew must hand to put.
func (c *shopCache[K, E]) get(k K) ([]E, uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[k]
	if !ok || e.gen != c.gen || time.Since(e.at) > c.ttl {
		return nil, c.gen, false
	}
	return slices.Clone(e.v), c.gen, true
}

// put stores v, read while the cache was at generation gen.
func (c *shopCache[K, E]) put(k K, gen uint64, v []E) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return // the data changed during the read
	}
	if c.m == nil || len(c.m) >= c.max {
		c.m = map[K]cacheEntry[E]{} // crude, but bounded and rare
	}
	c.m[k] = cacheEntry[E]{v: slices.Clone(v), gen: gen, at: time.Now()}
}

func (c *shopCache[K, E]) invalidate() {
	c.mu.Lock()
	c.gen++
	c.m = nil
	c.mu.Unlock()
}

// Knowledge-base search results, by query, locale and limit; and the
// catalog with its sales figures, for ranking by popularity (10 s old at
// most is soon enough for that).
type articleKey struct {
	query, locale string
	limit         int
}

func newArticleCache() *shopCache[articleKey, ArticleHit] {
	return newShopCache[articleKey, ArticleHit](30*time.Second, 4096)
}

func newProductCache() *shopCache[struct{}, ProductStats] {
	return newShopCache[struct{}, ProductStats](10*time.Second, 1)
}

// shopChanged clears the caches after an import or reset.
func (s *Store) shopChanged() {
	s.kb.invalidate()
	s.products.invalidate()
}
