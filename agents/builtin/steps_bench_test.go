package builtin

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tmc/langchaingo/llms"

	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/tools"
)

// stepsScripts are the load test's conversations (cmd/kefu/loadtest):
// the knowledge base, order look-ups and a return the shopper declines,
// in English and Chinese.
var stepsScripts = [][]string{
	{"hi", "where is my order?", "how long does shipping to Canada take?", "I want to return something", "no thanks", "what is your returns policy?", "can I pay with PayPal?", "thanks!"},
	{"你好", "我的订单到哪了？", "退货运费谁出？", "我想退货", "算了，不退了", "可以寄到加拿大吗？", "谢谢"},
	{"hello", "do you ship to Germany?", "track my order please", "recommend a tent for two people", "how do I care for a down jacket?", "thank you"},
	{"在吗", "推荐一款适合徒步的背包", "我的包裹什么时候到？", "礼品卡可以退吗？", "好的谢谢"},
}

// stepsShop is a small outdoor shop whose products the orders below hold.
func stepsShop() Shop {
	return Shop{Products: []Product{
		{SKU: "TENT-2P", Title: "Ridgeline 2-Person Tent", TitleZH: "山脊双人帐篷", Category: "tents", Tags: []string{"tent", "camping"}},
		{SKU: "PACK-38", Title: "Trailhead 38L Hiking Backpack", TitleZH: "步道38升徒步背包", Category: "backpacks", Tags: []string{"backpack", "hiking"}},
		{SKU: "DOWN-JKT", Title: "Summit Down Jacket", TitleZH: "峰顶羽绒服", Category: "jackets", Tags: []string{"jacket", "down"}},
		{SKU: "MUG-TI", Title: "Titanium Camp Mug", TitleZH: "钛杯", Category: "cookware", Tags: []string{"mug"}},
		{SKU: "LAMP-H", Title: "Headlamp 400", TitleZH: "头灯400", Category: "lighting", Tags: []string{"headlamp", "light"}},
	}, OrderNumbers: []string{"KF-10041", "KF-10042", "KF-10043"}}
}

// stepsTool answers a tool call as the demo-sized shop's tools would:
// three orders, one in transit, two articles, two picks.
func stepsTool(name string) string {
	stepsResultsOnce.Do(func() {
		stepsResults = map[string]string{}
		for _, n := range []string{tools.NameListOrders, tools.NameLookupOrder, tools.NameTrackShipment, tools.NameSearchKnowledgeBase,
			tools.NameRecommendProducts, tools.NameStartReturn, tools.NameCancelOrder, tools.NameReturnStatus, tools.NameHandoffToHuman} {
			stepsResults[n] = stepsResult(n)
		}
	})
	if r, ok := stepsResults[name]; ok {
		return r
	}
	return stepsResult(name)
}

var (
	stepsResultsOnce sync.Once
	stepsResults     map[string]string
)

func stepsResult(name string) string {
	t0 := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	at := func(d int) *time.Time { t := t0.AddDate(0, 0, d); return &t }
	orders := []tools.OrderView{
		{Number: "KF-10041", Status: "delivered", PlacedAt: t0, PaidAt: at(0), ShippedAt: at(1), DeliveredAt: at(4), Currency: "USD", Subtotal: 25900, Total: 25900,
			Items: []tools.ItemView{{SKU: "TENT-2P", Title: "Ridgeline 2-Person Tent", TitleZH: "山脊双人帐篷", Quantity: 1, UnitPrice: 19900}, {SKU: "MUG-TI", Title: "Titanium Camp Mug", TitleZH: "钛杯", Quantity: 2, UnitPrice: 3000}}},
		{Number: "KF-10042", Status: "shipped", PlacedAt: t0.AddDate(0, 0, 10), PaidAt: at(10), ShippedAt: at(11), Currency: "USD", Subtotal: 18900, Total: 18900,
			Items: []tools.ItemView{{SKU: "DOWN-JKT", Title: "Summit Down Jacket", TitleZH: "峰顶羽绒服", Quantity: 1, UnitPrice: 18900}}},
		{Number: "KF-10043", Status: "paid", PlacedAt: t0.AddDate(0, 0, 15), PaidAt: at(15), Currency: "USD", Subtotal: 12900, Total: 12900,
			Items: []tools.ItemView{{SKU: "PACK-38", Title: "Trailhead 38L Hiking Backpack", TitleZH: "步道38升徒步背包", Quantity: 1, UnitPrice: 9900}, {SKU: "LAMP-H", Title: "Headlamp 400", TitleZH: "头灯400", Quantity: 1, UnitPrice: 3000}}},
	}
	var data any
	switch name {
	case tools.NameListOrders:
		data = tools.OrderList{Orders: orders}
	case tools.NameLookupOrder:
		data = tools.OrderLookup{Order: orders[1]}
	case tools.NameTrackShipment:
		data = tools.Tracking{OrderNumber: "KF-10042", OrderStatus: "shipped", Shipments: []tools.ShipmentView{{Carrier: "UPS", TrackingNumber: "1Z999", Status: "in_transit",
			ShippedAt: at(11), EstimatedDeliveryAt: at(15), Events: []store.TrackingEvent{}}}}
	case tools.NameSearchKnowledgeBase:
		data = tools.ArticleHits{Articles: []tools.ArticleView{
			{Slug: "shipping", Title: "Shipping times and countries", Locale: "en", Excerpt: "We ship to Canada, Germany and 30 more countries; delivery takes 5-9 business days."},
			{Slug: "returns", Title: "Returns policy", Locale: "en", Excerpt: "Return unused items within 30 days for a refund; gift cards cannot be returned."}}}
	case tools.NameRecommendProducts:
		data = tools.ProductPicks{Basis: "best_sellers", Products: []tools.ProductPick{
			{SKU: "TENT-2P", Title: "Ridgeline 2-Person Tent", Category: "tents", Price: 19900, Currency: "USD", Why: "best_seller"},
			{SKU: "PACK-38", Title: "Trailhead 38L Hiking Backpack", Category: "backpacks", Price: 9900, Currency: "USD", Why: "best_seller"}}}
	}
	b, err := json.Marshal(tools.Result{Status: tools.StatusOK, Data: data})
	if err != nil {
		panic(err)
	}
	return string(b)
}

