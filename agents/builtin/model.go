// Package builtin is kefu's offline model: it implements langchaingo's
// llms.Model with no network, behaving like a careful junior support agent.
// It detects the shopper's language, classifies the intent of each message
// (a logistic regression over character n-grams, trained on our own
// examples), extracts order numbers, emails, RMA numbers, items and reasons
// across turns, calls only the tools it is offered, and writes answers from
// the tools' results in English or Chinese. It is kefu's default, the
// fallback when a provider fails, and what makes tests deterministic.
package builtin

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"

	"github.com/tmc/langchaingo/llms"
)

// Name is the model name transcripts record.
const Name = "kefu-builtin-1"

// Product is catalog vocabulary the model uses to recognise items a
// shopper names ("the blue jacket").
type Product struct {
	SKU, Title, TitleZH, Category string
}

// Model is the built-in model. The zero value is not usable; call New.
type Model struct {
	classifier *Classifier
	catalog    []item
}

var _ llms.Model = (*Model)(nil)

// New returns a built-in model that knows the shop's products.
func New(products []Product) *Model {
	m := &Model{classifier: defaultClassifier()}
	for _, p := range products {
		m.catalog = append(m.catalog, item{SKU: p.SKU, Title: p.Title, TitleZH: p.TitleZH, Category: p.Category})
	}
	return m
}

// Classify returns the intents of a message, most probable first.
func (m *Model) Classify(text string) []Prediction { return m.classifier.Predict(text) }

// Call implements the deprecated single-prompt interface.
func (m *Model) Call(ctx context.Context, prompt string, options ...llms.CallOption) (string, error) {
	return llms.GenerateFromSinglePrompt(ctx, m, prompt, options...)
}

// GenerateContent reads the conversation and either calls one tool or
// writes the answer, streaming it through the streaming function if one is
// set.
func (m *Model) GenerateContent(ctx context.Context, msgs []llms.MessageContent, options ...llms.CallOption) (*llms.ContentResponse, error) {
	var opts llms.CallOptions
	for _, o := range options {
		o(&opts)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	offered := map[string]bool{}
	for _, t := range opts.Tools {
		if t.Function != nil {
			offered[t.Function.Name] = true
		}
	}
	c := parseConvo(msgs)
	a := m.decide(c, offered)
	if a.tool != "" {
		args, err := json.Marshal(a.args)
		if err != nil {
			return nil, err
		}
		return &llms.ContentResponse{Choices: []*llms.ContentChoice{{
			StopReason: "tool_calls",
			ToolCalls: []llms.ToolCall{{ID: fmt.Sprintf("builtin_%d_%d", len(c.turns), len(c.events)+1), Type: "function",
				FunctionCall: &llms.FunctionCall{Name: a.tool, Arguments: string(args)}}},
		}}}, nil
	}
	if opts.StreamingFunc != nil {
		for _, chunk := range chunks(a.text) {
			if err := opts.StreamingFunc(ctx, []byte(chunk)); err != nil {
				return nil, err
			}
		}
	}
	return &llms.ContentResponse{Choices: []*llms.ContentChoice{{Content: a.text, StopReason: "stop"}}}, nil
}

// chunks splits an answer into word-sized pieces for streaming (one Han
// character or punctuation mark at a time in Chinese, a few of them).
func chunks(s string) []string {
	var out []string
	var cur []rune
	for _, r := range s {
		cur = append(cur, r)
		if r == ' ' || r == '\n' || (unicode.Is(unicode.Han, r) && len(cur) >= 3) || strings.ContainsRune("，。！？", r) {
			out = append(out, string(cur))
			cur = cur[:0]
		}
	}
	if len(cur) > 0 {
		out = append(out, string(cur))
	}
	return out
}

// action is what the model does next: call a tool, or answer.
type action struct {
	tool string
	args map[string]any
	text string
}

func call(tool string, args map[string]any) action { return action{tool: tool, args: args} }
func say(text string) action                       { return action{text: text} }

// Answer is how a shopper answered a yes/no question.
type Answer int

const (
	Unclear Answer = iota
	Yes
	No
)

// Reply reads a shopper's answer to a confirmation question. Only a short,
// clear yes counts: "yes but change the size first" is not a yes.
func (m *Model) Reply(text string) Answer {
	if len(strings.Fields(normalize(text))) > 12 || len([]rune(text)) > 80 {
		return Unclear
	}
	p := m.classifier.Predict(text)
	switch {
	case p[0].Intent == IntentAffirm && p[0].Prob >= 0.6:
		return Yes
	case p[0].Intent == IntentDeny && p[0].Prob >= 0.5:
		return No
	}
	return Unclear
}
