package tools_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/tools"
)

const guest int64 = 0

type scenario struct {
	name            string
	as              int64
	tool            string
	args            string
	wantStatus      string
	wantReason      string
	wantContains    []string
	wantNotContains []string
}

func (e *env) run(t *testing.T, scenarios []scenario) {
	t.Helper()
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			res, err := e.reg.Call(context.Background(), e.as(sc.as), sc.tool, sc.args)
			if err != nil {
				t.Fatalf("Call error: %v", err)
			}
			got := res.JSON()
			if res.Status != sc.wantStatus {
				t.Fatalf("status = %q, want %q\n%s", res.Status, sc.wantStatus, got)
			}
			if sc.wantReason != "" && res.Reason != sc.wantReason {
				t.Errorf("reason = %q, want %q\n%s", res.Reason, sc.wantReason, got)
			}
			for _, s := range sc.wantContains {
				if !strings.Contains(got, s) {
					t.Errorf("result lacks %q:\n%s", s, got)
				}
			}
			for _, s := range sc.wantNotContains {
				if strings.Contains(got, s) {
					t.Errorf("result contains %q:\n%s", s, got)
				}
			}
		})
	}
}

func TestLookupOrder(t *testing.T) {
	e := newEnv(t)
	e.run(t, []scenario{
		{name: "own order", as: alice, tool: "lookup_order", args: `{"order_number":"KF-1001"}`, wantStatus: "ok",
			wantContains: []string{`"number":"KF-1001"`, `"status":"delivered"`, "Blue Rain Jacket", `"total":127.00`, `"return_by"`}},
		{name: "loose number forms", as: alice, tool: "lookup_order", args: `{"order_number":"  #kf 1005"}`, wantStatus: "ok",
			wantContains: []string{`"number":"KF-1005"`, `"shipping":5.95`, `"total":30.95`}},
		{name: "digits only", as: alice, tool: "lookup_order", args: `{"order_number":"1004"}`, wantStatus: "ok",
			wantContains: []string{`"number":"KF-1004"`}},
		{name: "full-width digits", as: alice, tool: "lookup_order", args: `{"order_number":"ＫＦ－１００７"}`, wantStatus: "ok",
			wantContains: []string{`"status":"cancelled"`}},
		{name: "returned quantity shown", as: alice, tool: "lookup_order", args: `{"order_number":"KF-1008"}`, wantStatus: "ok",
			wantContains: []string{`"returned_quantity":1`}},
		{name: "signed-in email argument is ignored", as: alice, tool: "lookup_order",
			args: `{"order_number":"KF-2001","email":"bob@example.com"}`, wantStatus: "not_found", wantNotContains: []string{"Trail", "bob"}},
		{name: "another customer's order", as: bob, tool: "lookup_order", args: `{"order_number":"KF-1001"}`,
			wantStatus: "not_found", wantNotContains: []string{"Blue", "alice", "delivered"}},
		{name: "no such order", as: alice, tool: "lookup_order", args: `{"order_number":"KF-9999"}`, wantStatus: "not_found"},
		{name: "guest with the order's email", as: guest, tool: "lookup_order",
			args: `{"order_number":"KF-3001","email":"Guest@Example.com"}`, wantStatus: "ok", wantContains: []string{"Blue Rain Jacket"}},
		{name: "guest without email is asked for it", as: guest, tool: "lookup_order", args: `{"order_number":"KF-3001"}`,
			wantStatus: "needs_info", wantContains: []string{`"missing":"email"`}, wantNotContains: []string{"Jacket"}},
		{name: "guest with wrong email", as: guest, tool: "lookup_order",
			args: `{"order_number":"KF-3001","email":"mallory@example.com"}`, wantStatus: "not_found", wantNotContains: []string{"Jacket", "guest@"}},
		{name: "guest probing a customer's order", as: guest, tool: "lookup_order",
			args: `{"order_number":"KF-1001","email":"guest@example.com"}`, wantStatus: "not_found"},
		{name: "missing order number", as: alice, tool: "lookup_order", args: `{}`, wantStatus: "needs_info"},
	})
}

