package builtin

import (
	"slices"
	"strings"
	"time"

	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/tools"
)

// trackingCues mark a question about where a parcel is, rather than about
// the order in general.
var trackingCues = []string{"where", "track", "arrive", "deliver", "package", "parcel", "shipped", "ship", "when will",
	"eta", "transit", "courier", "carrier", "到哪", "物流", "快递", "什么时候到", "到了吗", "发货", "运单", "单号", "包裹", "送到", "几天到", "派送"}

// plan takes the next step of an order task: call the tool it needs, or
// ask the shopper for what is missing.
func (s *state) plan() action {
	sl := s.slots
	needEmail := !s.c.signedIn && sl.email == ""
	if sl.order == "" && len(sl.which) > 0 {
		return s.askWhichOf(sl.which)
	}
	if sl.order == "" && sl.needList {
		if s.offers(tools.NameListOrders) && !s.listedThisTurn() {
			return call(tools.NameListOrders, map[string]any{})
		}
		return s.askOrder()
	}
	switch s.task {
	case IntentOrderStatus:
		if sl.order == "" {
			if o := s.orderByItem(); o != "" {
				sl.order = o
			} else if o := s.onlyActiveOrder(); o != "" && s.listedThisTurn() {
				sl.order = o
			} else if s.c.signedIn && s.offers(tools.NameListOrders) && !s.listedThisTurn() {
				return call(tools.NameListOrders, map[string]any{})
			} else if s.c.signedIn {
				return s.answerOrders()
			} else {
				return s.askOrder()
			}
		}
		if needEmail {
			return s.askEmail()
		}
		tool := tools.NameLookupOrder
		if containsAny(normalize(s.taskText()), trackingCues) && s.offers(tools.NameTrackShipment) {
			tool = tools.NameTrackShipment
		}
		return call(tool, s.orderArgs(sl.order))

	case IntentStartReturn:
		if sl.order == "" {
			sl.order = s.orderByItem()
		}
		if sl.order == "" {
			if s.c.signedIn && s.offers(tools.NameListOrders) && !s.listedThisTurn() && !s.haveOrderList() {
				return call(tools.NameListOrders, map[string]any{})
			}
			if s.c.signedIn && s.haveOrderList() {
				return s.askItem(nil)
			}
			return s.askOrder()
		}
		if needEmail {
			return s.askEmail()
		}
		s.slots.order = sl.order
		od, known := s.orderData(sl.order)
		if !known {
			if s.offers(tools.NameLookupOrder) && !s.calledThisTurn(action{tool: tools.NameLookupOrder}) {
				return call(tools.NameLookupOrder, s.orderArgs(sl.order))
			}
			return s.askItem(nil)
		}
		// An order that cannot be returned at all: say so from its data
		// rather than asking which item and why. (The tool would refuse
		// too; policy is enforced there.)
		if why := noReturn(od, s.c.today); why != "" {
			var e toolEvent
			e.result.Reason = why
			e.result.Data = &tools.ReturnWindow{DeliveredAt: od.DeliveredAt, ReturnBy: od.ReturnBy}
			return say(s.refusal(e))
		}
		items := s.chosenItems(od)
		if len(items) == 0 {
			return s.askItem(&od)
		}
		if sl.reason == "" {
			return s.askReason(items)
		}
		args := s.orderArgs(od.Number)
		var list []map[string]any
		for _, it := range items {
			list = append(list, map[string]any{"item": it.SKU})
		}
		args["items"], args["reason"] = list, sl.reason
		return call(tools.NameStartReturn, args)

	case IntentCancel:
		if sl.order == "" {
			sl.order = s.orderByItem()
		}
		if sl.order == "" {
			if s.c.signedIn && s.offers(tools.NameListOrders) && !s.listedThisTurn() && !s.haveOrderList() {
				return call(tools.NameListOrders, map[string]any{})
			}
			if s.c.signedIn && s.haveOrderList() {
				// Even one order that can be cancelled is listed and
				// asked about, never taken: a change runs only on an order
				// the shopper named or picked ("yes, that one" picks it).
				return s.askWhichOrder([]string{"pending_payment", "paid"})
			}
			return s.askOrder()
		}
		if needEmail {
			return s.askEmail()
		}
		// The tool checks the order can still be cancelled before it asks
		// for a reason, so call it even without one.
		args := s.orderArgs(sl.order)
		if sl.reason != "" {
			args["reason"] = sl.reason
		}
		return call(tools.NameCancelOrder, args)

	case IntentExchange:
		return s.planExchange()
	case IntentAddress:
		return s.planAddress()

	case IntentReturnStat:
		switch {
		case sl.rma != "":
			args := map[string]any{"rma_or_order_number": sl.rma}
			if !s.c.signedIn {
				if needEmail {
					return s.askEmail()
				}
				args["email"] = sl.email
			}
			return call(tools.NameReturnStatus, args)
		case sl.order != "":
			if needEmail {
				return s.askEmail()
			}
			args := map[string]any{"rma_or_order_number": sl.order}
			if !s.c.signedIn {
				args["email"] = sl.email
			}
			return call(tools.NameReturnStatus, args)
		case s.c.signedIn && s.offers(tools.NameListOrders) && !s.listedThisTurn():
			return call(tools.NameListOrders, map[string]any{})
		case s.c.signedIn:
			if o := s.orderWithReturn(); o != "" {
				return call(tools.NameReturnStatus, map[string]any{"rma_or_order_number": o})
			}
			return say(s.t("I don't see a return on your recent orders. Could you give me the RMA number or the order number?",
				"您最近的订单里没有找到退货记录。请提供退货授权号（RMA）或订单号。"))
		default:
			ex := s.m.vocab().exampleRMA
			return say(s.t("Could you give me the RMA number (like "+ex+") or the order number, and the email address you used for the order?",
				"请提供退货授权号（RMA，例如 "+ex+"）或订单号，以及下单时使用的邮箱。"))
		}
	}
	return s.chat()
}

