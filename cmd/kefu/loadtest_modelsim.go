package main

import (
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/kefu-dev/kefu/cmd/kefu/loadtest"
)

// The model-sim mode (kefu loadtest --model-sim) runs the started kefu
// with KEFU_LLM=openai against loadtest.ModelSim, a local streaming model,
// and in each run also streams from that model directly with as many
// clients: what kefu adds to a real model's pace is the difference.

// simEnv is the started kefu's model settings for the simulator m. A model
// call may take a quarter longer than an answer streams, and 5 s more
// (which is also about how long a stalled stream holds a turn): on a
// starved machine the simulator itself streams late (10,000 streams of
// 60.3 s took 64.4 s at p99 to a direct client), and a turn cut by the
// time-out is answered by the fallback, which is not what is measured.
func simEnv(m *loadtest.ModelSim) []string {
	timeout := (m.StreamTime()*5/4 + 5*time.Second).Round(time.Second)
	env := []string{"KEFU_LLM=openai", "KEFU_LLM_BASE_URL=" + m.URL, "KEFU_LLM_MODEL=sim", "KEFU_LLM_API_KEY=loadtest",
		"KEFU_LLM_TIMEOUT=" + timeout.String()}
	if m.CertFile != "" {
		env = append(env, "SSL_CERT_FILE="+m.CertFile) // Go's TLS trusts it on Unix
	}
	return env
}

func printModelSim(w io.Writer, r runReport) {
	if r.Direct == nil {
		return
	}
	k, d := r.Kefu, r.Direct
	fmt.Fprintf(w, "       %-12s first token %s\n", "direct", d.FirstToken)
	fmt.Fprintf(w, "       %-12s final       %s   (%d streams, %d errors)\n", "", d.Final, d.Streams, d.Errors)
	fmt.Fprintf(w, "       %-12s first delta %s\n", "kefu", k.FirstDelta)
	fmt.Fprintf(w, "       %-12s kefu adds to the first token: p50 %s, p99 %s; to the final message: p50 %s, p99 %s\n", "",
		signedMS(k.FirstDelta.P50-d.FirstToken.P50), signedMS(k.FirstDelta.P99-d.FirstToken.P99),
		signedMS(k.Reply.P50-d.Final.P50), signedMS(k.Reply.P99-d.Final.P99))
	if r.Model != nil {
		fmt.Fprintf(w, "       %-12s %d requests to the model (%d over HTTP/2, on %d new connections), %d of them faults (stalled, trickling or 429)\n", "model",
			r.Model.Requests, r.Model.HTTP2, r.Model.Conns, r.Model.Faults)
	}
	fmt.Fprintf(w, "       %-12s server goroutines: %d before the run, %d with the shoppers, %d once they left\n", "", k.MemBefore.Goroutines, k.MemAfter.Goroutines, k.MemLeft.Goroutines)
	// Counted until the shoppers left (MemLeft), if that was read: turns
	// still running at the end of the measurement fall back late.
	during := func(count func(loadtest.Usage) int64) int64 {
		return max(count(k.MemAfter), count(k.MemLeft)) - count(k.MemBefore)
	}
	fmt.Fprintf(w, "       %-12s %d turns answered by the built-in fallback after the model failed or timed out; %d sockets closed by kefu as slow readers\n", "",
		during(func(u loadtest.Usage) int64 { return u.Fallbacks }), during(func(u loadtest.Usage) int64 { return u.SlowCuts }))
}

func summariseModelSim(w io.Writer, rs []runReport) {
	if rs[0].Direct == nil {
		return
	}
	med := func(f func(runReport) time.Duration) time.Duration {
		var v []time.Duration
		for _, r := range rs {
			v = append(v, f(r))
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	fmt.Fprintf(w, "  streaming model, kefu adds (median of the runs' differences, same run):\n")
	fmt.Fprintf(w, "    to the first token    p50 %s   p99 %s\n",
		signedMS(med(func(r runReport) time.Duration { return r.Kefu.FirstDelta.P50 - r.Direct.FirstToken.P50 })),
		signedMS(med(func(r runReport) time.Duration { return r.Kefu.FirstDelta.P99 - r.Direct.FirstToken.P99 })))
	fmt.Fprintf(w, "    to the final message  p50 %s   p99 %s\n",
		signedMS(med(func(r runReport) time.Duration { return r.Kefu.Reply.P50 - r.Direct.Final.P50 })),
		signedMS(med(func(r runReport) time.Duration { return r.Kefu.Reply.P99 - r.Direct.Final.P99 })))
}

func signedMS(d time.Duration) string { return fmt.Sprintf("%+.1fms", float64(d.Microseconds())/1000) }
