package builtin

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kefu-dev/kefu/tools"
)

// References back to orders kefu showed (issue 17, point 3): "the second
// one", "the other one", "the previous one", "that one", "the one from
// last week", "the one that hasn't shipped", "第二个", "另一个", "上一个",
// "上周买的", "还没发货的那个". A reference resolves only among orders the
// conversation showed (a list kefu wrote, or the shopper's own order list
// when picking by date or status); when it fits several, or none, the
// model asks which, naming them. It never stands for an order it was not
// given: a change runs only on an order the shopper named or picked.

// A reference is what a shopper's message points back to.
type reference struct {
	kind  string   // "" when the message refers to nothing
	order string   // the order it picks, when exactly one fits
	cands []string // the orders to ask between, when it does not pick one
	// needList: it can be resolved only among the shopper's orders, which
	// the conversation has not looked up yet.
	needList bool
}

var (
	ordinalCues = []struct {
		n    int
		cues []string
	}{
		{0, []string{"first one", "1st one", "first order", "top one", "第一个", "第一单", "第一笔", "第1个", "头一个"}},
		{1, []string{"second one", "2nd one", "second order", "第二个", "第二单", "第二笔", "第2个"}},
		{2, []string{"third one", "3rd one", "third order", "第三个", "第三单", "第三笔", "第3个"}},
		{-1, []string{"last one", "bottom one", "最后一个", "最后那个", "最后一单"}},
	}
	otherCues    = []string{"other one", "other order", "the other", "另一个", "另外一个", "另一单", "另外那个", "另外一单", "另一笔", "另外一笔"}
	previousCues = []string{"previous one", "previous order", "the one before", "earlier one", "one we talked about before", "上一个", "前一个", "上一单", "之前那个", "之前那单", "刚才那个", "刚才那单", "前面那个"}
	deicticEN    = []string{"this one", "that one", "this order", "that order", "that's the one", "that is the one", "the one you listed", "the one you showed"}
	deicticZH    = []string{"这一单", "那一单", "这单", "那单", "这个订单", "那个订单", "就是它", "就这个", "就那个"}
	shortZH      = []string{"这个", "那个"}

	// Status cues, the negative ones first: "hasn't shipped" is not
	// "shipped".
	statusCues = []struct {
		statuses []string
		cues     []string
	}{
		{[]string{"paid", "pending_payment"}, []string{"not shipped", "not been shipped", "not yet shipped", "not sent", "not been sent", "hasn't been sent", "hasn't shipped", "hasn't left", "unshipped", "not dispatched",
			"still processing", "not left", "还没发货", "没发货", "未发货", "还没发出", "没发出", "还没寄", "待发货"}},
		{[]string{"pending_payment"}, []string{"not paid", "unpaid", "awaiting payment", "waiting for payment", "没付款", "未付款", "待付款", "没支付"}},
		{[]string{"cancelled"}, []string{"cancelled", "canceled", "已取消", "取消了的", "取消掉的"}},
		{[]string{"delivered"}, []string{"delivered", "arrived", "already got", "received", "已签收", "签收了", "收到的", "收到了的", "已经到了", "到了的"}},
		{[]string{"shipped"}, []string{"on its way", "on the way", "in transit", "shipped", "已发货", "发货了的", "在路上", "运输中", "路上的"}},
	}
)

// relativeCues mark a description of one order among others ("the one
// that…", "…的那个"), without which a status or a date is only said about
// the shopper's order ("it hasn't shipped").
var relativeCues = []string{"the one", "one that", "one which", "one from", "order from", "one i ", "order i ", "ones", "one with",
	"的那个", "那个", "那单", "那笔", "的订单", "的那单", "买的", "下的单", "拍的"}

// dateCue is a span of days before today that "last week" and the like
// mean, loosely, as people say them.
type dateCue struct {
	from, to int // days before today, inclusive
	cues     []string
}

