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
	"sync"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/tmc/langchaingo/llms"

	"github.com/kefu-dev/kefu/agents/internal/memo"
)

// Name is the model name transcripts record.
const Name = "kefu-builtin-1"

// Product is catalog vocabulary the model uses to recognise items a
// shopper names ("the blue jacket", "the 65W charger"), with the shop's
// tags for it as synonyms.
type Product struct {
	SKU, Title, TitleZH, Category string
	Tags                          []string
}

// SuggestionsKey is the key of an answer's GenerationInfo that holds the
// replies ([]string) the shopper can pick with one click, when the model
// offers some (a clarifying question's options).
const SuggestionsKey = "suggestions"

// Model is the built-in model. The zero value is not usable; call New or
// NewForShop.
type Model struct {
	classifier *Classifier
	shop       atomic.Pointer[vocab]

	// Following a source (Follow): where the shop's data comes from,
	// and when it was last read.
	mu      sync.Mutex
	src     Source
	ttl     time.Duration
	version uint64
	loaded  time.Time
	loading atomic.Bool

	// knownShare is the classifier's Known of the texts it was asked
	// about, keyed by the text as the classifier reads it.
	knownShare *memo.Cache[string, float64]

	returnDays atomic.Int64                 // the shop's return window (SetReturnWindow); 0: 30
	voice      atomic.Pointer[func() Voice] // the shop's names and greeting (SetVoice)
}

// SetReturnWindow is the shop's return window, which the model's answers
// state (tools.Policy.ReturnWindow); zero: 30 days.
func (m *Model) SetReturnWindow(d time.Duration) { m.returnDays.Store(int64(d.Hours() / 24)) }

// windowDays is the return window in days.
func (m *Model) windowDays() int {
	if d := m.returnDays.Load(); d > 0 {
		return int(d)
	}
	return 30
}

var _ llms.Model = (*Model)(nil)

// New returns a built-in model that knows the shop's products and
// nothing else of it (no order numbers to learn their shapes from).
func New(products []Product) *Model { return NewForShop(Shop{Products: products}) }

// NewForShop returns a built-in model for a shop: its order and return
// number shapes, products and articles all come from sh.
func NewForShop(sh Shop) *Model {
	m := &Model{classifier: defaultClassifier(), knownShare: memo.New[string, float64](8192)}
	m.SetShop(sh)
	return m
}

// SetShop replaces what the model knows of the shop, for the turns that
// start after it.
func (m *Model) SetShop(sh Shop) { m.shop.Store(newVocab(sh)) }

// vocab is the shop as the model knows it now.
func (m *Model) vocab() *vocab {
	if v := m.shop.Load(); v != nil {
		return v
	}
	return emptyVocab
}

var emptyVocab = newVocab(Shop{})

// Source is where a model following a shop reads it: Shop reads the
// shop's data, Version changes when it changes (an import or reset in
// this process).
type Source interface {
	Shop(ctx context.Context) (Shop, error)
	Version() uint64
}

// Follow makes the model read the shop from src now, again at the first
// turn after src's version changes, and again ttl after the last read
// (for changes Version cannot see, such as an import by another
// process; 0 for never). A failed read keeps what the model knew.
func (m *Model) Follow(ctx context.Context, src Source, ttl time.Duration) error {
	m.mu.Lock()
	m.src, m.ttl = src, ttl
	m.mu.Unlock()
	return m.Refresh(ctx)
}

// Refresh reads the shop from the source it follows, now.
func (m *Model) Refresh(ctx context.Context) error {
	m.mu.Lock()
	src := m.src
	m.mu.Unlock()
	if src == nil {
		return nil
	}
	version := src.Version()
	sh, err := src.Shop(ctx)
	if err != nil {
		return err
	}
	m.SetShop(sh)
	m.mu.Lock()
	m.version, m.loaded = version, time.Now()
	m.mu.Unlock()
	return nil
}

// follow brings the shop up to date before a turn: at once when the
// source's version moved (the turn should see the import that just
// happened), in the background when it is only old.
func (m *Model) follow(ctx context.Context) {
	m.mu.Lock()
	src, ttl, version, loaded := m.src, m.ttl, m.version, m.loaded
	m.mu.Unlock()
	if src == nil {
		return
	}
	switch {
	case src.Version() != version:
		if m.loading.CompareAndSwap(false, true) {
			m.Refresh(ctx) // on error, keep what we knew; the next turn tries again
			m.loading.Store(false)
		}
	case ttl > 0 && time.Since(loaded) > ttl:
		if m.loading.CompareAndSwap(false, true) {
			go func() {
				defer m.loading.Store(false)
				ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
				defer cancel()
				if m.Refresh(ctx) != nil {
					m.mu.Lock()
					m.loaded = time.Now() // try again after another ttl
					m.mu.Unlock()
				}
			}()
		}
	}
}

// Classify returns the intents of a message, most probable first.
func (m *Model) Classify(text string) []Prediction { return m.predict(text) }

// predict classifies a message with its order numbers replaced by the
// word for them (forClassifier): what the shopper wants is in the words,
// whatever the shape of the shop's numbers.
func (m *Model) predict(text string) []Prediction {
	return exchangeCue(text, m.classifier.Predict(m.slotsIn(text).classify))
}

// known is how much of a message's vocabulary the classifier knows.
func (m *Model) known(text string) float64 {
	return m.knownShare.Get(m.slotsIn(text).classify, m.classifier.Known)
}

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
	m.follow(ctx)
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
	choice := &llms.ContentChoice{Content: a.text, StopReason: "stop"}
	if len(a.suggestions) > 0 {
		choice.GenerationInfo = map[string]any{SuggestionsKey: a.suggestions}
	}
	return &llms.ContentResponse{Choices: []*llms.ContentChoice{choice}}, nil
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
	tool        string
	args        map[string]any
	text        string
	suggestions []string // replies the shopper can pick with one click
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
	if refersAway(normalize(text)) {
		return Unclear // "yes, the other one" is not a yes to this one
	}
	p := m.predict(text)
	switch {
	case p[0].Intent == IntentAffirm && p[0].Prob >= 0.6:
		return Yes
	case p[0].Intent == IntentDeny && p[0].Prob >= 0.5:
		return No
	}
	return Unclear
}
