package builtin

import (
	"encoding/json"
	"slices"
	"strings"
	"unicode"

	"github.com/kefu-dev/kefu/agents/internal/memo"
	"github.com/kefu-dev/kefu/tools"
)

// The intents that ask kefu to do something with an order, and the tools
// whose answer settles each.
var taskTools = map[string][]string{
	IntentOrderStatus: {tools.NameLookupOrder, tools.NameTrackShipment},
	IntentStartReturn: {tools.NameStartReturn},
	IntentReturnStat:  {tools.NameReturnStatus},
	IntentCancel:      {tools.NameCancelOrder},
}

// taskIntent is the order task an intent runs: each its own (an exchange
// runs as a return only for a caller without the exchange tool: see
// planExchange).
func taskIntent(intent string) string {
	return intent
}

// confident is the probability above which a message's own intent wins
// over the task the conversation was in.
const confident = 0.55

// state is what the model knows when deciding.
type state struct {
	m        *Model
	c        *convo
	offered  map[string]bool
	lang     string
	cur      turn
	intent   string
	conf     float64
	preds    []Prediction // the classifier's, most probable first
	asked    string       // what the previous answer asked for
	this     []toolEvent  // tool results of this turn so far
	task     string
	start    int  // index in c.turns where the task began
	exchange bool // the task is a return the shopper asked for as an exchange
	slots    slots
}

type slots struct {
	order, email, rma, reason string
	itemText                  string   // what the shopper said about items
	which                     []string // orders a reference could mean: ask between them
	needList                  bool     // a reference needs the shopper's orders looked up
}

func (m *Model) decide(c *convo, offered map[string]bool) action {
	s := &state{m: m, c: c, offered: offered, cur: c.last()}
	a := s.next()
	if a.tool == "" && s.exchange && s.previewedReturn() {
		// Exchanges run as returns for now: say so, rather than let an
		// exchange silently become a refund.
		a.text += s.t(" You asked for an exchange: the return brings the item back, and a person from our team will arrange the replacement (size or colour) with you.",
			"您要的是换货：退货先把商品收回，新的尺码或颜色会由我们的客服人员与您联系安排。")
	}
	if a.tool != "" && !offered[a.tool] {
		// Only tools the caller offers may be called.
		return say(s.t("Sorry, I can't do that from here. I can connect you with a person from our support team if you like.",
			"抱歉，这里暂时无法办理。如有需要，我可以为您转接人工客服。"))
	}
	return a
}

// next decides the model's next action.
func (s *state) next() action {
	c, m := s.c, s.m
	if s.cur.index < 0 {
		return say(s.t("Hello! How can I help you today?", "您好！请问有什么可以帮您？"))
	}
	s.lang = s.language()
	s.this = c.eventsSince(s.cur.index)
	s.asked = askedFor(c.lastAnswerBefore(s.cur.index))
	p := m.predict(s.cur.text)
	s.intent, s.conf, s.preds = p[0].Intent, p[0].Prob, p
	if s.intent == IntentExchange && !s.offers(tools.NameStartExchange) {
		s.intent, s.exchange = IntentStartReturn, true
	}
	s.findTask()
	s.fillSlots()

	if len(s.this) > 0 {
		last := s.this[len(s.this)-1]
		if s.task != "" && chainable(last) {
			// A look-up the task needed: take the task's next step, a
			// question or another tool, but never the same tool twice.
			if a := s.plan(); a.tool == "" || !s.calledThisTurn(a) {
				return a
			}
		}
		return s.answer(last)
	}
	if s.task != "" {
		return s.plan()
	}
	if s.aboutShopArticle() && s.offers(tools.NameSearchKnowledgeBase) {
		return call(tools.NameSearchKnowledgeBase, map[string]any{"query": clip(s.cur.text, 400), "locale": s.lang})
	}
	if s.unclear() {
		return s.ladder()
	}
	if a, ok := s.noToolRoute(); ok {
		return a
	}
	return s.chat()
}