var dateCues = []dateCue{
	{2, 2, []string{"day before yesterday", "前天"}},
	{1, 1, []string{"yesterday", "昨天"}},
	{0, 0, []string{"today", "今天"}},
	{5, 14, []string{"last week", "week ago", "上周", "上个星期", "上星期", "上个礼拜", "上礼拜"}},
	{2, 6, []string{"few days ago", "couple of days ago", "couple days ago", "other day", "前几天", "前两天"}},
	{0, 7, []string{"this week", "这周", "本周", "这个星期"}},
	{20, 62, []string{"last month", "month ago", "上个月", "上月"}},
}

// referenceAt reads turn i's message for a reference and resolves it
// among the orders shown before it. focus is the order the conversation
// was about ("the other one" is another than it).
func (s *state) referenceAt(i int, focus string) reference {
	t := s.c.turns[i]
	text := normalize(t.text)
	if !mayRefer(text) {
		return reference{} // most messages: no cue, nothing to look up
	}
	answer := s.c.lastAnswerBefore(t.index)
	shown := s.m.listedOrders(s.c.lastListBefore(t.index))
	if focus == "" {
		focus = s.m.namedIn(answer)
	}
	has := func(cues []string) bool { return containsAny(text, cues) }

	for _, o := range ordinalCues {
		if has(o.cues) && len(shown) > 0 {
			k := o.n
			if k < 0 {
				k = len(shown) - 1
			}
			if k < len(shown) {
				return reference{kind: "ordinal", order: shown[k]}
			}
			return reference{kind: "ordinal", cands: shown}
		}
	}
	if has(otherCues) {
		pool, fromList := shown, false
		if len(pool) == 0 {
			// No list shown: the shopper's own orders, those the task
			// could act on.
			for _, o := range s.ordersShown(nil, t.index) {
				if taskFits(s.task, o.Status) {
					pool, fromList = append(pool, o.Number), true
				}
			}
			if !fromList && s.c.signedIn {
				return reference{kind: "other", needList: true}
			}
		}
		var rest []string
		for _, n := range pool {
			if focus == "" || !sameOrder(n, focus) {
				rest = append(rest, n)
			}
		}
		if len(rest) == 1 && focus != "" && !fromList {
			return reference{kind: "other", order: rest[0]}
		}
		// From orders never shown, "the other one" describes nothing: the
		// answer shows them, and the shopper picks.
		if fromList && len(rest) > 0 {
			return reference{kind: "other", cands: rest}
		}
		if len(pool) > 0 {
			return reference{kind: "other", cands: pool}
		}
	}
	if has(previousCues) {
		seq := s.mentioned(t.index)
		for j := len(seq) - 1; j >= 0; j-- {
			if focus == "" || !sameOrder(seq[j], focus) {
				return reference{kind: "previous", order: seq[j]}
			}
		}
		if len(shown) > 0 {
			return reference{kind: "previous", cands: shown}
		}
		if r := s.previousByDate(focus, t.index); r.kind != "" {
			return r
		}
	}
	if r := s.byStatusOrDate(text, shown, t.index); r.kind != "" {
		return r
	}
	deictic := has(deicticEN) || has(deicticZH) || (has(shortZH) && utf8.RuneCountInString(text) <= 10)
	if deictic {
		switch {
		case len(shown) == 1:
			return reference{kind: "this", order: shown[0]}
		case focus != "":
			return reference{kind: "this", order: focus}
		case len(shown) > 1:
			return reference{kind: "this", cands: shown}
		}
	}
	return reference{}
}

// previousByDate resolves "the previous one" when the conversation named
// no other order: by the dates of the shopper's orders, the one placed
// before the order in question, or with none in question ("my previous
// order", 上一单) the latest one.
func (s *state) previousByDate(focus string, before int) reference {
	pool := s.ordersShown(nil, before)
	if len(pool) == 0 {
		if s.c.signedIn {
			return reference{kind: "previous", needList: true}
		}
		return reference{}
	}
	pool = slices.Clone(pool)
	slices.SortStableFunc(pool, func(a, b tools.OrderView) int { return b.PlacedAt.Compare(a.PlacedAt) })
	if focus == "" {
		return reference{kind: "previous", order: pool[0].Number}
	}
	for k, o := range pool {
		if sameOrder(o.Number, focus) && k+1 < len(pool) {
			return reference{kind: "previous", order: pool[k+1].Number}
		}
	}
	var rest []string
	for _, o := range pool {
		if !sameOrder(o.Number, focus) {
			rest = append(rest, o.Number)
		}
	}
	return reference{kind: "previous", cands: rest}
}

