package builtin

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/tools"
)

// Questions the model asks. askedFor recognises them in the next turn, so
// keep their key phrases ("order number", "which item", "why would you
// like", "shall I go ahead") when editing.

func (s *state) askOrder() action {
	en, zh := s.orderHint()
	if s.c.signedIn {
		return say(s.t("Which order is it about? Please give me the order number"+en+".",
			"请问是哪个订单？请提供订单号"+zh+"。"))
	}
	return say(s.t("I can help with that. Please give me your order number"+en+" and the email address you used for the order.",
		"可以帮您处理。请提供您的订单号"+zh+"以及下单时使用的邮箱。"))
}

// orderHint shows what the shop's order numbers look like, from its own
// orders: an example of their most common shape (never a real number).
func (s *state) orderHint() (en, zh string) {
	if ex := s.m.vocab().exampleOrder; ex != "" {
		return " (it looks like " + ex + ")", "（格式如 " + ex + "）"
	}
	return " (you'll find it in your order confirmation)", "（可以在订单确认邮件或短信里找到）"
}

// rmaHint shows what the shop's return numbers look like.
func (s *state) rmaHint() (en, zh string) {
	ex := s.m.vocab().exampleRMA
	return " (it looks like " + ex + ")", "（格式如 " + ex + "）"
}

func (s *state) askEmail() action {
	switch {
	case s.slots.order != "":
		return say(s.t(fmt.Sprintf("Thanks. To find order %s, please tell me the email address you used for the order.", s.slots.order),
			fmt.Sprintf("好的。为了查询订单 %s，请告诉我下单时使用的邮箱。", s.slots.order)))
	case s.slots.rma != "":
		return say(s.t(fmt.Sprintf("Thanks. To find return %s, please tell me the email address you used for the order.", s.slots.rma),
			fmt.Sprintf("好的。为了查询退货 %s，请告诉我下单时使用的邮箱。", s.slots.rma)))
	}
	return say(s.t("Thanks. To find your order, please tell me the email address you used for the order.",
		"好的。为了查询您的订单，请告诉我下单时使用的邮箱。"))
}

func (s *state) askItem(o *tools.OrderView) action {
	if o == nil {
		orders, _ := s.orderList()
		var lines []string
		for _, od := range orders {
			if od.Status != "delivered" {
				continue
			}
			lines = append(lines, "• "+od.Number+": "+s.itemNames(od.Items))
		}
		if len(lines) == 0 {
			return say(s.t("I don't see a delivered order on your account that could be returned. Which order number is it?",
				"您的账户里没有可以退货的已签收订单。请问是哪个订单号？"))
		}
		return say(s.t("Which item would you like to return? Your delivered orders:\n"+strings.Join(lines, "\n"),
			"请问您想退哪件商品？您已签收的订单：\n"+strings.Join(lines, "\n")))
	}
	return say(s.t(fmt.Sprintf("Which item from order %s would you like to return: %s?", o.Number, s.itemNames(o.Items)),
		fmt.Sprintf("请问您想退订单 %s 中的哪件商品：%s？", o.Number, s.itemNames(o.Items))))
}

func (s *state) askReason(items []tools.ItemView) action {
	return say(s.t(fmt.Sprintf("Sure. Why would you like to return %s?", s.itemNames(items)),
		fmt.Sprintf("好的。请问退%s的原因是什么？", s.itemNames(items))))
}

func (s *state) askWhichOrder(statuses []string) action {
	orders, _ := s.orderList()
	ok := map[string]bool{}
	for _, st := range statuses {
		ok[st] = true
	}
	var lines []string
	for _, o := range orders {
		if ok[o.Status] {
			lines = append(lines, "• "+o.Number+": "+s.itemNames(o.Items))
		}
	}
	if len(lines) == 0 {
		return say(s.nothingToCancel(orders))
	}
	return say(s.t("Which order would you like to cancel? Please give me the order number:\n"+strings.Join(lines, "\n"),
		"请问要取消哪个订单？请提供订单号：\n"+strings.Join(lines, "\n")))
}

