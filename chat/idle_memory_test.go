package chat

import (
	"runtime"
	"runtime/metrics"
	"testing"
	"time"
)

// An idle shopper socket keeps a small stack: the read pump only reads
// frames, and the hello (the database, the welcome) and every frame are
// handled on a goroutine that ends. The pump kept the 8 KiB that the
// hello grew it to, for as long as the socket stayed open.
func TestIdleSocketKeepsASmallStack(t *testing.T) {
	ts := newTestServer(t, func(c *Config) { c.SocketsPerAddress, c.HelloRate, c.HelloBurst = 1e6, 1e6, 1e6 })
	const n = 300
	stacks := func() uint64 {
		runtime.GC() // frees the stacks of goroutines that ended
		s := []metrics.Sample{{Name: "/memory/classes/heap/stacks:bytes"}}
		metrics.Read(s)
		return s[0].Value.Uint64()
	}
	// One socket first, so that what every engine starts once is counted
	// before.
	first := ts.dial(nil)
	first.hello(map[string]any{"identity": identity("cus_1001", time.Now().Add(time.Hour))})
	before := stacks()
	for range n {
		c := ts.dial(nil) // the client only reads when asked: no goroutine of its own
		c.hello(map[string]any{"identity": identity("cus_1001", time.Now().Add(time.Hour))})
	}
	per := float64(stacks()-before) / n
	t.Logf("%.0f bytes of stack per idle socket", per)
	if per > 6<<10 {
		t.Fatalf("an idle socket holds %.0f bytes of stack, more than 6 KiB", per)
	}
}
