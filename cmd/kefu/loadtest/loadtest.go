// Package loadtest drives a kefu gateway with simulated shoppers over real
// WebSockets and measures it: turns per second, ack and reply latency,
// errors, and the server's memory. It speaks only the public protocol
// (docs/protocol.md), so it measures any kefu, local or remote, and a bare
// echo server (Echo) the same way, for a baseline.
package loadtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// Options configure a run.
type Options struct {
	URL         string                                        // the shopper socket, ws://host:port/ws
	URLs        []string                                      // several nodes' sockets: shopper i on URLs[i%len], instead of URL
	Origin      string                                        // the Origin header; default: the URL's host over http
	MetricsURL  string                                        // the server's /metrics, for its memory; empty: not measured
	Sign        func(customerID string, expires int64) string // signs identities; nil: guests only
	Customers   []string                                      // customer ids to sign in as, round robin
	Shoppers    int                                           // concurrent shoppers (turns and flood modes), or open sockets (idle mode)
	Duration    time.Duration                                 // how long turns are measured, after Warmup
	Warmup      time.Duration                                 // turns before measuring, not counted
	TurnTimeout time.Duration                                 // a turn with no reply by then is an error; default 10s
	Flood       bool                                          // one more shopper sends messages as fast as it can, unmeasured
	// Think is how long a shopper takes to write its next message once
	// an answer is in: a random time between half and one and a half of
	// it, and the first message within one of it, so that shoppers do not
	// write in step. Zero: at once (a closed loop, as fast as the server
	// answers).
	Think    time.Duration
	Progress io.Writer // a line per second while running; nil: quiet
	Label    string    // names the server in the progress lines
	// Settle, if not zero, is how long to wait after the shoppers left for
	// the server's goroutines to fall back to their number before the
	// run (Result.MemLeft); AfterRun, if set, is called first (e.g. to
	// close the model's idle keep-alive connections, which are pooled,
	// not left behind).
	Settle   time.Duration
	AfterRun func()
}

// Result is what a run measured.
type Result struct {
	Shoppers   int
	Turns      int           // complete turns while measuring: message acknowledged and answered
	Elapsed    time.Duration // the measuring time
	Ack, Reply Latency
	// FirstDelta is the time from sending a message to the first streamed
	// text of its answer, over the turns whose answer streamed.
	FirstDelta   Latency
	Errors       map[string]int // error frames by code, time-outs, dropped sockets
	FloodSent    int            // flood mode: messages the flooding shopper sent
	FloodAcked   int
	FloodLimited int    // ...and how many were refused with rate_limited
	FloodCuts    int    // ...and how many times the server cut it off
	FloodEnd     string // the last close reason
	MemBefore    Usage  // the server's memory before the shoppers connected
	MemAfter     Usage  // ...and at the end, with them connected
	MemLeft      Usage  // ...and once they left (Options.Settle): a goroutine count above MemBefore's is left behind
	// CPU time used while measuring: by the server, read from its /metrics
	// (zero if not known), and by this process (the shoppers, and a
	// baseline server run in it; zero where not known).
	ServerCPU, LocalCPU time.Duration
}

// CPUPerTurn is the CPU time the machine spent on a turn: the server's
// and the shoppers' together, as measured (see ServerCPU and LocalCPU).
func (r *Result) CPUPerTurn() time.Duration { return r.perTurn(r.ServerCPU + r.LocalCPU) }

// ServerCPUPerTurn is the server's part of CPUPerTurn, if known.
func (r *Result) ServerCPUPerTurn() time.Duration { return r.perTurn(r.ServerCPU) }

// LocalCPUPerTurn is this process's part of CPUPerTurn.
func (r *Result) LocalCPUPerTurn() time.Duration { return r.perTurn(r.LocalCPU) }

func (r *Result) perTurn(d time.Duration) time.Duration {
	if r.Turns == 0 {
		return 0
	}
	return d / time.Duration(r.Turns)
}

// CoresBusy is how many cores the server and the shoppers kept busy
// while measuring, on average.
func (r *Result) CoresBusy() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.ServerCPU+r.LocalCPU) / float64(r.Elapsed)
}

