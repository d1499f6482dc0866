package agents_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tmc/langchaingo/llms"

	"github.com/kefu-dev/kefu/agents"
	"github.com/kefu-dev/kefu/store"
)

// A long conversation reaches the model as a bounded window that starts at
// a shopper message, after a summary of what the shopper said before; tool
// calls read back from the store are whole.
func TestStoreLogWindow(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "kefu.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	conv, _, _ := st.CreateConversation(ctx, 0, "en")
	log := &agents.StoreLog{Store: st, Window: 5}
	for i := 1; i <= 6; i++ {
		st.AppendMessage(ctx, &store.Message{ConversationID: conv.ID, Role: store.RoleUser, Text: fmt.Sprintf("question %d about KF-1000%d", i, i)})
		call := llms.ToolCall{ID: fmt.Sprint("c", i), Type: "function", FunctionCall: &llms.FunctionCall{Name: "lookup_order", Arguments: `{"order_number":"KF-1"}`}}
		if err := log.Record(ctx, conv.ID, agents.Step{Kind: agents.StepToolCalls, ToolCalls: []llms.ToolCall{call}, Model: "m"}); err != nil {
			t.Fatal(err)
		}
		log.Record(ctx, conv.ID, agents.Step{Kind: agents.StepToolResult, ToolResult: &llms.ToolCallResponse{ToolCallID: call.ID, Name: "lookup_order", Content: `{"status":"ok"}`}})
		log.Record(ctx, conv.ID, agents.Step{Kind: agents.StepAnswer, Text: fmt.Sprint("answer ", i), Model: "m"})
	}
	h, err := log.History(ctx, conv.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if h[0].Role != llms.ChatMessageTypeSystem || !strings.Contains(h[0].Parts[0].(llms.TextContent).Text, "question 1 about KF-10001") {
		t.Fatalf("first message = %+v", h[0])
	}
	if h[1].Role != llms.ChatMessageTypeHuman || !strings.Contains(h[1].Parts[0].(llms.TextContent).Text, "question 6") {
		t.Fatalf("window does not start at a shopper message: %+v", h[1])
	}
	tc, ok := h[2].Parts[0].(llms.ToolCall)
	if !ok || tc.FunctionCall.Name != "lookup_order" || tc.FunctionCall.Arguments != `{"order_number":"KF-1"}` || tc.ID != "c6" {
		t.Fatalf("tool call read back as %+v", h[2])
	}
	if tr, ok := h[3].Parts[0].(llms.ToolCallResponse); !ok || tr.ToolCallID != "c6" || tr.Content != `{"status":"ok"}` {
		t.Fatalf("tool result read back as %+v", h[3])
	}
	if len(h) != 5 {
		t.Fatalf("%d messages, want summary + 4", len(h))
	}
}
