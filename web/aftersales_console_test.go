package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/tools"
)

// The console's customer panel tells an exchange from a return and says
// what it sends out (it showed an exchange as a return refunding 0.00).
func TestConsoleShowsExchanges(t *testing.T) {
	hs, st := newStack(t)
	addStaff(t, st, "mei@shop.example.com", "Mei", store.RoleAgent)
	ctx := context.Background()
	hannah, _ := st.CustomerByEmail(ctx, "hannah.schmidt@example.com")
	conv, _, _ := st.CreateConversation(ctx, hannah.ID, "en")
	st.AppendMessage(ctx, &store.Message{ConversationID: conv.ID, Role: store.RoleUser, Text: "swap my jacket for a large"})
	reg := tools.Default(st, tools.Policy{})
	id := tools.Identity{CustomerID: hannah.ID, ConversationID: conv.ID, Locale: "en"}
	res, err := reg.Call(ctx, id, tools.NameStartExchange, `{"order_number":"KF-10031","item":"JKT-RAIN-BLU-M","wanted_variant":"L","reason":"too small"}`)
	if err != nil || res.Status != tools.StatusNeedsConfirmation {
		t.Fatalf("preview: %v %s", err, res.JSON())
	}
	if res, err := reg.Confirm(ctx, id, res.Data.(*tools.Pending).ActionID); err != nil || res.Status != tools.StatusOK {
		t.Fatalf("confirm: %v %s", err, res.JSON())
	}
	mei := newStaffClient(t, hs)
	mei.login("mei@shop.example.com")
	code, cu := mei.do("GET", "/api/console/conversations/"+conv.ID+"/customer", nil)
	body := mustJSONString(cu)
	if code != 200 || !strings.Contains(body, `"kind":"exchange"`) || !strings.Contains(body, `"exchanged_for":"Harbor Waterproof Rain Jacket, Blue, L"`) {
		t.Fatalf("customer panel: %d %s", code, body)
	}
}