// nothingToCancel says why none of the orders can be cancelled, each
// with its true state: shipped, delivered or cancelled already.
func (s *state) nothingToCancel(orders []tools.OrderView) string {
	if len(orders) == 0 {
		return s.t("I don't see any orders on your account that could be cancelled.", "您的账户里没有可以取消的订单。")
	}
	var lines []string
	shipped := false
	for i, o := range orders {
		if i == 5 {
			break
		}
		lines = append(lines, "• "+o.Number+" — "+s.status(o))
		shipped = shipped || o.Status == "shipped" || o.Status == "delivered"
	}
	en := "None of your recent orders can still be cancelled:\n" + strings.Join(lines, "\n")
	zh := "您最近的订单都无法取消：\n" + strings.Join(lines, "\n")
	if shipped {
		en += fmt.Sprintf("\nA shipped order can be returned within %s of delivery.", s.days())
		zh += fmt.Sprintf("\n已发货的订单可在签收后%d天内申请退货。", s.m.windowDays())
	}
	return s.t(en, zh)
}

// answerOrders lists the signed-in shopper's recent orders.
func (s *state) answerOrders() action {
	orders, _ := s.orderList()
	if len(orders) == 0 {
		return say(s.t("I don't see any orders on your account yet.", "您的账户里还没有订单。"))
	}
	var lines []string
	for i, o := range orders {
		if i == 5 {
			break
		}
		lines = append(lines, "• "+o.Number+" — "+s.status(o)+": "+s.itemNames(o.Items))
	}
	return say(s.t("Here are your recent orders:\n"+strings.Join(lines, "\n")+"\nWhich one would you like to know more about?",
		"这是您最近的订单：\n"+strings.Join(lines, "\n")+"\n您想了解哪一个？"))
}

