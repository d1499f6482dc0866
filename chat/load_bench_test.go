package chat

import (
	"syscall"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/cmd/kefu/loadtest"
)

// BenchmarkConcurrentShoppers runs the load test's shoppers against an
// engine in this process, for profiling (-cpuprofile); the figures to
// report come from `kefu loadtest`, which keeps the server in its own
// process.
func BenchmarkConcurrentShoppers(b *testing.B) {
	ts := newTestServer(b, func(c *Config) {
		c.MessageRate, c.MessageBurst, c.IPRate, c.IPBurst = 1e9, 1e9, 1e9, 1e9
		// Every shopper dials from 127.0.0.1: the per-address caps are lifted.
		c.SocketsPerAddress, c.HelloRate, c.HelloBurst = 1e6, 1e6, 1e6
	})
	for i := 0; i < b.N; i++ {
		cpu := cpuTime()
		res, err := loadtest.Run(b.Context(), loadtest.Options{URL: ts.url, Shoppers: 200, Duration: 5 * time.Second,
			Sign: func(id string, exp int64) string { return Sign([]byte(testSecret), id, exp) }, Customers: []string{"cus_1001", "cus_1002", "cus_1003", "cus_1011"}})
		if err != nil {
			b.Fatal(err)
		}
		// CPU per turn, shoppers included, holds up better than turns/s
		// on a busy machine.
		b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/float64(res.Turns), "cpu-µs/turn")
		b.ReportMetric(res.TurnsPerSecond(), "turns/s")
		b.ReportMetric(float64(res.Reply.P99.Microseconds())/1000, "ms-p99")
		// The bare echo server with the same shoppers, in the same run:
		// the ratio holds up on a loaded machine where turns/s do not.
		url, stop, err := loadtest.Echo()
		if err != nil {
			b.Fatal(err)
		}
		echo, err := loadtest.Run(b.Context(), loadtest.Options{URL: url, Shoppers: 200, Duration: 5 * time.Second})
		stop()
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(res.TurnsPerSecond()/echo.TurnsPerSecond(), "x-echo")
		b.Logf("errors: %v", res.Errors)
	}
}

// cpuTime is the CPU time this process used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
