package builtin

import (
	"strings"
	"unicode"

	"github.com/kefu-dev/kefu/agents/internal/memo"
	"github.com/kefu-dev/kefu/tools"
)

// The fallback ladder for a message whose intent is unclear: the shop's
// help articles first (answered only from a good match), then one short
// question with the likeliest options as suggestions the shopper can
// click, and after a second miss the offer of a person.

// choices are the options a clarifying question can offer, by route: how
// the question names it, and the chip's text, which is sent as the
// shopper's message when clicked (so it must read as that route: see
// TestSuggestionsReadAsTheirRoute).
var choices = map[string]struct{ en, zh, chipEN, chipZH string }{
	IntentOrderStatus: {"check on an order", "查询订单或物流", "Where is my order?", "查一下我的订单"},
	IntentStartReturn: {"return something", "退货退款", "I want to return an item", "我要退货"},
	IntentExchange:    {"exchange an item", "换货", "I want to exchange an item", "我要换货"},
	IntentReturnStat:  {"check on a return or refund", "查询退货或退款进度", "Where is my refund?", "我的退款到哪了"},
	IntentCancel:      {"cancel an order", "取消订单", "I want to cancel my order", "我要取消订单"},
	IntentAddress:     {"change a delivery address", "修改收货地址", "I need to change my delivery address", "我要修改收货地址"},
	IntentExpedite:    {"hurry an order", "催发货", "Can you hurry my order?", "帮我催一下发货"},
	IntentRecommend:   {"get a product recommendation", "推荐商品", "Can you recommend something?", "给我推荐一下商品"},
	IntentFAQ:         {"ask about shipping, returns or payment", "了解运费、售后或付款", "How long does shipping take?", "运费怎么算"},
	IntentAccount:     {"sort out your account", "账户问题", "I have a problem with my account", "我的账户登录不了"},
	IntentInvoice:     {"get an invoice", "开发票", "I need an invoice", "我要开发票"},
	IntentHuman:       {"talk to a person", "转人工客服", "Talk to a person", "转人工"},
}

// defaultChoices fill a question when the classifier has fewer likely
// options: what shoppers ask most.
var defaultChoices = []string{IntentOrderStatus, IntentStartReturn, IntentFAQ}

// unclear reports whether the message's intent is too unclear to act on:
// the classifier is unsure, the words are mostly unknown to it, or it
// would only call the message chit-chat (or a yes or no to a question
// nobody asked) with little conviction.
func (s *state) unclear() bool {
	if s.conf < 0.3 || s.m.known(s.cur.text) < 0.5 {
		return true
	}
	switch s.intent {
	case IntentOutOfScope, IntentGreeting, IntentThanks:
		// Chit-chat either way ("how are you today?" split between a
		// greeting and small talk) is not unclear: the conviction is the
		// two routes' together.
		return s.chitChatConf() < confident && !angry(s.cur.text)
	case IntentComplaint:
		return s.conf < confident && !angry(s.cur.text)
	case IntentHuman:
		return s.conf < 0.4
	case IntentAffirm, IntentDeny:
		// A yes or no when nothing was asked: only a short one ("ok",
		// "好的") is taken as such; "so yeah um, the thing" is unclear.
		return s.asked == "" && (s.conf < confident || !brief(s.cur.text))
	}
	return false
}

// chitChatConf is the probability of the top route, with the second's
// added when both are chit-chat (greeting and out of scope).
func (s *state) chitChatConf() float64 {
	if len(s.preds) > 1 && chitChatRoute[s.preds[0].Intent] && chitChatRoute[s.preds[1].Intent] {
		return s.preds[0].Prob + s.preds[1].Prob
	}
	return s.conf
}

var chitChatRoute = map[string]bool{IntentGreeting: true, IntentOutOfScope: true}

// brief reports a message of at most two words, or four Han characters.
func brief(text string) bool {
	han := 0
	for _, r := range text {
		if unicode.Is(unicode.Han, r) {
			han++
		}
	}
	if han > 0 {
		return han <= 4
	}
	return len(strings.Fields(text)) <= 2
}