// answer writes the reply from a tool's result.
func (s *state) answer(e toolEvent) action {
	r := e.result
	// Answers name the order the tool was called for.
	var args struct {
		OrderNumber string `json:"order_number"`
		Ref         string `json:"rma_or_order_number"`
	}
	if json.Unmarshal([]byte(e.args), &args) == nil {
		if args.OrderNumber != "" {
			s.slots.order = args.OrderNumber
		} else if args.Ref != "" && len(s.m.rmas(args.Ref)) == 0 {
			s.slots.order = args.Ref
		}
	}
	if a, ok := s.answerAfterSales(e); ok {
		return a
	}
	switch r.Status {
	case tools.StatusNotFound:
		switch e.name {
		case tools.NameSearchKnowledgeBase:
			if s.unclear() { // the ladder's search found nothing: ask
				return s.clarify()
			}
			return say(s.t("I'm sorry, I don't have information about that. Would you like me to connect you with a person from our support team?",
				"抱歉，我这里没有相关信息。需要我为您转接人工客服吗？"))
		case tools.NameReturnStatus:
			if r.Reason == "return_not_found" {
				en, zh := s.rmaHint()
				return s.failed(s.t("I couldn't find that return. Please check the RMA number"+en+".",
					"没有找到这个退货记录，请核对退货授权号"+zh+"。"))
			}
		case tools.NameConfirmAction:
			return say(s.t("That change is no longer waiting for confirmation. Shall we start again?", "这个操作已失效，需要重新办理吗？"))
		}
		// Name what was not found: the order asked for, or the number
		// the tool was given.
		number := orDefault(s.slots.order, orDefault(args.OrderNumber, args.Ref))
		if s.c.signedIn {
			return s.failed(s.t(fmt.Sprintf("I couldn't find order %s on your account. Could you check the order number?", number),
				fmt.Sprintf("在您的账户中没有找到订单 %s，请核对一下订单号。", number)))
		}
		return s.failed(s.t(fmt.Sprintf("I couldn't find an order %s with that email address. Please check the order number and the email you used for the order.", number),
			fmt.Sprintf("没有找到与该邮箱匹配的订单 %s。请核对订单号和下单时使用的邮箱。", number)))
	case tools.StatusNeedsInfo:
		switch r.Missing {
		case "email":
			return s.askEmail()
		case "reason":
			if e.name == tools.NameCancelOrder {
				return say(s.t(fmt.Sprintf("I can cancel order %s. Why would you like to cancel it? A few words are enough.", s.slots.order),
					fmt.Sprintf("订单 %s 可以取消。请问取消的原因是什么？简单说一下就可以。", s.slots.order)))
			}
			return say(s.t("Why would you like to do that? A few words are enough.", "请问原因是什么？简单说一下就可以。"))
		case "items":
			if o, ok := s.orderData(s.slots.order); ok {
				return s.askItem(&o)
			}
		case "photo": // the shop wants a photo of a damaged or wrong item (tools.Policy.PhotoForFaulty)
			return say(s.t("Could you attach a photo of the damaged or wrong item? Use the camera button next to the message box, then tell me once it's sent.",
				"请用输入框旁边的相机按钮附上一张损坏或发错商品的照片，发送后告诉我一声。"))
		}
		return s.askOrder()
	case tools.StatusRefused:
		return say(s.refusal(e))
	case tools.StatusNeedsConfirmation:
		return say(s.preview(e))
	case tools.StatusAlreadyDone:
		return say(s.t("That was already done earlier; nothing more was changed.", "这个操作之前已经完成，没有再做更改。"))
	case tools.StatusError, tools.StatusInvalidArguments:
		return say(s.t("Sorry, something went wrong on our side. Please try again in a moment, or I can connect you with a person.",
			"抱歉，系统出了点问题。请稍后再试，或者我可以为您转接人工客服。"))
	}
	switch e.name {
	case tools.NameLookupOrder:
		d, _ := e.result.Data.(*tools.OrderLookup)
		if d == nil {
			d = &tools.OrderLookup{}
		}
		return say(s.orderSummary(d.Order))
	case tools.NameTrackShipment:
		return say(s.tracking(e))
	case tools.NameListOrders:
		return s.answerOrders()
	case tools.NameReturnStatus:
		return say(s.returns(e))
	case tools.NameRecommendProducts:
		return say(s.recommendations(e))
	case tools.NameSearchKnowledgeBase:
		d, _ := e.result.Data.(*tools.ArticleHits)
		if d == nil || len(d.Articles) == 0 {
			return say(s.t("I'm sorry, I don't have information about that.", "抱歉，我这里没有相关信息。"))
		}
		a := d.Articles[0]
		if s.unclear() {
			// The ladder's search: answer only from an article that
			// matches, else ask.
			i := slices.IndexFunc(d.Articles, s.goodMatch)
			if i < 0 {
				return s.clarify()
			}
			a = d.Articles[i]
		}
		return say(s.t(fmt.Sprintf("From our help article “%s”: %s", a.Title, a.Excerpt),
			fmt.Sprintf("根据帮助文章《%s》：%s", a.Title, a.Excerpt)))
	case tools.NameHandoffToHuman:
		return say(s.t("I've asked a member of our support team to join this chat. They'll reply here as soon as they can.",
			"已为您转接人工客服，工作人员会尽快在这里回复您。"))
	case tools.NameConfirmAction:
		return say(s.done(e))
	case tools.NameStartReturn, tools.NameCancelOrder:
		return say(s.preview(e))
	}
	return say(s.t("Done.", "已完成。"))
}

// failed is an answer that did not help; the second in a row brings in a
// person.
func (s *state) failed(text string) action {
	if s.recentFailures() >= 1 && s.offers(tools.NameHandoffToHuman) {
		return s.handoff("The assistant could not find what the shopper asked for, twice: " + clip(s.cur.text, 200))
	}
	return say(text)
}

