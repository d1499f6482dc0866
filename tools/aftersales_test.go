package tools_test

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/tools"
)

func stock(n int) *int { return &n }

// variantFixture is the fixture with the blue jacket made one variant of
// a product that comes in sizes and colours, some out of stock, one
// dearer.
func variantFixture() *store.Dataset {
	ds := fixture()
	for i := range ds.Products {
		if ds.Products[i].SKU == "JKT-BLU" {
			ds.Products[i].Group, ds.Products[i].Options, ds.Products[i].Stock = "JKT", store.VariantOptions{"colour": "Blue", "size": "M"}, stock(3)
		}
	}
	ds.Products = append(ds.Products,
		store.Product{SKU: "JKT-BLU-L", Title: "Blue Rain Jacket, L", TitleZH: "蓝色防雨夹克 L码", Category: "outerwear", Price: 8900,
			Group: "JKT", Options: store.VariantOptions{"colour": "Blue", "size": "L"}, Stock: stock(2)},
		store.Product{SKU: "JKT-BLU-XL", Title: "Blue Rain Jacket, XL", Category: "outerwear", Price: 9900,
			Group: "JKT", Options: store.VariantOptions{"colour": "Blue", "size": "XL"}, Stock: stock(1)},
		store.Product{SKU: "JKT-BLK-M", Title: "Black Rain Jacket, M", TitleZH: "黑色防雨夹克 M码", Category: "outerwear", Price: 8900,
			Group: "JKT", Options: store.VariantOptions{"colour": "Black", "size": "M"}, Stock: stock(0)},
		store.Product{SKU: "HAT-RED-L", Title: "Red Wool Beanie, L", Category: "accessories", Price: 2500,
			Group: "HAT", Options: store.VariantOptions{"size": "L"}, Stock: stock(5)},
	)
	for i := range ds.Products {
		if ds.Products[i].SKU == "HAT-RED" {
			ds.Products[i].Group, ds.Products[i].Options = "HAT", store.VariantOptions{"size": "M"}
		}
	}
	return ds
}

func newVariantEnv(t *testing.T) *env {
	t.Helper()
	c := &clock{t: now}
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "kefu.db"), store.Options{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Import(context.Background(), variantFixture()); err != nil {
		t.Fatal(err)
	}
	e := &env{st: st, reg: tools.Default(st, tools.Policy{}), clock: c, conv: map[int64]string{}}
	for _, id := range []int64{0, alice, bob, wang} {
		conv, _, err := st.CreateConversation(context.Background(), id, "en")
		if err != nil {
			t.Fatal(err)
		}
		e.conv[id] = conv.ID
	}
	return e
}