// A guest with a wrong email, a customer asking for someone else's order
// and anyone asking for a missing order must get the same answer, so that
// nobody can learn which order numbers exist.
func TestNotFoundRevealsNothing(t *testing.T) {
	e := newEnv(t)
	call := func(as int64, tool, args string) string {
		res, err := e.reg.Call(context.Background(), e.as(as), tool, args)
		if err != nil {
			t.Fatal(err)
		}
		return strings.ReplaceAll(strings.ReplaceAll(res.JSON(), "KF-1001", "N"), "KF-9999", "N")
	}
	for _, tool := range []string{"lookup_order", "track_shipment", "start_return", "cancel_order"} {
		extra := ""
		switch tool {
		case "start_return":
			extra = `,"items":[{"item":"JKT-BLU"}],"reason":"too big"`
		case "cancel_order":
			extra = `,"reason":"changed my mind"`
		}
		missing := call(guest, tool, `{"order_number":"KF-9999","email":"x@example.com"`+extra+`}`)
		wrongEmail := call(guest, tool, `{"order_number":"KF-1001","email":"x@example.com"`+extra+`}`)
		others := call(bob, tool, `{"order_number":"KF-1001"`+extra+`}`)
		if missing != wrongEmail || missing != others {
			t.Errorf("%s answers differ:\nmissing:     %s\nwrong email: %s\nother's:     %s", tool, missing, wrongEmail, others)
		}
	}
}

func TestBadArguments(t *testing.T) {
	e := newEnv(t)
	var scs []scenario
	for _, c := range []struct{ tool, args, want string }{
		{"lookup_order", `{"order_number": 1001}`, `\"order_number\" must be a string`},
		{"lookup_order", `{"order_number":"KF-1001","customer_id":2}`, `unknown field \"customer_id\"`},
		{"lookup_order", `{"order_number":"KF-1001"`, "not valid JSON"},
		{"lookup_order", `["KF-1001"]`, "must be a JSON object"},
		{"lookup_order", `{"order_number":"KF-1001"} {"x":1}`, "single JSON object"},
		{"track_shipment", `{"order_number": null, "email": 5}`, `\"email\" must be a string`},
		{"start_return", `{"order_number":"KF-1001","items":"jacket","reason":"x"}`, `\"items\" must be an array`},
		{"start_return", `{"order_number":"KF-1001","items":[{"item":"JKT-BLU","quantity":"one"}],"reason":"x"}`, "must be an integer"},
		{"start_return", `{"order_number":"KF-1001","items":[{"item":"JKT-BLU","quantity":1.5}],"reason":"x"}`, "must be an integer"},
		{"start_return", `{"order_number":"KF-1001","items":[{"item":"scarf"}],"reason":"x"}`, "no item matching"},
		{"recommend_products", `{"limit": 50}`, "between 1 and 10"},
		{"recommend_products", `{"limit": "4"}`, "must be an integer"},
		{"search_knowledge_base", `{}`, `\"query\" is required`},
		{"search_knowledge_base", `{"query":"returns","locale":"fr"}`, `\"locale\" must be`},
		{"handoff_to_human", `{"reason":""}`, "required"},
		{"list_orders", `{"customer_id": 2}`, "unknown field"},
		{"no_such_tool", `{}`, "there is no tool"},
	} {
		scs = append(scs, scenario{name: c.tool + " " + c.args, as: alice, tool: c.tool, args: c.args,
			wantStatus: "invalid_arguments", wantContains: []string{c.want}})
	}
	e.run(t, scs)
}

func TestListOrders(t *testing.T) {
	e := newEnv(t)
	e.run(t, []scenario{
		{name: "signed in", as: alice, tool: "list_orders", args: ``, wantStatus: "ok",
			wantContains: []string{"KF-1001", "KF-1008"}, wantNotContains: []string{"KF-2001", "KF-3001"}},
		// Every order's items, totals and returns, read for all orders at once.
		{name: "items, totals and returns of each order", as: alice, tool: "list_orders", args: ``, wantStatus: "ok",
			wantContains: []string{"Blue Rain Jacket", `"total":127.00`, `"shipping":5.95`, `"total":30.95`, `"returned_quantity":1`}},
		{name: "guest", as: guest, tool: "list_orders", args: `{}`, wantStatus: "needs_info", wantReason: "not_signed_in"},
	})
}