// ladder answers an unclear message: search the shop's articles when
// the message has words to search with, else ask.
func (s *state) ladder() action {
	if s.offers(tools.NameSearchKnowledgeBase) && hasWords(s.cur.text) {
		return call(tools.NameSearchKnowledgeBase, map[string]any{"query": clip(s.cur.text, 400), "locale": s.lang})
	}
	return s.clarify()
}

// goodMatch reports whether the first article a search returned answers
// the message: two of its words (title or tags) at least, as the shop's
// vocabulary knows the article, or from its title alone for an article
// the model has not learnt.
func (s *state) goodMatch(a tools.ArticleView) bool {
	v := s.m.vocab()
	for _, at := range v.articles {
		if at.slug == a.Slug && (at.locale == a.Locale || a.Locale == "") {
			return at.score(normalize(s.cur.text), contentWords(s.cur.text)) >= 2
		}
	}
	at := newArticleTerms(Article{Slug: a.Slug, Locale: a.Locale, Title: a.Title})
	return at.score(normalize(s.cur.text), contentWords(s.cur.text)) >= 2
}

// clarify asks one short question with the likeliest options as
// suggestions; after a miss already, it offers a person instead, and
// after that offer brings one in.
func (s *state) clarify() action {
	switch n := s.recentFailures(); {
	case n >= 2:
		return s.handoff("The assistant could not understand the shopper, three times: " + clip(s.cur.text, 200))
	case n == 1:
		return action{
			text: s.t("I'm still not sure I understood, sorry. Would you like me to connect you with a person from our support team?",
				"抱歉，我还是没太明白您的意思。需要我为您转接人工客服吗？"),
			suggestions: []string{s.t("Yes, connect me with a person", "好的，转人工"), s.t("No, thanks", "不用了")},
		}
	}
	routes := s.likeliest(3)
	var names, chips []string
	for _, r := range routes {
		c := choices[r]
		names = append(names, s.t(c.en, c.zh))
		chips = append(chips, s.t(c.chipEN, c.chipZH))
	}
	return action{
		text: s.t("Sorry, I'm not sure I understood. Would you like to "+orList(names, " or ")+"?",
			"抱歉，我没太明白您的意思。请问您是想"+orList(names, "还是")+"？"),
		suggestions: chips,
	}
}

// likeliest are the n routes a clarifying question offers: the
// classifier's most probable ones that have an option, then the most
// asked ones. A complaint is offered as a person.
func (s *state) likeliest(n int) []string {
	var out []string
	add := func(r string) {
		if r == IntentComplaint {
			r = IntentHuman
		}
		if _, ok := choices[r]; ok && len(out) < n && !containsString(out, r) {
			out = append(out, r)
		}
	}
	for _, p := range s.preds {
		if p.Prob < 0.05 {
			break
		}
		add(p.Intent)
	}
	for _, r := range defaultChoices {
		add(r)
	}
	return out
}

// howAreYou are the words of a shopper asking how the assistant is: with a
// greeting or without, they get a friendly word back (chitChat).
var howAreYou = []string{"how are you", "how r u", "how's it going", "你好吗", "最近好吗"}

// chitChat answers a message that has nothing to do with the shop: a
// short friendly word and what the assistant can do, with the most asked
// options as suggestions.
func (s *state) chitChat() action {
	t := normalize(s.cur.text)
	var en, zh string
	switch {
	case containsAny(t, []string{"are you a bot", "are you a robot", "are you human", "are you real", "are you an ai", "机器人", "真人吗", "是人吗", "ai吗"}):
		en, zh = "I'm the shop's automated assistant. I can bring in a person whenever you like.", "我是店铺的智能客服助手，您需要的话随时可以转人工。"
	case containsAny(t, howAreYou):
		en, zh = "I'm doing well, thanks for asking!", "我很好，谢谢关心！"
	case containsAny(t, []string{"joke", "笑话"}):
		en, zh = "I'm better at parcels than at jokes, I'm afraid.", "讲笑话我不太擅长，查快递我比较在行。"
	default:
		en, zh = "Sorry, I can't help with that: I'm the shop's assistant.", "抱歉，这个我帮不上忙，我是店铺的客服助手。"
	}
	var chips []string
	for _, r := range []string{IntentOrderStatus, IntentStartReturn, IntentFAQ} {
		chips = append(chips, s.t(choices[r].chipEN, choices[r].chipZH))
	}
	return action{
		text: s.t(en+" I can check an order, start a return or a cancellation, and answer questions about shipping, payment and the shop.",
			zh+"我可以帮您查订单、办理退货或取消订单，也可以解答运费、付款等问题。"),
		suggestions: chips,
	}
}

