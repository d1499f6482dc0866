package builtin

import (
	"fmt"
	"strings"

	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/tools"
)

// Exchanges (换货): the same product in another size or colour. The tool
// decides which variant the shopper's words name ("a large", "a size up",
// "换个大一号的", "颜色换成黑色") and whether policy allows it; this file
// gathers the order and the item, passes the shopper's words on, and
// writes the answers.

func init() {
	taskTools[IntentExchange] = []string{tools.NameStartExchange}
	taskTools[IntentAddress] = []string{tools.NameChangeAddress}
}

// planExchange takes the next step of an exchange.
func (s *state) planExchange() action {
	if !s.offers(tools.NameStartExchange) {
		// A caller without the exchange tool: run it as a return, and say
		// so (decide).
		s.task, s.exchange = IntentStartReturn, true
		return s.plan()
	}
	sl := s.slots
	if sl.order == "" {
		sl.order = s.orderByItem()
	}
	if sl.order == "" {
		if s.c.signedIn && s.offers(tools.NameListOrders) && !s.listedThisTurn() && !s.haveOrderList() {
			return call(tools.NameListOrders, map[string]any{})
		}
		if s.c.signedIn && s.haveOrderList() {
			return s.askExchangeItem(nil)
		}
		return s.askOrder()
	}
	if !s.c.signedIn && sl.email == "" {
		return s.askEmail()
	}
	s.slots.order = sl.order
	od, known := s.orderData(sl.order)
	if !known {
		if s.offers(tools.NameLookupOrder) && !s.calledThisTurn(action{tool: tools.NameLookupOrder}) {
			return call(tools.NameLookupOrder, s.orderArgs(sl.order))
		}
		return s.askExchangeItem(nil)
	}
	if why := noReturn(od, s.c.today); why != "" {
		var e toolEvent
		e.result.Reason = why
		e.result.Data = &tools.ReturnWindow{DeliveredAt: od.DeliveredAt, ReturnBy: od.ReturnBy}
		return say(s.exchangeRefusal(e))
	}
	items := s.chosenItems(od)
	if len(items) != 1 { // one item at a time: each has its own variants
		return s.askExchangeItem(&od)
	}
	args := s.orderArgs(od.Number)
	args["item"] = items[0].SKU
	args["wanted_variant"] = clip(s.taskText(), 200)
	args["reason"] = orDefault(sl.reason, clip(s.taskText(), 200))
	return call(tools.NameStartExchange, args)
}

// askExchangeItem asks which item to exchange, of order o or of the
// shopper's delivered orders.
func (s *state) askExchangeItem(o *tools.OrderView) action {
	if o == nil {
		orders, _ := s.orderList()
		var lines []string
		for _, od := range orders {
			if od.Status == "delivered" {
				lines = append(lines, "• "+od.Number+": "+s.itemNames(od.Items))
			}
		}
		if len(lines) == 0 {
			return say(s.t("I don't see a delivered order on your account that could be exchanged. Which order number is it?",
				"您的账户里没有可以换货的已签收订单。请问是哪个订单号？"))
		}
		return say(s.t("Which item would you like to exchange? Your delivered orders:\n"+strings.Join(lines, "\n"),
			"请问您想换哪件商品？您已签收的订单：\n"+strings.Join(lines, "\n")))
	}
	return say(s.t(fmt.Sprintf("Which item from order %s would you like to exchange: %s?", o.Number, s.itemNames(o.Items)),
		fmt.Sprintf("请问您想换订单 %s 中的哪件商品：%s？", o.Number, s.itemNames(o.Items))))
}

// answerExchange writes the reply to a start_exchange result.
func (s *state) answerExchange(e toolEvent) (action, bool) {
	r := e.result
	switch r.Status {
	case tools.StatusNeedsInfo:
		switch r.Missing {
		case "wanted_variant":
			d, _ := r.Data.(*tools.ExchangeOptions)
			return say(s.askVariant(d)), true
		case "email":
			return s.askEmail(), true
		case "items", "item":
			if o, ok := s.orderData(s.slots.order); ok {
				return s.askExchangeItem(&o), true
			}
			return s.askExchangeItem(nil), true
		}
	case tools.StatusRefused:
		return say(s.exchangeRefusal(e)), true
	case tools.StatusNeedsConfirmation:
		if d, _ := r.Data.(*tools.Pending); d != nil {
			if p, ok := d.Preview.(*tools.ExchangePreview); ok {
				return say(s.exchangePreview(p)), true
			}
		}
	}
	return action{}, false
}