// chat answers messages that are not about an order.
func (s *state) chat() action {
	switch s.intent {
	case IntentHuman:
		return s.handoff("The shopper asked for a person: " + clip(s.cur.text, 200))
	case IntentComplaint:
		return s.handoff("The shopper is upset: " + clip(s.cur.text, 200))
	case IntentFAQ:
		if s.offers(tools.NameSearchKnowledgeBase) {
			return call(tools.NameSearchKnowledgeBase, map[string]any{"query": clip(s.cur.text, 400), "locale": s.lang})
		}
	case IntentRecommend:
		if s.offers(tools.NameRecommendProducts) {
			return call(tools.NameRecommendProducts, map[string]any{"limit": 4})
		}
	case IntentGreeting:
		if containsAny(normalize(s.cur.text), howAreYou) {
			return s.chitChat() // "hi, how are you?": a friendly word and what the assistant does
		}
		return say(s.greeting())
	case IntentThanks:
		return say(s.t("You're welcome! If there's anything else, just write here. Have a great day!",
			"不客气！如果还有其他问题，随时在这里留言。祝您生活愉快！"))
	case IntentAffirm:
		if s.asked == "handoff_offer" {
			return s.handoff("The shopper accepted the offer of a person after the assistant could not help.")
		}
		return say(s.t("Great. Is there anything else I can help you with?", "好的。请问还有什么可以帮您？"))
	case IntentDeny:
		if s.asked == "confirm" {
			return say(s.t("No problem, I haven't changed anything. Is there anything else I can do for you?",
				"好的，我没有做任何更改。请问还有什么可以帮您？"))
		}
		return say(s.t("OK. Is there anything else I can help you with?", "好的。请问还有什么可以帮您？"))
	case IntentOutOfScope:
		return s.chitChat()
	}
	return s.clarify()
}

// recentFailures counts this model's consecutive "did not understand" or
// "not found" answers just before this message.
func (s *state) recentFailures() int {
	n := 0
	for j := len(s.c.answers) - 1; j >= 0; j-- {
		a := strings.ToLower(s.c.answers[j].text)
		if !strings.Contains(a, "not sure i understood") && !strings.Contains(a, "没太明白") &&
			!strings.Contains(a, "couldn't find") && !strings.Contains(a, "没有找到") {
			break
		}
		n++
	}
	return n
}

func (s *state) handoff(reason string) action {
	if !s.offers(tools.NameHandoffToHuman) {
		return say(s.t("I can't bring in a person from here, sorry. You can email support@shop.example.com and the team will reply within one business day.",
			"抱歉，这里无法为您转接人工。您可以发邮件至 support@shop.example.com，客服会在一个工作日内回复。"))
	}
	return call(tools.NameHandoffToHuman, map[string]any{"reason": reason})
}

func (s *state) orderArgs(number string) map[string]any {
	args := map[string]any{"order_number": number}
	if !s.c.signedIn && s.slots.email != "" {
		args["email"] = s.slots.email
	}
	return args
}

func (s *state) taskText() string {
	var parts []string
	for i := s.start; i < len(s.c.turns); i++ {
		parts = append(parts, s.c.turns[i].text)
	}
	return strings.Join(parts, " ")
}

func (s *state) listedThisTurn() bool {
	for _, e := range s.this {
		if e.name == tools.NameListOrders {
			return true
		}
	}
	return false
}

func (s *state) haveOrderList() bool {
	_, ok := s.orderList()
	return ok
}

// orderList is the latest list_orders result in the conversation.
func (s *state) orderList() ([]tools.OrderView, bool) {
	for j := len(s.c.events) - 1; j >= 0; j-- {
		e := s.c.events[j]
		if d, ok := e.result.Data.(*tools.OrderList); ok && e.result.Status == tools.StatusOK {
			return d.Orders, true
		}
	}
	return nil, false
}

