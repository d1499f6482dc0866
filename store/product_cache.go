package store

import (
	"slices"
	"sync"
	"time"
)

// productCache keeps the catalog with its sales and review figures:
// recommendations read all of it on every call, and it changes with an
// import. An import or reset in this process clears it; anything else (a
// sale, a cancellation, a `kefu import` by another process) shows within
// productTTL, which is soon enough for ranking by popularity.
type productCache struct {
	mu       sync.Mutex
	gen      uint64
	products []ProductStats
	at       time.Time
	valid    bool
}

const productTTL = 10 * time.Second

func (c *productCache) get() ([]ProductStats, uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.valid || time.Since(c.at) > productTTL {
		return nil, c.gen, false
	}
	return slices.Clone(c.products), c.gen, true
}

// put stores products read while the cache was at generation gen.
func (c *productCache) put(gen uint64, ps []ProductStats) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return // the catalog changed during the read
	}
	c.products, c.at, c.valid = slices.Clone(ps), time.Now(), true
}

func (c *productCache) invalidate() {
	c.mu.Lock()
	c.gen++
	c.products, c.valid = nil, false
	c.mu.Unlock()
}