func (s *state) orderSummary(o tools.OrderView) string {
	items := s.itemNames(o.Items)
	total := money(o.Total, o.Currency)
	switch o.Status {
	case "pending_payment":
		return s.t(fmt.Sprintf("Order %s (%s, %s) is waiting for payment, so it hasn't been processed yet. Unpaid orders are cancelled after 48 hours.", o.Number, items, total),
			fmt.Sprintf("订单 %s（%s，%s）还在等待付款，所以尚未处理。未付款的订单48小时后会自动取消。", o.Number, items, total))
	case "paid":
		return s.t(fmt.Sprintf("Order %s (%s, %s) is paid and being prepared; it hasn't shipped yet. Orders usually ship within 1–2 business days.", o.Number, items, total),
			fmt.Sprintf("订单 %s（%s，%s）已付款，正在备货，尚未发货。一般会在1–2个工作日内发货。", o.Number, items, total))
	case "shipped":
		return s.t(fmt.Sprintf("Order %s (%s) shipped on %s and is on its way.", o.Number, items, s.date(o.ShippedAt)),
			fmt.Sprintf("订单 %s（%s）已于%s发货，正在运输途中。", o.Number, items, s.date(o.ShippedAt)))
	case "delivered":
		text := s.t(fmt.Sprintf("Order %s (%s, %s) was delivered on %s.", o.Number, items, total, s.date(o.DeliveredAt)),
			fmt.Sprintf("订单 %s（%s，%s）已于%s签收。", o.Number, items, total, s.date(o.DeliveredAt)))
		if o.ReturnBy != nil && (s.c.today.IsZero() || !s.c.today.After(*o.ReturnBy)) {
			text += s.t(fmt.Sprintf(" You can return items until %s.", s.date(o.ReturnBy)),
				fmt.Sprintf("如需退货，请在%s前申请。", s.date(o.ReturnBy)))
		}
		return text
	case "cancelled":
		return s.t(fmt.Sprintf("Order %s (%s) was cancelled on %s.", o.Number, items, s.date(o.CancelledAt)),
			fmt.Sprintf("订单 %s（%s）已于%s取消。", o.Number, items, s.date(o.CancelledAt)))
	}
	return s.t(fmt.Sprintf("Order %s: %s.", o.Number, o.Status), fmt.Sprintf("订单 %s：%s。", o.Number, o.Status))
}

func (s *state) tracking(e toolEvent) string {
	d, _ := e.result.Data.(*tools.Tracking)
	if d == nil {
		d = &tools.Tracking{}
	}
	if len(d.Shipments) == 0 {
		if d.OrderStatus == "cancelled" {
			return s.t(fmt.Sprintf("Order %s was cancelled, so there is nothing to track.", d.OrderNumber),
				fmt.Sprintf("订单 %s 已取消，没有物流信息。", d.OrderNumber))
		}
		if d.OrderStatus == "pending_payment" {
			return s.t(fmt.Sprintf("Order %s is still waiting for payment, so it hasn't shipped.", d.OrderNumber),
				fmt.Sprintf("订单 %s 还在等待付款，所以尚未发货。", d.OrderNumber))
		}
		return s.t(fmt.Sprintf("Order %s hasn't shipped yet, so there's no tracking yet. Orders usually ship within 1–2 business days of payment, and you'll get the tracking number by email.", d.OrderNumber),
			fmt.Sprintf("订单 %s 还没有发货，暂时没有物流信息。一般付款后1–2个工作日内发货，发货后物流单号会发到您的邮箱。", d.OrderNumber))
	}
	var parts []string
	// The answer names the order its parcel belongs to (with several,
	// the heading does).
	parcelEN, parcelZH := "Your parcel", "您的包裹"
	if len(d.Shipments) == 1 && d.OrderNumber != "" {
		parcelEN, parcelZH = "Your parcel for order "+d.OrderNumber, "您订单 "+d.OrderNumber+" 的包裹"
	}
	for _, sh := range d.Shipments {
		var p string
		last := ""
		if n := len(sh.Events); n > 0 {
			ev := sh.Events[n-1]
			last = s.t(fmt.Sprintf(" Latest scan: %s — %s, %s.", ev.Description, ev.Location, s.date(&ev.At)),
				fmt.Sprintf("最新物流：%s，%s（%s）。", ev.Description, ev.Location, s.date(&ev.At)))
		}
		switch sh.Status {
		case "delivered":
			p = s.t(fmt.Sprintf("%s (%s %s) was delivered on %s.", parcelEN, sh.Carrier, sh.TrackingNumber, s.date(sh.DeliveredAt)),
				fmt.Sprintf("%s（%s %s）已于%s签收。", parcelZH, sh.Carrier, sh.TrackingNumber, s.date(sh.DeliveredAt)))
		case "out_for_delivery":
			p = s.t(fmt.Sprintf("%s (%s %s) is out for delivery today.", parcelEN, sh.Carrier, sh.TrackingNumber)+last,
				fmt.Sprintf("%s（%s %s）今天正在派送中。", parcelZH, sh.Carrier, sh.TrackingNumber)+last)
		default:
			eta := ""
			if sh.EstimatedDeliveryAt != nil {
				eta = s.t(fmt.Sprintf(" Estimated delivery: %s.", s.date(sh.EstimatedDeliveryAt)), fmt.Sprintf("预计%s送达。", s.date(sh.EstimatedDeliveryAt)))
			}
			p = s.t(fmt.Sprintf("%s (%s %s) is on its way.", parcelEN, sh.Carrier, sh.TrackingNumber)+last+eta,
				fmt.Sprintf("%s（%s %s）正在运输途中。", parcelZH, sh.Carrier, sh.TrackingNumber)+last+eta)
		}
		parts = append(parts, p)
	}
	head := ""
	if len(d.Shipments) > 1 {
		head = s.t(fmt.Sprintf("Order %s ships in %d parcels. ", d.OrderNumber, len(d.Shipments)),
			fmt.Sprintf("订单 %s 分%d个包裹发出。", d.OrderNumber, len(d.Shipments)))
	}
	return head + strings.Join(parts, s.t("\n", "\n"))
}