// runTurn runs one shopper turn as the agents' runner does: the model is
// called again after each tool result, with the conversation so far, until
// it answers (at most four steps). It returns the conversation with the
// turn's messages and the number of model steps.
func runTurn(tb testing.TB, m *Model, opts []llms.CallOption, msgs []llms.MessageContent) ([]llms.MessageContent, int) {
	for step := 1; step <= 4; step++ {
		resp, err := m.GenerateContent(context.Background(), msgs, opts...)
		if err != nil {
			tb.Fatal(err)
		}
		ch := resp.Choices[0]
		if len(ch.ToolCalls) == 0 {
			return append(msgs, llms.TextParts(llms.ChatMessageTypeAI, ch.Content)), step
		}
		tc := ch.ToolCalls[0]
		msgs = append(msgs, llms.MessageContent{Role: llms.ChatMessageTypeAI, Parts: []llms.ContentPart{tc}},
			llms.MessageContent{Role: llms.ChatMessageTypeTool, Parts: []llms.ContentPart{llms.ToolCallResponse{
				ToolCallID: tc.ID, Name: tc.FunctionCall.Name, Content: stepsTool(tc.FunctionCall.Name)}}})
	}
	tb.Fatal("no answer after four steps")
	return nil, 0
}

// stepsTurns are the turns of the load test's conversations for a
// signed-in shopper: each script said twice over in one conversation,
// each turn with the history before it.
func stepsTurns(tb testing.TB, m *Model, opts []llms.CallOption) (hists [][]llms.MessageContent, steps int) {
	for _, script := range stepsScripts {
		lang := "en"
		if language(script[0]) == "zh" {
			lang = "zh"
		}
		msgs := []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeSystem,
			"You are the shop's assistant.\n- shopper: signed in (cus_1001)\n- shopper language: "+lang+"\n- today: 2026-12-04")}
		for range 2 {
			for _, text := range script {
				msgs = append(msgs, llms.TextParts(llms.ChatMessageTypeHuman, text))
				hists = append(hists, msgs[:len(msgs):len(msgs)])
				var n int
				msgs, n = runTurn(tb, m, opts, msgs)
				steps += n
			}
		}
	}
	return hists, steps
}

// BenchmarkTurnSteps is the built-in model's whole turn in the load
// test's conversations: every model step of the turn (the first, and one
// after each tool result), each reading the conversation so far, as the
// runner calls it. The texts repeat as the load test's do, so the text
// caches answer as they do under that load.
func BenchmarkTurnSteps(b *testing.B) {
	m := NewForShop(stepsShop())
	opts := []llms.CallOption{llms.WithTools(benchOffered())}
	hists, steps := stepsTurns(b, m, opts)
	b.ReportMetric(float64(steps)/float64(len(hists)), "steps/turn")
	i := 0
	for b.Loop() {
		runTurn(b, m, opts, hists[i%len(hists)])
		i++
	}
}

// TestTurnStepsTranscript pins what the model does in the load test's
// conversations, step by step: the benchmark above measures these turns,
// and a model that has seen every text before (its caches warm) must take
// the same steps with the same arguments and write the same answers as
// one with nothing cached.
func TestTurnStepsTranscript(t *testing.T) {
	cold := stepsTranscript(t, NewForShop(stepsShop()))
	warm := NewForShop(stepsShop())
	stepsTranscript(t, warm)
	if again := stepsTranscript(t, warm); again != cold {
		t.Fatalf("a model that has seen the texts answers differently:\n%s\nwant:\n%s", again, cold)
	}
	if !strings.Contains(cold, "call builtin_2_1 list_orders {}") || !strings.Contains(cold, "search_knowledge_base") {
		t.Fatalf("the turns call no tools:\n%s", cold)
	}
}

// stepsTranscript is every turn of stepsTurns, its tool calls and answer.
func stepsTranscript(t *testing.T, m *Model) string {
	opts := []llms.CallOption{llms.WithTools(benchOffered())}
	var sb strings.Builder
	hists, _ := stepsTurns(t, m, opts)
	for _, h := range hists {
		after, _ := runTurn(t, m, opts, h)
		fmt.Fprintf(&sb, "> %s\n", textOf(h[len(h)-1]))
		for _, msg := range after[len(h):] {
			for _, p := range msg.Parts {
				switch p := p.(type) {
				case llms.ToolCall:
					fmt.Fprintf(&sb, "  call %s %s %s\n", p.ID, p.FunctionCall.Name, p.FunctionCall.Arguments)
				case llms.TextContent:
					fmt.Fprintf(&sb, "  say %q\n", p.Text)
				}
			}
		}
	}
	return sb.String()
}
