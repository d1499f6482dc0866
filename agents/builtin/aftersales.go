package builtin

import "github.com/kefu-dev/kefu/tools"

// answerAfterSales writes the reply to the results of the after-sales
// tools (exchanges, address changes) and to the confirmations and return
// statuses that concern them; ok is false for a result it leaves to the
// general answers (a miss, an error).
func (s *state) answerAfterSales(e toolEvent) (action, bool) {
	switch e.name {
	case tools.NameStartExchange:
		return s.answerExchange(e)
	case tools.NameChangeAddress:
		return s.answerAddress(e)
	case tools.NameConfirmAction:
		switch d := e.result.Data.(type) {
		case *tools.ExchangeDone:
			if e.result.Status == tools.StatusOK {
				return say(s.exchangeDone(d)), true
			}
		case *tools.AddressChanged:
			if e.result.Status == tools.StatusOK {
				return say(s.addressChanged(d)), true
			}
		}
		if e.result.Status == tools.StatusRefused {
			// Refused at the yes (sold out, shipped meanwhile): in the
			// words of the change that was previewed.
			switch s.lastPreviewed() {
			case tools.NameStartExchange:
				return say(s.exchangeRefusal(e)), true
			case tools.NameChangeAddress:
				return say(s.addressRefusal(e)), true
			}
		}
	case tools.NameStartReturn:
		if e.result.Status == tools.StatusRefused && e.result.Reason == "exchange_open" {
			return say(s.t("That item is already being exchanged, so it can't be returned as well. I can check the exchange's status for you.",
				"这件商品正在换货中，不能再申请退货。我可以帮您查询换货进度。")), true
		}
	case tools.NameReturnStatus:
		if d, ok := e.result.Data.(*tools.ReturnList); ok && e.result.Status == tools.StatusOK {
			if text, ok := s.exchangeStatus(d); ok {
				return say(text), true
			}
		}
	}
	return action{}, false
}

// lastPreviewed is the tool of the latest change previewed in the
// conversation.
func (s *state) lastPreviewed() string {
	for j := len(s.c.events) - 1; j >= 0; j-- {
		if s.c.events[j].result.Status == tools.StatusNeedsConfirmation {
			return s.c.events[j].name
		}
	}
	return ""
}

// unsureAfterSales reports whether the message's own intent should not
// take over the task under way: an exchange or an address change the
// classifier is unsure of while another task is under way (the shopper is
// more likely answering it: "the Volt X200 charging pad" after "which
// order?"), or bare details ("1008") while an exchange or an address
// change waits for them.
func (s *state) unsureAfterSales(prev string) bool {
	if (prev == IntentExchange || prev == IntentAddress) && prev != s.intent && s.m.slotOnly(s.cur.text) {
		return true
	}
	return (s.intent == IntentExchange || s.intent == IntentAddress) && prev != "" && prev != s.intent && s.conf < confident
}

// weakAfterSales reports whether an earlier message's guess of an
// exchange or an address change is too unsure to be the task under way.
func weakAfterSales(p Prediction) bool {
	return (p.Intent == IntentExchange || p.Intent == IntentAddress) && p.Prob < 0.45
}

// Words that ask for another variant rather than the money back.
var (
	exchangeCues = []string{"exchange", "swap", "换货", "换成", "换个", "换一", "调换", "换尺码", "换颜色", "换码",
		// another variant asked for, without the word for an exchange
		"size up", "size down", "one size", "different size", "another size", "other size", "bigger size", "smaller size",
		"larger size", "different colour", "different color", "another colour", "another color", "instead",
		"can i get a", "could i get a", "换大", "换小", "大一码", "大一号", "小一码", "小一号"}
	refundCues = []string{"refund", "money back", "退款", "退钱", "退货"}
)

// exchangeCue settles the classifier's doubt between a return and an
// exchange by the shopper's words: "I want to exchange my jacket" asks
// for an exchange, "exchange it for a refund" for a return.
func exchangeCue(text string, p []Prediction) []Prediction {
	if len(p) < 2 {
		return p
	}
	a, b := p[0].Intent, p[1].Intent
	if !(a == IntentStartReturn && b == IntentExchange || a == IntentExchange && b == IntentStartReturn) {
		return p
	}
	t := normalize(text)
	if !containsAny(t, exchangeCues) || containsAny(t, refundCues) {
		return p
	}
	out := append([]Prediction(nil), p...)
	out[0], out[1] = Prediction{Intent: IntentExchange, Prob: p[0].Prob + p[1].Prob}, Prediction{Intent: IntentStartReturn}
	return out
}
