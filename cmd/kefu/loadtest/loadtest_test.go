package loadtest

import (
	"context"
	"testing"
	"time"
)

// The shoppers complete turns against the echo baseline over real sockets
// and the result adds up; a flooding shopper is counted apart.
func TestRunAgainstEcho(t *testing.T) {
	url, stop, err := Echo()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	ctx := context.Background()
	res, err := Run(ctx, Options{URL: url, Shoppers: 4, Duration: 300 * time.Millisecond, Flood: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Turns == 0 || res.TurnsPerSecond() <= 0 || len(res.Errors) != 0 {
		t.Fatalf("result: %+v", res)
	}
	if r := res.Reply; r.P50 <= 0 || r.P50 > r.P95 || r.P95 > r.P99 || r.P99 > r.Max {
		t.Errorf("reply latency out of order: %+v", r)
	}
	if res.Ack.P50 > res.Reply.P50 {
		t.Errorf("acks after replies: %+v vs %+v", res.Ack, res.Reply)
	}
	if res.FloodSent == 0 || res.FloodAcked == 0 {
		t.Errorf("the flood was not counted: sent %d, acked %d", res.FloodSent, res.FloodAcked)
	}
}

func TestLatencyPercentiles(t *testing.T) {
	var d []time.Duration
	for i := 100; i >= 1; i-- {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	l := latency(d)
	if l.P50 != 51*time.Millisecond || l.P99 != 100*time.Millisecond || l.Max != 100*time.Millisecond {
		t.Errorf("latency = %+v", l)
	}
	if (latency(nil) != Latency{}) {
		t.Error("no samples should give zeros")
	}
}

// Shoppers who think between messages (Options.Think) send at most one
// message each per half a think time, where without it the same shoppers
// make hundreds of turns.
func TestShoppersThink(t *testing.T) {
	url, stop, err := Echo()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	ctx := context.Background()
	const shoppers, d, think = 4, time.Second, 400 * time.Millisecond
	res, err := Run(ctx, Options{URL: url, Shoppers: shoppers, Duration: d, Think: think})
	if err != nil {
		t.Fatal(err)
	}
	// Each measured turn but the first of a shopper came at least think/2
	// after the one before.
	if most := shoppers * (int(d/(think/2)) + 1); res.Turns == 0 || res.Turns > most || len(res.Errors) != 0 {
		t.Fatalf("%d turns in %s with %d shoppers thinking %s: want 1 to %d; errors %v", res.Turns, d, shoppers, think, most, res.Errors)
	}
	fast, err := Run(ctx, Options{URL: url, Shoppers: shoppers, Duration: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if fast.Turns <= shoppers*(int(d/(think/2))+1) {
		t.Errorf("without thinking: %d turns, no more than with", fast.Turns)
	}
}
