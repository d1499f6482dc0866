package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/kefu-dev/kefu/store"
)

const variantShop = `{
  "products": [
    {"sku": "TEE-M", "title": "Tee, M", "category": "tops", "price": 20, "group": "TEE", "options": {"Size": "M", "colour": "White"}, "stock": 3},
    {"sku": "TEE-L", "title": "Tee, L", "category": "tops", "price": 20, "group": "TEE", "options": {"size": "L", "colour": "White"}, "stock": 0},
    {"sku": "MUG", "title": "Mug", "category": "kitchen", "price": 9}
  ],
  "customers": [{"email": "a@example.com", "name": "A", "addresses": [
    {"name": "A", "line1": "1 Main St", "city": "Boise", "postal_code": "83702", "country": "US", "default": true},
    {"name": "A at work", "line1": "9 Office Rd", "city": "Boise", "postal_code": "83702", "country": "US"}]}],
  "orders": [{"number": "O-1", "customer_email": "a@example.com", "status": "paid",
    "placed_at": "2026-10-01T09:30:00Z", "paid_at": "2026-10-01T09:31:00Z",
    "address": {"name": "A", "line1": " 1 Main St ", "city": "Boise", "postal_code": "83702", "country": "US"},
    "items": [{"sku": "TEE-M", "quantity": 1}]}]
}`

// Variants, stock and addresses come in through the import format, and
// importing the same file again changes nothing.
func TestImportVariantsAndAddresses(t *testing.T) {
	st := openTemp(t)
	ctx := context.Background()
	if p := importFile(t, st, variantShop); p != nil {
		t.Fatalf("refused: %q", p)
	}
	vs, err := st.Variants(ctx, "TEE-M")
	if err != nil || len(vs) != 2 || vs[0].SKU != "TEE-M" || vs[1].SKU != "TEE-L" || vs[0].Options["size"] != "M" ||
		*vs[0].Stock != 3 || vs[1].InStock(1) {
		t.Fatalf("variants = %+v %v", vs, err)
	}
	if vs, _ := st.Variants(ctx, "MUG"); len(vs) != 1 || vs[0].Stock != nil || !vs[0].InStock(5) {
		t.Errorf("a product without variants: %+v", vs)
	}
	c, _ := st.CustomerByEmail(ctx, "a@example.com")
	if len(c.Addresses) != 2 || !c.Addresses[0].Default || c.Addresses[1].Line1 != "9 Office Rd" {
		t.Errorf("addresses = %+v", c.Addresses)
	}
	o, _ := st.OrderByNumber(ctx, "O-1")
	if o.Address == nil || o.Address.Line1 != "1 Main St" || o.ShipTo != "Boise, US" {
		t.Errorf("order address %+v, ship_to %q", o.Address, o.ShipTo)
	}
	ds, _ := store.DecodeDataset([]byte(variantShop))
	rep, err := st.Import(ctx, ds)
	if err != nil {
		t.Fatal(err)
	}
	for kind, n := range rep.Counts {
		if n.Created != 0 || n.Updated != 0 {
			t.Errorf("second import: %s %+v", kind, *n)
		}
	}
}

func TestImportVariantAndAddressProblems(t *testing.T) {
	st := openTemp(t)
	body := `{
  "products": [
    {"sku": "A", "title": "A", "category": "c", "price": 1, "group": "G", "options": {"size": "M"}, "stock": -1},
    {"sku": "B", "title": "B", "category": "c", "price": 1, "group": "G", "options": {"SIZE": "M"}},
    {"sku": "C", "title": "C", "category": "c", "price": 1, "group": "G"}
  ],
  "customers": [{"email": "a@example.com", "name": "A", "addresses": [
    {"name": "A", "line1": "1 Main St", "city": "Boise", "postal_code": "83702", "country": "US", "default": true},
    {"name": "A", "line1": "2 Main St", "city": "Boise", "postal_code": "somewhere", "country": "US", "default": true}]}],
  "orders": [{"number": "O-1", "customer_email": "a@example.com", "status": "paid",
    "placed_at": "2026-10-01T09:30:00Z", "paid_at": "2026-10-01T09:31:00Z",
    "address": {"name": "A", "line1": "1 Main St", "country": "US"}, "items": [{"sku": "A", "quantity": 1}]}]
}`
	got := strings.Join(importFile(t, st, body), "\n")
	for _, want := range []string{
		"products[0].stock: must not be negative",
		`products[1].options: the same as products[0], another variant of group "G"`,
		`products[2].options: required for a variant of group "G"`,
		"customers[0].addresses[1].postal_code: \"somewhere\" is not a postal code",
		"customers[0].addresses: 2 addresses are marked default",
		"orders[0].address.city: required",
		"orders[0].address.postal_code: required",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q:\n%s", want, got)
		}
	}
	body = `{"orders": [{"number": "O-2", "email": "g@example.com", "status": "paid", "placed_at": "2026-10-01T09:30:00Z",
	  "paid_at": "2026-10-01T09:31:00Z", "address": {"name": "A", "street": "x"}, "items": []}]}`
	if got := strings.Join(importFile(t, st, body), "\n"); !strings.Contains(got, `orders[0].address: unknown field "street"`) {
		t.Errorf("an unknown field of an address: %s", got)
	}
}

// kefu forget erases a customer's addresses, their orders' addresses and
// the orders' address history.
func TestForgetErasesAddresses(t *testing.T) {
	st := openTemp(t)
	ctx := context.Background()
	if p := importFile(t, st, variantShop); p != nil {
		t.Fatalf("refused: %q", p)
	}
	o, _ := st.OrderByNumber(ctx, "O-1")
	c, _ := st.CustomerByEmail(ctx, "a@example.com")
	a := &store.PendingAction{ID: "act-1", Kind: "change_shipping_address", CustomerID: c.ID, OrderID: o.ID,
		Payload: []byte(`{}`), ExpiresAt: testNow.Add(60e9)}
	if err := st.CreatePendingAction(ctx, a); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ChangeOrderAddress(ctx, "act-1", store.Address{Name: "A", Line1: "5 New St", City: "Boise", PostalCode: "83702", Country: "US"}); err != nil {
		t.Fatal(err)
	}
	if h, _ := st.AddressHistory(ctx, o.ID); len(h) != 1 || h[0].Old == nil || h[0].Old.Line1 != "1 Main St" {
		t.Fatalf("history before = %+v", h)
	}
	if _, err := st.ForgetCustomer(ctx, c.ID, "test"); err != nil {
		t.Fatal(err)
	}
	o, _ = st.Order(ctx, o.ID)
	c, _ = st.Customer(ctx, c.ID)
	h, _ := st.AddressHistory(ctx, o.ID)
	if o.Address != nil || o.ShipTo != "" || len(c.Addresses) != 0 || len(h) != 0 {
		t.Fatalf("after forget: order %+v %q, customer %+v, history %+v", o.Address, o.ShipTo, c.Addresses, h)
	}
}