// refusal explains a policy refusal in the shopper's language.
func (s *state) refusal(e toolEvent) string {
	d, _ := e.result.Data.(*tools.ReturnWindow)
	if d == nil {
		d = &tools.ReturnWindow{}
	}
	o := s.slots.order
	switch e.result.Reason {
	case "outside_return_window":
		return s.t(fmt.Sprintf("I'm sorry, order %s can't be returned: it was delivered on %s, and returns must be started within %s of delivery (by %s). If an item is faulty, it may still be covered by our warranty — I can connect you with a person.", o, s.date(d.DeliveredAt), s.days(), s.date(d.ReturnBy)),
			fmt.Sprintf("抱歉，订单 %s 无法退货：它在%s签收，退货需在签收后%d天内申请（截止%s）。如果商品有质量问题，可能仍在保修范围内，我可以为您转接人工客服。", o, s.date(d.DeliveredAt), s.m.windowDays(), s.date(d.ReturnBy)))
	case "final_sale":
		return s.t("I'm sorry, that item was sold as final sale, so it can't be returned. If it's faulty, our warranty may still cover it.",
			"抱歉，这件商品属于最终销售（final sale）商品，不支持退货。如有质量问题，可能仍在保修范围内。")
	case "already_returned":
		return s.t("That item has already been returned, so there's nothing more to return.", "这件商品已经退过货了，无需再次申请。")
	case "quantity_exceeds":
		return s.t("That's more than can still be returned from this order.", "退货数量超过了这个订单可退的数量。")
	case "not_delivered":
		return s.t(fmt.Sprintf("Order %s is still on its way, so it can't be returned yet. Once it arrives you'll have %s to return it.", o, s.days()),
			fmt.Sprintf("订单 %s 还在运输途中，暂时不能退货。签收后%d天内都可以申请退货。", o, s.m.windowDays()))
	case "not_shipped":
		return s.t(fmt.Sprintf("Order %s hasn't shipped yet, so instead of a return I can cancel it for you. Would you like that?", o),
			fmt.Sprintf("订单 %s 还没有发货，不需要退货，可以直接取消订单。需要帮您取消吗？", o))
	case "order_cancelled":
		return s.t(fmt.Sprintf("Order %s was cancelled, so there's nothing to return.", o), fmt.Sprintf("订单 %s 已取消，无需退货。", o))
	case "already_shipped":
		return s.t(fmt.Sprintf("I'm sorry, order %s has already shipped, so it can't be cancelled any more. Once it's delivered, you can return it within %s.", o, s.days()),
			fmt.Sprintf("抱歉，订单 %s 已经发货，无法取消。签收后%d天内可以申请退货。", o, s.m.windowDays()))
	case "already_cancelled":
		return s.t(fmt.Sprintf("Order %s is already cancelled.", o), fmt.Sprintf("订单 %s 已经取消了。", o))
	case "confirmation_expired":
		return s.t("That confirmation has expired, so nothing was changed. Shall we start again?", "确认已超时，没有做任何更改。需要重新办理吗？")
	}
	return s.t("I'm sorry, that isn't possible: "+e.result.Message, "抱歉，无法办理："+e.result.Message)
}

