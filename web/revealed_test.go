package web_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/agents"
	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/store/demo"
	"github.com/kefu-dev/kefu/tools"
)

// TestRevealedByGuest: the console's "What this chat revealed" for a guest
// lists the orders kefu showed them and the emails they gave for them —
// and not an order number that found nothing or named an order whose
// email they did not know. (Recovered from the tool calls' JSON, it was
// always empty.)
func TestRevealedByGuest(t *testing.T) {
	hs, st := newStack(t)
	addStaff(t, st, "mei@shop.test", "Mei", "agent")
	mei := newStaffClient(t, hs)
	mei.login("mei@shop.test")

	// Two orders of different customers, from the shop's own data.
	var mine, theirs struct{ number, email string }
	for _, o := range demo.Dataset(time.Now()).Orders {
		switch {
		case mine.number == "":
			mine.number, mine.email = o.Number, o.CustomerEmail
		case theirs.number == "" && o.CustomerEmail != mine.email:
			theirs.number, theirs.email = o.Number, o.CustomerEmail
		}
	}
	ws, conv := shopper(t, hs, "hi, can you look up order "+mine.number+"? my email is "+mine.email)
	ws.WriteJSON(map[string]any{"type": "message", "client_id": "second", "text": "and order " + theirs.number + ", email " + mine.email})
	readUntil(t, ws, func(f map[string]any) bool { return f["type"] == "message" && f["role"] == "assistant" })
	ws.WriteJSON(map[string]any{"type": "message", "client_id": "third", "text": "what about order " + mine.number + "99, email " + mine.email})
	readUntil(t, ws, func(f map[string]any) bool { return f["type"] == "message" && f["role"] == "assistant" })

	// The look-ups that found nothing were made (and refused) all the same.
	ms, err := st.Messages(context.Background(), conv, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var statuses []string
	for _, m := range ms {
		var r agents.ToolResultRecord
		if m.Role == store.RoleTool && json.Unmarshal(m.ToolResult, &r) == nil {
			out, _ := tools.Decode(r.Name, r.Content)
			statuses = append(statuses, r.Name+":"+out.Status)
		}
	}
	if len(statuses) < 3 || slices.Index(statuses, tools.NameLookupOrder+":"+tools.StatusNotFound) < 0 {
		t.Fatalf("tool results %v: want the three look-ups, two of them not found", statuses)
	}

	code, cu := mei.do("GET", "/api/console/conversations/"+conv+"/customer", nil)
	if code != 200 {
		t.Fatalf("customer panel: %d %v", code, cu)
	}
	rev, _ := cu["revealed"].(map[string]any)
	orders, emails := stringList(rev["orders"]), stringList(rev["emails"])
	if !slices.Equal(orders, []string{mine.number}) || !slices.Equal(emails, []string{mine.email}) {
		t.Errorf("revealed orders %v, emails %v; want [%s] and [%s]", orders, emails, mine.number, mine.email)
	}
}

func stringList(v any) []string {
	var out []string
	l, _ := v.([]any)
	for _, x := range l {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}
