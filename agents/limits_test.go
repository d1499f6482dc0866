package agents_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kefu-dev/kefu/agents"
	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/tools"
)

// These tests hold a hosted model (the real openai provider against the
// fake chat-completions server) to kefu's limits on one answer: a model
// that goes past them fails its step, and the fallback answers, or a
// person is asked to.

// asChloe moves the environment to a new conversation of Chloe Martin's,
// who has an order that can still be cancelled (KF-10054).
func (e *env) asChloe() {
	e.t.Helper()
	ctx := context.Background()
	chloe, err := e.st.CustomerByEmail(ctx, "chloe.martin@example.com")
	if err != nil {
		e.t.Fatal(err)
	}
	conv, _, err := e.st.CreateConversation(ctx, chloe.ID, "en")
	if err != nil {
		e.t.Fatal(err)
	}
	e.customer, e.conv = chloe.ID, conv.ID
}

// storedToolResults counts the tool results a conversation stored, by
// tool.
func (e *env) storedToolResults() map[string]int {
	n := map[string]int{}
	for _, m := range e.messages() {
		if m.Role == store.RoleTool {
			n[m.Author]++
		}
	}
	return n
}

// overLimitNotice returns the stored notice that the model failed, "" if
// none.
func (e *env) overLimitNotice() string {
	for _, m := range e.messages() {
		if m.Role == store.RoleSystem && strings.Contains(m.Text, "limits") {
			return m.Text
		}
	}
	return ""
}

func cancelCalls(n int) []wireCall {
	calls := make([]wireCall, n)
	for i := range calls {
		calls[i] = wireCall{ID: fmt.Sprint("call_cancel_", i), Name: tools.NameCancelOrder,
			Args: []string{`{"order_number":"KF-10054","reason":"ordered by mistake"}`}}
	}
	return calls
}

// 900 cancel_order calls in one answer run none of them: no pending
// action is filed (before: 900 were).
func TestModelLimitToolCallsPerStep(t *testing.T) {
	for _, stream := range []bool{false, true} {
		t.Run(fmt.Sprint("stream=", stream), func(t *testing.T) {
			e := newEnv(t, reply{Calls: cancelCalls(900)})
			e.asChloe()
			o := e.turn("please cancel KF-10054", stream)
			if o.err != nil {
				t.Fatalf("Turn: %v", o.err)
			}
			if n := e.storedToolResults()[tools.NameCancelOrder]; n != 0 || len(o.res.Calls) != 0 {
				t.Errorf("%d cancel_order calls ran (%d in the result), want none", n, len(o.res.Calls))
			}
			if !o.res.Fallback || o.res.Reply != fallbackReply {
				t.Errorf("result %+v, want the fallback's answer", o.res)
			}
			if n := e.overLimitNotice(); !strings.Contains(n, "900 tool calls in one step") {
				t.Errorf("notice %q does not say why the model failed", n)
			}
		})
	}
}

// Without a fallback, a model past the limits hands the shopper to a
// person, as a failing provider does.
func TestModelLimitHandsOff(t *testing.T) {
	e := newEnv(t, reply{Calls: cancelCalls(40)})
	e.asChloe()
	e.runner.Fallback = agents.Model{}
	o := e.turn("please cancel KF-10054", false)
	if o.err != nil {
		t.Fatalf("Turn: %v", o.err)
	}
	if !o.res.Handoff || e.storedToolResults()[tools.NameCancelOrder] != 0 {
		t.Errorf("result %+v, stored %v: want a handoff and no cancel_order run", o.res, e.storedToolResults())
	}
}

// A model that calls eight tools a step, step after step, is stopped at
// the turn's bound (16), not at MaxSteps (6 × 8 = 48 calls before).
func TestModelLimitToolCallsPerTurn(t *testing.T) {
	e := newEnv(t)
	e.ai.always = func(n int) reply {
		calls := make([]wireCall, 8)
		for i := range calls {
			calls[i] = lookupCall(fmt.Sprintf("call_%d_%d", n, i), `{"order_number":"KF-10031"}`)
		}
		return reply{Calls: calls}
	}
	o := e.turn("Where is KF-10031?", false)
	if o.err != nil {
		t.Fatalf("Turn: %v", o.err)
	}
	if n := e.storedToolResults()[tools.NameLookupOrder]; n != 16 {
		t.Errorf("%d lookup_order calls ran, want 16", n)
	}
	if !o.res.Fallback || o.res.Reply != fallbackReply {
		t.Errorf("result %+v, want the fallback's answer", o.res)
	}
	if n := e.overLimitNotice(); !strings.Contains(n, "24 tool calls in one turn") {
		t.Errorf("notice %q", n)
	}
}