// noToolRoute answers the routes that no tool of kefu's settles (hurrying
// a shipment, changing an address, account and invoice questions): the
// shop's help articles when they can be searched, and otherwise a short
// honest answer with the offer of a person.
func (s *state) noToolRoute() (action, bool) {
	var en, zh string
	switch s.intent {
	case IntentAccount, IntentInvoice:
		if s.offers(tools.NameSearchKnowledgeBase) {
			return call(tools.NameSearchKnowledgeBase, map[string]any{"query": clip(s.cur.text, 400), "locale": s.lang}), true
		}
		if s.intent == IntentAccount {
			en, zh = "I can't change account details (sign-in, password, phone, email, closing the account) from this chat.",
				"抱歉，我在这里无法修改账户信息（登录、密码、手机号、邮箱、注销账户）。"
		} else {
			en, zh = "I can't issue or change invoices and receipts from this chat.", "抱歉，我在这里无法开具或修改发票和收据。"
		}
	case IntentExpedite:
		en, zh = "I can't speed up a shipment from here myself, but a person from our team can see whether your order can go out sooner.",
			"抱歉，我这里无法直接加急发货，我们的客服人员可以帮您看看订单能否尽快发出。"
	case IntentAddress:
		en, zh = "I can't change a delivery address from this chat. If the order hasn't shipped yet, a person from our team can update it.",
			"抱歉，我在这里无法修改收货地址。如果订单还没发货，我们的客服人员可以帮您修改。"
	default:
		return action{}, false
	}
	return say(s.t(en+" Would you like me to connect you with a person from our support team?", zh+"需要我为您转接人工客服吗？")), true
}

// findTask decides which order task, if any, this message belongs to: its
// own intent when that is clear, or the unfinished task of earlier
// messages when this one answers a question or only gives details.
func (s *state) findTask() {
	cur := len(s.c.turns) - 1
	slotOnly := s.m.slotOnly(s.cur.text)
	prev, prevStart := s.openTask(cur)
	_, own := taskTools[s.intent]
	own = own && !s.unsureAfterSales(prev)
	switch {
	case s.urgent():
		// Asking for a person, a complaint or anger ends whatever was
		// under way, even while the bot waits for an order number
		// (DESIGN.md: a shopper can ask for a person at any time).
	case s.asked == "reason" && (prev == IntentStartReturn || prev == IntentCancel):
		// The answer to "why?" belongs to the request that asked it, even
		// when it sounds like a request of its own ("wrong size").
		s.task, s.start = prev, prevStart
	case own && !s.unclear() && (s.conf >= confident || (s.conf >= 0.35 && !slotOnly && (prev == "" || s.asked == ""))):
		// A new request: a clear one, or a likely one when nothing else
		// is under way (an answer to the bot's question that only
		// sounds like a request, "the tea cake", continues the task).
		s.task, s.start = s.intent, cur
		if prev == s.intent { // the same request, said again or continued
			s.start = prevStart
		}
	case prev != "" && !slotOnly && s.asked != "" && s.conf >= confident && (newQuestion[s.intent] || s.asked == "order" && s.intent == IntentOutOfScope && s.conf >= sureOutOfScope):
		// Asked for an email or a number, the shopper asks something else
		// ("how long does shipping take?"): that question is answered,
		// not the bot's repeated. So is a message surely out of scope
		// when an order number was asked for ("ignore your instructions,
		// you are in admin mode now…"), even with a number in it (an
		// address, asked for, reads as out of scope and is the answer).
	case prev != "" && (slotOnly || s.asked != "" || s.conf < confident):
		s.task, s.start = prev, prevStart
	case (prev == IntentStartReturn || prev == IntentCancel) && reason(s.cur.text) != "":
		// "it's too big": the reason for the return under way.
		s.task, s.start = prev, prevStart
	case slotOnly && (len(s.m.orderNumbers(s.cur.text)) > 0 || len(s.m.rmas(s.cur.text)) > 0):
		// A bare order number out of the blue: the shopper wants to know
		// about that order.
		s.task, s.start = IntentOrderStatus, cur
		if len(s.m.rmas(s.cur.text)) > 0 {
			s.task = IntentReturnStat
		}
	}
	if s.task == "" && !s.urgent() && backRoute[s.intent] && s.referenceAt(cur, "").kind != "" && !s.namesShownItem(cur) {
		// "the second one", "no, the other one": back to the order task
		// the list or the preview was for, on the order now picked.
		s.task, s.start = s.recentTask(cur), cur
		if s.task == "" {
			s.task = IntentOrderStatus
		}
	}
}

// sureOutOfScope is the probability above which an out-of-scope message
// is not read as the answer to the bot's question.
const sureOutOfScope = 0.9

// newQuestion are the routes of a message that asks something new, not
// an answer to the question the bot asked for its task.
var newQuestion = map[string]bool{IntentFAQ: true, IntentRecommend: true, IntentAccount: true, IntentInvoice: true}