func TestTrackShipment(t *testing.T) {
	e := newEnv(t)
	e.run(t, []scenario{
		{name: "in transit", as: alice, tool: "track_shipment", args: `{"order_number":"KF-1004"}`, wantStatus: "ok",
			wantContains: []string{"UPS", "1Z999AA10123456784", "in_transit", "Sacramento, CA", "estimated_delivery_at"}},
		{name: "not shipped yet", as: alice, tool: "track_shipment", args: `{"order_number":"KF-1005"}`, wantStatus: "ok",
			wantContains: []string{"not shipped yet", `"shipments":[]`}},
		{name: "another customer's parcel", as: bob, tool: "track_shipment", args: `{"order_number":"KF-1004"}`,
			wantStatus: "not_found", wantNotContains: []string{"1Z999"}},
		{name: "guest wrong email", as: guest, tool: "track_shipment", args: `{"order_number":"KF-1004","email":"guest@example.com"}`,
			wantStatus: "not_found", wantNotContains: []string{"1Z999"}},
	})
}

func TestStartReturnPolicy(t *testing.T) {
	e := newEnv(t)
	e.run(t, []scenario{
		{name: "day 30 of the window", as: alice, tool: "start_return",
			args: `{"order_number":"KF-1001","items":[{"item":"blue jacket"}],"reason":"too big"}`, wantStatus: "needs_confirmation",
			wantContains: []string{`"action_id"`, `"refund":89.00`, "prepaid_label", "Nothing has been done"}},
		{name: "day 31 is outside the window", as: alice, tool: "start_return",
			args: `{"order_number":"KF-1002","items":[{"item":"TEE-WHT"}],"reason":"too big"}`, wantStatus: "refused",
			wantReason: "outside_return_window", wantContains: []string{"within 30 days"}},
		{name: "final sale item", as: alice, tool: "start_return",
			args: `{"order_number":"KF-1003","items":[{"item":"swim shorts"}],"reason":"changed my mind"}`, wantStatus: "refused",
			wantReason: "final_sale", wantContains: []string{"Navy Swim Shorts"}},
		{name: "normal item of an order with a final-sale item", as: alice, tool: "start_return",
			args: `{"order_number":"KF-1003","items":[{"item":"BOOT-01"}],"reason":"too tight"}`, wantStatus: "needs_confirmation"},
		{name: "already returned item", as: alice, tool: "start_return",
			args: `{"order_number":"KF-1008","items":[{"item":"red beanie"}],"reason":"again"}`, wantStatus: "refused", wantReason: "already_returned"},
		{name: "more than ordered", as: alice, tool: "start_return",
			args: `{"order_number":"KF-1001","items":[{"item":"TEE-WHT","quantity":3}],"reason":"x"}`, wantStatus: "refused", wantReason: "quantity_exceeds"},
		{name: "ambiguous item", as: alice, tool: "start_return",
			args: `{"order_number":"KF-1001","items":[{"item":"e"}],"reason":"x"}`, wantStatus: "needs_info"},
		{name: "shipped, not delivered", as: alice, tool: "start_return",
			args: `{"order_number":"KF-1004","items":[{"item":"mug"}],"reason":"x"}`, wantStatus: "refused", wantReason: "not_delivered"},
		{name: "cancelled order", as: alice, tool: "start_return",
			args: `{"order_number":"KF-1007","items":[{"item":"parka"}],"reason":"x"}`, wantStatus: "refused", wantReason: "order_cancelled"},
		{name: "missing reason", as: alice, tool: "start_return",
			args: `{"order_number":"KF-1001","items":[{"item":"JKT-BLU"}],"reason":" "}`, wantStatus: "needs_info", wantContains: []string{`"missing":"reason"`}},
		{name: "missing items", as: alice, tool: "start_return",
			args: `{"order_number":"KF-1001","items":[],"reason":"x"}`, wantStatus: "needs_info", wantContains: []string{`"missing":"items"`}},
		{name: "another customer's order", as: bob, tool: "start_return",
			args: `{"order_number":"KF-1001","items":[{"item":"JKT-BLU"}],"reason":"x"}`, wantStatus: "not_found"},
		{name: "international guest pays return shipping", as: guest, tool: "start_return",
			args:       `{"order_number":"KF-3001","email":"guest@example.com","items":[{"item":"蓝色防雨夹克"}],"reason":"不喜欢"}`,
			wantStatus: "needs_confirmation", wantContains: []string{"customer_paid"}},
		{name: "international defective item gets a label", as: guest, tool: "start_return",
			args:       `{"order_number":"KF-3001","email":"guest@example.com","items":[{"item":"JKT-BLU"}],"reason":"拉链坏了"}`,
			wantStatus: "needs_confirmation", wantContains: []string{"prepaid_label"}},
	})
}

