package chat

import (
	"fmt"
	"testing"
	"time"
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
