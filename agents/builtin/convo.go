package builtin

import (
	"strings"
	"time"

	"github.com/tmc/langchaingo/llms"

	"github.com/kefu-dev/kefu/agents/internal/memo"
	"github.com/kefu-dev/kefu/tools"
)

// convo is the conversation as the model reads it from the messages it is
// given: it keeps no state of its own between calls, so a conversation
// resumed after a restart, or handed back from another model, reads the
// same.
type convo struct {
	shopperContext               // from the context the runner gives
	turns          []turn        // shopper messages with what followed each
	events         []toolEvent   // every tool call and result, in order
	answers        []answerEvent // every assistant text answer, in order
}

type turn struct {
	text  string
	index int // position among all messages
}

type toolEvent struct {
	index  int // position of the result among all messages
	name   string
	args   string
	result tools.Result
}

type answerEvent struct {
	index int
	text  string
}

func parseConvo(msgs []llms.MessageContent) *convo {
	c := &convo{shopperContext: shopperContext{locale: "en"}}
	if len(msgs) > 0 && msgs[0].Role == llms.ChatMessageTypeSystem {
		c.shopperContext = contextOf(textOf(msgs[0]))
	}
	c.turns = make([]turn, 0, len(msgs)/2+1)
	var calls map[string]llms.ToolCall
	for i, m := range msgs {
		switch m.Role {
		case llms.ChatMessageTypeHuman:
			c.turns = append(c.turns, turn{text: textOf(m), index: i})
		case llms.ChatMessageTypeAI:
			for _, p := range m.Parts {
				if tc, ok := p.(llms.ToolCall); ok && tc.FunctionCall != nil {
					if calls == nil {
						calls = map[string]llms.ToolCall{}
					}
					calls[tc.ID] = tc
				}
			}
			if t := textOf(m); t != "" && !hasToolCalls(m) {
				c.answers = append(c.answers, answerEvent{index: i, text: t})
			}
		case llms.ChatMessageTypeTool:
			for _, p := range m.Parts {
				tr, ok := p.(llms.ToolCallResponse)
				if !ok {
					continue
				}
				ev := toolEvent{index: i, name: tr.Name}
				if tc, ok := calls[tr.ToolCallID]; ok {
					ev.args = tc.FunctionCall.Arguments
					if ev.name == "" {
						ev.name = tc.FunctionCall.Name
					}
				}
				// Shared with the claim check and the cards, which read the
				// same result in this turn: read it, never change it.
				ev.result, _ = tools.DecodeShared(ev.name, tr.Content)
				c.events = append(c.events, ev)
			}
		}
	}
	return c
}

// shopperContext are the facts about the shopper that the runner's own
// context, the first message, gives.
type shopperContext struct {
	signedIn bool
	locale   string    // "en" or "zh"
	today    time.Time // zero if not given
}

var contexts = memo.New[string, shopperContext](1024)

// contextOf reads the runner's context line by line (readContext); the
// same text, step after step of a turn and turn after turn of a
// conversation, is read once.
func contextOf(t string) shopperContext {
	return contexts.Get(t, func(t string) shopperContext {
		c := shopperContext{locale: "en"}
		c.readContext(t)
		return c
	})
}

// readContext takes the facts about the shopper from the runner's own
// context, the first message, line by line. Only there: later system
// messages quote what shoppers wrote (the summary of older messages), and
// a shopper can write "- shopper: signed in" or "- today: 2031-01-01".
func (c *shopperContext) readContext(t string) {
	for _, line := range strings.Split(t, "\n") {
		switch {
		case strings.HasPrefix(line, "- shopper: signed in"):
			c.signedIn = true
		case line == "- shopper language: zh":
			c.locale = "zh"
		case strings.HasPrefix(line, "- today: ") && len(line) >= len("- today: ")+10:
			c.today, _ = time.Parse("2006-01-02", line[len("- today: "):][:10])
		}
	}
}

func textOf(m llms.MessageContent) string {
	if len(m.Parts) == 1 {
		if t, ok := m.Parts[0].(llms.TextContent); ok {
			return t.Text
		}
	}
	var parts []string
	for _, p := range m.Parts {
		if t, ok := p.(llms.TextContent); ok {
			parts = append(parts, t.Text)
		}
	}
	return strings.Join(parts, "\n")
}

func hasToolCalls(m llms.MessageContent) bool {
	for _, p := range m.Parts {
		if _, ok := p.(llms.ToolCall); ok {
			return true
		}
	}
	return false
}

// last returns the shopper's latest message.
func (c *convo) last() turn {
	if len(c.turns) == 0 {
		return turn{index: -1}
	}
	return c.turns[len(c.turns)-1]
}

// eventsSince returns the tool events after message index i.
func (c *convo) eventsSince(i int) []toolEvent {
	var out []toolEvent
	for _, e := range c.events {
		if e.index > i {
			out = append(out, e)
		}
	}
	return out
}

// lastAnswerBefore returns the assistant's last text answer before message
// index i.
func (c *convo) lastAnswerBefore(i int) string {
	for j := len(c.answers) - 1; j >= 0; j-- {
		if c.answers[j].index < i {
			return c.answers[j].text
		}
	}
	return ""
}
