package agents

import (
	"fmt"
	"regexp"
	"slices"
	"testing"

	"github.com/tmc/langchaingo/llms"

	"github.com/kefu-dev/kefu/tools"
)

// clauseBreakRE is what splitClauses does, as the regular expression it
// replaced.
var clauseBreakRE = regexp.MustCompile(`[.!;:\n。！；：，,—–]+|\band\b|\bbut\b|\bso\b|但|并且|而且`)

func TestSplitClausesIsTheRegexp(t *testing.T) {
	for _, s := range []string{"", "and", "and so", "Your order KF-1 was cancelled, and the refund is on its way.",
		"sand band but butter so-so also and_ and1 1and", "已取消。退款已发放！但是，并且而且", "x — y – z…", ".!;:\n,",
		"bandbut", "\xff and \xe3\x80", "您的订单已取消，退款将在3–5个工作日内到账。", "and.", ".and", "so,so;so"} {
		checkSplit(t, s)
	}
}

func FuzzSplitClauses(f *testing.F) {
	for _, s := range []string{"Your order was cancelled and refunded.", "已取消，但退款", "so and but"} {
		f.Add(s)
	}
	f.Fuzz(checkSplit)
}

func checkSplit(t *testing.T, s string) {
	if got, want := splitClauses(s), clauseBreakRE.Split(s, -1); !slices.Equal(got, want) {
		t.Fatalf("splitClauses(%q) = %q, the regexp gives %q", s, got, want)
	}
}

// BenchmarkSplitClauses compares splitClauses with the regexp it replaced,
// on answers of the kind the claim check reads.
func BenchmarkSplitClauses(b *testing.B) {
	answers := []string{
		"Your order KF-10045 has shipped with UPS and is on its way. You can return it within 30 days of delivery, and the refund goes back to your card.",
		"您的订单 KF-10045 已发货，预计3–5个工作日送达。如需退货，请在收货后30天内申请，但定制商品除外。",
		"I can start a return for the Merino Wool Sweater (size M) on order KF-10012: refund $89.00 to your card. Shall I go ahead?",
	}
	for _, bc := range []struct {
		name  string
		split func(string) []string
	}{
		{"regexp", func(s string) []string { return clauseBreakRE.Split(s, -1) }},
		{"written-out", splitClauses},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				bc.split(answers[i%len(answers)])
			}
		})
	}
}

// hedgedRE is what hedged does, as the regular expression it replaced.
var hedgedRE = regexp.MustCompile(`\?|？|\b(not|never|no longer|cannot|can|could|would|will|shall|should|may|might|once|if|when|before|unable|nothing|yet|want|like|let me|ready to|going to|about to)\b|n't|'ll|吗|是否|如果|确认后|将会|将在|将为|会在|要不要|需要我|不|没|未|无法|可以`)

var hedgeSamples = []string{"", "your order was cancelled", "i can cancel it", "cancelled", "scan", "canned", "can_", "can1", "1can",
	"notably refunded", "not", "no longer refunded", "no  longer", "nolonger", "let me", "letme", "let  me", "ready to go", "alreadyto",
	"we'll refund", "isn't refunded", "refund?", "已取消吗", "退款不", "已退款", "already refunded", "i was going to cancel",
	"about to", "about", "maybe", "may", "ifs", "if", "whenever", "when", "likely", "like", "yet", "nothingness", "beforehand",
	"\xffcan\xff", "é can", "can't", "won't", "shalll", "mightn", "unable.", "wanted", "want"}

func TestHedgedIsTheRegexp(t *testing.T) {
	for _, s := range hedgeSamples {
		checkHedged(t, s)
	}
}

func FuzzHedged(f *testing.F) {
	for _, s := range hedgeSamples {
		f.Add(s)
	}
	f.Fuzz(checkHedged)
}

