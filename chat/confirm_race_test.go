package chat

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/store/demo"
	"github.com/kefu-dev/kefu/tools"
)

// previewCancel asks, as Chloe, to cancel KF-10054 and waits for the
// preview's answer; it returns the confirm frame and the conversation id.
func previewCancel(t *testing.T, ts *testServer) (*client, frame, string) {
	t.Helper()
	c := ts.dial(nil)
	w := c.hello(map[string]any{"identity": identity("cus_1003", time.Now().Add(time.Hour))}) // Chloe Martin
	c.send(map[string]any{"type": "message", "client_id": "c1", "text": "please cancel KF-10054, I ordered it by mistake"})
	conf, _ := c.until(isType("confirm")) // sent after the preview's answer: the turn is over
	if conf.ActionID == "" {
		t.Fatalf("confirm = %+v", conf)
	}
	return c, conf, w.ConversationID
}

// answers reads frames until n assistant answers came, and returns them.
func (c *client) answers(n int) []frame {
	c.t.Helper()
	var out []frame
	for len(out) < n {
		f, _ := c.until(answer)
		out = append(out, f)
	}
	return out
}

// confirmations returns the results of the confirmations kefu ran in a
// conversation, as stored.
func confirmations(t *testing.T, ts *testServer, convID string) []tools.Result {
	t.Helper()
	ms, err := ts.st.Messages(context.Background(), convID, 0, 200)
	if err != nil {
		t.Fatal(err)
	}
	var out []tools.Result
	for _, m := range ms {
		if m.Role != store.RoleTool || m.Author != tools.NameConfirmAction {
			continue
		}
		var rec struct {
			Name, Content string
		}
		if err := json.Unmarshal(m.ToolResult, &rec); err != nil {
			t.Fatalf("stored tool result %s: %v", m.ToolResult, err)
		}
		r, err := tools.Decode(rec.Name, rec.Content)
		if err != nil {
			t.Fatalf("decode %s: %v", rec.Content, err)
		}
		out = append(out, r)
	}
	return out
}

// TestConfirmThenMessageRunsOnce: pressing Yes and sending a message right
// after cancels the order exactly once, and the answer says so. Before,
// the turn of the Yes read a history that already ended with the next
// message, so it no longer saw the Yes as the answer to the preview: the
// cancellation was lost while the assistant chatted on.
func TestConfirmThenMessageRunsOnce(t *testing.T) {
	// On one processor the read pump goes on to store the next message
	// before the new turn runs, as on a busy server.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	const tries = 24
	lost := 0
	ts := newTestServer(t, nil)
	for try := range tries {
		// Importing the shop again makes KF-10054 paid again.
		if _, err := ts.st.Import(context.Background(), demo.Dataset(time.Now())); err != nil {
			t.Fatal(err)
		}
		c, conf, convID := previewCancel(t, ts)
		c.send(map[string]any{"type": "confirm", "action_id": conf.ActionID, "answer": "yes"})
		c.send(map[string]any{"type": "message", "client_id": fmt.Sprint("next", try), "text": "thanks! how long does the refund take?"})
		got := c.answers(2)

		ctx := context.Background()
		o, err := ts.st.OrderByNumber(ctx, "KF-10054")
		if err != nil {
			t.Fatal(err)
		}
		runs := confirmations(t, ts, convID)
		ok := 0
		for _, r := range runs {
			if r.Status == tools.StatusOK {
				ok++
			}
		}
		a, err := ts.st.PendingAction(ctx, conf.ActionID)
		if err != nil {
			t.Fatal(err)
		}
		said := strings.Contains(got[0].Text, "cancelled") && strings.Contains(got[0].Text, "KF-10054")
		if o.Status != store.OrderCancelled || ok != 1 || a.Status != store.ActionDone || !said {
			lost++
			t.Errorf("try %d: order %s, %d confirmations (%d ok), action %s; answers %q, %q",
				try, o.Status, len(runs), ok, a.Status, got[0].Text, got[1].Text)
		}
	}
	if lost > 0 {
		t.Errorf("the confirmed cancellation was lost or not reported in %d of %d tries", lost, tries)
	}
}

// TestConfirmAfterANewerMessage: a Yes that reaches kefu after the shopper
// wrote something else (an old tab, a client that queued it) no longer
// applies: nothing changes and the answer says so, in code. A second press
// of it runs nothing either.
func TestConfirmAfterANewerMessage(t *testing.T) {
	ts := newTestServer(t, nil)
	c, conf, convID := previewCancel(t, ts)
	c.send(map[string]any{"type": "message", "client_id": "first", "text": "how long does the refund take?"})
	c.answers(1)
	c.send(map[string]any{"type": "confirm", "action_id": conf.ActionID, "answer": "yes"})
	got := c.answers(1)[0]
	if !strings.Contains(got.Text, "nothing was changed") {
		t.Errorf("answer to a late yes: %q, want it to say plainly that nothing was changed", got.Text)
	}
	ctx := context.Background()
	if o, _ := ts.st.OrderByNumber(ctx, "KF-10054"); o.Status != store.OrderPaid {
		t.Errorf("KF-10054 is %s after a late yes", o.Status)
	}
	if runs := confirmations(t, ts, convID); len(runs) != 0 {
		t.Errorf("a late yes ran %d confirmations: %+v", len(runs), runs)
	}
	if a, err := ts.st.PendingAction(ctx, conf.ActionID); err != nil || a.Status != store.ActionPending {
		t.Errorf("action %+v, %v", a, err)
	}
}

// TestConfirmButtonAfterATypedYes: a Yes typed in the chat runs the
// change; the button pressed after it runs nothing more, and says so.
func TestConfirmButtonAfterATypedYes(t *testing.T) {
	ts := newTestServer(t, nil)
	c, conf, convID := previewCancel(t, ts)
	c.send(map[string]any{"type": "message", "client_id": "typed", "text": "yes please"})
	if got := c.answers(1)[0]; !strings.Contains(got.Text, "cancelled") {
		t.Fatalf("answer to the typed yes: %q", got.Text)
	}
	c.send(map[string]any{"type": "confirm", "action_id": conf.ActionID, "answer": "yes"})
	if got := c.answers(1)[0]; !strings.Contains(got.Text, "already confirmed") {
		t.Errorf("answer to the button after the typed yes: %q", got.Text)
	}
	ok := 0
	for _, r := range confirmations(t, ts, convID) {
		if r.Status == tools.StatusOK {
			ok++
		}
	}
	if o, _ := ts.st.OrderByNumber(context.Background(), "KF-10054"); o.Status != store.OrderCancelled || ok != 1 {
		t.Errorf("KF-10054 is %s after %d confirmations that ran", o.Status, ok)
	}
}