// preview calls a change tool and returns its pending action id.
func (e *env) preview(t *testing.T, as int64, tool, args string) string {
	t.Helper()
	res, err := e.reg.Call(context.Background(), e.as(as), tool, args)
	if err != nil || res.Status != tools.StatusNeedsConfirmation {
		t.Fatalf("%s preview: %v %s", tool, err, res.JSON())
	}
	return res.Data.(*tools.Pending).ActionID
}

func (e *env) returnsOf(t *testing.T, number string) []store.Return {
	t.Helper()
	o, err := e.st.OrderByNumber(context.Background(), number)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := e.st.ReturnsByOrder(context.Background(), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func TestStartReturnConfirm(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := e.preview(t, alice, "start_return", `{"order_number":"KF-1001","items":[{"item":"JKT-BLU"},{"item":"white tee","quantity":1}],"reason":"too big"}`)
	if rs := e.returnsOf(t, "KF-1001"); len(rs) != 0 {
		t.Fatalf("a preview created a return: %+v", rs)
	}

	// Nobody else can confirm it: not another customer, not a guest, not
	// the same customer from another conversation.
	for name, as := range map[string]tools.Identity{
		"other customer":     e.as(bob),
		"guest":              e.as(guest),
		"other conversation": {CustomerID: alice, ConversationID: e.conv[bob]},
	} {
		res, err := e.reg.Confirm(ctx, as, id)
		if err != nil || res.Status != tools.StatusNotFound {
			t.Errorf("%s confirmed: %v %s", name, err, res.JSON())
		}
	}

	res, err := e.reg.Confirm(ctx, e.as(alice), id)
	if err != nil || res.Status != tools.StatusOK {
		t.Fatalf("confirm: %v %s", err, res.JSON())
	}
	rma := res.Data.(*tools.ReturnDone).RMA
	if !strings.HasPrefix(rma, "RMA-") || !strings.Contains(res.JSON(), `"refund":108.00`) {
		t.Errorf("confirmation = %s", res.JSON())
	}

	again, err := e.reg.Confirm(ctx, e.as(alice), id)
	if err != nil || again.Status != tools.StatusAlreadyDone || !strings.Contains(again.JSON(), rma) {
		t.Errorf("second confirm = %v %s, want already_done with %s", err, again.JSON(), rma)
	}
	rs := e.returnsOf(t, "KF-1001")
	if len(rs) != 1 || rs[0].RMA != rma || len(rs[0].Items) != 2 || rs[0].Refund != 10800 || rs[0].Status != store.ReturnOpen {
		t.Fatalf("returns = %+v", rs)
	}

	// The status tool finds it by RMA, for its owner only.
	e.run(t, []scenario{
		{name: "status by rma", as: alice, tool: "return_status", args: `{"rma_or_order_number":"` + strings.ToLower(rma) + `"}`,
			wantStatus: "ok", wantContains: []string{rma, `"status":"open"`, "too big"}},
		{name: "status by order", as: alice, tool: "return_status", args: `{"rma_or_order_number":"KF-1001"}`,
			wantStatus: "ok", wantContains: []string{rma}},
		{name: "someone else's rma", as: bob, tool: "return_status", args: `{"rma_or_order_number":"` + rma + `"}`,
			wantStatus: "not_found", wantNotContains: []string{"too big", "KF-1001"}},
		{name: "guest needs the email for an rma", as: guest, tool: "return_status", args: `{"rma_or_order_number":"RMA-TESTA1","email":"bob@example.com"}`,
			wantStatus: "not_found", wantNotContains: []string{"too small"}},
		{name: "unknown rma", as: alice, tool: "return_status", args: `{"rma_or_order_number":"RMA-NOPE"}`, wantStatus: "not_found"},
		{name: "nothing more to return", as: alice, tool: "start_return",
			args: `{"order_number":"KF-1001","items":[{"item":"JKT-BLU"}],"reason":"x"}`, wantStatus: "refused", wantReason: "already_returned"},
	})
}

// Two confirmations racing (a double click, a retry) issue one return.
func TestStartReturnConfirmRace(t *testing.T) {
	e := newEnv(t)
	id := e.preview(t, alice, "start_return", `{"order_number":"KF-1003","items":[{"item":"BOOT-01"}],"reason":"too tight"}`)
	var wg sync.WaitGroup
	statuses := make([]string, 8)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := e.reg.Confirm(context.Background(), e.as(alice), id)
			if err != nil {
				t.Error(err)
			}
			statuses[i] = res.Status
		}()
	}
	wg.Wait()
	okCount := 0
	for _, s := range statuses {
		switch s {
		case tools.StatusOK:
			okCount++
		case tools.StatusAlreadyDone:
		default:
			t.Errorf("status %q", s)
		}
	}
	if okCount != 1 || len(e.returnsOf(t, "KF-1003")) != 1 {
		t.Fatalf("ok=%d returns=%d, want exactly one", okCount, len(e.returnsOf(t, "KF-1003")))
	}
}

