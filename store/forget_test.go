package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/kefu-dev/kefu/store"
)

// forgetShop is a shop to forget a customer of: the customer, an order of
// theirs and how a guest types its number.
type forgetShop struct {
	name, email, order, typed string
	open                      func(t *testing.T, on opener) *store.Store
}

func openShopFile(path string) func(t *testing.T, on opener) *store.Store {
	return func(t *testing.T, on opener) *store.Store {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		ds, err := store.DecodeDataset(b)
		if err != nil {
			t.Fatal(err)
		}
		st := on(t)
		if _, err := st.Import(context.Background(), ds); err != nil {
			t.Fatal(err)
		}
		return st
	}
}

// kefu forget erases the customer from the transcripts of guests who
// looked up their order (recorded in conversation_orders, or only typed
// in a conversation older than that record), and from the search index;
// a conversation of someone else that names them keeps its messages with
// their identifiers replaced; the audit log has counts, not the data; the
// erased conversations are in the erasures table for a serving kefu.
func TestForgetErasesGuestTranscripts(t *testing.T) {
	forEachEngine(t, func(t *testing.T, on opener) { testForgetErasesGuestTranscripts(t, on) })
}

func testForgetErasesGuestTranscripts(t *testing.T, on opener) {
	for _, shop := range []forgetShop{
		{"demo", "alice.johnson@example.com", "KF-10045", "kf10045", func(t *testing.T, on opener) *store.Store { return openDemoOn(t, on) }},
		{"tea", "wang.fang@example.com", "1001", "订单1001", openShopFile("testdata/shop_tea.json")},
	} {
		t.Run(shop.name, func(t *testing.T) {
			ctx := context.Background()
			st := shop.open(t, on)
			cust, err := st.CustomerByEmail(ctx, shop.email)
			if err != nil {
				t.Fatal(err)
			}
			other, err := st.Customer(ctx, cust.ID+1)
			if err != nil {
				t.Fatal(err)
			}
			conv := func(customer int64, msgs ...store.Message) string {
				c, _, err := st.CreateConversation(ctx, customer, "en")
				if err != nil {
					t.Fatal(err)
				}
				for i := range msgs {
					msgs[i].ConversationID = c.ID
					if _, err := st.AppendMessage(ctx, &msgs[i]); err != nil {
						t.Fatal(err)
					}
				}
				return c.ID
			}
			args, _ := json.Marshal([]map[string]string{{"id": "c1", "name": "lookup_order",
				"arguments": `{"order_number":"` + shop.order + `","email":"` + shop.email + `"}`}})
			result, _ := json.Marshal(map[string]string{"tool_call_id": "c1", "name": "lookup_order",
				"content": `{"order":{"number":"` + shop.order + `","email":"` + shop.email + `","ship_to":"the customer's street"}}`})
			own := conv(cust.ID, store.Message{Role: store.RoleUser, Text: "where is my parcel?"})
			// A guest who looked the order up: kefu recorded it as shown.
			lookedUp := conv(0,
				store.Message{Role: store.RoleUser, Text: "order " + shop.order + ", " + strings.ToUpper(shop.email)},
				store.Message{Role: store.RoleAssistant, ToolCalls: args},
				store.Message{Role: store.RoleTool, Author: "lookup_order", ToolResult: result, ShownOrder: shop.order, ShownEmail: shop.email},
				store.Message{Role: store.RoleAssistant, Text: "Your order " + shop.order + " is on its way to the customer's street."})
			// A guest who only typed the number (no conversation_orders row,
			// as before migration 0010).
			typed := conv(0, store.Message{Role: store.RoleUser, Text: "status of " + shop.typed + " please"},
				store.Message{Role: store.RoleAssistant, Text: "It left the warehouse."})
			// Another customer's conversation names them; a staff note too.
			named := conv(other.ID, store.Message{Role: store.RoleUser, Text: "my friend " + cust.Name + " (" + shop.email + ") sent me, about order " + shop.order + " and my own"})
			if err := st.AddEvent(ctx, &store.Event{ConversationID: named, Kind: store.EventNote, Data: json.RawMessage(`{"text":"same household as ` + shop.email + `"}`)}); err != nil {
				t.Fatal(err)
			}
			unrelated := conv(0, store.Message{Role: store.RoleUser, Text: "do you ship to Canada? order 99" + shop.order + "9"})
			if _, err := st.IndexMessages(ctx); err != nil {
				t.Fatal(err)
			}
			word := shop.email[:strings.IndexAny(shop.email, ".@")]
			if hits, _ := st.SearchMessages(ctx, word, 20); len(hits) == 0 {
				t.Fatalf("the fixture is not indexed: no hit for %q", word)
			}

			plan, err := st.PlanForget(ctx, cust.ID)
			if err != nil {
				t.Fatal(err)
			}
			if plan.Email != shop.email || plan.Conversations != 1 || plan.GuestConversations != 2 || plan.Messages != 7 || plan.Redacted != 2 {
				t.Errorf("plan = %+v", plan)
			}
			rep, err := st.ForgetCustomer(ctx, cust.ID, "cli:tester")
			if err != nil {
				t.Fatal(err)
			}
			if rep.Conversations != 1 || rep.GuestConversations != 2 || rep.Messages != 7 || rep.Redacted != 2 || rep.Orders == 0 {
				t.Errorf("report = %+v", rep)
			}
			for _, id := range []string{own, lookedUp, typed} {
				if _, err := st.Conversation(ctx, id); !errors.Is(err, store.ErrNotFound) {
					t.Errorf("conversation %s is still there: %v", id, err)
				}
			}
			for _, q := range []string{word, shop.order, shop.typed, "street"} {
				if hits, err := st.SearchMessages(ctx, q, 20); err != nil || len(hits) != 0 && !(q == shop.order && onlyIn(hits, unrelated)) {
					t.Errorf("search %q finds %+v (%v)", q, hits, err)
				}
			}
			ms, err := st.Messages(ctx, named, 0, 10)
			if err != nil || len(ms) != 1 {
				t.Fatalf("the other customer's conversation: %+v %v", ms, err)
			}
			for _, leak := range []string{cust.Name, shop.email} {
				if strings.Contains(ms[0].Text, leak) {
					t.Errorf("the other customer's message still names %q: %q", leak, ms[0].Text)
				}
			}
			if !strings.Contains(ms[0].Text, "my friend [erased]") || !strings.HasSuffix(ms[0].Text, "and my own") || strings.Contains(ms[0].Text, " "+shop.order+" ") {
				t.Errorf("redacted message: %q", ms[0].Text)
			}
			evs, _ := st.Events(ctx, named)
			for _, e := range evs {
				if strings.Contains(string(e.Data), shop.email) {
					t.Errorf("the note still names the email: %s", e.Data)
				}
			}
			if ms, _ := st.Messages(ctx, unrelated, 0, 10); len(ms) != 1 || !strings.Contains(ms[0].Text, "99"+shop.order+"9") {
				t.Errorf("an unrelated guest conversation changed: %+v", ms)
			}
			audit, _ := st.Audit(ctx)
			last := audit[len(audit)-1]
			for _, leak := range []string{shop.email, shop.order, cust.Name, word} {
				if strings.Contains(string(last.Data)+last.Subject, leak) {
					t.Errorf("the audit log holds %q: %+v", leak, last)
				}
			}
			if !strings.Contains(string(last.Data), `"guest_conversations":2`) {
				t.Errorf("audit = %s", last.Data)
			}
			erased, err := st.ErasuresAfter(ctx, 0)
			got := map[string]bool{}
			for _, e := range erased {
				got[e.ConversationID] = true
			}
			if err != nil || len(got) != 4 || !got[own] || !got[lookedUp] || !got[typed] || !got[named] {
				t.Errorf("erasures = %+v %v", erased, err)
			}
			if res, _ := st.IntegrityCheck(ctx); res != "ok" {
				t.Errorf("integrity %s", res)
			}
		})
	}
}

func onlyIn(hits []store.MessageHit, conv string) bool {
	for _, h := range hits {
		if h.ConversationID != conv {
			return false
		}
	}
	return true
}
