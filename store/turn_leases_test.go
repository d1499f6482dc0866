package store_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/store/demo"
	"github.com/kefu-dev/kefu/store/pgtest"
)

// twoNodes opens two stores on one database, as two kefu nodes (one
// PostgreSQL database, or two processes on one SQLite file), on a clock
// the test moves.
func twoNodes(t *testing.T, engine string, clock *atomic.Int64) (*store.Store, *store.Store) {
	t.Helper()
	place := filepath.Join(t.TempDir(), "kefu.db")
	if engine == "postgres" {
		place = pgtest.NewDatabase(t)
	}
	now := func() time.Time { return time.UnixMilli(clock.Load()) }
	var out [2]*store.Store
	for i := range out {
		st, err := store.Open(context.Background(), place, store.Options{Now: now})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		out[i] = st
	}
	return out[0], out[1]
}

func onBothEngines(t *testing.T, test func(t *testing.T, engine string)) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) { test(t, engine) })
	}
}

// A conversation's turn lease has one holder at a time across nodes:
// of sixteen takers on two stores at once exactly one gets it; only the
// holder renews and releases it (by its fence); a released lease passes
// to the next node with the seq answered; an expired one passes too,
// marked Expired, and its old holder can neither renew nor release it.
func TestTurnLeaseOneHolderAtATime(t *testing.T) {
	onBothEngines(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		var clock atomic.Int64
		clock.Store(testNow.UnixMilli())
		a, b := twoNodes(t, engine, &clock)
		conv := newGuestConversation(t, a)
		const ttl = 10 * time.Second

		var wg sync.WaitGroup
		var won atomic.Int32
		var held atomic.Int32
		var holder atomic.Pointer[store.TurnLease]
		for i := range 16 {
			st := []*store.Store{a, b}[i%2]
			wg.Add(1)
			go func() {
				defer wg.Done()
				l, err := st.TakeTurnLease(ctx, conv, fmt.Sprintf("node-%d", i), ttl)
				switch {
				case err == nil:
					won.Add(1)
					holder.Store(l)
				case errors.Is(err, store.ErrLeaseHeld):
					held.Add(1)
				default:
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if won.Load() != 1 || held.Load() != 15 {
			t.Fatalf("%d took the lease, %d were told it is held; want 1 and 15", won.Load(), held.Load())
		}
		first := holder.Load()
		if first.Fence != 1 || first.Expired {
			t.Errorf("first lease %+v", first)
		}
		if ok, err := b.RenewTurnLease(ctx, first, ttl); err != nil || !ok {
			t.Errorf("the holder renews: %v %v", ok, err)
		}
		forged := *first
		forged.Node = "someone-else"
		if ok, _ := a.RenewTurnLease(ctx, &forged, ttl); ok {
			t.Error("a node that does not hold the lease renewed it")
		}
		if ok, err := a.ReleaseTurnLease(ctx, first, 7); err != nil || !ok {
			t.Fatalf("release: %v %v", ok, err)
		}

		second, err := b.TakeTurnLease(ctx, conv, "node-b", ttl)
		if err != nil {
			t.Fatal(err)
		}
		if second.Fence != 2 || second.AnsweredThrough != 7 || second.Expired {
			t.Errorf("after a release the next holder got %+v, want fence 2, answered through 7, not expired", second)
		}
		if _, err := a.TakeTurnLease(ctx, conv, "node-a", ttl); !errors.Is(err, store.ErrLeaseHeld) {
			t.Errorf("taken while valid: %v", err)
		}

		clock.Add((ttl + time.Millisecond).Milliseconds()) // node-b died mid-turn
		third, err := a.TakeTurnLease(ctx, conv, "node-a", ttl)
		if err != nil {
			t.Fatal(err)
		}
		if third.Fence != 3 || !third.Expired || third.AnsweredThrough != 7 {
			t.Errorf("an expired lease passed as %+v, want fence 3, expired, answered through 7", third)
		}
		if ok, _ := b.RenewTurnLease(ctx, second, ttl); ok {
			t.Error("the expired holder renewed a lease another node holds")
		}
		if ok, _ := b.ReleaseTurnLease(ctx, second, 99); ok {
			t.Error("the expired holder released a lease another node holds")
		}
		if ok, _ := a.ReleaseTurnLease(ctx, third, 3); !ok {
			t.Error("release of the third lease")
		}
		if l, _ := b.TakeTurnLease(ctx, conv, "node-b", ttl); l == nil || l.AnsweredThrough != 7 {
			t.Errorf("answered_through went back: %+v", l)
		}
	})
}

// What a node that took a lease reads to decide whether a message still
// needs an answer.
func TestTurnProgressAfter(t *testing.T) {
	onBothEngines(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		var clock atomic.Int64
		clock.Store(testNow.UnixMilli())
		a, _ := twoNodes(t, engine, &clock)
		conv := newGuestConversation(t, a)
		// 1 user, 2 user, 3 assistant
		for _, role := range []string{store.RoleUser, store.RoleUser, store.RoleAssistant} {
			if _, err := a.AppendMessages(ctx, []*store.Message{{ConversationID: conv, Role: role, Text: "x"}}); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range []struct {
			replied, shopper int64
			want             store.TurnProgress
		}{
			{2, 0, store.TurnProgress{RepliedAfter: true, FirstShopper: 1}},
			{3, 1, store.TurnProgress{RepliedAfter: false, FirstShopper: 2}},
			{1, 2, store.TurnProgress{RepliedAfter: true, FirstShopper: 0}},
		} {
			got, err := a.TurnProgressAfter(ctx, conv, c.replied, c.shopper)
			if err != nil || got != c.want {
				t.Errorf("after %d/%d: %+v %v, want %+v", c.replied, c.shopper, got, err, c.want)
			}
		}
	})
}

// A pending action confirmed on two nodes at once runs once: the
// confirmation reads the action locking its row (on PostgreSQL; SQLite
// has one writer), so the second sees it done. Eight confirmations of
// one coupon on two stores issue one coupon.
func TestPendingActionRunsOnceAcrossNodes(t *testing.T) {
	onBothEngines(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		var clock atomic.Int64
		clock.Store(testNow.UnixMilli())
		a, b := twoNodes(t, engine, &clock)
		if _, err := a.Import(ctx, demo.Dataset(testNow)); err != nil {
			t.Fatal(err)
		}
		cus, err := a.CustomerByExternalID(ctx, "cus_1001")
		if err != nil {
			t.Fatal(err)
		}
		orders, err := a.OrdersByCustomer(ctx, cus.ID, 1)
		if err != nil || len(orders) == 0 {
			t.Fatalf("orders of cus_1001: %v %v", orders, err)
		}
		if err := a.CreatePendingAction(ctx, &store.PendingAction{ID: "act_coupon_race", Kind: "coupon", CustomerID: cus.ID, OrderID: orders[0].ID,
			Payload: []byte(`{}`), ExpiresAt: testNow.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var issued, refused atomic.Int32
		for i := range 8 {
			st := []*store.Store{a, b}[i%2]
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _, err := st.IssueCoupon(ctx, "act_coupon_race", store.Coupon{CustomerID: cus.ID, Percent: 10, Reason: "late",
					Evidence: []byte(`{}`), ExpiresAt: testNow.Add(30 * 24 * time.Hour)}, time.Nanosecond)
				switch {
				case err == nil:
					issued.Add(1)
				case errors.Is(err, store.ErrActionNotPending):
					refused.Add(1)
				default:
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		coupons, err := a.CouponsByCustomer(ctx, cus.ID)
		if err != nil {
			t.Fatal(err)
		}
		if issued.Load() != 1 || refused.Load() != 7 || len(coupons) != 1 {
			t.Errorf("%d confirmations issued, %d refused, %d coupons stored; want 1, 7, 1", issued.Load(), refused.Load(), len(coupons))
		}
	})
}

func newGuestConversation(t *testing.T, st *store.Store) string {
	t.Helper()
	c, _, err := st.NewConversation(0, "en")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Write(context.Background(), []*store.Conversation{c}, nil); err != nil {
		t.Fatal(err)
	}
	return c.ID
}

// A turn's output is stored only while its node still holds the turn
// lease, checked in the commit: node A's lease expires while its turn
// stalls, node B takes it over; A's late answer is refused with
// ErrLeaseLost and stores nothing, also when the writer commits it in one
// batch with another conversation's message (which is stored); B's answer
// is stored. A message of a lease that expired but that nobody took yet
// is stored (the next holder finds it answered).
func TestTurnLeaseFencesTheCommit(t *testing.T) {
	onBothEngines(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		var clock atomic.Int64
		clock.Store(testNow.UnixMilli())
		a, b := twoNodes(t, engine, &clock)
		conv := newGuestConversation(t, a)
		other := newGuestConversation(t, a)
		const ttl = 10 * time.Second

		la, err := a.TakeTurnLease(ctx, conv, "node-a", ttl)
		if err != nil {
			t.Fatal(err)
		}
		clock.Add((ttl + time.Second).Milliseconds())
		answer := func(l *store.TurnLease, text string) *store.Message {
			return &store.Message{ConversationID: conv, Role: store.RoleAssistant, Text: text, Lease: l}
		}
		// Expired, not taken: still A's.
		if _, err := a.Write(ctx, nil, []*store.Message{answer(la, "A, late but first")}); err != nil {
			t.Fatalf("an expired lease nobody took: %v", err)
		}
		lb, err := b.TakeTurnLease(ctx, conv, "node-b", ttl)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Write(ctx, nil, []*store.Message{answer(la, "A, after B took over")}); !errors.Is(err, store.ErrLeaseLost) {
			t.Fatalf("A's answer after B took the lease: %v, want ErrLeaseLost", err)
		}
		w := store.NewWriter(a, 0, nil)
		defer w.Close()
		var wg sync.WaitGroup
		errs := make([]error, 2)
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, errs[0] = w.AppendAll(ctx, []*store.Message{answer(la, "A, in a batch")}, nil)
		}()
		go func() {
			defer wg.Done()
			_, errs[1] = w.AppendAll(ctx, []*store.Message{{ConversationID: other, Role: store.RoleUser, Text: "hello", ClientID: "o1"}}, nil)
		}()
		wg.Wait()
		if !errors.Is(errs[0], store.ErrLeaseLost) || errs[1] != nil {
			t.Fatalf("through the writer: A's answer %v (want ErrLeaseLost), another conversation's message %v", errs[0], errs[1])
		}
		if _, err := b.Write(ctx, nil, []*store.Message{answer(lb, "B")}); err != nil {
			t.Fatalf("B's answer: %v", err)
		}
		ms, err := b.Messages(ctx, conv, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		var texts []string
		for _, m := range ms {
			texts = append(texts, m.Text)
		}
		if fmt.Sprint(texts) != "[A, late but first B]" {
			t.Errorf("stored %q", texts)
		}
		if ms, _ := b.Messages(ctx, other, 0, 10); len(ms) != 1 {
			t.Errorf("the other conversation has %d messages, want 1", len(ms))
		}
	})
}

// A turn's answer records in the lease, in its own commit, the shopper
// message it answers (a node that keeps its lease between turns writes
// nothing else per turn): answered_through moves with the answers of
// two conversations committed in one batch, and only grows. An answer
// refused by the fence records nothing.
func TestTurnLeaseAnswerRecordedInItsCommit(t *testing.T) {
	onBothEngines(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		var clock atomic.Int64
		clock.Store(testNow.UnixMilli())
		a, b := twoNodes(t, engine, &clock)
		one, two := newGuestConversation(t, a), newGuestConversation(t, a)
		const ttl = 10 * time.Second
		l1, err := a.TakeTurnLease(ctx, one, "node-a", ttl)
		if err != nil {
			t.Fatal(err)
		}
		l2, err := a.TakeTurnLease(ctx, two, "node-a", ttl)
		if err != nil {
			t.Fatal(err)
		}
		answer := func(conv string, l *store.TurnLease, seq int64) *store.Message {
			return &store.Message{ConversationID: conv, Role: store.RoleAssistant, Text: "answer", Lease: l, Answers: seq}
		}
		step := &store.Message{ConversationID: one, Role: store.RoleTool, Text: "step", Lease: l1}
		if _, err := a.Write(ctx, nil, []*store.Message{step, answer(one, l1, 3), answer(two, l2, 7)}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Write(ctx, nil, []*store.Message{answer(one, l1, 2)}); err != nil { // an older seq: no step back
			t.Fatal(err)
		}
		for conv, want := range map[string]int64{one: 3, two: 7} {
			l, exp, err := b.TurnLeaseOf(ctx, conv)
			if err != nil || l.AnsweredThrough != want || l.Node != "node-a" || exp.IsZero() {
				t.Errorf("lease %+v (expires %v, %v), want node-a's, still held, answered through %d", l, exp, err, want)
			}
		}
		// Released, taken by B: what A answered passes with it, and A's
		// late answer records nothing.
		if ok, err := a.ReleaseTurnLease(ctx, l1, 0); !ok || err != nil {
			t.Fatal(ok, err)
		}
		lb, err := b.TakeTurnLease(ctx, one, "node-b", ttl)
		if err != nil || lb.AnsweredThrough != 3 {
			t.Fatalf("B took %+v, %v; want answered through 3", lb, err)
		}
		if _, err := a.Write(ctx, nil, []*store.Message{answer(one, l1, 9)}); !errors.Is(err, store.ErrLeaseLost) {
			t.Fatalf("A's late answer: %v", err)
		}
		if l, _, _ := b.TurnLeaseOf(ctx, one); l.AnsweredThrough != 3 {
			t.Errorf("answered through %d after a refused answer, want 3", l.AnsweredThrough)
		}
	})
}

// One statement renews every lease a node keeps: those still its own
// (to now+ttl), not one another node took after it expired, nor one it
// released, nor another node's.
func TestRenewTurnLeases(t *testing.T) {
	onBothEngines(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		var clock atomic.Int64
		clock.Store(testNow.UnixMilli())
		a, b := twoNodes(t, engine, &clock)
		const ttl = 10 * time.Second
		var convs [4]string
		var leases []*store.TurnLease
		for i := range convs {
			convs[i] = newGuestConversation(t, a)
			l, err := a.TakeTurnLease(ctx, convs[i], "node-a", ttl)
			if err != nil {
				t.Fatal(err)
			}
			leases = append(leases, l)
		}
		// convs[1]: released. convs[2]: expired and taken by B (convs[3]
		// expired too, nobody took it: still A's).
		if ok, err := a.ReleaseTurnLease(ctx, leases[1], 0); !ok || err != nil {
			t.Fatal(ok, err)
		}
		clock.Add((ttl + time.Second).Milliseconds())
		if _, err := a.RenewTurnLeases(ctx, "node-a", leases[:1], ttl); err != nil {
			t.Fatal(err)
		}
		if _, err := b.TakeTurnLease(ctx, convs[2], "node-b", ttl); err != nil {
			t.Fatal(err)
		}
		bConv := newGuestConversation(t, b)
		lb, err := b.TakeTurnLease(ctx, bConv, "node-b", ttl)
		if err != nil {
			t.Fatal(err)
		}
		clock.Add(time.Second.Milliseconds())
		renewed, err := a.RenewTurnLeases(ctx, "node-a", append(slicesClone(leases), lb), ttl)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]bool{convs[0]: true, convs[3]: true}
		if fmt.Sprint(renewed) != fmt.Sprint(want) {
			t.Errorf("renewed %v, want %v", renewed, want)
		}
		for i, conv := range convs {
			_, exp, _ := b.TurnLeaseOf(ctx, conv)
			if want[conv] && !exp.Equal(time.UnixMilli(clock.Load()).Add(ttl)) {
				t.Errorf("lease %d expires %v, want now+ttl", i, exp)
			}
		}
		if l, _, _ := b.TurnLeaseOf(ctx, bConv); l.Node != "node-b" {
			t.Errorf("B's lease %+v", l)
		}
		// Its own lease, given up for lost while still stored as its own:
		// taken again at once, with a new fence.
		again, err := a.TakeTurnLease(ctx, convs[0], "node-a", ttl)
		if err != nil || again.Fence != leases[0].Fence+1 {
			t.Fatalf("taking its own lease again: %+v, %v", again, err)
		}
	})
}

func slicesClone[T any](s []T) []T { return append([]T(nil), s...) }

// A lease whose holder is known to have stopped is taken from it before
// it expires, by its node and fence: with the next fence (so the old
// holder can no longer renew or release it), marked Expired, and only
// once: a second taker naming the same old holder is refused.
func TestTakeTurnLeaseFrom(t *testing.T) {
	onBothEngines(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		var clock atomic.Int64
		clock.Store(testNow.UnixMilli())
		a, b := twoNodes(t, engine, &clock)
		conv := newGuestConversation(t, a)
		dead, err := a.TakeTurnLease(ctx, conv, "node-a", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		held, err := b.TakeTurnLease(ctx, conv, "node-b", time.Hour)
		if !errors.Is(err, store.ErrLeaseHeld) || held.Node != "node-a" || held.Fence != dead.Fence {
			t.Fatalf("taking a held lease: %+v, %v", held, err)
		}
		got, err := b.TakeTurnLeaseFrom(ctx, conv, "node-b", held, time.Hour)
		if err != nil || got.Node != "node-b" || got.Fence != dead.Fence+1 || !got.Expired {
			t.Fatalf("taking it from its stopped holder: %+v, %v", got, err)
		}
		if _, err := a.TakeTurnLeaseFrom(ctx, conv, "node-c", held, time.Hour); !errors.Is(err, store.ErrLeaseHeld) {
			t.Fatalf("a second taker from the same holder: %v, want ErrLeaseHeld", err)
		}
		if ok, err := a.RenewTurnLease(ctx, dead, time.Hour); ok || err != nil {
			t.Fatalf("the old holder renewed it: %v, %v", ok, err)
		}
		if ok, err := a.ReleaseTurnLease(ctx, dead, 1); ok || err != nil {
			t.Fatalf("the old holder released it: %v, %v", ok, err)
		}
		l, _, err := a.TurnLeaseOf(ctx, conv)
		if err != nil || l.Node != "node-b" || l.Fence != got.Fence {
			t.Fatalf("stored: %+v, %v", l, err)
		}
	})
}
