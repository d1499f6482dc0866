package agents_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/kefu-dev/kefu/agents"
	"github.com/kefu-dev/kefu/store"
)

// ladderScenarios are the fallback ladder (issue 17, point 2) on a shop:
// an unclear message gets the shop's article when one matches, else one
// short question with options; a demand for a person, a complaint or
// anger wins over a flow in progress; chit-chat gets a friendly word and
// what the assistant does.
func ladderScenarios(sh testShop, r roles) []chatScenario {
	sc := []chatScenario{
		{name: "a demand for a person in the middle of a return", lang: "en", as: r.returnable.customer, says: []say{
			{text: fmt.Sprintf("I'd like to return the %s from order %s", r.returnable.item.nameEN, r.returnable.number),
				tools: []string{"lookup_order"}, want: []string{"Why would you like to return"}},
			{text: "actually forget it, just get me a real person", tools: []string{"handoff_to_human"}, handoff: true},
		}, check: noReturnStarted(r.returnable)},
		{name: "退货途中要人工", lang: "zh", as: r.returnable.customer, says: []say{
			{text: fmt.Sprintf("我想退订单%s里的%s", r.returnable.number, r.returnable.item.nameZH),
				tools: []string{"lookup_order"}, want: []string{"原因"}},
			{text: "别问了，给我转人工", tools: []string{"handoff_to_human"}, handoff: true},
		}, check: noReturnStarted(r.returnable)},
		{name: "anger while the assistant waits for an order number", lang: "en", says: []say{
			{text: "where is my order?", want: []string{"order number"}},
			{text: "this is RIDICULOUS I HAVE BEEN WAITING FOR WEEKS", tools: []string{"handoff_to_human"}, handoff: true},
		}},
		{name: "等订单号时发火", lang: "zh", says: []say{
			{text: "我的快递怎么还没到", want: []string{"订单号"}},
			{text: "什么破服务，等了半个月了", tools: []string{"handoff_to_human"}, handoff: true},
		}},
		{name: "a complaint in the middle of a cancellation", lang: "en", as: r.cancelSecond.customer, says: []say{
			{text: "I need to cancel an order", tools: []string{"list_orders"}},
			{text: "I want to speak to your manager about this", tools: []string{"handoff_to_human"}, handoff: true},
		}, check: func(t *testing.T, st *store.Store) {
			t.Helper()
			if o, err := st.OrderByNumber(context.Background(), r.cancelSecond.number); err != nil || o.Status != r.cancelSecond.status {
				t.Errorf("order %s: %v, %v; want %s", r.cancelSecond.number, o.Status, err, r.cancelSecond.status)
			}
		}},
		{name: "取消订单途中投诉", lang: "zh", as: r.cancelSecond.customer, says: []say{
			{text: "我想取消一个订单", tools: []string{"list_orders"}},
			{text: "你们这服务太差了我要投诉", tools: []string{"handoff_to_human"}, handoff: true},
		}},
		{name: "chit-chat gets a friendly word and a pointer", lang: "en", says: []say{
			{text: "how are you today?", tools: nil, want: []string{"thanks for asking", "I can check an order"},
				suggest: []string{"Where is my order?", "I want to return an item"}},
		}},
		{name: "闲聊：友好回答并说明能做什么", lang: "zh", says: []say{
			{text: "你是机器人吗", tools: nil, want: []string{"智能客服", "查订单"}, suggest: []string{"查一下我的订单", "我要退货"}},
		}},
		{name: "a second miss offers a person, in Chinese", lang: "zh", says: []say{
			{text: "嗯嗯那个啥呃", anyTools: true, want: []string{"没太明白"}},
			{text: "呃呃就那个嘛", anyTools: true, want: []string{"转接人工客服吗"}, suggest: []string{"好的，转人工", "不用了"}},
			{text: "好的，转人工", tools: []string{"handoff_to_human"}, handoff: true},
		}},
	}
	// An unclear message that names one of the shop's articles is
	// answered from it.
	for _, p := range sh.kb {
		if strings.HasSuffix(p.title, "?") {
			continue // a question of its own: the shop's scenarios ask it
		}
		text := "umm " + strings.ToLower(p.title) + " ??"
		if p.lang == "zh" {
			text = "嗯 " + p.title + "？？"
		}
		sc = append(sc, chatScenario{name: "unclear, the shop's article: " + p.title, lang: p.lang, says: []say{
			{text: text, tools: []string{"search_knowledge_base"}, want: []string{p.title}},
		}})
	}
	return sc
}

// noReturnStarted checks the order has no return beyond those it came with.
func noReturnStarted(o orderRole) func(*testing.T, *store.Store) {
	return func(t *testing.T, st *store.Store) {
		t.Helper()
		if rs := returnsOf(t, st, o.number); len(rs) != o.returns {
			t.Errorf("returns of %s: %d, want %d", o.number, len(rs), o.returns)
		}
	}
}

func TestBuiltinLadder(t *testing.T) {
	for _, sh := range scenarioShops {
		t.Run(sh.name, func(t *testing.T) {
			_, _, ds := openShop(t, sh)
			r := findRoles(t, ds, sh.clock())
			for _, sc := range ladderScenarios(sh, r) {
				t.Run(sc.name, func(t *testing.T) { runScenario(t, sh, sc) })
			}
		})
	}
}

// An unclear message gets one short question whose two or three options
// are suggestions, stored just before the answer (so that a resumed chat
// shows them); a suggestion sent back, as a click sends it, is understood
// as the option it names. A search that finds no matching article is not
// answered from it.
func TestClarifyingSuggestions(t *testing.T) {
	unclear := map[string]string{"en": "hmm the zibber thingamajig wotsit", "zh": "嗯嗯那个啥呃"}
	for _, sh := range scenarioShops {
		for _, lang := range []string{"en", "zh"} {
			t.Run(sh.name+"/"+lang, func(t *testing.T) {
				s := newShopScenario(t, sh, "")
				res := s.run(unclear[lang])
				t.Logf("kefu: %s %q", res.Reply, res.Suggestions)
				ask := map[string]string{"en": "not sure I understood", "zh": "没太明白"}[lang]
				if !strings.Contains(res.Reply, ask) || strings.Contains(res.Reply, "help article") || strings.Contains(res.Reply, "帮助文章") {
					t.Fatalf("reply %q: want a clarifying question", res.Reply)
				}
				if n := len(res.Suggestions); n < 2 || n > 3 {
					t.Fatalf("suggestions %q: want 2 or 3", res.Suggestions)
				}
				// Stored before the answer, one per line.
				ms, _, err := s.st.LastMessages(context.Background(), s.convID, 2)
				if err != nil {
					t.Fatal(err)
				}
				if len(ms) != 2 || ms[0].Role != store.RoleSystem || ms[0].Author != agents.SuggestionsAuthor ||
					!slices.Equal(agents.SplitSuggestions(ms[0].Text), res.Suggestions) || ms[1].Text != res.Reply {
					t.Fatalf("stored %+v, want the suggestions and then the answer", ms)
				}
				// A click sends the chip's text: it is understood.
				next := s.run(res.Suggestions[0])
				t.Logf("shopper: %s\nkefu: %s", res.Suggestions[0], next.Reply)
				if strings.Contains(next.Reply, ask) || next.Reply == "" {
					t.Errorf("after the suggestion %q: %q", res.Suggestions[0], next.Reply)
				}
			})
		}
	}
}
