package agents_test

import "testing"

// A shopper can ask for a person at any time (DESIGN.md), also while the
// built-in model is waiting for an order number.
func TestHandoffWhileAskingForOrderNumber(t *testing.T) {
	t.Skip(`bug: the built-in model answers "I want to talk to a real person please" after "where is my order?" ` +
		`by asking for the order number again, with no handoff (guest or signed-in customer without orders); ` +
		`found by the hostile browser test, pre-existing before e10b336`)
	_, run := newScenario(t, "")
	run("where is my order?")
	if res := run("I want to talk to a real person please"); !res.Handoff {
		t.Fatalf("no handoff; the reply was %q", res.Reply)
	}
}