// TurnsPerSecond is the measured throughput.
func (r *Result) TurnsPerSecond() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Turns) / r.Elapsed.Seconds()
}

// Latency is a latency distribution.
type Latency struct{ P50, P95, P99, Max time.Duration }

func latency(d []time.Duration) Latency {
	if len(d) == 0 {
		return Latency{}
	}
	slices.Sort(d)
	at := func(q float64) time.Duration { return d[min(len(d)-1, int(q*float64(len(d))))] }
	return Latency{P50: at(0.50), P95: at(0.95), P99: at(0.99), Max: d[len(d)-1]}
}

func (l Latency) String() string {
	return fmt.Sprintf("p50 %s  p95 %s  p99 %s  max %s", ms(l.P50), ms(l.P95), ms(l.P99), ms(l.Max))
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d.Microseconds())/1000) }

// scripts are the shoppers' conversations, one each: the knowledge base,
// order lookups and a return that the shopper declines (nothing changes in
// the shop), in English and Chinese. None asks for a person, since a
// handed-off conversation waits for staff and the bot stays silent.
var scripts = [][]string{
	{"hi", "where is my order?", "how long does shipping to Canada take?", "I want to return something", "no thanks", "what is your returns policy?", "can I pay with PayPal?", "thanks!"},
	{"你好", "我的订单到哪了？", "退货运费谁出？", "我想退货", "算了，不退了", "可以寄到加拿大吗？", "谢谢"},
	{"hello", "do you ship to Germany?", "track my order please", "recommend a tent for two people", "how do I care for a down jacket?", "thank you"},
	{"在吗", "推荐一款适合徒步的背包", "我的包裹什么时候到？", "礼品卡可以退吗？", "好的谢谢"},
}

// openAtOnce is how many shoppers may be opening their sockets (dial,
// hello, welcome) at the same time at the start of a run.
const openAtOnce = 64

