package agents_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/store"
)

// moreScenarios are the scenarios of the routes and references issue 17
// added (account, invoice, complaint, exchange, address change, hurrying,
// a person in the middle of a flow, references back to orders kefu
// showed, picking among orders by status and date, a switch of
// language), written, like scenariosFor's, from the shop's own data.
func moreScenarios(sh testShop, r roles, ds *store.Dataset) []chatScenario {
	status := func(want map[string]string) func(*testing.T, *store.Store) {
		return func(t *testing.T, st *store.Store) {
			t.Helper()
			for number, s := range want {
				if o, err := st.OrderByNumber(context.Background(), number); err != nil || o.Status != s {
					t.Errorf("order %s: %v, %v; want %s", number, o.Status, err, s)
				}
			}
		}
	}
	noReturns := func(number string, before int) func(*testing.T, *store.Store) {
		return func(t *testing.T, st *store.Store) {
			t.Helper()
			if rs := returnsOf(t, st, number); len(rs) != before {
				t.Errorf("returns of %s: %+v, want %d", number, rs, before)
			}
		}
	}
	sc := []chatScenario{
		// Asked for the email, the guest asks something else first: that
		// is answered, then the email still finds the order.
		{name: "a question while the bot waits for the email", lang: "en", says: []say{
			{text: "where is my order " + r.guestPaid.number + "?", want: []string{"email address you used"}},
			{text: "actually first, what is your return policy?", tools: []string{"search_knowledge_base"}, notWant: []string{"email address you used"}},
			{text: r.guestPaid.email, anyTools: true, want: []string{r.guestPaid.number}, notWant: []string{"email address you used", "下单时使用的邮箱"}},
		}},
		{name: "等邮箱时先问别的", lang: "zh", says: []say{
			{text: "我的订单" + r.guestPaid.number + "到哪了", want: []string{"邮箱"}},
			{text: "先问一下，你们的退货政策是什么？", tools: []string{"search_knowledge_base"}, notWant: []string{"下单时使用的邮箱"}},
			{text: r.guestPaid.email, anyTools: true, want: []string{r.guestPaid.number}, notWant: []string{"email address you used", "下单时使用的邮箱"}},
		}},
		{name: "account: change the phone number", lang: "en", as: r.soleShipped.customer, says: []say{
			{text: "hi, I need to change the phone number on my account, how do I do that?", anyTools: true, notWant: []string{"not sure I understood"}},
		}},
		{name: "账户：换绑手机号", lang: "zh", as: r.soleShipped.customer, says: []say{
			{text: "你好 我想换绑手机号 怎么操作", anyTools: true, notWant: []string{"没太明白"}},
		}},
		{name: "invoice for an order", lang: "en", as: r.returnable.customer, says: []say{
			{text: "can I get an invoice for order " + r.returnable.number + "? need it for work", anyTools: true, notWant: []string{"not sure I understood"}},
		}},
		{name: "开发票", lang: "zh", as: r.returnable.customer, says: []say{
			{text: "订单" + r.returnable.number + "能开发票吗 公司报销要用", anyTools: true, notWant: []string{"没太明白"}},
		}},
		{name: "hurry a shipment", lang: "en", as: r.paid.customer, says: []say{
			{text: "is there any way to speed up order " + r.paid.number + "? I need it by friday", anyTools: true, notWant: []string{"not sure I understood"}},
		}, check: status(map[string]string{r.paid.number: r.paid.status})},
		{name: "催发货", lang: "zh", as: r.paid.customer, says: []say{
			{text: "订单" + r.paid.number + "能不能加急发货 急用", anyTools: true, notWant: []string{"没太明白"}},
		}, check: status(map[string]string{r.paid.number: r.paid.status})},
		{name: "change the address of an unshipped order", lang: "en", as: r.paid.customer, says: []say{
			{text: "I need to change the delivery address for order " + r.paid.number, anyTools: true, want: []string{r.paid.number}},
		}},
		{name: "改地址", lang: "zh", as: r.paid.customer, says: []say{
			{text: "订单" + r.paid.number + "地址填错了，想改一下收货地址", anyTools: true, want: []string{r.paid.number}},
		}},
		{name: "exchange for another size", lang: "en", as: r.returnable.customer, says: []say{
			{text: fmt.Sprintf("can I exchange the %s from order %s for a different size?", r.returnable.item.nameEN, r.returnable.number),
				tools: []string{"lookup_order", "start_exchange"}, notWant: []string{"not sure I understood", "refund"}},
		}, check: noReturns(r.returnable.number, r.returnable.returns)},
		{name: "换货换尺码", lang: "zh", as: r.returnable.customer, says: []say{
			{text: fmt.Sprintf("订单%s的%s想换个尺码", r.returnable.number, r.returnable.item.nameZH),
				tools: []string{"lookup_order", "start_exchange"}, want: []string{"换"}, notWant: []string{"没太明白"}},
		}, check: noReturns(r.returnable.number, r.returnable.returns)},
		{name: "a complaint in the middle of a return wins", lang: "en", as: r.returnable.customer, says: []say{
			{text: fmt.Sprintf("I'd like to return the %s from order %s", r.returnable.item.nameEN, r.returnable.number), tools: []string{"lookup_order"}, want: []string{"Why would you like to return"}},
			{text: "honestly this is the worst shop ever, I want to file a complaint with your manager", tools: []string{"handoff_to_human"}, handoff: true},
		}, check: noReturns(r.returnable.number, r.returnable.returns)},
		{name: "退货中途投诉", lang: "zh", as: r.returnable.customer, says: []say{
			{text: fmt.Sprintf("我想退订单%s里的%s", r.returnable.number, r.returnable.item.nameZH), tools: []string{"lookup_order"}, want: []string{"原因"}},
			{text: "你们这服务太差了 我要投诉", tools: []string{"handoff_to_human"}, handoff: true},
		}, check: noReturns(r.returnable.number, r.returnable.returns)},
		{name: "a person asked for while kefu waits for a reason", lang: "en", as: r.paid.customer, says: []say{
			{text: "I want to cancel order " + r.paid.number, tools: []string{"cancel_order"}, want: []string{r.paid.number}},
			{text: "human please", tools: []string{"handoff_to_human"}, handoff: true},
		}, check: status(map[string]string{r.paid.number: r.paid.status})},
		{name: "取消中途转人工", lang: "zh", as: r.paid.customer, says: []say{
			{text: "我要取消订单" + r.paid.number, tools: []string{"cancel_order"}, want: []string{r.paid.number}},
			{text: "人工", tools: []string{"handoff_to_human"}, handoff: true},
		}, check: status(map[string]string{r.paid.number: r.paid.status})},
		{name: "the language follows a switch at once", lang: "zh", as: r.shipped.customer, says: []say{
			{text: "我的订单" + r.shipped.number + "到哪了", tools: []string{"track_shipment"}, want: []string{"包裹"}},
		}},
	}
	if r.cancelFirst.number != "" {
		a, b := r.cancelFirst, r.cancelSecond
		both := map[string]string{a.number: a.status, b.number: b.status}
		sc = append(sc,
			chatScenario{name: "the other one, after one was picked", lang: "en", as: b.customer, says: []say{
				{text: "I need to cancel an order", tools: []string{"list_orders"}, want: []string{a.number, b.number}},
				{text: "the " + a.item.nameEN, tools: []string{"cancel_order"}, want: []string{a.number}},
				{text: "no sorry, the other one", tools: []string{"cancel_order"}, want: []string{b.number}, notWant: []string{a.number}},
				{text: "I ordered it by mistake", tools: []string{"cancel_order"}, want: []string{b.number, "Shall I go ahead"}},
				{text: "yes", tools: []string{"confirm_action"}, want: []string{b.number, "cancelled"}},
			}, check: status(map[string]string{a.number: a.status, b.number: store.OrderCancelled})},
			chatScenario{name: "另一个：选了一个之后改成另一个", lang: "zh", as: b.customer, says: []say{
				{text: "我想取消一个订单", tools: []string{"list_orders"}, want: []string{a.number, b.number}},
				{text: "取消" + a.item.nameZH + "那个", tools: []string{"cancel_order"}, want: []string{a.number}},
				{text: "不对 是另一个", tools: []string{"cancel_order"}, want: []string{b.number}, notWant: []string{a.number}},
				{text: "拍错了", tools: []string{"cancel_order"}, want: []string{b.number, "确认"}},
				{text: "确认", tools: []string{"confirm_action"}, want: []string{b.number, "已取消"}},
			}, check: status(map[string]string{a.number: a.status, b.number: store.OrderCancelled})},
			chatScenario{name: "that one, among two, is asked about", lang: "en", as: b.customer, says: []say{
				{text: "I need to cancel an order", tools: []string{"list_orders"}, want: []string{a.number, b.number}},
				{text: "that one", tools: nil, want: []string{"Which of these orders", a.number, b.number}, suggest: []string{a.number, b.number}},
				{text: "yes", anyTools: true, notWant: []string{"Shall I go ahead"}},
			}, check: status(both)},
			chatScenario{name: "两个订单里说“那个”要问是哪一个", lang: "zh", as: b.customer, says: []say{
				{text: "我想取消订单", tools: []string{"list_orders"}, want: []string{a.number, b.number}},
				{text: "那个", tools: nil, want: []string{"哪一个订单", a.number, b.number}, suggest: []string{a.number, b.number}},
			}, check: status(both)},
			chatScenario{name: "yes, the other one, at a preview, is not a yes to it", lang: "en", as: b.customer, says: []say{
				{text: "can you cancel " + a.number + "? I ordered it by mistake", tools: []string{"cancel_order"}, want: []string{a.number, "Shall I go ahead"}},
				{text: "yes, the other one", tools: []string{"list_orders"}, want: []string{"Which of these orders", b.number}, notWant: []string{a.number, "is cancelled"}},
				{text: "yes", tools: []string{"cancel_order"}, want: []string{b.number, "Why would you like to cancel"}},
				{text: "I ordered it by mistake", tools: []string{"cancel_order"}, want: []string{b.number, "Shall I go ahead"}},
				{text: "yes", tools: []string{"confirm_action"}, want: []string{b.number}},
			}, check: status(map[string]string{a.number: a.status, b.number: store.OrderCancelled})},
			chatScenario{name: "预览时说“是另一个”不算确认", lang: "zh", as: b.customer, says: []say{
				{text: "帮我取消订单" + a.number + "，拍错了", tools: []string{"cancel_order"}, want: []string{a.number, "确认"}},
				{text: "不是这个，是另一个", tools: []string{"list_orders"}, want: []string{"哪一个订单", b.number}, notWant: []string{a.number, "已取消"}},
				{text: "对，就是这个", tools: []string{"cancel_order"}, want: []string{b.number, "原因"}},
				{text: "不想要了", tools: []string{"cancel_order"}, want: []string{b.number, "确认"}},
				{text: "确认", tools: []string{"confirm_action"}, want: []string{b.number}},
			}, check: status(map[string]string{a.number: a.status, b.number: store.OrderCancelled})},
		)
	}
	sc = append(sc, pickScenarios(sh, ds)...)
	return sc
}

