package agents_test

import "testing"

// A shopper can ask for a person at any time (DESIGN.md), also while the
// built-in model is waiting for an order number.
func TestHandoffWhileAskingForOrderNumber(t *testing.T) {
	_, run := newScenario(t, "")
	run("where is my order?")
	if res := run("I want to talk to a real person please"); !res.Handoff {
		t.Fatalf("no handoff; the reply was %q", res.Reply)
	}
}

func TestHandoffWhileAskingForOrderNumberZh(t *testing.T) {
	_, run := newScenario(t, "")
	run("我的订单到哪了")
	if res := run("我要找人工客服"); !res.Handoff {
		t.Fatalf("no handoff; the reply was %q", res.Reply)
	}
}
