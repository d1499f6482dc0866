package loadtest

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/websocket"
)

// Usage is what a server's /metrics reports of its process: its memory
// and the CPU time it has used.
type Usage struct {
	RSS        int64 // resident set size: what the machine gives the process
	HeapInuse  int64
	StackInuse int64
	Goroutines int64
	CPU        time.Duration // user and system time since the process started
	Fallbacks  int64         // turns kefu's built-in model answered after the configured one failed (kefu_model_fallbacks_total)
	SlowCuts   int64         // sockets kefu closed because they did not take its frames in time (kefu_slow_client_disconnects_total)
}

// ReadUsage scrapes a Prometheus /metrics page for the process's memory
// and CPU time. An empty URL reads nothing.
func ReadUsage(ctx context.Context, metricsURL string) (Usage, error) {
	var m Usage
	if metricsURL == "" {
		return m, nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, metricsURL, nil)
	if err != nil {
		return m, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return m, fmt.Errorf("loadtest: reading the server's metrics: %w", err)
	}
	defer resp.Body.Close()
	fields := map[string]*int64{
		"process_resident_memory_bytes":      &m.RSS,
		"go_memstats_heap_inuse_bytes":       &m.HeapInuse,
		"go_memstats_stack_inuse_bytes":      &m.StackInuse,
		"go_goroutines":                      &m.Goroutines,
		"kefu_model_fallbacks_total":         &m.Fallbacks,
		"kefu_slow_client_disconnects_total": &m.SlowCuts,
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		f, _ := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if p := fields[name]; p != nil {
			*p = int64(f)
		} else if name == "process_cpu_seconds_total" {
			m.CPU = time.Duration(f * float64(time.Second))
		}
	}
	return m, sc.Err()
}

// Echo serves the baseline: a bare gorilla/websocket server that answers a
// hello with a welcome and every message with an ack and a reply, so the
// same shoppers measure the floor under kefu's numbers. It returns the
// socket's URL and a function that stops it.
func Echo() (url string, stop func(), err error) {
	return Serve(EchoHandler())
}

// Serve serves a baseline's socket handler on a local port of its own and
// returns the socket's URL and a function that stops it.
func Serve(h http.Handler) (url string, stop func(), err error) {
	return ServeOn("127.0.0.1:0", h)
}

// ServeOn is Serve on addr (HOST:PORT; port 0: a free one).
func ServeOn(addr string, h http.Handler) (url string, stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: h}
	go srv.Serve(ln)
	return "ws://" + ln.Addr().String() + "/ws", func() { srv.Close() }, nil
}

// EchoHandler is the echo baseline's socket handler.
func EchoHandler() http.Handler {
	return FrameHandler(func(ctx context.Context) func(ws *websocket.Conn, in Frame) {
		var seq int64
		return func(ws *websocket.Conn, in Frame) {
			switch in.Type {
			case "hello":
				ws.WriteJSON(map[string]any{"type": "welcome", "conversation_id": "echo", "resume_token": "echo", "state": "bot"})
			case "message":
				seq += 2
				ws.WriteJSON(map[string]any{"type": "ack", "client_id": in.ClientID, "seq": seq - 1})
				ws.WriteJSON(map[string]any{"type": "message", "seq": seq, "role": "assistant", "text": in.Text})
			}
		}
	})
}

// Frame is what a baseline server reads of a shopper's frame.
type Frame struct {
	Type     string `json:"type"`
	ClientID string `json:"client_id"`
	Text     string `json:"text"`
}

// FrameHandler is a baseline server's socket handler: it upgrades each
// request, makes the socket's frame handler with newSocket (given the
// request's context) and calls it with every frame that decodes, until the
// socket closes.
func FrameHandler(newSocket func(ctx context.Context) func(ws *websocket.Conn, in Frame)) http.Handler {
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		handle := newSocket(r.Context())
		for {
			_, b, err := ws.ReadMessage()
			if err != nil {
				return
			}
			var in Frame
			if json.Unmarshal(b, &in) == nil {
				handle(ws, in)
			}
		}
	})
}