// Two previews of the same item confirmed one after the other: the second
// finds the item already returned.
func TestStartReturnTwoPreviews(t *testing.T) {
	e := newEnv(t)
	args := `{"order_number":"KF-2001","items":[{"item":"BOOT-01"}],"reason":"too big"}`
	first := e.preview(t, bob, "start_return", args)
	second := e.preview(t, bob, "start_return", args)
	if res, _ := e.reg.Confirm(context.Background(), e.as(bob), first); res.Status != tools.StatusOK {
		t.Fatal(res.JSON())
	}
	res, err := e.reg.Confirm(context.Background(), e.as(bob), second)
	if err != nil || res.Status != tools.StatusRefused || res.Reason != "already_returned" {
		t.Fatalf("second = %v %s", err, res.JSON())
	}
	if n := len(e.returnsOf(t, "KF-2001")); n != 1 {
		t.Fatalf("%d returns", n)
	}
}

func TestConfirmExpired(t *testing.T) {
	e := newEnv(t)
	id := e.preview(t, alice, "start_return", `{"order_number":"KF-1003","items":[{"item":"BOOT-01"}],"reason":"x"}`)
	e.clock.Advance(31 * time.Minute)
	res, err := e.reg.Confirm(context.Background(), e.as(alice), id)
	if err != nil || res.Reason != "confirmation_expired" {
		t.Fatalf("confirm = %v %s", err, res.JSON())
	}
	if n := len(e.returnsOf(t, "KF-1003")); n != 0 {
		t.Fatalf("%d returns", n)
	}
	// And it stays refused.
	res, _ = e.reg.Confirm(context.Background(), e.as(alice), id)
	if res.Reason != "confirmation_expired" {
		t.Fatalf("again = %s", res.JSON())
	}
}

// The window is checked again at confirmation: a preview made on day 30
// and confirmed on day 31 is refused.
func TestConfirmRechecksWindow(t *testing.T) {
	e := newEnv(t)
	id := e.preview(t, alice, "start_return", `{"order_number":"KF-1001","items":[{"item":"JKT-BLU"}],"reason":"x"}`)
	e.clock.Advance(2 * time.Minute)
	res, err := e.reg.Confirm(context.Background(), e.as(alice), id)
	if err != nil || res.Reason != "outside_return_window" {
		t.Fatalf("confirm = %v %s", err, res.JSON())
	}
}