// pickScenarios pick one order among a shopper's several by its state or
// its date, for customers of the shop whose orders allow it.
func pickScenarios(sh testShop, ds *store.Dataset) []chatScenario {
	now := sh.clock()
	var sc []chatScenario
	unshipped := func(o store.Order) bool { return o.Status == store.OrderPaid || o.Status == store.OrderPendingPayment }
	if c, o, ok := onlyOneOf(ds, unshipped); ok {
		sc = append(sc,
			chatScenario{name: "cancel the one that hasn't shipped", lang: "en", as: c, says: []say{
				{text: "hi, I'd like to cancel the one that hasn't been sent out yet", tools: []string{"list_orders", "cancel_order"}, want: []string{o.Number}},
				{text: "found it cheaper somewhere else", tools: []string{"cancel_order"}, want: []string{o.Number, "Shall I go ahead"}},
				{text: "yes", tools: []string{"confirm_action"}, want: []string{o.Number}},
			}, check: cancelledOnly(ds, c, o.Number)},
			chatScenario{name: "取消还没发货的那个", lang: "zh", as: c, says: []say{
				{text: "我有几个单 还没发货的那个帮我取消掉吧", tools: []string{"list_orders", "cancel_order"}, want: []string{o.Number}},
				{text: "不想要了", tools: []string{"cancel_order"}, want: []string{o.Number, "确认"}},
				{text: "确认", tools: []string{"confirm_action"}, want: []string{o.Number}},
			}, check: cancelledOnly(ds, c, o.Number)},
		)
	}
	// "The previous one" beside an order in question is the one placed
	// before it; with none in question ("my previous order") the latest.
	if c, older, newer, ok := adjacentOf(ds, unshipped); ok {
		sc = append(sc,
			chatScenario{name: "the previous one, by date", lang: "en", as: c, says: []say{
				{text: "please cancel order " + newer.Number, tools: []string{"cancel_order"}, want: []string{newer.Number}},
				{text: "wait no, the previous one", tools: []string{"list_orders", "cancel_order"}, want: []string{older.Number}, notWant: []string{newer.Number}},
				{text: "ordered it by mistake", tools: []string{"cancel_order"}, want: []string{older.Number, "Shall I go ahead"}},
				{text: "yes", tools: []string{"confirm_action"}, want: []string{older.Number}},
			}, check: cancelledOnly(ds, c, older.Number)},
			chatScenario{name: "上一单：按下单时间", lang: "zh", as: c, says: []say{
				{text: "帮我取消订单" + newer.Number, tools: []string{"cancel_order"}, want: []string{newer.Number}},
				{text: "不对，是上一单", tools: []string{"list_orders", "cancel_order"}, want: []string{older.Number}, notWant: []string{newer.Number}},
				{text: "拍错了", tools: []string{"cancel_order"}, want: []string{older.Number, "确认"}},
				{text: "确认", tools: []string{"confirm_action"}, want: []string{older.Number}},
			}, check: cancelledOnly(ds, c, older.Number)},
		)
	}
	if c, latest, ok := latestOf(ds); ok {
		sc = append(sc,
			chatScenario{name: "my previous order is the latest", lang: "en", as: c, says: []say{
				{text: "what's the status of my previous order?", anyTools: true, want: []string{latest.Number}},
			}},
			chatScenario{name: "上一单是最近的一单", lang: "zh", as: c, says: []say{
				{text: "我上一单到哪了", anyTools: true, want: []string{latest.Number}},
			}},
		)
	}
	lastWeek := func(o store.Order) bool {
		d := int(now.Truncate(24*time.Hour).Sub(o.PlacedAt.Truncate(24*time.Hour)).Hours() / 24)
		return d >= 6 && d <= 13 // inside "last week" however the day is counted
	}
	if c, o, ok := onlyOneOf(ds, lastWeek); ok {
		sc = append(sc,
			chatScenario{name: "the one from last week", lang: "en", as: c, clock: true, says: []say{
				{text: "any news on the one I bought last week?", anyTools: true, want: []string{o.Number}},
			}},
			chatScenario{name: "上周买的那个", lang: "zh", as: c, clock: true, says: []say{
				{text: "我上周下的那个单到哪一步了", anyTools: true, want: []string{o.Number}},
			}},
		)
	}
	return sc
}