func TestStartExchangePolicy(t *testing.T) {
	e := newVariantEnv(t)
	ex := func(order, item, wanted string) string {
		return `{"order_number":"` + order + `","item":"` + item + `","wanted_variant":"` + wanted + `","reason":"too small"}`
	}
	e.run(t, []scenario{
		{name: "a large, on day 30 of the window", as: alice, tool: "start_exchange", args: ex("KF-1001", "blue jacket", "can I get a large"),
			wantStatus: "needs_confirmation", wantContains: []string{`"sku":"JKT-BLU-L"`, `"price_difference":0.00`, "no price difference", "for size L"}},
		{name: "a size up", as: alice, tool: "start_exchange", args: ex("KF-1001", "JKT-BLU", "one size up please"),
			wantStatus: "needs_confirmation", wantContains: []string{`"sku":"JKT-BLU-L"`}},
		{name: "大一号", as: alice, tool: "start_exchange", args: ex("KF-1001", "蓝色防雨夹克", "换个大一号的"),
			wantStatus: "needs_confirmation", wantContains: []string{`"sku":"JKT-BLU-L"`, "尺码 L"}},
		{name: "a dearer variant costs the difference", as: alice, tool: "start_exchange", args: ex("KF-1001", "JKT-BLU", "XL"),
			wantStatus: "needs_confirmation", wantContains: []string{`"sku":"JKT-BLU-XL"`, `"price_difference":10.00`, "you pay the difference of $10.00", "需补差价 $10.00"}},
		{name: "out of stock", as: alice, tool: "start_exchange", args: ex("KF-1001", "JKT-BLU", "颜色换成黑色"),
			wantStatus: "refused", wantReason: "out_of_stock", wantContains: []string{"Black / M", "JKT-BLU-L"}},
		{name: "another product", as: alice, tool: "start_exchange", args: ex("KF-1001", "JKT-BLU", "TEE-WHT"),
			wantStatus: "refused", wantReason: "other_product", wantContains: []string{"White Cotton Tee"}},
		{name: "a variant the product does not come in", as: alice, tool: "start_exchange", args: ex("KF-1001", "JKT-BLU", "purple"),
			wantStatus: "refused", wantReason: "variant_not_found", wantContains: []string{"Blue / L"}},
		{name: "which variant, asked", as: alice, tool: "start_exchange", args: ex("KF-1001", "JKT-BLU", " "),
			wantStatus: "needs_info", wantContains: []string{`"missing":"wanted_variant"`, "JKT-BLU-XL"}},
		{name: "no size or colour named, asked", as: alice, tool: "start_exchange", args: ex("KF-1001", "JKT-BLU", "I want to exchange it"),
			wantStatus: "needs_info", wantContains: []string{`"missing":"wanted_variant"`}},
		{name: "the size they have and the one they want", as: alice, tool: "start_exchange", args: ex("KF-1001", "JKT-BLU", "the M is too small, I'd like an L"),
			wantStatus: "needs_confirmation", wantContains: []string{`"sku":"JKT-BLU-L"`}},
		{name: "outside the window", as: alice, tool: "start_exchange", args: ex("KF-1002", "TEE-WHT", "L"),
			wantStatus: "refused", wantReason: "outside_return_window", wantContains: []string{"exchanges must be started within 30 days"}},
		{name: "final sale", as: alice, tool: "start_exchange", args: ex("KF-1003", "swim shorts", "L"),
			wantStatus: "refused", wantReason: "final_sale"},
		{name: "a product without variants", as: alice, tool: "start_exchange", args: ex("KF-1003", "BOOT-01", "size 44"),
			wantStatus: "refused", wantReason: "no_variants"},
		{name: "already an open return", as: alice, tool: "start_exchange", args: ex("KF-1008", "red beanie", "L"),
			wantStatus: "refused", wantReason: "already_open", wantContains: []string{"RMA-TESTA1"}},
		{name: "not delivered yet", as: alice, tool: "start_exchange", args: ex("KF-1004", "mug", "L"),
			wantStatus: "refused", wantReason: "not_delivered"},
		{name: "another customer's order", as: bob, tool: "start_exchange", args: ex("KF-1001", "JKT-BLU", "L"),
			wantStatus: "not_found"},
		{name: "a guest needs the email", as: guest, tool: "start_exchange", args: ex("KF-3001", "JKT-BLU", "L"),
			wantStatus: "needs_info", wantContains: []string{`"missing":"email"`}},
		{name: "missing reason", as: alice, tool: "start_exchange",
			args: `{"order_number":"KF-1001","item":"JKT-BLU","wanted_variant":"L","reason":""}`, wantStatus: "needs_info",
			wantContains: []string{`"missing":"reason"`}},
	})
}

