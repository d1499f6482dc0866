package store_test

import (
	"context"
	"testing"
)

// BenchmarkToolReads measures the reads a tool call makes, on the demo
// shop, against a Ping (a query that touches no table) as the floor of a
// query through database/sql and the driver. The difference is SQLite's
// read transaction (two file locks, which are system calls) and the
// statements' own work.
func BenchmarkToolReads(b *testing.B) {
	ctx := context.Background()
	st := openDemo(b)
	alice, err := st.CustomerByExternalID(ctx, "cus_1001")
	if err != nil {
		b.Fatal(err)
	}
	orders, err := st.OrdersByCustomer(ctx, alice.ID, 20)
	if err != nil || len(orders) == 0 {
		b.Fatalf("alice's orders: %d, %v", len(orders), err)
	}
	reads := []struct {
		name string
		read func() error
	}{
		{"ping", func() error { return st.Ping(ctx) }},
		{"orders_by_customer", func() error { _, err := st.OrdersByCustomer(ctx, alice.ID, 20); return err }},
		{"order_by_number", func() error { _, err := st.OrderByNumber(ctx, orders[0].Number); return err }},
		{"shipments", func() error { _, err := st.Shipments(ctx, orders[0].ID); return err }},
		{"purchases_by_customer", func() error { _, err := st.PurchasesByCustomer(ctx, alice.ID); return err }},
	}
	for _, r := range reads {
		b.Run(r.name, func(b *testing.B) {
			for range b.N {
				if err := r.read(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
