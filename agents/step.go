package agents

import (
	"context"
	"time"

	"github.com/tmc/langchaingo/llms"

	"github.com/kefu-dev/kefu/tools"
)

// StepKind says what a recorded step is.
type StepKind string

const (
	// StepToolCalls is the assistant asking for tools to run.
	StepToolCalls StepKind = "tool_calls"
	// StepToolResult is one tool's result.
	StepToolResult StepKind = "tool_result"
	// StepAnswer is the text the shopper sees.
	StepAnswer StepKind = "answer"
	// StepNotice is a system note in the transcript, such as a fallback
	// from a failing provider to the built-in model. Models never see it.
	StepNotice StepKind = "notice"
)

// Step is one thing that happened in a turn, handed to the Recorder as it
// happens so that transcripts show the whole path to an answer.
type Step struct {
	Kind       StepKind
	Text       string                 // answer or notice text; text the assistant said with its tool calls
	ToolCalls  []llms.ToolCall        // StepToolCalls
	ToolResult *llms.ToolCallResponse // StepToolResult
	Shown      *tools.Shown           // StepToolResult: the order the tool showed the shopper, if any
	Model      string                 // the model that produced it
	Latency    time.Duration          // time the model call or tool took
	TokensIn   int                    // prompt tokens, when the provider says
	TokensOut  int                    // completion tokens, when the provider says
	// Suggestions are replies the answer offers with one click
	// (StepAnswer), stored before it in a SuggestionsAuthor message.
	Suggestions []string
}

// Log is where a conversation's history comes from and where its steps go:
// the store satisfies it (see StoreLog).
type Log interface {
	// History returns the conversation as the model should see it, oldest
	// first, ending with the shopper message that has seq answering (zero:
	// the latest). Shopper messages after it are left out: later turns
	// answer them.
	History(ctx context.Context, conversationID string, answering int64) ([]llms.MessageContent, error)
	// Record persists one step of a turn.
	Record(ctx context.Context, conversationID string, s Step) error
}