// Run runs shoppers against the server until the warm-up and the measuring
// time are over, and reports what it measured.
func Run(ctx context.Context, o Options) (*Result, error) {
	if o.Shoppers <= 0 {
		return nil, errors.New("loadtest: at least one shopper")
	}
	if o.TurnTimeout <= 0 {
		o.TurnTimeout = 10 * time.Second
	}
	res := &Result{Shoppers: o.Shoppers, Errors: map[string]int{}}
	res.MemBefore, _ = ReadUsage(ctx, o.MetricsURL)

	var (
		measuring atomic.Bool
		turns     atomic.Int64
		mu        sync.Mutex
		acks      []time.Duration
		replies   []time.Duration
		firsts    []time.Duration
	)
	rec := &recorder{errs: res.Errors}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	dialed := make(chan error, o.Shoppers)
	// Shoppers open their sockets a bounded number at a time, as fast as
	// the server takes them: ten thousand hellos at once would time out in
	// the listen queue of any server, and measure only that.
	opening := make(chan struct{}, openAtOnce)
	for i := range o.Shoppers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			opening <- struct{}{}
			s, err := dialShopper(ctx, o, i)
			<-opening
			dialed <- err
			if err != nil {
				return
			}
			defer func() {
				if s != nil {
					s.ws.Close()
				}
			}()
			// A shopper goes through its script once and leaves; a new
			// shopper, in a new conversation on a new socket, takes its
			// place, as in a shop where conversations are a few turns
			// long.
			script := scripts[i%len(scripts)]
			if o.Think > 0 && !sleep(ctx, firstThinkTime(o.Think)) {
				return
			}
			for n := 0; ctx.Err() == nil; n++ {
				if n > 0 && n%len(script) == 0 {
					s.ws.Close()
					if s = redial(ctx, o, i, rec); s == nil {
						return
					}
				}
				ack, first, reply, err := s.turn(ctx, script[n%len(script)], o.TurnTimeout)
				if err != nil {
					if ctx.Err() != nil {
						return
					}
					rec.add(err)
					s.ws.Close()
					// Go on in a fresh conversation, from the start.
					if s = redial(ctx, o, i, rec); s == nil {
						return
					}
					n = -1
					continue
				}
				if measuring.Load() {
					turns.Add(1)
					mu.Lock()
					acks, replies = append(acks, ack), append(replies, reply)
					if first > 0 {
						firsts = append(firsts, first)
					}
					mu.Unlock()
				}
				if o.Think > 0 && !sleep(ctx, thinkTime(o.Think)) {
					return
				}
			}
		}()
	}
	for range o.Shoppers {
		if err := <-dialed; err != nil {
			cancel()
			wg.Wait()
			return nil, fmt.Errorf("loadtest: %w", err)
		}
	}
	var flood *flooder
	if o.Flood {
		flood = &flooder{o: o, n: o.Shoppers}
		wg.Add(1)
		go func() { defer wg.Done(); flood.run(ctx) }()
	}

	line := newProgress(o.Progress)
	progress := func(phase string, start time.Time) {
		line.show(true, "%-6s %-9s %5.1fs  %8d turns  %s", o.Label, phase, time.Since(start).Seconds(), turns.Load(), rec.summary())
	}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	wait := func(phase string, d time.Duration) {
		start := time.Now()
		end := time.After(d)
		for {
			select {
			case <-end:
				progress(phase, start)
				return
			case <-ctx.Done():
				return
			case <-tick.C:
				progress(phase, start)
			}
		}
	}
	wait("warm-up", o.Warmup)
	server0, _ := ReadUsage(ctx, o.MetricsURL)
	local0 := processCPU()
	measuring.Store(true)
	start := time.Now()
	wait("measuring", o.Duration)
	measuring.Store(false)
	res.Elapsed = time.Since(start)
	res.Turns = int(turns.Load())
	res.LocalCPU = processCPU() - local0
	res.MemAfter, _ = ReadUsage(ctx, o.MetricsURL)
	if server0.CPU > 0 && res.MemAfter.CPU > server0.CPU {
		res.ServerCPU = res.MemAfter.CPU - server0.CPU
	}
	line.end()
	cancel()
	wg.Wait()
	if o.Settle > 0 {
		res.MemLeft = settle(o, res.MemBefore.Goroutines)
	}
	mu.Lock()
	res.Ack, res.Reply, res.FirstDelta = latency(acks), latency(replies), latency(firsts)
	mu.Unlock()
	if flood != nil {
		res.FloodSent, res.FloodAcked, res.FloodLimited = int(flood.sent.Load()), int(flood.acked.Load()), int(flood.limited.Load())
		res.FloodCuts = int(flood.cuts.Load())
		if end, ok := flood.end.Load().(string); ok {
			res.FloodEnd = end
		}
	}
	return res, nil
}

// settle waits up to o.Settle for the server's goroutines to fall back to
// their number before the run, and returns its usage then.
func settle(o Options, goroutines int64) Usage {
	if o.AfterRun != nil {
		o.AfterRun()
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.Settle)
	defer cancel()
	var u Usage
	for {
		if got, err := ReadUsage(ctx, o.MetricsURL); err == nil {
			u = got
		}
		if u.Goroutines > 0 && u.Goroutines <= goroutines || !sleep(ctx, 100*time.Millisecond) {
			return u
		}
		if o.AfterRun != nil {
			o.AfterRun()
		}
	}
}

// Idle opens n shopper sockets, each with a conversation, holds them, and
// reports the server's memory before and with them open.
func Idle(ctx context.Context, o Options, n int) (before, after Usage, err error) {
	before, err = ReadUsage(ctx, o.MetricsURL)
	if err != nil {
		return before, after, err
	}
	socks := make([]*shopper, 0, n)
	defer func() {
		for _, s := range socks {
			s.ws.Close()
		}
	}()
	start := time.Now()
	line := newProgress(o.Progress)
	// A few dials at a time: a burst of thousands of handshakes at once
	// measures the listen backlog, not kefu.
	sem := make(chan struct{}, 64)
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	for i := range n {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			s, err := dialShopper(ctx, o, i)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if firstErr == nil {
					firstErr = err
				}
				return
			}
			socks = append(socks, s)
			if len(socks)%500 == 0 {
				line.show(len(socks) == n, "open %6d of %d sockets  %5.1fs", len(socks), n, time.Since(start).Seconds())
			}
		}()
		if firstErr != nil {
			break
		}
	}
	wg.Wait()
	line.end()
	if firstErr != nil {
		return before, after, fmt.Errorf("loadtest: socket %d of %d: %w", len(socks)+1, n, firstErr)
	}
	// Let the server settle (its garbage collector, the socket buffers)
	// before reading its memory.
	time.Sleep(2 * time.Second)
	after, err = ReadUsage(ctx, o.MetricsURL)
	return before, after, err
}