func TestStartExchangeConfirm(t *testing.T) {
	e := newVariantEnv(t)
	ctx := context.Background()
	id := e.preview(t, alice, "start_exchange", `{"order_number":"KF-1001","item":"JKT-BLU","wanted_variant":"L","reason":"too small"}`)
	if rs := e.returnsOf(t, "KF-1001"); len(rs) != 0 {
		t.Fatalf("a preview created an exchange: %+v", rs)
	}
	res, err := e.reg.Confirm(ctx, e.as(bob), id)
	if err != nil || res.Status != tools.StatusNotFound {
		t.Fatalf("another customer confirmed: %v %s", err, res.JSON())
	}
	res, err = e.reg.Confirm(ctx, e.as(alice), id)
	if err != nil || res.Status != tools.StatusOK {
		t.Fatalf("confirm: %v %s", err, res.JSON())
	}
	done := res.Data.(*tools.ExchangeDone)
	again, err := e.reg.Confirm(ctx, e.as(alice), id)
	if err != nil || again.Status != tools.StatusAlreadyDone || !strings.Contains(again.JSON(), done.RMA) {
		t.Fatalf("second confirm = %v %s", err, again.JSON())
	}
	rs := e.returnsOf(t, "KF-1001")
	if len(rs) != 1 || rs[0].Kind != store.ReturnKindExchange || rs[0].RMA != done.RMA || len(rs[0].Items) != 1 ||
		rs[0].Items[0].SKU != "JKT-BLU" || rs[0].Items[0].Replacement != "JKT-BLU-L" || rs[0].PriceDifference != 0 || rs[0].Refund != 0 {
		t.Fatalf("exchanges = %+v", rs)
	}
	// The replacement's stock is reserved, once.
	if p, _ := e.st.Product(ctx, "JKT-BLU-L"); p.Stock == nil || *p.Stock != 1 {
		t.Fatalf("JKT-BLU-L stock = %v, want 1", p.Stock)
	}
	e.run(t, []scenario{
		{name: "return_status reports the exchange", as: alice, tool: "return_status", args: `{"rma_or_order_number":"` + done.RMA + `"}`,
			wantStatus: "ok", wantContains: []string{`"kind":"exchange"`, `"replacement":{"sku":"JKT-BLU-L"`, `"status":"open"`}},
		{name: "one open exchange per item", as: alice, tool: "start_exchange",
			args: `{"order_number":"KF-1001","item":"JKT-BLU","wanted_variant":"XL","reason":"still small"}`, wantStatus: "refused", wantReason: "already_open"},
		{name: "nor a return of it, with the true reason", as: alice, tool: "start_return",
			args: `{"order_number":"KF-1001","items":[{"item":"JKT-BLU"}],"reason":"x"}`, wantStatus: "refused", wantReason: "exchange_open",
			wantContains: []string{done.RMA}},
	})
}

// A replacement that sells out between the preview and the yes is not
// sent: the exchange fails with the reason, and nothing is reserved.
func TestStartExchangeSoldOutMeanwhile(t *testing.T) {
	e := newVariantEnv(t)
	ctx := context.Background()
	id := e.preview(t, alice, "start_exchange", `{"order_number":"KF-1001","item":"JKT-BLU","wanted_variant":"XL","reason":"too small"}`)
	ds := variantFixture()
	for i := range ds.Products {
		if ds.Products[i].SKU == "JKT-BLU-XL" {
			ds.Products[i].Stock = stock(0) // the shop's stock sync
		}
	}
	if _, err := e.st.Import(ctx, ds); err != nil {
		t.Fatal(err)
	}
	res, err := e.reg.Confirm(ctx, e.as(alice), id)
	if err != nil || res.Status != tools.StatusRefused || res.Reason != "out_of_stock" {
		t.Fatalf("confirm = %v %s", err, res.JSON())
	}
	if rs := e.returnsOf(t, "KF-1001"); len(rs) != 0 {
		t.Fatalf("exchanges = %+v", rs)
	}
}

