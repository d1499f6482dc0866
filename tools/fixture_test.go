package tools_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/tools"
)

// now is the fixture's "today"; the clock can be moved by tests.
var now = time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func ago(d time.Duration) *time.Time { t := now.Add(-d); return &t }

const day = 24 * time.Hour

// Customer ids as the fixture creates them (in customer order).
const (
	alice int64 = 1
	bob   int64 = 2
	wang  int64 = 3
)

// fixture is a small shop whose dates put each order exactly where a test
// needs it, relative to now.
func fixture() *store.Dataset {
	delivered := func(number, email string, d time.Duration, items ...store.OrderItem) store.Order {
		return store.Order{Number: number, CustomerEmail: email, Status: store.OrderDelivered, ShipTo: "Seattle, US",
			PlacedAt: now.Add(-d - 5*day), PaidAt: ago(d + 5*day), ShippedAt: ago(d + 3*day), DeliveredAt: ago(d), Items: items}
	}
	item := func(sku string, q int) store.OrderItem { return store.OrderItem{SKU: sku, Quantity: q} }
	return &store.Dataset{
		Products: []store.Product{
			{SKU: "JKT-BLU", Title: "Blue Rain Jacket", TitleZH: "蓝色防雨夹克", Category: "outerwear", Price: 8900},
			{SKU: "TEE-WHT", Title: "White Cotton Tee", TitleZH: "白色棉T恤", Category: "tops", Price: 1900},
			{SKU: "SWIM-01", Title: "Navy Swim Shorts", Category: "swim", Price: 2900, FinalSale: true},
			{SKU: "BOOT-01", Title: "Trail Hiking Boots", Category: "footwear", Price: 12900},
			{SKU: "HAT-RED", Title: "Red Wool Beanie", Category: "accessories", Price: 2500},
			{SKU: "HAT-BLU", Title: "Blue Wool Beanie", Category: "accessories", Price: 2500},
			{SKU: "TENT-2P", Title: "Two-Person Tent", Category: "outdoor", Price: 15000},
			{SKU: "MUG-01", Title: "Enamel Camp Mug", Category: "outdoor", Price: 1200},
			{SKU: "SOCK-01", Title: "Merino Hiking Socks", Category: "footwear", Price: 1800},
			{SKU: "PARKA-01", Title: "Down Parka", Category: "outerwear", Price: 22000},
		},
		Customers: []store.Customer{
			{ExternalID: "cus_1", Email: "alice@example.com", Name: "Alice Johnson"},
			{ExternalID: "cus_2", Email: "bob@example.com", Name: "Bob Smith"},
			{ExternalID: "cus_3", Email: "wang.fang@example.com", Name: "王芳", Locale: "zh"},
		},
		Orders: []store.Order{
			delivered("KF-1001", "alice@example.com", 30*day, item("JKT-BLU", 1), item("TEE-WHT", 2)),
			delivered("KF-1002", "alice@example.com", 31*day, item("TEE-WHT", 1)),
			delivered("KF-1003", "alice@example.com", 5*day, item("SWIM-01", 1), item("BOOT-01", 1)),
			{Number: "KF-1004", CustomerEmail: "alice@example.com", Status: store.OrderShipped, ShipTo: "Seattle, US",
				PlacedAt: now.Add(-4 * day), PaidAt: ago(4 * day), ShippedAt: ago(2 * day), Items: []store.OrderItem{item("MUG-01", 2)},
				Shipments: []store.Shipment{{Carrier: "UPS", TrackingNumber: "1Z999AA10123456784", Status: store.ShipmentInTransit,
					ShippedAt: ago(2 * day), EstimatedDeliveryAt: ago(-2 * day), Events: []store.TrackingEvent{
						{At: *ago(2 * day), Location: "Reno, NV", Status: "label_created", Description: "Shipment picked up"},
						{At: *ago(1 * day), Location: "Sacramento, CA", Status: "in_transit", Description: "Departed facility"},
					}}}},
			{Number: "KF-1005", CustomerEmail: "alice@example.com", Status: store.OrderPaid, ShipTo: "Seattle, US",
				PlacedAt: now.Add(-3 * time.Hour), PaidAt: ago(3 * time.Hour), Shipping: 595, Items: []store.OrderItem{item("HAT-BLU", 1)}},
			{Number: "KF-1006", CustomerEmail: "alice@example.com", Status: store.OrderPendingPayment,
				PlacedAt: now.Add(-1 * time.Hour), Items: []store.OrderItem{item("SOCK-01", 3)}},
			{Number: "KF-1007", CustomerEmail: "alice@example.com", Status: store.OrderCancelled,
				PlacedAt: now.Add(-20 * day), CancelledAt: ago(20 * day), Items: []store.OrderItem{item("PARKA-01", 1)}},
			delivered("KF-1008", "alice@example.com", 10*day, item("HAT-RED", 1), item("TENT-2P", 1)),
			delivered("KF-2001", "bob@example.com", 3*day, item("BOOT-01", 1)),
			{Number: "KF-2002", CustomerEmail: "bob@example.com", Status: store.OrderPaid,
				PlacedAt: now.Add(-2 * time.Hour), PaidAt: ago(2 * time.Hour), Items: []store.OrderItem{item("TENT-2P", 1)}},
			{Number: "KF-3001", Email: "guest@example.com", Status: store.OrderDelivered, ShipTo: "上海, CN",
				PlacedAt: now.Add(-12 * day), PaidAt: ago(12 * day), ShippedAt: ago(9 * day), DeliveredAt: ago(2 * day),
				Items: []store.OrderItem{item("JKT-BLU", 1)}},
			func() store.Order {
				// Delivered three days after its estimate: evidence for a coupon.
				o := delivered("KF-3002", "wang.fang@example.com", 8*day, item("PARKA-01", 1))
				o.Shipments = []store.Shipment{{Carrier: "SF Express", TrackingNumber: "SF100200300", Status: store.ShipmentDelivered,
					ShippedAt: ago(15 * day), EstimatedDeliveryAt: ago(11 * day), DeliveredAt: ago(8 * day)}}
				return o
			}(),
		},
		Returns: []store.Return{{RMA: "RMA-TESTA1", OrderNumber: "KF-1008", Reason: "too small", Status: store.ReturnOpen,
			CreatedAt: *ago(8 * day), Items: []store.ReturnItem{{SKU: "HAT-RED", Quantity: 1}}}},
		Reviews: []store.Review{
			{SKU: "TEE-WHT", CustomerEmail: "alice@example.com", Rating: 2, Body: "Shrank after one wash.", CreatedAt: *ago(20 * day)},
			{SKU: "BOOT-01", CustomerEmail: "bob@example.com", Rating: 5, Body: "Great boots.", CreatedAt: *ago(1 * day)},
			{SKU: "PARKA-01", CustomerEmail: "wang.fang@example.com", Rating: 5, Body: "很暖和。", Locale: "zh", CreatedAt: *ago(1 * day)},
		},
		Articles: []store.Article{
			{Slug: "returns-policy", Locale: "en", Title: "Returns policy", Tags: []string{"refund", "send back"},
				Body: "You can return items within 30 days of delivery.\n\nFinal-sale items cannot be returned."},
			{Slug: "returns-policy", Locale: "zh", Title: "退货政策", Tags: []string{"退款"},
				Body: "签收后30天内可以退货。\n\n退货运费由顾客承担,质量问题除外。"},
			{Slug: "shipping", Locale: "en", Title: "Shipping times and costs", Tags: []string{"delivery", "arrive"},
				Body: "Standard shipping takes 3–5 business days and is free over $75."},
		},
	}
}

type env struct {
	st    *store.Store
	reg   *tools.Registry
	clock *clock
	conv  map[int64]string // a conversation per customer (0: guest)
}

func newEnv(t *testing.T) *env {
	t.Helper()
	c := &clock{t: now}
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "kefu.db"), store.Options{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Import(context.Background(), fixture()); err != nil {
		t.Fatal(err)
	}
	// The fixture is a US shop: its orders shipped elsewhere pay their own
	// returns.
	e := &env{st: st, reg: tools.Default(st, tools.Policy{LabelCountry: "US"}), clock: c, conv: map[int64]string{}}
	for _, id := range []int64{0, alice, bob, wang} {
		conv, _, err := st.CreateConversation(context.Background(), id, "en")
		if err != nil {
			t.Fatal(err)
		}
		e.conv[id] = conv.ID
	}
	return e
}

// as is the identity of customer id (0: a guest) in their conversation.
func (e *env) as(id int64) tools.Identity {
	return tools.Identity{CustomerID: id, ConversationID: e.conv[id], Locale: "en"}
}
