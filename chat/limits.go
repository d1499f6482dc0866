package chat

import (
	"net"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// ipLimiter limits messages per client IP across its sockets.
type ipLimiter struct {
	mu    sync.Mutex
	r     rate.Limit
	b     int
	m     map[string]*ipEntry
	sweep time.Time
}

type ipEntry struct {
	l    *rate.Limiter
	seen time.Time
}

func newIPLimiter(r rate.Limit, b int) *ipLimiter {
	return &ipLimiter{r: r, b: b, m: map[string]*ipEntry{}, sweep: time.Now()}
}

// allow takes the time from the caller, the engine's clock.
func (l *ipLimiter) allow(ip string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.sweep) > time.Minute { // forget quiet clients
		for k, v := range l.m {
			if now.Sub(v.seen) > 5*time.Minute {
				delete(l.m, k)
			}
		}
		l.sweep = now
	}
	ent := l.m[ip]
	if ent == nil {
		ent = &ipEntry{l: rate.NewLimiter(l.r, l.b)}
		l.m[ip] = ent
	}
	ent.seen = now
	return ent.l.AllowN(now, 1)
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