func TestChangeShippingAddress(t *testing.T) {
	e := newVariantEnv(t)
	ctx := context.Background()
	const portland = `{"name":"Alice Johnson","line1":"742 Evergreen Terrace","city":"Portland","region":"OR","postal_code":"97201","country":"US"}`
	addr := func(order, a string) string { return `{"order_number":"` + order + `","address":` + a + `}` }
	e.run(t, []scenario{
		{name: "paid order: previewed", as: alice, tool: "change_shipping_address", args: addr("KF-1005", portland),
			wantStatus: "needs_confirmation", wantContains: []string{"Ship order KF-1005 to Alice Johnson, 742 Evergreen Terrace, Portland, OR 97201, US (instead of Seattle, US)", "改寄到"}},
		{name: "incomplete", as: alice, tool: "change_shipping_address",
			args:       addr("KF-1005", `{"name":"Alice Johnson","line1":"742 Evergreen Terrace","city":"Portland","country":"US"}`),
			wantStatus: "needs_info", wantContains: []string{`"missing":["postal_code"]`}},
		{name: "no address at all", as: alice, tool: "change_shipping_address", args: `{"order_number":"KF-1006"}`,
			wantStatus: "needs_info", wantContains: []string{`"missing":["name","line1","city","postal_code","country"]`}},
		{name: "not a postal code", as: alice, tool: "change_shipping_address",
			args:       addr("KF-1005", `{"name":"A","line1":"1 Main St","city":"Portland","postal_code":"near the park","country":"US"}`),
			wantStatus: "needs_info", wantContains: []string{"is not a postal code"}},
		{name: "unknown field", as: alice, tool: "change_shipping_address",
			args: addr("KF-1005", `{"name":"A","street":"1 Main St"}`), wantStatus: "invalid_arguments"},
		{name: "shipped: the true reason", as: alice, tool: "change_shipping_address", args: addr("KF-1004", portland),
			wantStatus: "refused", wantReason: "already_shipped", wantContains: []string{"has already shipped (on 2026-10-31) to Seattle, US"}},
		{name: "delivered", as: alice, tool: "change_shipping_address", args: addr("KF-1001", portland),
			wantStatus: "refused", wantReason: "already_delivered"},
		{name: "cancelled", as: alice, tool: "change_shipping_address", args: addr("KF-1007", portland),
			wantStatus: "refused", wantReason: "order_cancelled"},
		{name: "someone else's", as: bob, tool: "change_shipping_address", args: addr("KF-1005", portland), wantStatus: "not_found"},
	})

	id := e.preview(t, alice, "change_shipping_address", addr("KF-1005", portland))
	if o, _ := e.st.OrderByNumber(ctx, "KF-1005"); o.ShipTo != "Seattle, US" || o.Address != nil {
		t.Fatalf("a preview changed the order: %+v", o)
	}
	res, err := e.reg.Confirm(ctx, e.as(alice), id)
	if err != nil || res.Status != tools.StatusOK {
		t.Fatalf("confirm: %v %s", err, res.JSON())
	}
	if again, _ := e.reg.Confirm(ctx, e.as(alice), id); again.Status != tools.StatusAlreadyDone {
		t.Fatalf("second confirm: %s", again.JSON())
	}
	o, _ := e.st.OrderByNumber(ctx, "KF-1005")
	if o.ShipTo != "Portland, US" || o.Address == nil || o.Address.Line1 != "742 Evergreen Terrace" || o.Address.PostalCode != "97201" {
		t.Fatalf("order after the change: %+v %+v", o, o.Address)
	}
	hist, err := e.st.AddressHistory(ctx, o.ID)
	if err != nil || len(hist) != 1 || hist[0].OldShipTo != "Seattle, US" || hist[0].Old != nil || hist[0].New.City != "Portland" || hist[0].ActionID != id {
		t.Fatalf("history = %+v %v", hist, err)
	}
	// A country's name is stored as its code, so the order ships as a US one.
	id3 := e.preview(t, alice, "change_shipping_address", addr("KF-1006", strings.Replace(portland, `"US"`, `"United States"`, 1)))
	if res, _ := e.reg.Confirm(ctx, e.as(alice), id3); res.Status != tools.StatusOK {
		t.Fatalf("change of KF-1006: %s", res.JSON())
	}
	if o, _ := e.st.OrderByNumber(ctx, "KF-1006"); o.ShipTo != "Portland, US" || o.Address.Country != "US" {
		t.Errorf("KF-1006 ships to %q (%+v)", o.ShipTo, o.Address)
	}
	// The second change keeps the first address in the history.
	id2 := e.preview(t, alice, "change_shipping_address", addr("KF-1005", strings.Replace(portland, "742", "744", 1)))
	if res, _ := e.reg.Confirm(ctx, e.as(alice), id2); res.Status != tools.StatusOK {
		t.Fatalf("second change: %s", res.JSON())
	}
	hist, _ = e.st.AddressHistory(ctx, o.ID)
	if len(hist) != 2 || hist[1].Old == nil || hist[1].Old.Line1 != "742 Evergreen Terrace" || hist[1].New.Line1 != "744 Evergreen Terrace" {
		t.Fatalf("history = %+v", hist)
	}
}

