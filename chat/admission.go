package chat

import (
	"encoding/json"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"
)

// socketGate admits shopper sockets before the upgrade: at most perAddr
// open from one client address (an IPv6 /64 counts as one), and at most
// total in all. total is what the process's descriptor limit leaves after
// a reserve (descriptorBudget), so that one address, or many, cannot take
// every descriptor: the health checks, the console, staff sockets and the
// database always find one.
type socketGate struct {
	perAddr int
	total   int

	mu     sync.Mutex
	open   int
	byAddr map[string]int
}

func newSocketGate(perAddr, total int) *socketGate {
	return &socketGate{perAddr: perAddr, total: total, byAddr: map[string]int{}}
}

// admission is why a socket was refused; the zero value admits it.
type admission struct {
	status     int    // 429 or 503
	reason     string // for the refused client and the metric's label
	retryAfter int    // seconds
}

// admit reserves a place for a socket from addr (an addressKey) or says
// why not. A socket admitted must be let go with leave.
func (g *socketGate) admit(addr string) admission {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.open >= g.total {
		return admission{http.StatusServiceUnavailable, "the chat is full right now; try again shortly", 5}
	}
	if g.byAddr[addr] >= g.perAddr {
		return admission{http.StatusTooManyRequests, "too many chat connections are open from your address; close some tabs", 10}
	}
	g.open++
	g.byAddr[addr]++
	return admission{}
}

func (g *socketGate) leave(addr string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.open--
	if g.byAddr[addr]--; g.byAddr[addr] <= 0 {
		delete(g.byAddr, addr)
	}
}

// counts are the sockets open in all and from addr, for tests.
func (g *socketGate) counts(addr string) (open, fromAddr int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.open, g.byAddr[addr]
}

// refuse answers a socket the gate refused, before any upgrade, with the
// status, a Retry-After and the JSON error body web's handler writes
// ({status, message}). The connection is closed after the answer: a kept
// alive connection would hold the descriptor the refusal saves.
func (a admission) refuse(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Retry-After", strconv.Itoa(a.retryAfter))
	h.Set("Connection", "close")
	w.WriteHeader(a.status)
	json.NewEncoder(w).Encode(map[string]any{"status": a.status, "message": a.reason})
}

// addressKey is what limits count per client address: an IPv4 address,
// or an IPv6 address's /64, which one household or one attacker holds
// whole (handing out a /64 per customer is the rule).
func addressKey(ip string) string {
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

// descriptorBudget is how many shopper sockets the process may hold: its
// descriptor limit (soft RLIMIT_NOFILE, which Go raises to the hard limit
// at start) less reserve. A zero reserve means a quarter of the limit, at
// most 1000: enough for the database's files, the listener, health checks,
// the console's requests and staff sockets. With no limit known (not a
// Unix), shopper sockets are bounded per address only.
func descriptorBudget(reserve int) (budget, limit int) {
	limit = descriptorLimit()
	if limit <= 0 {
		return int(^uint(0) >> 1), 0
	}
	if reserve <= 0 {
		reserve = min(limit/4, 1000)
	}
	return max(limit-reserve, 1), limit
}

// admissions are the limits a shopper meets before a conversation: the
// sockets open, and the hellos per address and per resume token (each
// hello without a token starts a conversation, and each with one reads
// its history).
type admissions struct {
	sockets *socketGate
	limit   int           // the descriptor limit the sockets' total came from; 0: not from it
	hellos  *keyedBuckets // by client address
	tokens  *keyedBuckets // by resume token
}

// helloKeys bounds each table of hello buckets (about 100 bytes a key).
const helloKeys = 50000

func newAdmissions(cfg Config) admissions {
	total, limit := cfg.MaxSockets, 0
	if total <= 0 {
		total, limit = descriptorBudget(cfg.DescriptorReserve)
	}
	return admissions{sockets: newSocketGate(cfg.SocketsPerAddress, total), limit: limit,
		hellos: newKeyedBuckets(cfg.HelloRate, cfg.HelloBurst, helloKeys),
		tokens: newKeyedBuckets(cfg.TokenHelloRate, cfg.TokenHelloBurst, helloKeys)}
}

// hello reports whether a hello from addr with token (may be empty) is
// let through.
func (a admissions) hello(addr, token string, now time.Time) bool {
	if !a.hellos.allow(addr, now) {
		return false
	}
	return token == "" || a.tokens.allow(clip(token, 64), now)
}
