package agents_test

import (
	"context"
	"strings"
	"testing"
)

// The built-in model learns the shop from its data when the runner
// starts, and again after an import: a runner started on the tea shop
// asks for numbers like 1234; after the electronics shop is imported into
// the same database, the same runner's next turn knows its numbers
// (a5011 is A-5011, which the tea shop's shapes would not take).
func TestVocabularyFollowsImports(t *testing.T) {
	st, path, _ := openShop(t, teaShop)
	r := newRunner(t, st)
	s := converse(t, st, path, r, "")
	if res := s.run("where is my order?"); !strings.Contains(res.Reply, "(it looks like 1234)") {
		t.Fatalf("tea shop: %q", res.Reply)
	}
	ds, err := electronicsShop.data(electronicsShop.now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Import(context.Background(), ds); err != nil {
		t.Fatal(err)
	}
	s = converse(t, st, path, r, "") // the same runner, a new conversation
	res := s.run("where is my order?")
	if !strings.Contains(res.Reply, "it looks like") {
		t.Errorf("after the import: %q", res.Reply)
	}
	res = s.run("it's a5011, ken.ito@example.com")
	if len(res.Calls) != 1 || res.Calls[0].Name != "track_shipment" || !strings.Contains(res.Reply, "A-5011") {
		t.Errorf("after the import: calls %v, reply %q", res.Calls, res.Reply)
	}
}