// recorder counts errors by kind.
type recorder struct {
	mu   sync.Mutex
	errs map[string]int
}

func (r *recorder) add(err error) {
	kind := "other"
	var fe *frameError
	var ce *websocket.CloseError
	switch {
	case errors.As(err, &fe):
		kind = fe.code
	case errors.As(err, &ce):
		kind = fmt.Sprintf("closed %d", ce.Code) // kefu's codes: docs/protocol.md
	case errors.Is(err, errTimeout):
		kind = "timeout"
	case websocket.IsUnexpectedCloseError(err) || strings.Contains(err.Error(), "close"):
		kind = "closed"
	}
	r.mu.Lock()
	r.errs[kind]++
	r.mu.Unlock()
}

func (r *recorder) summary() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.errs) == 0 {
		return "no errors"
	}
	var parts []string
	for k, v := range r.errs {
		parts = append(parts, fmt.Sprintf("%s %d", k, v))
	}
	sort.Strings(parts)
	return "errors: " + strings.Join(parts, ", ")
}

var errTimeout = errors.New("no reply in time")

type frameError struct{ code, message string }

func (e *frameError) Error() string { return e.code + ": " + e.message }

// frame is the part of a server frame the shoppers look at.
type frame struct {
	Type     string `json:"type"`
	ClientID string `json:"client_id"`
	Seq      int64  `json:"seq"`
	Role     string `json:"role"`
	Code     string `json:"code"`
	Message  string `json:"message"`
	State    string `json:"state"`
}

// shopper is one simulated shopper's socket.
type shopper struct {
	ws   *websocket.Conn
	id   string
	next int
}

// redial opens a new conversation for shopper i, retrying until it
// succeeds or ctx ends (nil).
func redial(ctx context.Context, o Options, i int, rec *recorder) *shopper {
	for try := 0; ; try++ {
		s, err := dialShopper(ctx, o.rotated(try), i)
		if err == nil {
			return s
		}
		if ctx.Err() != nil {
			return nil
		}
		rec.add(err)
		time.Sleep(100 * time.Millisecond)
	}
}

func dialShopper(ctx context.Context, o Options, i int) (*shopper, error) {
	if len(o.URLs) > 0 {
		o.URL = o.URLs[i%len(o.URLs)]
	}
	origin := o.Origin
	if origin == "" {
		origin = "http://" + strings.TrimPrefix(strings.TrimPrefix(o.URL, "ws://"), "wss://")
		origin = origin[:strings.IndexByte(origin[len("http://"):]+"/", '/')+len("http://")]
	}
	d := websocket.Dialer{HandshakeTimeout: 10 * time.Second, ReadBufferSize: 2048, WriteBufferSize: 1024}
	dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	ws, _, err := d.DialContext(dctx, o.URL, http.Header{"Origin": {origin}})
	if err != nil {
		return nil, err
	}
	hello := map[string]any{"type": "hello", "locale": []string{"en", "zh"}[i%2]}
	if o.Sign != nil && len(o.Customers) > 0 {
		cid := o.Customers[i%len(o.Customers)]
		exp := time.Now().Add(24 * time.Hour).Unix()
		hello["identity"] = map[string]any{"customer_id": cid, "expires": exp, "signature": o.Sign(cid, exp)}
	}
	s := &shopper{ws: ws, id: fmt.Sprintf("lt%d-%d", i, rand.Uint32())}
	ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	if err := ws.WriteJSON(hello); err != nil {
		ws.Close()
		return nil, err
	}
	for {
		f, err := s.read()
		if err != nil {
			ws.Close()
			return nil, err
		}
		if f.Type == "welcome" {
			return s, nil
		}
	}
}

