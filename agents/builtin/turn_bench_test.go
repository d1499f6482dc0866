package builtin

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tmc/langchaingo/llms"

	"github.com/kefu-dev/kefu/tools"
)

// benchTurns are shopper messages of the kinds a turn reads, in both
// languages, each with a number that changes every iteration so that no
// cache answers for the new message (the earlier messages of the
// conversation are cached, as they are in a real conversation).
var benchTurns = []string{
	"hi, I ordered a jacket last week and it still hasn't arrived, can you check order %d for me please",
	"我的订单%d到哪了，麻烦帮我查一下物流",
	"I want to return the mug from order #%d, it arrived cracked",
	"亲 订单号 %d 还没发货的话帮我取消吧 拍错了",
	"can u cancel %d? my email is sam@example.com",
	"请问退货RMA-%dX现在什么状态",
}

func benchOffered() []llms.Tool {
	var out []llms.Tool
	for _, n := range []string{tools.NameSearchKnowledgeBase, tools.NameListOrders, tools.NameLookupOrder, tools.NameTrackShipment,
		tools.NameStartReturn, tools.NameReturnStatus, tools.NameCancelOrder, tools.NameRecommendProducts, tools.NameHandoffToHuman} {
		out = append(out, llms.Tool{Type: "function", Function: &llms.FunctionDefinition{Name: n}})
	}
	return out
}

// BenchmarkTurn is the cost of classification and slot filling for one
// shopper turn: the model reads a conversation of a few messages whose
// last one it has not seen, and decides its first step; for a model that
// knows no shop, and for one that knows a large shop (20,000 order
// numbers of three shapes, 500 products, 40 articles).
func BenchmarkTurn(b *testing.B) {
	b.Run("no-shop", func(b *testing.B) { benchTurn(b, New(nil)) })
	b.Run("large-shop", func(b *testing.B) { benchTurn(b, NewForShop(largeShop())) })
}

func benchTurn(b *testing.B, m *Model) {
	opts := []llms.CallOption{llms.WithTools(benchOffered())}
	history := []llms.MessageContent{
		llms.TextParts(llms.ChatMessageTypeSystem, "You are the shop's assistant.\n- shopper: guest\n- shopper language: en\n- today: 2026-11-20"),
		llms.TextParts(llms.ChatMessageTypeHuman, "hello"),
		llms.TextParts(llms.ChatMessageTypeAI, "Hello! How can I help you today?"),
	}
	offered := map[string]bool{}
	var o llms.CallOptions
	for _, f := range opts {
		f(&o)
	}
	for _, t := range o.Tools {
		offered[t.Function.Name] = true
	}
	i := 0
	for b.Loop() {
		// A made-up word as well, so that the text is new to every cache
		// even with its number masked for the classifier.
		text := fmt.Sprintf(benchTurns[i%len(benchTurns)], 100000+i%900000) + " " + benchWord(i)
		msgs := append(history[:len(history):len(history)], llms.TextParts(llms.ChatMessageTypeHuman, text))
		m.decide(parseConvo(msgs), offered)
		i++
	}
}

// benchWord is a word of letters only, different for every i.
func benchWord(i int) string {
	b := []byte{'q'}
	for ; i > 0; i /= 26 {
		b = append(b, byte('a'+i%26))
	}
	return string(b)
}

// largeShop is a shop the size of the vocabulary the store hands the
// model at most (store.MaxVocabularyNumbers order numbers).
func largeShop() Shop {
	var sh Shop
	for i := 0; i < 20000; i++ {
		switch i % 3 {
		case 0:
			sh.OrderNumbers = append(sh.OrderNumbers, fmt.Sprintf("A-%d", 5000+i))
		case 1:
			sh.OrderNumbers = append(sh.OrderNumbers, fmt.Sprint(100000+i))
		default:
			sh.OrderNumbers = append(sh.OrderNumbers, fmt.Sprintf("#W%d", 2378000+i))
		}
		if i%10 == 0 {
			sh.RMAs = append(sh.RMAs, fmt.Sprintf("RT-%d", 80000+i))
		}
	}
	kinds := []string{"Jacket", "Charger", "Teapot", "Mug", "Earbuds", "Backpack", "Cable", "Speaker", "Tea", "Watch"}
	for i := 0; i < 500; i++ {
		k := kinds[i%len(kinds)]
		sh.Products = append(sh.Products, Product{SKU: fmt.Sprintf("SKU-%03d", i), Title: fmt.Sprintf("Model %d %s, Colour %d", i, k, i%7),
			TitleZH: fmt.Sprintf("型号%d 商品", i), Category: "c" + k, Tags: []string{strings.ToLower(k), "tag" + fmt.Sprint(i)}})
	}
	for i := 0; i < 20; i++ {
		sh.Articles = append(sh.Articles, Article{Slug: fmt.Sprint("a", i), Locale: "en", Title: fmt.Sprintf("Help topic %d about %s", i, kinds[i%len(kinds)]),
			Tags: []string{"help", "topic"}}, Article{Slug: fmt.Sprint("a", i), Locale: "zh", Title: fmt.Sprintf("帮助主题%d", i), Tags: []string{"帮助"}})
	}
	return sh
}