// onlyOneOf finds a customer with at least two orders of which exactly one
// fits.
func onlyOneOf(ds *store.Dataset, fits func(store.Order) bool) (string, store.Order, bool) {
	custs, by := customersBy(ds, func(os []store.Order) bool {
		n := 0
		for _, o := range os {
			if fits(o) {
				n++
			}
		}
		return len(os) >= 2 && n == 1
	})
	if len(custs) == 0 {
		return "", store.Order{}, false
	}
	for _, o := range by[custs[0]] {
		if fits(o) {
			return custs[0], o, true
		}
	}
	return "", store.Order{}, false
}

// adjacentOf finds a customer two of whose orders that fit were placed one
// right after the other (no order of theirs between them, none on the
// same moment).
func adjacentOf(ds *store.Dataset, fits func(store.Order) bool) (customer string, older, newer store.Order, ok bool) {
	custs, by := customersBy(ds, func(os []store.Order) bool { return len(os) >= 2 })
	for _, c := range custs {
		os := slices.Clone(by[c])
		slices.SortFunc(os, func(a, b store.Order) int { return a.PlacedAt.Compare(b.PlacedAt) })
		for k := 1; k < len(os); k++ {
			if fits(os[k-1]) && fits(os[k]) && os[k-1].PlacedAt.Before(os[k].PlacedAt) {
				return c, os[k-1], os[k], true
			}
		}
	}
	return "", store.Order{}, store.Order{}, false
}

