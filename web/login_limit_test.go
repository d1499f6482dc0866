package web

import (
	"fmt"
	"testing"
	"time"
)

// A flood of failures under distinct keys (each a real failure: another
// email, another address) keeps the table at its bound and never pushes
// out a key that failed more: the locked account stays locked, and the
// guessing address stays refused.
func TestBucketsKeepTheHotKeys(t *testing.T) {
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	bs := newBuckets(loginBurst, loginEvery, 1000)
	for i := 0; i < loginBurst; i++ {
		if ok, _ := bs.take("admin", now); !ok {
			t.Fatalf("failure %d refused", i)
		}
	}
	if ok, wait := bs.take("admin", now); ok || wait != loginEvery {
		t.Fatalf("a sixth failure: %v, wait %v; want refused for %v", ok, wait, loginEvery)
	}
	for i := 0; i < 10050; i++ {
		now = now.Add(time.Millisecond)
		if ok, _ := bs.take(fmt.Sprint("flood-", i), now); !ok {
			t.Fatalf("a new key's first failure refused")
		}
		if n := bs.len(); n > 1000 {
			t.Fatalf("%d buckets held, bound 1000", n)
		}
	}
	if ok, _ := bs.take("admin", now); ok {
		t.Fatal("the locked key was forgotten in the flood")
	}
	// Forgotten are the flood's oldest keys, one failure each: they come
	// back with a full bucket.
	if ok, _ := bs.take("flood-0", now); !ok {
		t.Error("an evicted key is refused")
	}
	// The locked key unlocks on time: one token every loginEvery.
	now = now.Add(loginEvery)
	if ok, _ := bs.take("admin", now); !ok {
		t.Error("the locked key is still refused a token's time later")
	}
}

// A bucket that fills again is dropped, and what is given back is only
// what was taken.
func TestBucketsGiveBack(t *testing.T) {
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	bs := newBuckets(2, time.Second, 10)
	bs.take("a", now)
	bs.give("a", now)
	if n := bs.len(); n != 0 {
		t.Errorf("a full bucket is kept: %d held", n)
	}
	bs.give("b", now) // nothing taken: nothing to give
	bs.take("a", now)
	bs.take("a", now)
	if ok, _ := bs.take("a", now); ok {
		t.Error("a third token from a bucket of two")
	}
	bs.give("a", now)
	if ok, _ := bs.take("a", now); !ok {
		t.Error("a token given back cannot be taken")
	}
	if n := bs.len(); n != 1 {
		t.Errorf("%d buckets held, want 1", n)
	}
	if ok, _ := bs.take("a", now.Add(2*time.Second)); !ok || bs.len() != 1 {
		t.Errorf("after refilling: ok %v, %d held", ok, bs.len())
	}
	if got := loginAddress("2001:db8:1:2:3:4:5:6"); got != "2001:db8:1:2::/64" {
		t.Errorf("an IPv6 address's key: %s", got)
	}
	if got := loginAddress("::ffff:10.1.2.3"); got != "10.1.2.3" {
		t.Errorf("a mapped IPv4 address's key: %s", got)
	}
}
