package builtin

import (
	"fmt"
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
// last one it has not seen, and decides its first step.
func BenchmarkTurn(b *testing.B) {
	m := benchModel()
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
		text := fmt.Sprintf(benchTurns[i%len(benchTurns)], 100000+i%900000)
		msgs := append(history[:len(history):len(history)], llms.TextParts(llms.ChatMessageTypeHuman, text))
		m.decide(parseConvo(msgs), offered)
		i++
	}
}

func benchModel() *Model { return New(nil) }
