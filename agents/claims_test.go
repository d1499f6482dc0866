package agents_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/kefu-dev/kefu/agents"
	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/tools"
)

// A hosted model's word that it changed something reaches the shopper
// only when a tool result backs it (the real openai provider against the
// fake chat-completions server).

// syncBuffer is a log sink tests read while the runner writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestModelClaimsNeedAToolResult(t *testing.T) {
	for _, tc := range []struct {
		name, text, answer string
		stream             bool
		want               string // in the corrected answer
	}{
		{"english", "please cancel KF-10054", "Done — your order is cancelled.", false, "no order was cancelled"},
		{"english, streamed", "please cancel KF-10054", "Done — your order KF-10054 has been cancelled and refunded.", true, "no refund was issued"},
		{"chinese", "请取消订单KF-10054", "好的，您的订单KF-10054已取消，退款将在3-5个工作日内原路退回。", false, "没有取消任何订单"},
		{"return", "I want to return my jacket", "I've started a return for you; the label is in your inbox.", false, "no return was started"},
		{"address", "ship KF-10054 to 1 Main St", "Your shipping address has been updated to 1 Main St.", false, "no address was changed"},
		{"coupon", "give me a discount", "Here is your coupon: SAVE20.", false, "no coupon was issued"},
		{"chinese coupon", "给我一张优惠券", "已为您发放一张8折优惠券。", false, "没有发放优惠券"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, reply{Text: []string{tc.answer}})
			e.asChloe()
			var logs syncBuffer
			e.runner.Logger = slog.New(slog.NewTextHandler(&logs, nil))
			o := e.turn(tc.text, tc.stream)
			if o.err != nil {
				t.Fatalf("Turn: %v", o.err)
			}
			if o.res.Reply == tc.answer || !strings.Contains(o.res.Reply, tc.want) || o.res.Model != "kefu" {
				t.Errorf("reply %q by %s, want a correction saying %q", o.res.Reply, o.res.Model, tc.want)
			}
			if tc.stream && (o.resets != 1 || strings.Join(o.deltas, "") != o.res.Reply) {
				t.Errorf("live text %q after %d resets, want the correction", strings.Join(o.deltas, ""), o.resets)
			}
			ms := e.messages()
			var notice string
			for _, m := range ms {
				if m.Role == store.RoleAssistant && m.Text == tc.answer {
					t.Errorf("the model's claim was stored as an answer")
				}
				if m.Role == store.RoleSystem {
					notice = m.Text
				}
			}
			if !strings.Contains(notice, "no tool result supports") || !strings.Contains(notice, tc.answer[:10]) {
				t.Errorf("notice %q does not keep the model's claim", notice)
			}
			if !strings.Contains(logs.String(), "answer claims a change no tool result supports") {
				t.Errorf("not logged: %s", logs.String())
			}
			if o, _ := e.st.OrderByNumber(context.Background(), "KF-10054"); o.Status != store.OrderPaid {
				t.Errorf("KF-10054 is %s", o.Status)
			}
		})
	}
}

// Answers that offer, ask, explain policy, or report a change a tool made
// (this turn or an earlier one) are left as the model wrote them.
func TestModelClaimsBackedOrHedged(t *testing.T) {
	const (
		preview  = "I can cancel KF-10054 and refund it in full. Shall I go ahead?"
		done     = "Done — your order KF-10054 is cancelled and the refund is on its way."
		restated = "Yes, KF-10054 was cancelled; refunds reach your card within 5–7 business days."
		policy   = "Refunds are issued within 5–7 business days after we receive the parcel, and you can cancel an order until it ships."
	)
	e := newEnv(t,
		reply{Calls: []wireCall{{ID: "c1", Name: tools.NameCancelOrder, Args: []string{`{"order_number":"KF-10054","reason":"mistake"}`}}}},
		reply{Text: []string{preview}},
		reply{Text: []string{done}},
		reply{Text: []string{restated}},
		reply{Text: []string{policy}},
	)
	e.asChloe()
	if o := e.turn("please cancel KF-10054", false); o.res.Reply != preview {
		t.Fatalf("preview answer %q (%v)", o.res.Reply, o.err)
	}
	var action string
	for _, m := range e.messages() {
		if m.Role == store.RoleTool {
			var r agents.ToolResultRecord
			if err := json.Unmarshal(m.ToolResult, &r); err == nil {
				if out, _ := tools.Decode(r.Name, r.Content); out.Data != nil {
					if p, ok := out.Data.(*tools.Pending); ok {
						action = p.ActionID
					}
				}
			}
		}
	}
	if action == "" {
		t.Fatal("no preview stored")
	}
	ctx := context.Background()
	if _, err := e.st.AppendMessage(ctx, &store.Message{ConversationID: e.conv, Role: store.RoleUser, Text: "Yes, go ahead."}); err != nil {
		t.Fatal(err)
	}
	res, err := e.runner.Turn(ctx, agents.Turn{ConversationID: e.conv, ConfirmAction: action, Text: "Yes, go ahead.",
		Identity: tools.Identity{CustomerID: e.customer, ConversationID: e.conv, Locale: "en"}}, agents.Events{})
	if err != nil || res.Reply != done {
		t.Fatalf("answer after the confirmation %q (%v), want the model's", res.Reply, err)
	}
	if o := e.turn("so it's cancelled?", false); o.res.Reply != restated {
		t.Errorf("restated answer %q, want the model's", o.res.Reply)
	}
	if o := e.turn("how do refunds work?", false); o.res.Reply != policy {
		t.Errorf("policy answer %q, want the model's", o.res.Reply)
	}
}

// An address change the shopper confirmed backs the answer that says so;
// one only previewed does not.
func TestModelClaimsAddressChange(t *testing.T) {
	const (
		args  = `{"order_number":"KF-10054","address":{"name":"Chloe Martin","line1":"12 Queen St W","city":"Toronto","region":"ON","postal_code":"M5H 2N2","country":"CA"}}`
		claim = "Your shipping address has been updated to 12 Queen St W, Toronto."
	)
	e := newEnv(t,
		reply{Calls: []wireCall{{ID: "a1", Name: tools.NameChangeAddress, Args: []string{args}}}},
		reply{Text: []string{claim}}, // before the shopper said yes: corrected
		reply{Text: []string{claim}}, // after: as written
	)
	e.asChloe()
	o := e.turn("please ship KF-10054 to 12 Queen St W, Toronto ON M5H 2N2", false)
	if !strings.Contains(o.res.Reply, "no address was changed") {
		t.Errorf("answer after a mere preview %q, want a correction", o.res.Reply)
	}
	var action string
	for _, c := range o.res.Calls {
		if p, ok := c.Data.(*tools.Pending); ok {
			action = p.ActionID
		}
	}
	if action == "" {
		t.Fatalf("no preview: %+v", o.res.Calls)
	}
	ctx := context.Background()
	if _, err := e.st.AppendMessage(ctx, &store.Message{ConversationID: e.conv, Role: store.RoleUser, Text: "Yes, go ahead."}); err != nil {
		t.Fatal(err)
	}
	res, err := e.runner.Turn(ctx, agents.Turn{ConversationID: e.conv, ConfirmAction: action, Text: "Yes, go ahead.",
		Identity: tools.Identity{CustomerID: e.customer, ConversationID: e.conv, Locale: "en"}}, agents.Events{})
	if err != nil || res.Reply != claim || len(res.Calls) != 1 || res.Calls[0].Status != tools.StatusOK {
		t.Errorf("answer after the confirmation %q (%v), calls %+v: want the model's", res.Reply, err, res.Calls)
	}
}
