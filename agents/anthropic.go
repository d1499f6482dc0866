package agents

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/tmc/langchaingo/llms"
	"github.com/tmc/langchaingo/llms/anthropic"
)

// newAnthropicModel is KEFU_LLM=anthropic: langchaingo's client for
// Anthropic's Messages API, behind anthropicModel's repairs.
func newAnthropicModel(base, key, model string, client *http.Client) (llms.Model, error) {
	client.Transport = sseSpacing{next: client.Transport}
	llm, err := anthropic.New(anthropic.WithBaseURL(base), anthropic.WithToken(key), anthropic.WithModel(model),
		anthropic.WithHTTPClient(client))
	if err != nil {
		return nil, fmt.Errorf("agents: anthropic provider: %w", err)
	}
	return anthropicModel{llm: llm}, nil
}

// anthropicModel puts right, around each call, what langchaingo v0.1.14's
// anthropic client gets wrong for kefu's loop:
//   - it sends only the first part of an assistant or tool message
//     (langchaingo #1468, #1010): a step that said a sentence and called a
//     tool lost the call, and Anthropic then refused the tool result that
//     answered no tool_use (400). Each part goes in its own message; the
//     Messages API joins consecutive messages of one role into one turn.
//   - an empty text block is refused by the API: it is left out.
//   - several system messages were run together with no space between.
//   - it reports tokens as InputTokens and OutputTokens; the loop reads
//     PromptTokens and CompletionTokens, as the openai provider names them.
//
// And it keeps the history to what the API accepts, which is stricter
// than OpenAI: a tool call with no recorded result (a turn cut short by a
// shutdown or a lost lease), or a result with no call, would have every
// later turn of the conversation refused (400), so they are left out; a
// history that opens with the assistant gets a user turn before it.
type anthropicModel struct{ llm *anthropic.LLM }

func (m anthropicModel) GenerateContent(ctx context.Context, msgs []llms.MessageContent, options ...llms.CallOption) (*llms.ContentResponse, error) {
	resp, err := m.llm.GenerateContent(ctx, anthropicMessages(msgs), options...)
	if err != nil {
		return nil, err
	}
	for _, ch := range resp.Choices {
		if ch == nil || ch.GenerationInfo == nil {
			continue
		}
		if _, ok := ch.GenerationInfo["PromptTokens"]; !ok {
			ch.GenerationInfo["PromptTokens"] = ch.GenerationInfo["InputTokens"]
			ch.GenerationInfo["CompletionTokens"] = ch.GenerationInfo["OutputTokens"]
		}
	}
	return resp, nil
}

func (m anthropicModel) Call(ctx context.Context, prompt string, options ...llms.CallOption) (string, error) {
	return llms.GenerateFromSinglePrompt(ctx, m, prompt, options...)
}

// anthropicMessages rewrites the history so that the client sends all of
// it: one system message, and one part per assistant or tool message.
func anthropicMessages(msgs []llms.MessageContent) []llms.MessageContent {
	calls, results := map[string]bool{}, map[string]bool{}
	for _, msg := range msgs {
		for _, p := range msg.Parts {
			switch p := p.(type) {
			case llms.ToolCall:
				calls[p.ID] = true
			case llms.ToolCallResponse:
				results[p.ToolCallID] = true
			}
		}
	}
	var system []string
	var out []llms.MessageContent
	for _, msg := range msgs {
		switch msg.Role {
		case llms.ChatMessageTypeSystem:
			for _, p := range msg.Parts {
				if t, ok := p.(llms.TextContent); ok && strings.TrimSpace(t.Text) != "" {
					system = append(system, t.Text)
				}
			}
		case llms.ChatMessageTypeAI, llms.ChatMessageTypeTool:
			for _, p := range msg.Parts {
				if c, ok := p.(llms.ToolCall); ok && !results[c.ID] {
					continue
				}
				if r, ok := p.(llms.ToolCallResponse); ok && !calls[r.ToolCallID] {
					continue
				}
				if !emptyText(p) {
					out = append(out, llms.MessageContent{Role: msg.Role, Parts: []llms.ContentPart{p}})
				}
			}
		default:
			var parts []llms.ContentPart
			for _, p := range msg.Parts {
				if !emptyText(p) {
					parts = append(parts, p)
				}
			}
			if len(parts) > 0 {
				out = append(out, llms.MessageContent{Role: msg.Role, Parts: parts})
			}
		}
	}
	if len(out) > 0 && out[0].Role != llms.ChatMessageTypeHuman {
		out = append([]llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, "(the shopper opened the chat)")}, out...)
	}
	if len(system) > 0 {
		out = append([]llms.MessageContent{llms.TextParts(llms.ChatMessageTypeSystem, strings.Join(system, "\n\n"))}, out...)
	}
	return out
}

func emptyText(p llms.ContentPart) bool {
	t, ok := p.(llms.TextContent)
	return ok && strings.TrimSpace(t.Text) == ""
}