// askVariant asks which size or colour the shopper wants, listing what
// the item comes in. askedFor knows its key phrase.
func (s *state) askVariant(d *tools.ExchangeOptions) string {
	if d == nil || len(d.Variants) == 0 {
		return s.t("Which size or colour would you like instead?", "请问您想换成哪个尺码或颜色？")
	}
	return s.t(fmt.Sprintf("Which size or colour would you like instead? %s comes in: %s.", titleIn(d.Title, d.TitleZH, "en"), s.variantList(d.Variants)),
		fmt.Sprintf("请问您想换成哪个尺码或颜色？%s有：%s。", titleIn(d.Title, d.TitleZH, "zh"), s.variantList(d.Variants)))
}

func (s *state) variantList(vs []tools.VariantView) string {
	var parts []string
	for _, v := range vs {
		p := v.Options.Values()
		if !v.InStock {
			p += s.t(" (sold out)", "（缺货）")
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, s.t(", ", "、"))
}

// exchangeRefusal explains why an exchange is not possible.
func (s *state) exchangeRefusal(e toolEvent) string {
	o := s.slots.order
	d, _ := e.result.Data.(*tools.ExchangeOptions)
	var inStock []tools.VariantView
	if d != nil {
		for _, v := range d.Variants {
			if v.InStock {
				inStock = append(inStock, v)
			}
		}
	}
	switch e.result.Reason {
	case "outside_return_window":
		w, _ := e.result.Data.(*tools.ReturnWindow)
		if w == nil {
			w = &tools.ReturnWindow{}
		}
		return s.t(fmt.Sprintf("I'm sorry, order %s can't be exchanged: it was delivered on %s, and exchanges must be started within %s of delivery (by %s).", o, s.date(w.DeliveredAt), s.days(), s.date(w.ReturnBy)),
			fmt.Sprintf("抱歉，订单 %s 无法换货：它在%s签收，换货需在签收后%d天内申请（截止%s）。", o, s.date(w.DeliveredAt), s.m.windowDays(), s.date(w.ReturnBy)))
	case "final_sale":
		return s.t("I'm sorry, that item was sold as final sale, so it can't be exchanged or returned.",
			"抱歉，这件商品属于最终销售（final sale）商品，不支持换货或退货。")
	case "out_of_stock":
		if len(inStock) > 0 {
			return s.t(fmt.Sprintf("I'm sorry, that one is sold out right now. In stock: %s. Would one of those work?", s.variantList(inStock)),
				fmt.Sprintf("抱歉，您要的款式暂时缺货。目前有货的是：%s。可以换成其中一款吗？", s.variantList(inStock)))
		}
		return s.t("I'm sorry, that one is sold out right now, and no other size or colour is in stock. I can start a return instead if you like.",
			"抱歉，您要的款式暂时缺货，其他尺码和颜色也没有货了。如果需要，我可以为您办理退货。")
	case "variant_not_found", "other_product":
		list := ""
		if d != nil {
			list = s.variantList(d.Variants)
		}
		return s.t("An exchange swaps the size or colour of the same product, and that isn't one of its variants. It comes in: "+list+". For a different product, you can return this one and order the other.",
			"换货只能换同一商品的其他尺码或颜色，您说的不是这件商品的款式。这件商品有："+list+"。如果想要其他商品，可以先退货再下单。")
	case "no_variants":
		return s.t("That item comes in only one version, so it can't be exchanged for another size or colour — but I can start a return if you like.",
			"这件商品只有一个款式，无法换尺码或颜色，但可以为您办理退货。")
	case "already_open":
		return s.t("That item already has a return or exchange under way, so I can't start another one for it. I can check its status for you.",
			"这件商品已经有一个进行中的退换货申请，暂时不能再申请。我可以帮您查询进度。")
	case "already_returned":
		return s.t("That item has already been returned, so there's nothing to exchange.", "这件商品已经退货了，无法再换货。")
	case "quantity_exceeds":
		return s.t("That's more than can still be exchanged from this order.", "换货数量超过了这个订单可换的数量。")
	case "not_delivered":
		return s.t(fmt.Sprintf("Order %s is still on its way, so it can't be exchanged yet. Once it arrives you'll have %s.", o, s.days()),
			fmt.Sprintf("订单 %s 还在运输途中，暂时不能换货。签收后%d天内都可以申请。", o, s.m.windowDays()))
	case "not_shipped":
		return s.t(fmt.Sprintf("Order %s hasn't shipped yet, so there's nothing to exchange; I can cancel it instead if you'd like to order another size.", o),
			fmt.Sprintf("订单 %s 还没有发货，无需换货；如果想换尺码，可以先取消订单再重新下单。", o))
	case "order_cancelled":
		return s.t(fmt.Sprintf("Order %s was cancelled, so there's nothing to exchange.", o), fmt.Sprintf("订单 %s 已取消，无需换货。", o))
	case "confirmation_expired":
		return s.t("That confirmation has expired, so nothing was changed. Shall we start again?", "确认已超时，没有做任何更改。需要重新办理吗？")
	}
	return s.t("I'm sorry, that isn't possible: "+e.result.Message, "抱歉，无法办理："+e.result.Message)
}

// exchangePreview shows an exchange waiting for the shopper's yes: what
// goes back, what is sent out, and the price difference.
func (s *state) exchangePreview(p *tools.ExchangePreview) string {
	var back, out []string
	for _, l := range p.Items {
		back = append(back, fmt.Sprintf("%s (%s)", l.TitleIn(s.lang), l.Options.Values()))
		out = append(out, fmt.Sprintf("%s (%s)", l.Replacement.TitleIn(s.lang), l.Replacement.Options.Values()))
	}
	diffEN, diffZH := exchangeDifference(p.PriceDifference, p.Currency)
	ship := s.t("You'll get a prepaid return label by email.", "我们会通过邮件发送预付退货面单。")
	if p.Shipping == "customer_paid" {
		ship = s.t("Return shipping is paid by you for international orders; we'll give you the address.", "国际订单的退货运费由您承担，我们会提供退货地址。")
	}
	number := orDefault(p.OrderNumber, s.slots.order)
	return s.t(fmt.Sprintf("Here's the exchange for order %s: you send back %s and we send you %s. %s %s Shall I go ahead? Please answer yes or no.",
		number, strings.Join(back, "; "), strings.Join(out, "; "), diffEN, ship),
		fmt.Sprintf("订单 %s 的换货信息：您寄回%s，我们给您寄出%s。%s%s请回复“确认”继续办理，或回复“不用了”。",
			number, strings.Join(back, "、"), strings.Join(out, "、"), diffZH, ship))
}

func exchangeDifference(d store.Money, currency string) (en, zh string) {
	switch {
	case d > 0:
		return fmt.Sprintf("The new one costs %s more, which we'll ask you to pay.", money(d, currency)),
			fmt.Sprintf("新款贵 %s，需要您补差价。", money(d, currency))
	case d < 0:
		return fmt.Sprintf("The new one costs %s less, which we'll refund to you.", money(-d, currency)),
			fmt.Sprintf("新款便宜 %s，差价会退还给您。", money(-d, currency))
	}
	return "There's no price difference.", "无需补差价。"
}

// exchangeDone reports a confirmed exchange.
func (s *state) exchangeDone(d *tools.ExchangeDone) string {
	var out []string
	for _, l := range d.Items {
		out = append(out, fmt.Sprintf("%s (%s)", l.Replacement.TitleIn(s.lang), l.Replacement.Options.Values()))
	}
	diffEN, diffZH := exchangeDifference(d.PriceDifference, d.Currency)
	return s.t(fmt.Sprintf("Done — your exchange is confirmed. Your RMA number is %s. %s is reserved for you and ships as soon as the carrier scans the parcel you send back. %s %s",
		d.RMA, strings.Join(out, "; "), diffEN, d.HowToReturn),
		fmt.Sprintf("已为您办理换货，退货授权号（RMA）是 %s。%s已为您预留，快递揽收您寄回的包裹后即发出。%s请在包裹上注明RMA号，并在14天内寄出。",
			d.RMA, strings.Join(out, "、"), diffZH))
}

// exchangeStatus is the return_status answer when the order has an
// exchange: what was sent back and what is sent out.
func (s *state) exchangeStatus(d *tools.ReturnList) (string, bool) {
	any := false
	for _, r := range d.Returns {
		any = any || r.Kind == store.ReturnKindExchange
	}
	if !any {
		return "", false
	}
	var lines []string
	for _, r := range d.Returns {
		var names []string
		for _, it := range r.Items {
			n := titleIn(it.Title, it.TitleZH, s.lang)
			if it.Replacement != nil {
				n += s.t(" → ", " 换成 ") + titleIn(it.Replacement.Title, it.Replacement.TitleZH, s.lang)
			}
			names = append(names, n)
		}
		what := s.t("Return", "退货")
		if r.Kind == store.ReturnKindExchange {
			what = s.t("Exchange", "换货")
		}
		status := map[string][2]string{
			"open":     {"open — we're waiting for the parcel to reach our warehouse", "处理中，等待包裹寄回仓库"},
			"received": {"received at our warehouse", "仓库已收到"},
			"refunded": {"completed", "已完成"},
			"rejected": {"rejected", "未通过"},
		}[r.Status]
		lines = append(lines, s.t(fmt.Sprintf("%s %s (%s): %s.", what, r.RMA, strings.Join(names, ", "), status[0]),
			fmt.Sprintf("%s %s（%s）：%s。", what, r.RMA, strings.Join(names, "、"), status[1])))
	}
	return strings.Join(lines, "\n"), true
}