// orderData is the latest data the conversation has on an order.
func (s *state) orderData(number string) (tools.OrderView, bool) {
	for j := len(s.c.events) - 1; j >= 0; j-- {
		e := s.c.events[j]
		if e.result.Status != tools.StatusOK {
			continue
		}
		switch d := e.result.Data.(type) {
		case *tools.OrderLookup:
			if sameOrder(d.Order.Number, number) {
				return d.Order, true
			}
		case *tools.OrderList:
			for _, o := range d.Orders {
				if sameOrder(o.Number, number) {
					return o, true
				}
			}
		}
	}
	return tools.OrderView{}, false
}

// sameOrder reports whether two order numbers name the same order: the
// same letters and digits (case, spaces, '#' and '-' aside), or the same
// digits when one of them is digits only ("10042" is KF-10042). A-5002
// is not T-5002.
func sameOrder(a, b string) bool {
	ka, kb := store.NumberKey(a), store.NumberKey(b)
	if ka == "" || kb == "" {
		return false
	}
	if ka == kb {
		return true
	}
	da, db := digitsOf(ka), digitsOf(kb)
	return (ka == da || kb == db) && da == db
}

// orderByItem finds the order of an item the shopper named, among the
// orders the conversation has listed, preferring delivered orders for a
// return and unshipped ones for a cancellation.
func (s *state) orderByItem() string {
	orders, ok := s.orderList()
	if !ok {
		return ""
	}
	var cands []item
	for _, o := range orders {
		for _, it := range o.Items {
			cands = append(cands, item{SKU: it.SKU, Title: it.Title, TitleZH: it.TitleZH, Order: o.Number})
		}
	}
	found := s.m.matchItems(s.slots.itemText, cands)
	if len(found) == 0 {
		return ""
	}
	want := map[string]bool{}
	switch s.task {
	case IntentStartReturn:
		want["delivered"] = true
	case IntentCancel:
		want["paid"], want["pending_payment"] = true, true
	}
	// The item must point to one order: among several that have it, the
	// model asks rather than guesses (it never acts on an order the
	// shopper did not name or pick).
	var match []string
	all := map[string]bool{}
	for _, f := range found {
		all[f.Order] = true
		for _, o := range orders {
			if o.Number == f.Order && (len(want) == 0 || want[o.Status]) && !slices.Contains(match, o.Number) {
				match = append(match, o.Number)
			}
		}
	}
	switch {
	case len(match) == 1:
		return match[0]
	case len(match) == 0 && len(all) == 1:
		return found[0].Order // the one order that has it: its policy will say why not
	}
	return ""
}

// chosenItems are the order's items the shopper means: the one item of a
// single-item order, or those their words name.
func (s *state) chosenItems(o tools.OrderView) []tools.ItemView {
	var open []tools.ItemView
	for _, it := range o.Items {
		if it.Quantity > it.Returned {
			open = append(open, it)
		}
	}
	if len(o.Items) == 1 {
		return o.Items
	}
	var cands []item
	for _, it := range o.Items {
		cands = append(cands, item{SKU: it.SKU, Title: it.Title, TitleZH: it.TitleZH})
	}
	found := s.m.matchItems(s.slots.itemText, cands)
	var out []tools.ItemView
	for _, f := range found {
		for _, it := range o.Items {
			if it.SKU == f.SKU {
				out = append(out, it)
			}
		}
	}
	if len(out) == 0 && containsAny(normalize(s.slots.itemText), []string{"everything", "all of it", "whole order", "all items", "全部", "都退", "整单"}) {
		return open
	}
	return out
}

// onlyActiveOrder is the shopper's one order still under way (not yet
// delivered or cancelled), if there is exactly one: "where is my order?"
// means that one.
func (s *state) onlyActiveOrder() string {
	orders, _ := s.orderList()
	found := ""
	for _, o := range orders {
		switch o.Status {
		case "pending_payment", "paid", "shipped":
			if found != "" {
				return ""
			}
			found = o.Number
		}
	}
	return found
}

func (s *state) orderWithReturn() string {
	orders, _ := s.orderList()
	for _, o := range orders {
		for _, it := range o.Items {
			if it.Returned > 0 {
				return o.Number
			}
		}
	}
	return ""
}

// noReturn is the refusal reason for returning anything from an order, or
// "" if it may be returnable.
func noReturn(o tools.OrderView, today time.Time) string {
	switch o.Status {
	case "delivered":
		if o.ReturnBy != nil && !today.IsZero() && today.After(*o.ReturnBy) {
			return "outside_return_window"
		}
		return ""
	case "shipped":
		return "not_delivered"
	case "cancelled":
		return "order_cancelled"
	}
	return "not_shipped"
}

func containsAny(s string, subs []string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

func clip(s string, n int) string {
	r := []rune(strings.Join(strings.Fields(s), " "))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n]) + "…"
}