func TestCancelOrder(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.run(t, []scenario{
		{name: "shipped order", as: alice, tool: "cancel_order", args: `{"order_number":"KF-1004","reason":"too slow"}`,
			wantStatus: "refused", wantReason: "already_shipped", wantContains: []string{"return it within 30 days"}},
		{name: "delivered order", as: alice, tool: "cancel_order", args: `{"order_number":"KF-1001","reason":"x"}`,
			wantStatus: "refused", wantReason: "already_shipped"},
		{name: "cancelled order", as: alice, tool: "cancel_order", args: `{"order_number":"KF-1007","reason":"x"}`,
			wantStatus: "refused", wantReason: "already_cancelled"},
		{name: "someone else's order", as: alice, tool: "cancel_order", args: `{"order_number":"KF-2002","reason":"x"}`,
			wantStatus: "not_found"},
		{name: "pending payment", as: alice, tool: "cancel_order", args: `{"order_number":"KF-1006","reason":"found it cheaper"}`,
			wantStatus: "needs_confirmation", wantContains: []string{`"refund":0.00`}},
	})

	id := e.preview(t, alice, "cancel_order", `{"order_number":"KF-1005","reason":"ordered the wrong colour"}`)
	if o, _ := e.st.OrderByNumber(ctx, "KF-1005"); o.Status != store.OrderPaid {
		t.Fatal("the preview cancelled the order")
	}
	res, err := e.reg.Confirm(ctx, e.as(alice), id)
	if err != nil || res.Status != tools.StatusOK || !strings.Contains(res.JSON(), `"refund":30.95`) {
		t.Fatalf("confirm = %v %s", err, res.JSON())
	}
	if o, _ := e.st.OrderByNumber(ctx, "KF-1005"); o.Status != store.OrderCancelled || o.CancelledAt == nil {
		t.Fatalf("order = %+v", o)
	}
	if res, _ := e.reg.Confirm(ctx, e.as(alice), id); res.Status != tools.StatusAlreadyDone {
		t.Fatalf("second confirm = %s", res.JSON())
	}
}

// An order that ships between preview and confirmation is not cancelled.
func TestCancelOrderShippedMeanwhile(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := e.preview(t, bob, "cancel_order", `{"order_number":"KF-2002","reason":"changed my mind"}`)
	ds := fixture()
	for i := range ds.Orders {
		if ds.Orders[i].Number == "KF-2002" {
			ds.Orders[i].Status, ds.Orders[i].ShippedAt = store.OrderShipped, &now
		}
	}
	if _, err := e.st.Import(ctx, ds); err != nil {
		t.Fatal(err)
	}
	res, err := e.reg.Confirm(ctx, e.as(bob), id)
	if err != nil || res.Reason != "already_shipped" {
		t.Fatalf("confirm = %v %s", err, res.JSON())
	}
	if o, _ := e.st.OrderByNumber(ctx, "KF-2002"); o.Status != store.OrderShipped {
		t.Fatalf("status = %s", o.Status)
	}
}

func TestRecommendProducts(t *testing.T) {
	e := newEnv(t)
	e.run(t, []scenario{
		// Alice buys outerwear, tops, footwear, accessories, outdoor; she
		// owns the jacket and rated the tee badly.
		{name: "signed in", as: alice, tool: "recommend_products", args: `{"limit":3}`, wantStatus: "ok",
			wantContains: []string{`"basis":"purchase_history"`}, wantNotContains: []string{"JKT-BLU", "TEE-WHT", "BOOT-01", "TENT-2P"}},
		{name: "guest gets best sellers", as: guest, tool: "recommend_products", args: `{}`, wantStatus: "ok",
			wantContains: []string{`"basis":"best_sellers"`, "best_seller"}},
		// Wang bought a parka and loved it: outerwear first.
		{name: "category affinity", as: wang, tool: "recommend_products", args: `{"limit":1}`, wantStatus: "ok",
			wantContains: []string{"JKT-BLU", "matches_your_categories"}, wantNotContains: []string{"PARKA-01"}},
	})
	res, _ := e.reg.Call(context.Background(), e.as(guest), "recommend_products", `{"limit":2}`)
	var out struct {
		Data struct {
			Products []struct{ SKU string } `json:"products"`
		} `json:"data"`
	}
	json.Unmarshal([]byte(res.JSON()), &out)
	// BOOT-01, JKT-BLU, TEE-WHT and TENT-2P each sold 2 or more; the boots
	// are rated 5.
	if len(out.Data.Products) != 2 || out.Data.Products[0].SKU != "TEE-WHT" && out.Data.Products[0].SKU != "BOOT-01" {
		t.Errorf("best sellers = %+v", out.Data.Products)
	}
}

