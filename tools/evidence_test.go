package tools_test

import (
	"context"
	"strings"
	"testing"

	"github.com/tmc/langchaingo/llms"

	"github.com/kefu-dev/kefu/agents"
	"github.com/kefu-dev/kefu/tools"
)

// TestRepeatContactIsWhatKefuShowed: asking about the same order in two
// conversations is evidence for a coupon only when kefu showed that order
// to this customer. A tool call that named someone else's order (and found
// nothing) does not count, and a malformed tool call in the history breaks
// nothing. Each call is stored the way the runner stores it.
func TestRepeatContactIsWhatKefuShowed(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	log := &agents.StoreLog{Store: e.st}
	call := func(conv, tool, args string) tools.Result {
		t.Helper()
		id := tools.Identity{CustomerID: bob, ConversationID: conv, Locale: "en"}
		tc := llms.ToolCall{ID: "c1", Type: "function", FunctionCall: &llms.FunctionCall{Name: tool, Arguments: args}}
		if err := log.Record(ctx, conv, agents.Step{Kind: agents.StepToolCalls, ToolCalls: []llms.ToolCall{tc}}); err != nil {
			t.Fatal(err)
		}
		res, err := e.reg.Call(ctx, id, tool, args)
		if err != nil {
			t.Fatal(err)
		}
		tr := llms.ToolCallResponse{ToolCallID: "c1", Name: tool, Content: res.JSON()}
		if err := log.Record(ctx, conv, agents.Step{Kind: agents.StepToolResult, ToolResult: &tr, Shown: res.Shown}); err != nil {
			t.Fatal(err)
		}
		return res
	}
	var convs []string
	for range 2 {
		c, _, err := e.st.CreateConversation(ctx, bob, "en")
		if err != nil {
			t.Fatal(err)
		}
		convs = append(convs, c.ID)
	}
	offer := func() tools.Result {
		t.Helper()
		res, err := e.reg.Call(ctx, e.as(bob), tools.NameOfferCoupon, `{"situation":"asked twice"}`)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}

	// Bob names Alice's order in both conversations, and a broken call.
	for _, c := range convs {
		if res := call(c, tools.NameLookupOrder, `{"order_number":"KF-1001"}`); res.Status != tools.StatusNotFound {
			t.Fatalf("bob saw alice's order: %s", res.JSON())
		}
	}
	call(convs[1], tools.NameLookupOrder, `{"order_number": "KF-20`)
	if res := offer(); res.Status != tools.StatusRefused || res.Reason != "no_evidence" {
		t.Fatalf("another customer's order counted as bob's contact: %s", res.JSON())
	}

	// His own order, shown in both: that is repeated contact.
	for _, c := range convs {
		if res := call(c, tools.NameLookupOrder, `{"order_number":"KF-2002"}`); res.Status != tools.StatusOK {
			t.Fatalf("bob's own order: %s", res.JSON())
		}
	}
	res := offer()
	if res.Status != tools.StatusNeedsConfirmation || !strings.Contains(res.JSON(), `"kind":"repeat_contact","order_number":"KF-2002"`) {
		t.Fatalf("repeat contact about KF-2002 not seen: %s", res.JSON())
	}
}