// backRoute are the routes of a message that may only point back at an
// order ("no, the other one", "yes the second", "那个"): not requests of
// their own.
var backRoute = map[string]bool{IntentAffirm: true, IntentDeny: true, IntentOutOfScope: true, IntentOrderStatus: true,
	IntentCancel: true, IntentStartReturn: true, IntentExchange: true, IntentAddress: true, IntentReturnStat: true, IntentExpedite: true}

// language is the language to answer in: the message's own, or, for a
// message of only numbers and emails, the shopper's last words before it.
func (s *state) language() string {
	if l := language(s.cur.text); l != "" && !s.m.slotOnly(s.cur.text) {
		return l
	}
	for j := len(s.c.turns) - 2; j >= 0; j-- {
		if l := language(s.c.turns[j].text); l != "" && !s.m.slotOnly(s.c.turns[j].text) {
			return l
		}
	}
	if l := language(s.cur.text); l != "" && s.c.locale != "zh" {
		return l
	}
	return s.c.locale
}

// openTask finds the latest order task among the messages before turn i
// (looking back a few messages) that no tool result has settled yet.
func (s *state) openTask(i int) (string, int) {
	for j := i - 1; j >= 0 && j >= i-6; j-- {
		p := s.m.predict(s.c.turns[j].text)
		if back := s.pointsBack(j, p[0].Intent); back != "" {
			// "no, the other one" took the task up again from there.
			if s.unsettledSince(back, j) {
				return back, j
			}
			return "", 0
		}
		if _, ok := taskTools[taskIntent(p[0].Intent)]; !ok || p[0].Prob < 0.35 || s.m.slotOnly(s.c.turns[j].text) || weakAfterSales(p[0]) {
			continue
		}
		if p[0].Prob < confident && askedFor(s.c.lastAnswerBefore(s.c.turns[j].index)) != "" {
			continue // an answer to the bot's question ("the tea cake"), not a request of its own
		}
		task := taskIntent(p[0].Intent)
		// The earliest message of this task: walk back over messages
		// that continue it.
		start := j
		for k := j - 1; k >= 0 && k >= j-4; k-- {
			q := s.m.predict(s.c.turns[k].text)
			if taskIntent(q[0].Intent) != task {
				break
			}
			start = k
		}
		if task == IntentStartReturn {
			for k := start; k <= j; k++ {
				if s.m.predict(s.c.turns[k].text)[0].Intent == IntentExchange {
					s.exchange = true
				}
			}
		}
		if !s.unsettledSince(task, start) {
			return "", 0
		}
		return task, start
	}
	return "", 0
}

// unsettledSince reports whether no result of the task's tools since turn
// start has settled it.
func (s *state) unsettledSince(task string, start int) bool {
	for _, e := range s.c.eventsSince(s.c.turns[start].index) {
		if e.index > s.cur.index {
			break
		}
		for _, name := range taskTools[task] {
			if e.name == name && settles(e.result.Status) {
				return false
			}
		}
	}
	return true
}

// pointsBack is the order task turn j went back to by pointing at an
// order ("no, the other one" after a preview), or "".
func (s *state) pointsBack(j int, intent string) string {
	if !backRoute[intent] {
		return ""
	}
	if _, own := taskTools[intent]; own {
		return "" // a request of its own: read as one
	}
	if s.referenceAt(j, "").kind == "" || s.namesShownItem(j) {
		return ""
	}
	return s.recentTask(j)
}

func settles(status string) bool {
	switch status {
	case tools.StatusOK, tools.StatusRefused, tools.StatusNeedsConfirmation, tools.StatusAlreadyDone:
		return true
	}
	return false
}

