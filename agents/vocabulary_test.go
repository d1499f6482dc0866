package agents_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/store"
)

// The built-in model learns the shop from its data when the runner
// starts, and again after an import: a runner started on the tea shop
// asks for numbers like 1234; after the electronics shop is imported into
// the same database, the same runner's next turn knows its numbers
// (a5011 is A-5011, which the tea shop's shapes would not take).
func TestVocabularyFollowsImports(t *testing.T) {
	st, path, _ := openShop(t, teaShop)
	r := newRunner(t, st)
	s := converse(t, st, path, r, "")
	if res := s.run("where is my order?"); !strings.Contains(res.Reply, "(it looks like 1234)") {
		t.Fatalf("tea shop: %q", res.Reply)
	}
	ds, err := electronicsShop.data(electronicsShop.now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Import(context.Background(), ds); err != nil {
		t.Fatal(err)
	}
	s = converse(t, st, path, r, "") // the same runner, a new conversation
	res := s.run("where is my order?")
	if !strings.Contains(res.Reply, "it looks like") {
		t.Errorf("after the import: %q", res.Reply)
	}
	res = s.run("it's a5011, ken.ito@example.com")
	if len(res.Calls) != 1 || res.Calls[0].Name != "track_shipment" || !strings.Contains(res.Reply, "A-5011") {
		t.Errorf("after the import: calls %v, reply %q", res.Calls, res.Reply)
	}
}

// Shops number their orders in many ways; a guest finds theirs typed the
// way people type them, whatever the shape.
func TestOrderNumberShapesEndToEnd(t *testing.T) {
	placed := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	shipped := placed.Add(24 * time.Hour)
	ds := &store.Dataset{Products: []store.Product{{SKU: "P-1", Title: "Thing", Category: "things", Price: 1000}}}
	numbers := []string{"T-1002", "T-1003", "XS-777", "XS-778", "113542617735902", "113542617735977", "#W2378156", "#W2378163"}
	for i, n := range numbers {
		ds.Orders = append(ds.Orders, store.Order{Number: n, Email: fmt.Sprintf("guest%d@example.com", i), Status: store.OrderShipped,
			PlacedAt: placed, PaidAt: &placed, ShippedAt: &shipped, Items: []store.OrderItem{{SKU: "P-1", Quantity: 1}},
			Shipments: []store.Shipment{{Carrier: "UPS", TrackingNumber: fmt.Sprintf("1Z%010d", i), Status: store.ShipmentInTransit, ShippedAt: &shipped}}})
	}
	shop := testShop{name: "shapes", now: placed.Add(72 * time.Hour), data: func(time.Time) (*store.Dataset, error) { return ds, nil }}
	for _, c := range []struct{ typed, number, email string }{
		{"where is my order t1002", "T-1002", "guest0@example.com"},
		{"订单号：Ｔ－１００３到哪了", "T-1003", "guest1@example.com"},
		{"can you track xs 777", "XS-777", "guest2@example.com"},
		{"my order number is XS778, where is it", "XS-778", "guest3@example.com"},
		{"where is 113542617735902", "113542617735902", "guest4@example.com"},
		{"单号 113542617735977 怎么还没到", "113542617735977", "guest5@example.com"},
		{"where is my package W2378156", "#W2378156", "guest6@example.com"},
		{"track order # w2378163 please", "#W2378163", "guest7@example.com"},
	} {
		s := newShopScenario(t, shop, "")
		if res := s.run(c.typed); !strings.Contains(res.Reply, c.number) {
			t.Errorf("%q: %q, want it to ask for the email of order %s", c.typed, res.Reply, c.number)
		}
		res := s.run(c.email)
		if len(res.Calls) != 1 || res.Calls[0].Name != "track_shipment" || !strings.Contains(res.Calls[0].Result, `"status":"ok"`) ||
			!strings.Contains(res.Reply, c.number) {
			t.Errorf("%q, then the email: calls %+v, reply %q", c.typed, res.Calls, res.Reply)
		}
	}
}