// urgent reports whether the message is a demand for a person, a
// complaint or an angry outburst: it wins over any flow in progress. An
// answer to "why?" that names a reason stays the reason, however cross.
func (s *state) urgent() bool {
	if s.m.slotOnly(s.cur.text) || (s.asked == "reason" && reason(s.cur.text) != "") {
		return false
	}
	if angry(s.cur.text) {
		s.intent, s.conf = IntentComplaint, 1
		return true
	}
	// The classifier's word is taken only on words it knows: "the
	// Rechargeable Headlamp" is an item named, whatever it guesses.
	if s.m.known(s.cur.text) < 0.5 {
		return false
	}
	return (s.intent == IntentHuman || s.intent == IntentComplaint) && s.conf >= confident
}

// angryWords are words people use when they are angry with the shop,
// not merely describing a problem ("broken" is a problem, "ridiculous"
// is anger).
var angryWords = []string{"ridiculous", "unacceptable", "worst", "scam", "fraud", "wtf", "useless", "pathetic", "furious",
	"disgusting", "lawyer", "sue you", "report you", "fed up", "sick of", "joke of a", "terrible service", "awful service",
	"投诉", "差评", "垃圾", "骗子", "气死", "太差了", "什么破", "坑人", "忍无可忍", "12315", "消协", "无语死", "恶心", "欺骗"}

// angry reports an angry message: angry words, three exclamation marks,
// or shouting (most words in capitals).
func angry(text string) bool { return angryTexts.Get(text, isAngry) }

var angryTexts = memo.New[string, bool](8192)

func isAngry(text string) bool {
	t := normalize(text)
	if containsAny(t, angryWords) || strings.Count(text, "!")+strings.Count(text, "！") >= 3 {
		return true
	}
	words, caps := 0, 0
	for _, w := range strings.Fields(text) {
		letters, upper := 0, 0
		for _, r := range w {
			if r < unicode.MaxASCII && unicode.IsLetter(r) {
				letters++
				if unicode.IsUpper(r) {
					upper++
				}
			}
		}
		if letters >= 3 {
			words++
			if upper == letters {
				caps++
			}
		}
	}
	return words >= 3 && caps*10 >= words*7
}

// hasWords reports whether text has anything to search the articles
// with: a word of three letters or more, or two Han characters.
func hasWords(text string) bool {
	han := 0
	for _, w := range splitWords(normalize(text)) {
		for _, r := range w {
			if unicode.Is(unicode.Han, r) {
				han++
			}
		}
		if len(w) >= 3 && !kbStopWords[w] {
			return true
		}
	}
	return han >= 2
}

// contentWords are the stemmed words of text that can point to an
// article.
func contentWords(text string) map[string]bool {
	words := map[string]bool{}
	for _, w := range splitWords(normalize(text)) {
		if !kbStopWords[w] && len(w) > 2 {
			words[stem(w)] = true
		}
	}
	return words
}

// orList joins options: "a, b or c", "a、b还是c".
func orList(items []string, or string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	sep := ", "
	if or == "还是" {
		sep = "、"
	} else {
		or = " " + strings.TrimSpace(or) + " "
	}
	return strings.Join(items[:len(items)-1], sep) + or + items[len(items)-1]
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