// preview shows a change waiting for the shopper's yes.
func (s *state) preview(e toolEvent) string {
	d, _ := e.result.Data.(*tools.Pending)
	if d == nil {
		d = &tools.Pending{}
	}
	var p *tools.ReturnPreview
	switch pv := d.Preview.(type) {
	case *tools.CouponOffer:
		return s.t(fmt.Sprintf("I'm sorry about that. I can offer you a %d%% coupon for your next order. Shall I go ahead? Please answer yes or no.", pv.Percent),
			fmt.Sprintf("非常抱歉给您带来不便。可以为您提供一张%d%%的优惠券，下次购物使用。请回复“确认”领取，或回复“不用了”。", pv.Percent))
	case *tools.CancelPreview:
		refund := money(pv.Refund, pv.Currency)
		number := orDefault(pv.OrderNumber, s.slots.order)
		return s.t(fmt.Sprintf("I can cancel order %s (%s) and refund %s. Shall I go ahead? Please answer yes or no.", number, s.itemNames(pv.Items), refund),
			fmt.Sprintf("可以为您取消订单 %s（%s），退款 %s。请回复“确认”继续，或回复“不用了”。", number, s.itemNames(pv.Items), refund))
	case *tools.ReturnPreview:
		p = pv
	default:
		p = &tools.ReturnPreview{}
	}
	refund := money(p.Refund, p.Currency)
	ship := s.t("You'll get a prepaid return label by email.", "我们会通过邮件发送预付退货面单。")
	if p.Shipping == "customer_paid" {
		ship = s.t("Return shipping is paid by you for international orders; we'll give you the address.", "国际订单的退货运费由您承担，我们会提供退货地址。")
	}
	items := lineItems(p.Items)
	// A preview always names the order it changes: the shopper's yes is
	// to that order.
	number := orDefault(p.OrderNumber, s.slots.order)
	return s.t(fmt.Sprintf("Here's the return for order %s: %s, refund %s. %s Shall I go ahead? Please answer yes or no.", number, s.itemNames(items), refund, ship),
		fmt.Sprintf("订单 %s 的退货信息：%s，退款 %s。%s请回复“确认”继续办理，或回复“不用了”。", number, s.itemNames(items), refund, ship))
}

// done reports a change the shopper confirmed.
func (s *state) done(e toolEvent) string {
	switch d := e.result.Data.(type) {
	case *tools.CouponIssued:
		coupon := d
		return s.t(fmt.Sprintf("Done — your coupon code is %s: %d%% off your next order, valid until %s.", coupon.Code, coupon.Percent, s.date(&coupon.ExpiresAt)),
			fmt.Sprintf("已为您发放优惠券，券码 %s：下次购物享%d%%优惠，有效期至%s。", coupon.Code, coupon.Percent, s.date(&coupon.ExpiresAt)))
	case *tools.ReturnDone:
		return s.t(fmt.Sprintf("Done — your return is confirmed. Your RMA number is %s. Refund: %s, to your original payment method within 5–7 business days after the parcel reaches our warehouse. %s", d.RMA, money(d.Refund, d.Currency), d.HowToReturn),
			fmt.Sprintf("已为您办理退货，退货授权号（RMA）是 %s。退款 %s，仓库收到包裹后5–7个工作日内原路退回。请在包裹上注明RMA号，并在14天内寄出。", d.RMA, money(d.Refund, d.Currency)))
	case *tools.CancelDone:
		return s.t(fmt.Sprintf("Done — order %s is cancelled. Refund: %s, back to your original payment method within 5–7 business days.", d.OrderNumber, money(d.Refund, d.Currency)),
			fmt.Sprintf("订单 %s 已取消。退款 %s 会在5–7个工作日内原路退回。", d.OrderNumber, money(d.Refund, d.Currency)))
	}
	return s.t("Done.", "已完成。")
}

