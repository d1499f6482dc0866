package chat

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// BenchmarkTurn measures a full shopper turn over a real socket: the
// message is committed and acknowledged, the built-in model calls a tool
// against the store, and the streamed answer and the final message arrive.
func BenchmarkTurn(b *testing.B) {
	for _, bc := range []struct{ name, text string }{
		{"greeting", "hello"},
		{"order_lookup", "where is my order KF-10045?"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			ts := newTestServer(b, func(c *Config) { c.MessageRate, c.MessageBurst, c.IPRate, c.IPBurst = 1e9, 1e9, 1e9, 1e9 })
			c := ts.dial(nil)
			c.hello(map[string]any{"identity": identity("cus_1001", time.Now().Add(time.Hour))})
			b.ResetTimer()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				c.send(map[string]any{"type": "message", "client_id": fmt.Sprint("b", i), "text": bc.text})
				c.until(answer)
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "turns/s")
		})
	}
}

// BenchmarkEchoBaseline is the floor for BenchmarkTurn, measured the same
// way: a bare gorilla/websocket echo server and the same client, one JSON
// frame out and one back. kefu's overhead is the ratio between the two.
func BenchmarkEchoBaseline(b *testing.B) {
	up := websocket.Upgrader{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		for {
			kind, msg, err := ws.ReadMessage()
			if err != nil {
				return
			}
			ws.WriteMessage(kind, msg)
		}
	}))
	defer srv.Close()
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer ws.Close()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if err := ws.WriteJSON(map[string]any{"type": "message", "client_id": fmt.Sprint("b", i), "text": "hello"}); err != nil {
			b.Fatal(err)
		}
		var f frame
		if err := ws.ReadJSON(&f); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "turns/s")
}

// BenchmarkFirstMessageAck compares, in the same run, the time from
// sending a new conversation's first message to its ack with the same for
// its second message: the first also stores the conversation's row. With
// the row in the message's own transaction the ratio first/next is near
// 1; with a commit of its own before it, it was near 2.
func BenchmarkFirstMessageAck(b *testing.B) {
	ts := newTestServer(b, func(c *Config) {
		c.MessageRate, c.MessageBurst, c.IPRate, c.IPBurst = 1e9, 1e9, 1e9, 1e9
		c.SocketsPerAddress, c.HelloRate, c.HelloBurst = 1e6, 1e6, 1e6
	})
	ackAfter := func(c *client, cid string) time.Duration {
		start := time.Now()
		c.send(map[string]any{"type": "message", "client_id": cid, "text": "how long does shipping to Canada take?"})
		c.until(func(f frame) bool { return f.Type == "ack" && f.ClientID == cid })
		took := time.Since(start)
		c.until(answer)
		return took
	}
	var first, next time.Duration
	for i := 0; i < b.N; i++ {
		c := ts.dial(nil)
		c.hello(map[string]any{"identity": identity("cus_1001", time.Now().Add(time.Hour))})
		first += ackAfter(c, "m1")
		next += ackAfter(c, "m2")
		c.ws.Close()
	}
	b.ReportMetric(float64(first.Microseconds())/float64(b.N), "first-ack-µs")
	b.ReportMetric(float64(next.Microseconds())/float64(b.N), "next-ack-µs")
	b.ReportMetric(float64(first)/float64(next), "first/next")
}

// BenchmarkDecodeFrame is reading a shopper's message frame, as every
// turn starts.
func BenchmarkDecodeFrame(b *testing.B) {
	frame := []byte(`{"type":"message","client_id":"shopper-17-m42","text":"how long does shipping to Canada take?"}`)
	for b.Loop() {
		if _, err := decodeFrame(frame); err != nil {
			b.Fatal(err)
		}
	}
}