// byStatusOrDate picks among the orders shown (or, when none were listed,
// the shopper's own order list) by the state or the date the message
// describes.
func (s *state) byStatusOrDate(text string, shown []string, before int) reference {
	var statuses []string
	for _, sc := range statusCues {
		if containsAny(text, sc.cues) {
			statuses = sc.statuses
			break
		}
	}
	var span *dateCue
	if !s.c.today.IsZero() {
		for k := range dateCues {
			if containsAny(text, dateCues[k].cues) {
				span = &dateCues[k]
				break
			}
		}
	}
	if statuses == nil && span == nil || !containsAny(text, relativeCues) {
		return reference{}
	}
	pool := s.ordersShown(shown, before)
	if len(pool) < 2 {
		return reference{} // nothing to pick among: the flow goes on as it would
	}
	today := s.c.today.Truncate(24 * time.Hour)
	var fit, all []string
	for _, o := range pool {
		all = append(all, o.Number)
		if statuses != nil && !containsString(statuses, o.Status) {
			continue
		}
		if span != nil {
			days := int(today.Sub(o.PlacedAt.Truncate(24*time.Hour)).Hours() / 24)
			if days < span.from || days > span.to {
				continue
			}
		}
		fit = append(fit, o.Number)
	}
	kind := "status"
	if span != nil {
		kind = "date"
	}
	if len(fit) == 1 {
		return reference{kind: kind, order: fit[0]}
	}
	if len(fit) > 1 {
		return reference{kind: kind, cands: fit}
	}
	return reference{kind: kind, cands: all}
}

// ordersShown are the views of the listed orders, or of the shopper's
// order list when kefu listed none, as known when the shopper's message at
// index before was answered.
func (s *state) ordersShown(shown []string, before int) []tools.OrderView {
	var list []tools.OrderView
	// Known by then: the results up to the shopper's next message.
	limit := int(^uint(0) >> 1)
	for _, t := range s.c.turns {
		if t.index > before {
			limit = t.index
			break
		}
	}
	for j := len(s.c.events) - 1; j >= 0; j-- {
		e := s.c.events[j]
		if e.index > limit {
			continue
		}
		if d, ok := e.result.Data.(*tools.OrderList); ok && e.result.Status == tools.StatusOK {
			list = d.Orders
			break
		}
	}
	if len(shown) == 0 {
		return list
	}
	var out []tools.OrderView
	for _, n := range shown {
		for _, o := range list {
			if sameOrder(o.Number, n) {
				out = append(out, o)
			}
		}
	}
	return out
}

// mentioned are the orders kefu's answers named before message index i,
// each once, in the order of their last mention.
func (s *state) mentioned(before int) []string {
	var seq []string
	for _, a := range s.c.answers {
		if a.index >= before {
			break
		}
		for _, n := range s.m.orderNumbers(a.text) {
			for k := 0; k < len(seq); k++ {
				if sameOrder(seq[k], n) {
					seq = append(seq[:k], seq[k+1:]...)
					k--
				}
			}
			seq = append(seq, n)
		}
	}
	return seq
}

// lastListBefore is kefu's latest answer before message index i that
// listed orders ("• …" lines).
func (c *convo) lastListBefore(i int) string {
	for j := len(c.answers) - 1; j >= 0; j-- {
		if c.answers[j].index < i && strings.Contains(c.answers[j].text, "\n• ") {
			return c.answers[j].text
		}
	}
	return ""
}