func checkHedged(t *testing.T, s string) {
	if got, want := hedged(s), hedgedRE.MatchString(s); got != want {
		t.Fatalf("hedged(%q) = %v, the regexp gives %v", s, got, want)
	}
}

// BenchmarkHedged compares hedged with the regexp it replaced, on clauses
// the claim check reads (those that name a change).
func BenchmarkHedged(b *testing.B) {
	clauses := []string{"you can return it within 30 days of delivery", "the refund goes back to your card",
		"如需退货", "your order kf-10045 has been cancelled", "i can start a return for the merino wool sweater (size m) on order kf-10012"}
	for _, bc := range []struct {
		name  string
		match func(string) bool
	}{
		{"regexp", hedgedRE.MatchString},
		{"written-out", hedged},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				bc.match(clauses[i%len(clauses)])
			}
		})
	}
}

// The claims an answer makes are read once and kept (claimedChanges), but
// whether a tool result backs them is decided each time from that turn's
// results: the same answer is corrected after a turn with no result, let
// through after one whose result shows the cancellation, and corrected
// again after the next turn with none.
func TestSameAnswerDecidedByEachTurnsResults(t *testing.T) {
	answer := "Done — your order KF-10054 is cancelled."
	bare := []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, "please cancel KF-10054")}
	backed := append(bare[:1:1],
		llms.MessageContent{Role: llms.ChatMessageTypeAI, Parts: []llms.ContentPart{llms.ToolCall{ID: "c1", Type: "function",
			FunctionCall: &llms.FunctionCall{Name: tools.NameCancelOrder, Arguments: `{"order_number":"KF-10054"}`}}}},
		llms.MessageContent{Role: llms.ChatMessageTypeTool, Parts: []llms.ContentPart{llms.ToolCallResponse{ToolCallID: "c1", Name: tools.NameCancelOrder,
			Content: `{"status":"refused","reason":"already_cancelled"}`}}})
	for i, c := range []struct {
		msgs []llms.MessageContent
		want string
	}{{bare, "[cancel]"}, {backed, "[]"}, {bare, "[cancel]"}, {backed, "[]"}} {
		if got := fmt.Sprint(unsupportedClaims(answer, c.msgs)); got != c.want {
			t.Errorf("turn %d: unsupported %s, want %s", i, got, c.want)
		}
	}
}

// BenchmarkUnsupportedClaims is the claim check of answers the built-in
// model writes, which come back word for word turn after turn (the order
// list, a return's question, a help article's excerpt), each after a turn
// with a tool result that backs no change.
func BenchmarkUnsupportedClaims(b *testing.B) {
	answers := []string{
		"Here are your recent orders:\n• KF-10041 — delivered Nov 6: Ridgeline 2-Person Tent; Titanium Camp Mug ×2\n• KF-10042 — on its way: Summit Down Jacket\n• KF-10043 — paid, not shipped yet: Trailhead 38L Hiking Backpack; Headlamp 400\nWhich one would you like to know more about?",
		"Which item would you like to return? Your delivered orders:\n• KF-10041: Ridgeline 2-Person Tent; Titanium Camp Mug ×2",
		"From our help article “Returns policy”: Return unused items within 30 days for a refund; gift cards cannot be returned.",
		"退货运费由我们承担：退货已签收后，退款将在3-5个工作日内原路退回。",
	}
	msgs := []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, "where is my order?"),
		{Role: llms.ChatMessageTypeAI, Parts: []llms.ContentPart{llms.ToolCall{ID: "c1", Type: "function", FunctionCall: &llms.FunctionCall{Name: tools.NameListOrders, Arguments: `{}`}}}},
		{Role: llms.ChatMessageTypeTool, Parts: []llms.ContentPart{llms.ToolCallResponse{ToolCallID: "c1", Name: tools.NameListOrders, Content: `{"status":"ok","data":{"orders":[]}}`}}}}
	i := 0
	for b.Loop() {
		unsupportedClaims(answers[i%len(answers)], msgs)
		i++
	}
}
