package memo

import "testing"

func TestCache(t *testing.T) {
	calls := 0
	double := func(n int) int { calls++; return 2 * n }
	c := New[int, int](3)
	for _, n := range []int{1, 2, 1, 2, 3} {
		if got := c.Get(n, double); got != 2*n {
			t.Fatalf("Get(%d) = %d", n, got)
		}
	}
	if calls != 3 {
		t.Errorf("%d computations for 3 inputs", calls)
	}
	c.Get(4, double) // full: starts over
	if len(c.m) != 1 || calls != 4 {
		t.Errorf("after overflow: %d entries, %d computations", len(c.m), calls)
	}
}
