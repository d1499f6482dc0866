package builtin

import "testing"

// A suggestion is sent back as the shopper's message when clicked, so
// each option's chip must read as its own route, clearly, in both
// languages (and the offer of a person's yes and no as theirs).
func TestSuggestionsReadAsTheirRoute(t *testing.T) {
	m := New(nil)
	check := func(text, want string) {
		t.Helper()
		p := m.Classify(text)
		if p[0].Intent != want || p[0].Prob < confident {
			t.Errorf("chip %q reads as %s (%.2f), want %s", text, p[0].Intent, p[0].Prob, want)
		}
	}
	for route, c := range choices {
		check(c.chipEN, route)
		check(c.chipZH, route)
	}
	check("Yes, connect me with a person", IntentHuman)
	check("好的，转人工", IntentHuman)
	check("No, thanks", IntentDeny)
	check("不用了", IntentDeny)
}