// latestOf finds a customer with several orders, one placed after all the
// others, and that one.
func latestOf(ds *store.Dataset) (string, store.Order, bool) {
	custs, by := customersBy(ds, func(os []store.Order) bool { return len(os) >= 2 })
	for _, c := range custs {
		os := slices.Clone(by[c])
		slices.SortFunc(os, func(a, b store.Order) int { return b.PlacedAt.Compare(a.PlacedAt) })
		if os[0].PlacedAt.After(os[1].PlacedAt) {
			return c, os[0], true
		}
	}
	return "", store.Order{}, false
}

// cancelledOnly checks that of the customer's orders only number was
// cancelled by the conversation.
func cancelledOnly(ds *store.Dataset, customer, number string) func(*testing.T, *store.Store) {
	return func(t *testing.T, st *store.Store) {
		t.Helper()
		for _, o := range ds.Orders {
			if !strings.EqualFold(o.CustomerEmail, customer) {
				continue
			}
			got, err := st.OrderByNumber(context.Background(), o.Number)
			if err != nil {
				t.Fatal(err)
			}
			want := o.Status
			if o.Number == number {
				want = store.OrderCancelled
			}
			if got.Status != want {
				t.Errorf("order %s is %s, want %s", o.Number, got.Status, want)
			}
		}
	}
}

// clockScenario is newShopScenario with the runner's today set to the
// shop's clock, so that "last week" means the same days to the
// conversation as to the scenario that chose its order.
func clockScenario(t *testing.T, sh testShop, email string) *scenario {
	t.Helper()
	st, path, _ := openShop(t, sh)
	r := newRunner(t, st)
	now := sh.clock()
	r.Now = func() time.Time { return now }
	return converse(t, st, path, r, email)
}