// An order that ships between the preview and the yes keeps its address,
// and the shopper is told why.
func TestChangeShippingAddressShippedMeanwhile(t *testing.T) {
	e := newVariantEnv(t)
	ctx := context.Background()
	id := e.preview(t, bob, "change_shipping_address",
		`{"order_number":"KF-2002","address":{"name":"Bob Smith","line1":"1 Main St","city":"Boise","postal_code":"83702","country":"US"}}`)
	ds := variantFixture()
	for i := range ds.Orders {
		if ds.Orders[i].Number == "KF-2002" {
			ds.Orders[i].Status, ds.Orders[i].ShippedAt = store.OrderShipped, ago(1)
		}
	}
	if _, err := e.st.Import(ctx, ds); err != nil {
		t.Fatal(err)
	}
	res, err := e.reg.Confirm(ctx, e.as(bob), id)
	if err != nil || res.Status != tools.StatusRefused || res.Reason != "already_shipped" {
		t.Fatalf("confirm = %v %s", err, res.JSON())
	}
	o, _ := e.st.OrderByNumber(ctx, "KF-2002")
	if hist, _ := e.st.AddressHistory(ctx, o.ID); o.Address != nil || len(hist) != 0 {
		t.Fatalf("order %+v, history %+v", o, hist)
	}
}

// The after-sales results read back through tools.Decode with their own
// types and nothing lost: previews, confirmations, and the data of the
// questions and refusals the built-in model and the cards read.
func TestDecodeReadsBackAfterSalesResults(t *testing.T) {
	e := newVariantEnv(t)
	ctx := context.Background()
	const portland = `{"name":"Alice Johnson","line1":"742 Evergreen Terrace","city":"Portland","postal_code":"97201","country":"US"}`
	for _, c := range []struct {
		tool, args string
		want       any
		done       any
	}{
		{tools.NameStartExchange, `{"order_number":"KF-1001","item":"JKT-BLU","wanted_variant":"","reason":"x"}`, &tools.ExchangeOptions{}, nil},
		{tools.NameStartExchange, `{"order_number":"KF-1001","item":"JKT-BLU","wanted_variant":"black","reason":"x"}`, &tools.ExchangeOptions{}, nil},
		{tools.NameChangeAddress, `{"order_number":"KF-1005","address":{"name":"A"}}`, &tools.AddressIncomplete{}, nil},
		{tools.NameStartExchange, `{"order_number":"KF-1001","item":"JKT-BLU","wanted_variant":"L","reason":"too small"}`, &tools.Pending{}, &tools.ExchangeDone{}},
		{tools.NameChangeAddress, `{"order_number":"KF-1005","address":` + portland + `}`, &tools.Pending{}, &tools.AddressChanged{}},
	} {
		res, err := e.reg.Call(ctx, e.as(alice), c.tool, c.args)
		if err != nil {
			t.Fatal(err)
		}
		got := decodeSame(t, c.tool, res)
		if reflect.TypeOf(got.Data) != reflect.TypeOf(c.want) {
			t.Fatalf("%s %s: decoded %T, want %T", c.tool, c.args, got.Data, c.want)
		}
		p, ok := got.Data.(*tools.Pending)
		if !ok {
			continue
		}
		if p.Summary.EN == "" || p.Summary.ZH == "" || p.Summary.EN == p.Summary.ZH {
			t.Errorf("%s: summary %+v", c.tool, p.Summary)
		}
		done, err := e.reg.Confirm(ctx, e.as(alice), p.ActionID)
		if err != nil {
			t.Fatal(err)
		}
		if d := decodeSame(t, tools.NameConfirmAction, done); reflect.TypeOf(d.Data) != reflect.TypeOf(c.done) {
			t.Errorf("confirm %s: decoded %T, want %T", c.tool, d.Data, c.done)
		}
		// A second yes reads back as the same kind.
		again, _ := e.reg.Confirm(ctx, e.as(alice), p.ActionID)
		if d, _ := tools.Decode(tools.NameConfirmAction, again.JSON()); again.Status != tools.StatusAlreadyDone || reflect.TypeOf(d.Data) != reflect.TypeOf(c.done) {
			t.Errorf("second confirm %s: %s decoded %T", c.tool, again.JSON(), d.Data)
		}
	}
}

