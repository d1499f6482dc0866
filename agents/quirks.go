package agents

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/tmc/langchaingo/llms"
)

// collectToolCalls gathers the tool calls of every choice (anthropic puts
// each call in its own choice) and repairs what providers get wrong:
// missing types and ids are filled, and a stream that sent one "call" per
// argument fragment (servers that repeat the type on every delta) is
// merged back into whole calls.
func collectToolCalls(resp *llms.ContentResponse, step int) []llms.ToolCall {
	var calls []llms.ToolCall
	for _, ch := range resp.Choices {
		if ch == nil {
			continue
		}
		for _, c := range ch.ToolCalls {
			if c.FunctionCall == nil {
				continue
			}
			fc := *c.FunctionCall
			c.FunctionCall = &fc
			if n := len(calls); n > 0 && fc.Name == "" && (c.ID == "" || c.ID == calls[n-1].ID) {
				// A fragment of the previous call's arguments.
				calls[n-1].FunctionCall.Arguments += fc.Arguments
				continue
			}
			calls = append(calls, c)
		}
	}
	for i := range calls {
		calls[i].Type = "function"
		if calls[i].ID == "" {
			calls[i].ID = fmt.Sprintf("call_%d_%d", step, i+1)
		}
		if strings.TrimSpace(calls[i].FunctionCall.Arguments) == "" {
			calls[i].FunctionCall.Arguments = "{}"
		}
	}
	return calls
}

// answerText joins the text of every choice.
func answerText(resp *llms.ContentResponse) string {
	var parts []string
	for _, ch := range resp.Choices {
		if ch != nil && strings.TrimSpace(ch.Content) != "" {
			parts = append(parts, strings.TrimSpace(ch.Content))
		}
	}
	return strings.Join(parts, "\n")
}

// usage reads token counts from the first choice that reports them.
func usage(resp *llms.ContentResponse) (in, out int) {
	for _, ch := range resp.Choices {
		if ch == nil || ch.GenerationInfo == nil {
			continue
		}
		in, _ = toInt(ch.GenerationInfo["PromptTokens"])
		out, _ = toInt(ch.GenerationInfo["CompletionTokens"])
		if in != 0 || out != 0 {
			return in, out
		}
	}
	return 0, 0
}

func toInt(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		return int(n), true
	case float64:
		return int(n), true
	}
	return 0, false
}

// shopperText is a streaming filter: it passes on text the shopper may see
// and drops what the openai provider also streams through the same
// callback, the JSON of tool-call deltas and empty chunks. Once a step has
// started calling tools, nothing more of it is shown.
type shopperText struct {
	emit      func(string)
	toolCalls bool
}

func (f *shopperText) chunk(b []byte) {
	if f.toolCalls || len(b) == 0 {
		return
	}
	if looksLikeToolCallDelta(b) {
		f.toolCalls = true
		return
	}
	f.emit(string(b))
}

func looksLikeToolCallDelta(b []byte) bool {
	s := strings.TrimSpace(string(b))
	if !strings.HasPrefix(s, "[{") && !strings.HasPrefix(s, `{"`) {
		return false
	}
	var v any
	if json.Unmarshal([]byte(s), &v) != nil {
		return false
	}
	return strings.Contains(s, `"function"`) || strings.Contains(s, `"arguments"`) || strings.Contains(s, `"name"`)
}