// listedOrders are the order numbers of an answer's "• " lines, in order.
func (m *Model) listedOrders(answer string) []string {
	var out []string
	for _, line := range strings.Split(answer, "\n") {
		if !strings.HasPrefix(line, "• ") {
			continue
		}
		if ns := m.orderNumbers(line); len(ns) > 0 && !containsOrder(out, ns[0]) {
			out = append(out, ns[0])
		}
	}
	return out
}

// namedIn is the first order number an answer names outside its list
// lines: the order it was about.
func (m *Model) namedIn(answer string) string {
	for _, line := range strings.Split(answer, "\n") {
		if strings.HasPrefix(line, "• ") {
			continue
		}
		if ns := m.orderNumbers(line); len(ns) > 0 {
			return ns[0]
		}
	}
	return ""
}

func containsOrder(list []string, n string) bool {
	for _, x := range list {
		if sameOrder(x, n) {
			return true
		}
	}
	return false
}

// askWhichOf asks which of these orders the shopper means, naming each
// with its items, state and date, and offers their numbers as
// suggestions.
func (s *state) askWhichOf(numbers []string) action {
	var lines, chips []string
	for _, n := range numbers {
		line := "• " + n
		if o, ok := s.orderData(n); ok {
			line += " — " + s.status(o) + ", " + s.date(&o.PlacedAt) + ": " + s.itemNames(o.Items)
		}
		lines = append(lines, line)
		chips = append(chips, n)
	}
	a := say(s.t("Which of these orders do you mean? Please pick one or give me the order number:\n"+strings.Join(lines, "\n"),
		"请问您指的是哪一个订单？请选一个或告诉我订单号：\n"+strings.Join(lines, "\n")))
	a.suggestions = chips
	return a
}

// refersAway reports whether a message points to another order than the
// one in question: another, the previous, or one by its place in a list.
func refersAway(text string) bool {
	if containsAny(text, otherCues) || containsAny(text, previousCues) {
		return true
	}
	for _, o := range ordinalCues {
		if containsAny(text, o.cues) {
			return true
		}
	}
	return false
}

// namesShownItem reports whether turn i names an item of an order the
// conversation showed: the item picks the order, not a reference.
func (s *state) namesShownItem(i int) bool {
	var cands []item
	for _, o := range s.knownOrders() {
		for _, it := range o.Items {
			cands = append(cands, item{SKU: it.SKU, Title: it.Title, TitleZH: it.TitleZH, Order: o.Number})
		}
	}
	return len(cands) > 0 && len(s.m.matchItems(s.c.turns[i].text, cands)) > 0
}

// recentTask is the latest order task among the few messages before turn
// i, settled or not: "no, the other one" after a preview goes back to it.
func (s *state) recentTask(i int) string {
	for j := i - 1; j >= 0 && j >= i-6; j-- {
		p := s.m.predict(s.c.turns[j].text)
		if _, ok := taskTools[p[0].Intent]; ok && p[0].Prob >= 0.35 && !s.m.slotOnly(s.c.turns[j].text) {
			return p[0].Intent
		}
		if p[0].Intent == IntentExchange || p[0].Intent == IntentAddress {
			return p[0].Intent
		}
	}
	return ""
}

// taskFits reports whether an order in this status is one the task can
// act on: "the other one" in a cancellation is another that can be
// cancelled.
func taskFits(task, status string) bool {
	switch task {
	case IntentCancel, IntentAddress:
		return status == "paid" || status == "pending_payment"
	case IntentStartReturn, IntentExchange:
		return status == "delivered"
	}
	return true
}

// mayRefer reports whether a message has any of the cues a reference
// needs, before the conversation is searched for what it refers to.
func mayRefer(text string) bool {
	if refersAway(text) || containsAny(text, deicticEN) || containsAny(text, deicticZH) || containsAny(text, shortZH) {
		return true
	}
	if !containsAny(text, relativeCues) {
		return false
	}
	for _, sc := range statusCues {
		if containsAny(text, sc.cues) {
			return true
		}
	}
	for _, d := range dateCues {
		if containsAny(text, d.cues) {
			return true
		}
	}
	return false
}
