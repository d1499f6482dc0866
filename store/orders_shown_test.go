package store_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/store"
)

// The orders a conversation was shown: a second showing keeps the first
// time and, when it names no email, the email a guest gave the first time;
// the contact count follows (OrderContacts).
func TestOrdersShownKeepTheFirstEmail(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		st := openDemoOn(t, open)
		c, _, err := st.CreateConversation(ctx, 0, "en")
		if err != nil {
			t.Fatal(err)
		}
		result := json.RawMessage(`{"ok":true}`)
		show := func(order, email string, at time.Time) {
			t.Helper()
			m := &store.Message{ConversationID: c.ID, Role: store.RoleTool, Author: "lookup_order", ToolResult: result,
				ShownOrder: order, ShownEmail: email, CreatedAt: at}
			if _, err := st.AppendMessage(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		show("KF-10042", "guest@example.com", testNow)
		show("KF-10042", "", testNow.Add(time.Minute))
		show("KF-10031", "", testNow.Add(2*time.Minute))
		got, err := st.OrdersShown(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].OrderNumber != "KF-10042" || got[0].Email != "guest@example.com" || !got[0].FirstAt.Equal(testNow) ||
			got[1].OrderNumber != "KF-10031" || got[1].Email != "" {
			t.Errorf("orders shown = %+v", got)
		}
	})
}