// A 1 MiB answer is neither stored nor sent; streamed, the shopper saw at
// most an answer's worth before the live text was voided.
func TestModelLimitAnswerLength(t *testing.T) {
	chunk := strings.Repeat("Your order is on its way. ", 40) // 1040 bytes
	huge := make([]string, 1<<20/len(chunk))
	for i := range huge {
		huge[i] = chunk
	}
	for _, stream := range []bool{false, true} {
		t.Run(fmt.Sprint("stream=", stream), func(t *testing.T) {
			e := newEnv(t, reply{Text: huge})
			var mostShown int
			o := e.turnWatching("Where is my order KF-10031?", stream, func(live string) {
				mostShown = max(mostShown, utf8.RuneCountInString(live))
			})
			if o.err != nil {
				t.Fatalf("Turn: %v", o.err)
			}
			if !o.res.Fallback || o.res.Reply != fallbackReply {
				t.Errorf("result: fallback %v, reply of %d bytes", o.res.Fallback, len(o.res.Reply))
			}
			for _, m := range e.messages() {
				if len(m.Text) > 4000*4 {
					t.Errorf("a %s message of %d bytes was stored", m.Role, len(m.Text))
				}
			}
			if stream {
				if mostShown > 4000 || o.resets != 1 || strings.Join(o.deltas, "") != fallbackReply {
					t.Errorf("shown up to %d characters, %d resets, live text %q", mostShown, o.resets, strings.Join(o.deltas, ""))
				}
			}
			if n := e.overLimitNotice(); !strings.Contains(n, "characters") {
				t.Errorf("notice %q", n)
			}
		})
	}
}

// Tool-call arguments past 4 KiB are not run.
func TestModelLimitArgumentSize(t *testing.T) {
	args := `{"order_number":"KF-10031","note":"` + strings.Repeat("x", 64<<10) + `"}`
	e := newEnv(t, reply{Calls: []wireCall{lookupCall("call_big", args)}})
	o := e.turn("Where is KF-10031?", false)
	if o.err != nil {
		t.Fatalf("Turn: %v", o.err)
	}
	if n := e.storedToolResults()[tools.NameLookupOrder]; n != 0 {
		t.Errorf("a call with %d bytes of arguments ran", len(args))
	}
	if !o.res.Fallback || o.res.Reply != fallbackReply {
		t.Errorf("result %+v", o.res)
	}
	if n := e.overLimitNotice(); !strings.Contains(n, "arguments of 65") {
		t.Errorf("notice %q", n)
	}
}

// turnWatching is env.turn with watch called with the live text after each
// streamed piece.
func (e *env) turnWatching(text string, stream bool, watch func(live string)) outcome {
	e.t.Helper()
	ctx := context.Background()
	if _, err := e.st.AppendMessage(ctx, &store.Message{ConversationID: e.conv, Role: store.RoleUser, Text: text}); err != nil {
		e.t.Fatalf("append shopper message: %v", err)
	}
	var o outcome
	var ev agents.Events
	if stream {
		ev.Delta = func(s string) {
			o.deltas = append(o.deltas, s)
			watch(strings.Join(o.deltas, ""))
		}
		ev.Reset = func() { o.deltas, o.resets = nil, o.resets+1 }
	}
	o.res, o.err = e.runner.Turn(ctx, agents.Turn{ConversationID: e.conv,
		Identity: tools.Identity{CustomerID: e.customer, ConversationID: e.conv, Locale: "en"}, Text: text}, ev)
	return o
}

// A provider that sends a body past MaxResponseBytes fails the call
// before it is all read (before: the whole body was read and decoded).
func TestProviderResponseBounded(t *testing.T) {
	big := strings.Repeat("a", 200<<10)
	for _, stream := range []bool{false, true} {
		t.Run(fmt.Sprint("stream=", stream), func(t *testing.T) {
			e := newEnv(t, reply{Text: []string{big}})
			model, _, err := agents.NewProviderModel(agents.ProviderConfig{Kind: "openai", BaseURL: e.ai.srv.URL + "/v1",
				APIKey: "test-key", Model: "test-model", MaxResponseBytes: 64 << 10})
			if err != nil {
				t.Fatal(err)
			}
			e.runner.Model = model
			e.runner.Limits.MaxAnswerRunes, e.runner.Limits.MaxStreamBytes = 1<<20, 1<<20 // not the bound tested here
			o := e.turn("Where is my order KF-10031?", stream)
			if o.err != nil || !o.res.Fallback || o.res.Reply != fallbackReply {
				t.Errorf("result %+v (%v), want the fallback's answer", o.res, o.err)
			}
			if n := e.overLimitNotice(); !strings.Contains(n, "over 65536 bytes") {
				t.Errorf("notice %q", n)
			}
		})
	}
}
