package store_test

import (
	"context"
	"testing"
)

const mergeProducts = `"products": [
    {"sku": "MUG-01", "title": "Stoneware Mug", "category": "kitchen", "price": 18.50},
    {"sku": "TEA-01", "title": "Jasmine Tea", "category": "kitchen", "price": 12},
    {"sku": "FREE", "title": "Sticker", "category": "gifts", "price": 0}
  ]`

// A shop's export that lists one product on two lines of an order (or of
// a return) is merged: the quantities are added (issue 18).
func TestImportMergesLinesOfOneProduct(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open opener) {
		st := open(t)
		ctx := context.Background()
		body := `{` + mergeProducts + `,
	  "orders": [{"number": "A-1", "email": "a@example.com", "status": "delivered",
	    "placed_at": "2026-10-01T09:30:00Z", "paid_at": "2026-10-01T09:31:00Z",
	    "shipped_at": "2026-10-02T09:00:00Z", "delivered_at": "2026-10-05T09:00:00Z",
	    "items": [{"sku": "MUG-01", "quantity": 2}, {"sku": "TEA-01", "quantity": 1},
	              {"sku": "MUG-01", "quantity": 1, "unit_price": 18.50}]}],
	  "returns": [{"rma": "RMA-1", "order_number": "A-1", "reason": "chipped", "status": "open",
	    "created_at": "2026-10-06T09:00:00Z", "items": [{"sku": "MUG-01", "quantity": 1}, {"sku": "MUG-01", "quantity": 2}]}]
	}`
		if p := importFile(t, st, body); p != nil {
			t.Fatalf("refused: %q", p)
		}
		o, err := st.OrderByNumber(ctx, "A-1")
		if err != nil {
			t.Fatal(err)
		}
		if len(o.Items) != 2 || o.Items[0].SKU != "MUG-01" || o.Items[0].Quantity != 3 || o.Items[0].UnitPrice != 1850 ||
			o.Items[1].SKU != "TEA-01" || o.Items[1].Quantity != 1 || o.Subtotal != 3*1850+1200 {
			t.Errorf("order = %+v", o)
		}
		r, err := st.ReturnByRMA(ctx, "RMA-1")
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Items) != 1 || r.Items[0].SKU != "MUG-01" || r.Items[0].Quantity != 3 || r.Refund != 3*1850 {
			t.Errorf("return = %+v", r)
		}

		// The same file again changes nothing.
		before := dump(t, st.Path())
		if p := importFile(t, st, body); p != nil {
			t.Fatalf("refused the second time: %q", p)
		}
		if after := dump(t, st.Path()); after != before {
			t.Errorf("re-import changed the database:\nbefore:\n%s\nafter:\n%s", before, after)
		}
	})
}

// Lines that cannot be merged are refused, each with its place: lines of
// one product at two prices, a return's lines adding up to more than was
// ordered, quantities whose sum does not fit.
func TestImportRefusesLinesThatDoNotMerge(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open opener) {
		st := open(t)
		body := `{` + mergeProducts + `,
	  "orders": [{"number": "A-1", "email": "a@example.com", "status": "delivered",
	    "placed_at": "2026-10-01T09:30:00Z", "paid_at": "2026-10-01T09:31:00Z",
	    "shipped_at": "2026-10-02T09:00:00Z", "delivered_at": "2026-10-05T09:00:00Z",
	    "items": [{"sku": "MUG-01", "quantity": 1, "unit_price": 10}, {"sku": "MUG-01", "quantity": 1},
	              {"sku": "TEA-01", "quantity": 3},
	              {"sku": "FREE", "quantity": 9223372036854775807}, {"sku": "FREE", "quantity": 1}]}],
	  "returns": [{"rma": "RMA-1", "order_number": "A-1", "reason": "stale", "status": "open",
	    "created_at": "2026-10-06T09:00:00Z", "items": [{"sku": "TEA-01", "quantity": 2}, {"sku": "TEA-01", "quantity": 2}]}]
	}`
		checkProblems(t, importFile(t, st, body), []string{
			`orders[0].items[1].unit_price: 18.50, but items[0] has product "MUG-01" at 10.00; lines of the same product are added together and need the same price`,
			`orders[0].items[4].quantity: the quantities of product "FREE" add up to more than 9223372036854775807`,
			`returns[0].items[1].quantity: 2, with the 2 of the lines above, is more than the 3 ordered`,
		})
		if has, _ := st.HasShopData(context.Background()); has {
			t.Error("a refused import wrote data")
		}
	})
}