// Recommendations suggest one variant of a product, never a sold-out one,
// and not another size of what the shopper already has (Chloe on the demo
// was offered four sizes of one rain jacket).
func TestRecommendOneVariantInStock(t *testing.T) {
	e := newVariantEnv(t)
	ctx := context.Background()
	for _, c := range []struct {
		as   int64
		skip []string // none of these, or at most one of the group
	}{
		{wang, []string{"JKT-BLK-M"}},                                          // wang likes outerwear: one jacket, not the sold-out black
		{alice, []string{"JKT-BLU-L", "JKT-BLU-XL", "JKT-BLK-M", "HAT-RED-L"}}, // owns the jacket and the beanie
		{guest, []string{"JKT-BLK-M"}},
	} {
		res, err := e.reg.Call(ctx, e.as(c.as), tools.NameRecommendProducts, `{"limit":10}`)
		if err != nil {
			t.Fatal(err)
		}
		picks := res.Data.(*tools.ProductPicks).Products
		jackets := 0
		for _, p := range picks {
			if strings.HasPrefix(p.SKU, "JKT-") {
				jackets++
			}
			for _, s := range c.skip {
				if p.SKU == s {
					t.Errorf("customer %d was offered %s: %+v", c.as, s, picks)
				}
			}
		}
		if jackets > 1 {
			t.Errorf("customer %d was offered %d variants of the jacket: %+v", c.as, jackets, picks)
		}
	}
}

// An exchange the shop rejects (its returns export says so, through kefu
// import) sends nothing out: the replacement's reserved stock comes back,
// once, unless the same file sets that product's stock (the shop's count
// already leaves the reservation out).
func TestRejectedExchangeReleasesItsStock(t *testing.T) {
	for _, withStock := range []bool{false, true} {
		t.Run(fmt.Sprintf("stock in the file %v", withStock), func(t *testing.T) {
			e := newVariantEnv(t)
			ctx := context.Background()
			id := e.preview(t, alice, "start_exchange", `{"order_number":"KF-1001","item":"JKT-BLU","wanted_variant":"L","reason":"too small"}`)
			res, err := e.reg.Confirm(ctx, e.as(alice), id)
			if err != nil || res.Status != tools.StatusOK {
				t.Fatalf("confirm: %v %s", err, res.JSON())
			}
			rma := res.Data.(*tools.ExchangeDone).RMA
			if p, _ := e.st.Product(ctx, "JKT-BLU-L"); *p.Stock != 1 {
				t.Fatalf("reserved: stock %d, want 1", *p.Stock)
			}
			ds := &store.Dataset{Returns: []store.Return{{RMA: rma, OrderNumber: "KF-1001", Status: store.ReturnRejected,
				Reason: "too small", CreatedAt: now, Items: []store.ReturnItem{{SKU: "JKT-BLU", Quantity: 1}}}}}
			want := 2
			if withStock {
				for _, p := range variantFixture().Products {
					if p.SKU == "JKT-BLU-L" {
						p.Stock = stock(7)
						ds.Products = append(ds.Products, p)
					}
				}
				want = 7
			}
			for range 2 { // the same file again changes nothing
				if _, err := e.st.Import(ctx, ds); err != nil {
					t.Fatal(err)
				}
				if p, _ := e.st.Product(ctx, "JKT-BLU-L"); *p.Stock != want {
					t.Fatalf("after the rejection: stock %d, want %d", *p.Stock, want)
				}
			}
			if rs := e.returnsOf(t, "KF-1001"); len(rs) != 1 || rs[0].Status != store.ReturnRejected || rs[0].Kind != store.ReturnKindExchange {
				t.Fatalf("returns %+v", rs)
			}
		})
	}
}