func (s *state) returns(e toolEvent) string {
	d, _ := e.result.Data.(*tools.ReturnList)
	if d == nil {
		d = &tools.ReturnList{}
	}
	if len(d.Returns) == 0 {
		return s.t(fmt.Sprintf("Order %s has no returns.", d.OrderNumber), fmt.Sprintf("订单 %s 没有退货记录。", d.OrderNumber))
	}
	var lines []string
	for _, r := range d.Returns {
		var names []string
		for _, it := range r.Items {
			names = append(names, titleIn(it.Title, it.TitleZH, s.lang))
		}
		status := map[string][2]string{
			"open":     {"open — we're waiting for the parcel to reach our warehouse", "处理中，等待包裹寄回仓库"},
			"received": {"received at our warehouse — the refund is being issued", "仓库已收到，正在办理退款"},
			"refunded": {"refunded", "已退款"},
			"rejected": {"rejected", "未通过"},
		}[r.Status]
		lines = append(lines, s.t(fmt.Sprintf("Return %s (%s): %s. Refund %s.", r.RMA, strings.Join(names, ", "), status[0], money(r.Refund, r.Currency)),
			fmt.Sprintf("退货 %s（%s）：%s，退款 %s。", r.RMA, strings.Join(names, "、"), status[1], money(r.Refund, r.Currency))))
	}
	return strings.Join(lines, "\n")
}

func (s *state) recommendations(e toolEvent) string {
	d, _ := e.result.Data.(*tools.ProductPicks)
	if d == nil || len(d.Products) == 0 {
		return s.t("I don't have a recommendation right now.", "暂时没有可推荐的商品。")
	}
	var lines []string
	for _, p := range d.Products {
		title := p.TitleIn(s.lang)
		lines = append(lines, "• "+title+" — "+money(p.Price, p.Currency))
	}
	head := s.t("Our best sellers right now:", "目前的热销商品：")
	if d.Basis == "purchase_history" {
		head = s.t("Based on what you've bought before, you might like:", "根据您的购买记录，您可能会喜欢：")
	}
	return head + "\n" + strings.Join(lines, "\n")
}

// itemNames lists items in the shopper's language, with quantities.
func (s *state) itemNames(items []tools.ItemView) string {
	var names []string
	for _, it := range items {
		n := it.TitleIn(s.lang)
		if it.Quantity > 1 {
			n += fmt.Sprintf(" ×%d", it.Quantity)
		}
		names = append(names, n)
	}
	// Titles often contain commas ("Rain Jacket, Blue, M"), so items are
	// separated by semicolons.
	return strings.Join(names, s.t("; ", "、"))
}

func (s *state) status(o tools.OrderView) string {
	m := map[string][2]string{
		"pending_payment": {"waiting for payment", "待付款"},
		"paid":            {"paid, not shipped yet", "已付款，待发货"},
		"shipped":         {"on its way", "运输中"},
		"delivered":       {"delivered " + s.date(o.DeliveredAt), s.date(o.DeliveredAt) + "已签收"},
		"cancelled":       {"cancelled", "已取消"},
	}[o.Status]
	if m[0] == "" {
		return o.Status
	}
	return s.t(m[0], m[1])
}

func (s *state) date(t *time.Time) string {
	if t == nil {
		return s.t("(unknown date)", "（日期未知）")
	}
	if s.lang == "zh" {
		return fmt.Sprintf("%d月%d日", t.Month(), t.Day())
	}
	return t.Format("Jan 2")
}

func money(m store.Money, currency string) string { return tools.Amount(m, currency) }

// lineItems are a return's lines as items, to name them.
func lineItems(lines []tools.ReturnLine) []tools.ItemView {
	items := make([]tools.ItemView, len(lines))
	for i, l := range lines {
		items[i] = tools.ItemView{SKU: l.SKU, Title: l.Title, TitleZH: l.TitleZH, Quantity: l.Quantity}
	}
	return items
}

func titleIn(en, zh, locale string) string {
	if locale == "zh" && zh != "" {
		return zh
	}
	return en
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// days is the shop's return window in English words, "30 days".
func (s *state) days() string {
	if d := s.m.windowDays(); d != 1 {
		return fmt.Sprintf("%d days", d)
	}
	return "1 day"
}
