package store

import (
	"slices"
	"sync"
	"time"
)

// articleCache keeps recent knowledge-base search results: shoppers ask
// the same few questions all day, and the articles change rarely. An
// import or reset in this process clears it; a change made by another
// process (a `kefu import` while the server runs) shows within articleTTL.
type articleCache struct {
	mu  sync.Mutex
	gen uint64
	m   map[articleKey]articleEntry
}

const (
	articleTTL       = 30 * time.Second
	articleCacheSize = 4096
)

type articleKey struct {
	query, locale string
	limit         int
}

type articleEntry struct {
	hits []ArticleHit
	gen  uint64
	at   time.Time
}

func (c *articleCache) get(k articleKey) ([]ArticleHit, uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[k]
	if !ok || e.gen != c.gen || time.Since(e.at) > articleTTL {
		return nil, c.gen, false
	}
	return slices.Clone(e.hits), c.gen, true
}

// put stores hits found while the cache was at generation gen.
func (c *articleCache) put(k articleKey, gen uint64, hits []ArticleHit) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return // the articles changed during the search
	}
	if c.m == nil || len(c.m) >= articleCacheSize {
		c.m = map[articleKey]articleEntry{} // crude, but bounded and rare
	}
	c.m[k] = articleEntry{hits: slices.Clone(hits), gen: gen, at: time.Now()}
}

func (c *articleCache) invalidate() {
	c.mu.Lock()
	c.gen++
	c.m = nil
	c.mu.Unlock()
}