func (s *shopper) read() (*frame, error) {
	_, b, err := s.ws.ReadMessage()
	if err != nil {
		return nil, err
	}
	var f frame
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("a frame that is not JSON: %w", err)
	}
	return &f, nil
}

// turn sends one message and waits for its ack and the answer to it,
// returning their latencies and that of the answer's first streamed text
// (zero if it did not stream).
func (s *shopper) turn(ctx context.Context, text string, timeout time.Duration) (ack, first, reply time.Duration, err error) {
	s.next++
	cid := fmt.Sprintf("%s-%d", s.id, s.next)
	start := time.Now()
	s.ws.SetWriteDeadline(start.Add(timeout))
	if err := s.ws.WriteJSON(map[string]any{"type": "message", "client_id": cid, "text": text}); err != nil {
		return 0, 0, 0, err
	}
	s.ws.SetReadDeadline(start.Add(timeout))
	var ackSeq int64
	for {
		f, err := s.read()
		if err != nil {
			var ne interface{ Timeout() bool }
			if errors.As(err, &ne) && ne.Timeout() {
				return 0, 0, 0, errTimeout
			}
			return 0, 0, 0, err
		}
		switch {
		case f.Type == "delta" && first == 0:
			first = time.Since(start)
		case f.Type == "ack" && f.ClientID == cid:
			ack, ackSeq = time.Since(start), f.Seq
		case f.Type == "error" && (f.ClientID == cid || f.ClientID == ""):
			return 0, 0, 0, &frameError{code: f.Code, message: f.Message}
		case f.Type == "message" && ackSeq > 0 && f.Seq > ackSeq && f.Role != "user":
			return ack, first, time.Since(start), nil
		case f.Type == "state" && f.State != "bot":
			return 0, 0, 0, &frameError{code: "state_" + f.State, message: "the conversation left the bot"}
		}
	}
}

// flooder is a shopper that sends messages as fast as the socket takes
// them, without waiting for answers, and counts what comes back. When the
// server cuts it off, it connects again and goes on.
type flooder struct {
	o                    Options
	n                    int
	sent, acked, limited atomic.Int64
	cuts                 atomic.Int64 // times the server closed its socket
	end                  atomic.Value // the last close reason
}

func (f *flooder) run(ctx context.Context) {
	for ctx.Err() == nil {
		s, err := dialShopper(ctx, f.o, f.n)
		if err != nil {
			time.Sleep(50 * time.Millisecond)
			continue
		}
		f.flood(ctx, s)
	}
}

func (f *flooder) flood(ctx context.Context, s *shopper) {
	defer s.ws.Close()
	s.ws.SetReadDeadline(time.Time{})
	gone := make(chan struct{})
	go func() {
		defer close(gone)
		for {
			fr, err := s.read()
			if err != nil {
				if ctx.Err() == nil {
					f.cuts.Add(1)
					f.end.Store(err.Error())
				}
				return
			}
			switch {
			case fr.Type == "ack":
				f.acked.Add(1)
			case fr.Type == "error" && fr.Code == "rate_limited":
				f.limited.Add(1)
			}
		}
	}()
	for i := 0; ctx.Err() == nil; i++ {
		select {
		case <-gone:
			return
		default:
		}
		s.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
		if err := s.ws.WriteJSON(map[string]any{"type": "message", "client_id": fmt.Sprintf("%s-f%d", s.id, i), "text": "where is my order?"}); err != nil {
			s.ws.Close()
			<-gone
			return
		}
		f.sent.Add(1)
	}
}

// thinkTime is a shopper's time to write its next message: uniform in
// [think/2, 3·think/2). firstThinkTime is the wait before its first one,
// uniform in [0, think), so that the shoppers do not all start at once.
func thinkTime(think time.Duration) time.Duration { return think/2 + firstThinkTime(think) }

func firstThinkTime(think time.Duration) time.Duration {
	return time.Duration(rand.Int64N(int64(think)))
}