func TestSearchKnowledgeBaseTool(t *testing.T) {
	e := newEnv(t)
	e.run(t, []scenario{
		{name: "english", as: guest, tool: "search_knowledge_base", args: `{"query":"can I send back my shoes?"}`, wantStatus: "ok",
			wantContains: []string{`"slug":"returns-policy"`, "30 days of delivery"}},
		{name: "chinese", as: guest, tool: "search_knowledge_base", args: `{"query":"退货运费谁出","locale":"zh"}`, wantStatus: "ok",
			wantContains: []string{"退货政策", "退货运费由顾客承担"}},
		{name: "nothing relevant", as: guest, tool: "search_knowledge_base", args: `{"query":"quantum chromodynamics"}`,
			wantStatus: "not_found", wantContains: []string{"offer to connect"}},
	})
}

func TestHandoffToHuman(t *testing.T) {
	e := newEnv(t)
	e.run(t, []scenario{{name: "records the request", as: alice, tool: "handoff_to_human",
		args: `{"reason":"wants to talk about a damaged parcel"}`, wantStatus: "ok"}})
	evs, err := e.st.Events(context.Background(), e.conv[alice])
	if err != nil || len(evs) != 1 || evs[0].Kind != store.EventHandoffRequested || !strings.Contains(string(evs[0].Data), "damaged parcel") {
		t.Fatalf("events = %+v, %v", evs, err)
	}
}

func TestRegistry(t *testing.T) {
	e := newEnv(t)
	want := map[string]tools.Risk{
		"search_knowledge_base": tools.Read, "list_orders": tools.Read, "lookup_order": tools.Read,
		"track_shipment": tools.Read, "start_return": tools.Change, "return_status": tools.Read,
		"cancel_order": tools.Change, "recommend_products": tools.Read, "handoff_to_human": tools.Read,
		"offer_coupon": tools.Change, "start_exchange": tools.Change, "change_shipping_address": tools.Change,
	}
	list := e.reg.List()
	if len(list) != len(want) {
		t.Fatalf("%d tools, want %d", len(list), len(want))
	}
	for _, info := range list {
		if want[info.Name] != info.Risk || len(info.Description) < 60 {
			t.Errorf("%s: risk %s, description %q", info.Name, info.Risk, info.Description)
		}
	}
	for _, def := range e.reg.Definitions() {
		b, err := json.Marshal(def.Function.Parameters)
		if err != nil || def.Type != "function" || !strings.Contains(string(b), `"type":"object"`) {
			t.Errorf("%s: bad definition %s %v", def.Function.Name, b, err)
		}
	}
}

func TestOfferCoupon(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.run(t, []scenario{
		{name: "a guest gets none", as: guest, tool: "offer_coupon", args: `{"situation":"late"}`, wantStatus: "refused", wantReason: "not_signed_in"},
		{name: "no evidence, no coupon", as: bob, tool: "offer_coupon", args: `{"situation":"I am unhappy"}`, wantStatus: "refused", wantReason: "no_evidence"},
		{name: "the model cannot set the amount", as: wang, tool: "offer_coupon", args: `{"situation":"late","percent":50}`, wantStatus: "invalid_arguments",
			wantContains: []string{`unknown field \"percent\"`}},
		{name: "a late delivery is evidence", as: wang, tool: "offer_coupon", args: `{"situation":"parcel came late"}`, wantStatus: "needs_confirmation",
			wantContains: []string{`"percent":10`, "late_delivery", "KF-3002"}},
	})
	id := e.preview(t, wang, "offer_coupon", `{"situation":"parcel came late"}`)
	res, err := e.reg.Confirm(ctx, e.as(wang), id)
	if err != nil || res.Status != tools.StatusOK {
		t.Fatalf("confirm: %v %s", err, res.JSON())
	}
	code := res.Data.(*tools.CouponIssued).Code
	if !strings.HasPrefix(code, "SORRY-") {
		t.Fatalf("code %q", code)
	}
	// Once per 30 days: a second offer is refused, and a second preview made
	// before the first was accepted cannot be cashed in either.
	e.run(t, []scenario{{name: "one per 30 days", as: wang, tool: "offer_coupon", args: `{"situation":"again"}`, wantStatus: "refused", wantReason: "recent_coupon"}})
	cs, _ := e.st.CouponsByCustomer(ctx, wang)
	if len(cs) != 1 || cs[0].Percent != 10 || cs[0].Code != code {
		t.Fatalf("coupons = %+v", cs)
	}
	if again, _ := e.reg.Confirm(ctx, e.as(wang), id); again.Status != tools.StatusAlreadyDone {
		t.Fatalf("second confirm: %s", again.JSON())
	}
}