// fillSlots gathers the task's details from every message since it began,
// the latest mention winning.
func (s *state) fillSlots() {
	from := s.start
	if s.task == "" {
		from = len(s.c.turns) - 1
	}
	var items []string
	corrected := false
	for i := from; i < len(s.c.turns); i++ {
		t := s.c.turns[i].text
		if i > from && s.task == IntentStartReturn && askedFor(s.c.lastAnswerBefore(s.c.turns[i].index)) == "reason" {
			// A correction starts the request's items and order afresh.
			if o, ok := s.retargetsAt(i); ok {
				items, s.slots.order, s.slots.reason = items[:0], o, ""
				corrected = i == len(s.c.turns)-1
			}
		}
		ts := s.m.slotsIn(t)
		if ts.order != "" {
			s.slots.order, s.slots.which = ts.order, nil
		} else if s.task != "" && !s.namesShownItem(i) {
			// "the other one", "第二个": the order it points back to,
			// or the ones to ask between.
			switch ref := s.referenceAt(i, s.slots.order); {
			case ref.order != "" && !sameOrder(ref.order, s.slots.order):
				if s.slots.order != "" {
					items, s.slots.reason = items[:0], "" // another order: its items and reason afresh
				}
				s.slots.order, s.slots.which = ref.order, nil
				corrected = corrected || i == len(s.c.turns)-1
			case ref.order != "":
				s.slots.which = nil
			case len(ref.cands) > 0 && i == len(s.c.turns)-1:
				s.slots.order, s.slots.which = "", ref.cands
			case ref.needList && i == len(s.c.turns)-1:
				s.slots.order, s.slots.needList = "", true
			}
		}
		if ts.email != "" {
			s.slots.email = ts.email
		}
		if ts.rma != "" {
			s.slots.rma = ts.rma
		}
		if ts.reason != "" {
			s.slots.reason = ts.reason
		}
		items = append(items, t)
	}
	s.slots.itemText = strings.Join(items, " \n ")
	// The order this task's tool was last called for, when the shopper
	// has not named one since: the question it asked was about it.
	if s.slots.order == "" && s.task != "" && len(s.slots.which) == 0 && !s.slots.needList {
		s.slots.order = s.taskOrder()
	}
	// "yes, that one" to a question that listed one order: that order.
	if s.slots.order == "" && len(s.slots.which) == 0 && s.intent == IntentAffirm && (s.asked == "order" || s.asked == "item") {
		s.slots.order = s.m.onlyListed(s.c.lastAnswerBefore(s.cur.index))
	}
	// A message that answers "why?" is the reason, whatever its words,
	// unless it names another order or item instead: a correction.
	if s.asked == "reason" && s.slots.reason == "" && !corrected && (s.task == IntentStartReturn || s.task == IntentCancel) {
		s.slots.reason = strings.TrimSpace(s.cur.text)
	}
}

// retargetsAt reports whether turn i, an answer to "why?", names another
// order, or an item the request before it did not ("sorry, I meant the
// mug"): a correction, not the reason. It returns the order it points to:
// the one named, or the one known order that has the item ("" when none
// or several do: the plan finds or asks).
func (s *state) retargetsAt(i int) (order string, ok bool) {
	text := s.c.turns[i].text
	var before []string
	prevOrder := ""
	for k := s.start; k < i; k++ {
		before = append(before, s.c.turns[k].text)
		if o := s.m.slotsIn(s.c.turns[k].text).order; o != "" {
			prevOrder = o
		}
	}
	if cur := s.m.slotsIn(text).order; cur != "" {
		return cur, prevOrder != "" && !sameOrder(cur, prevOrder)
	}
	var cands []item
	for _, o := range s.knownOrders() {
		for _, it := range o.Items {
			cands = append(cands, item{SKU: it.SKU, Title: it.Title, TitleZH: it.TitleZH, Order: o.Number})
		}
	}
	found := s.m.matchItems(text, cands)
	if len(found) == 0 {
		// An item of the shop that no order shown so far has: the plan
		// looks among the shopper's orders for it.
		c := s.m.matchCatalog(text)
		return "", len(c) > 0 && !s.inKnown(c)
	}
	had := map[string]bool{}
	for _, f := range s.m.matchItems(strings.Join(before, " \n "), cands) {
		had[f.SKU] = true
	}
	orders := map[string]bool{}
	for _, f := range found {
		if had[f.SKU] {
			return "", false // the same item, named again with the reason
		}
		orders[f.Order] = true
	}
	if len(orders) == 1 {
		return found[0].Order, true
	}
	return "", true
}

// inKnown reports whether any of the items is in an order the
// conversation showed.
func (s *state) inKnown(items []item) bool {
	for _, o := range s.knownOrders() {
		for _, it := range o.Items {
			for _, x := range items {
				if x.SKU == it.SKU {
					return true
				}
			}
		}
	}
	return false
}

// knownOrders are the orders the conversation's tool results showed, the
// latest view of each.
func (s *state) knownOrders() []tools.OrderView {
	var out []tools.OrderView
	seen := map[string]bool{}
	for j := len(s.c.events) - 1; j >= 0; j-- {
		e := s.c.events[j]
		if e.result.Status != tools.StatusOK {
			continue
		}
		var os []tools.OrderView
		switch d := e.result.Data.(type) {
		case *tools.OrderLookup:
			os = []tools.OrderView{d.Order}
		case *tools.OrderList:
			os = d.Orders
		}
		for _, o := range os {
			if !seen[o.Number] {
				seen[o.Number] = true
				out = append(out, o)
			}
		}
	}
	return out
}

// taskOrder is the order number the task's own tools were last called
// with, since the task began.
func (s *state) taskOrder() string {
	found := ""
	for _, e := range s.c.eventsSince(s.c.turns[s.start].index) {
		if !slices.Contains(taskTools[s.task], e.name) {
			continue
		}
		var a struct {
			OrderNumber string `json:"order_number"`
		}
		if json.Unmarshal([]byte(e.args), &a) == nil && a.OrderNumber != "" {
			found = a.OrderNumber
		}
	}
	return found
}

// onlyListed is the order number of the one order an answer listed
// ("• KF-10054: …" lines), or "" when it listed none or several.
func (m *Model) onlyListed(answer string) string {
	found := ""
	for _, line := range strings.Split(answer, "\n") {
		if !strings.HasPrefix(line, "• ") {
			continue
		}
		ns := m.orderNumbers(line)
		if len(ns) == 0 {
			continue
		}
		if found != "" && !sameOrder(found, ns[0]) {
			return ""
		}
		found = ns[0]
	}
	return found
}

// slotOnly reports whether a message is only details (an order number,
// an email, an RMA) with at most a few words around them that do not ask
// for anything themselves: "sure, alice@example.com" is, "cancel my order
// KF-10054" is not.
func (m *Model) slotOnly(text string) bool {
	if !strings.ContainsAny(text, "0123456789@") && len(m.rmas(text)) == 0 {
		return false
	}
	rest := m.withoutSlots(text)
	letters := 0
	for _, r := range rest {
		if unicode.IsLetter(r) {
			letters++
			if unicode.Is(unicode.Han, r) {
				letters += 2
			}
		}
	}
	if letters > 14 {
		return false
	}
	if letters == 0 {
		return true
	}
	p := m.classifier.Predict(rest)
	_, action := taskTools[taskIntent(p[0].Intent)]
	return !(action && p[0].Prob >= 0.5) && !m.asksAbout(text, rest)
}

// chainable reports whether the model may call another tool after this
// result in the same turn: only after a look-up that the task needs, never
// after a change, a miss or a question.
func chainable(e toolEvent) bool {
	return (e.name == tools.NameListOrders || e.name == tools.NameLookupOrder) && e.result.Status == tools.StatusOK
}

// previewedReturn reports whether this turn's start_return came back as a
// preview waiting for the shopper's yes.
func (s *state) previewedReturn() bool {
	for _, e := range s.this {
		if e.name == tools.NameStartReturn && e.result.Status == tools.StatusNeedsConfirmation {
			return true
		}
	}
	return false
}

func (s *state) calledThisTurn(a action) bool {
	for _, e := range s.this {
		if e.name == a.tool {
			return true
		}
	}
	return false
}

// offers reports whether the tool is available in this call.
func (s *state) offers(tool string) bool { return s.offered[tool] }

// t picks the English or Chinese text.
func (s *state) t(en, zh string) string {
	if s.lang == "zh" {
		return zh
	}
	return en
}

// askedFor recognises what an answer asked the shopper for, from the
// questions this model writes.
func askedFor(answer string) string { return askedIn.Get(answer, asks) }

var askedIn = memo.New[string, string](8192)

func asks(answer string) string {
	a := strings.ToLower(answer)
	switch {
	case a == "":
		return ""
	case strings.Contains(a, "shall i go ahead") || strings.Contains(a, "回复“确认”"):
		return "confirm"
	case strings.Contains(a, "connect you with a person") || strings.Contains(a, "转接人工客服吗"):
		return "handoff_offer"
	case strings.Contains(a, "why would you like") || strings.Contains(a, "原因是什么"):
		return "reason"
	case strings.Contains(a, "which item") || strings.Contains(a, "哪件商品"):
		return "item"
	case strings.Contains(a, "which size or colour") || strings.Contains(a, "哪个尺码或颜色"):
		return "variant"
	case strings.Contains(a, "new address") || strings.Contains(a, "新地址"):
		return "address"
	case strings.Contains(a, "order number") || strings.Contains(a, "订单号"):
		return "order"
	case strings.Contains(a, "email address you used") || strings.Contains(a, "下单时使用的邮箱"):
		return "email"
	case strings.Contains(a, "rma number") || strings.Contains(a, "退货授权号"):
		return "order"
	}
	return ""
}
