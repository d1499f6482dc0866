package agents

import (
	"fmt"
	"unicode/utf8"

	"github.com/tmc/langchaingo/llms"
)

// Limits bound the work one model answer can make kefu do. Zero values
// mean the documented defaults. A model that goes past one has failed its
// step, as a provider error does: the built-in model answers instead, or
// a person is asked to.
type Limits struct {
	// MaxCallsPerStep is how many tools one model answer may call. Zero: 8.
	MaxCallsPerStep int
	// MaxCallsPerTurn is how many tools one model may call in a turn,
	// over all its steps. Zero: 16.
	MaxCallsPerTurn int
	// MaxAnswerRunes bounds the text of an answer (and of what a model
	// says beside its tool calls), in characters. Zero: 4000.
	MaxAnswerRunes int
	// MaxArgumentBytes bounds the JSON arguments of one tool call. Zero:
	// 4096.
	MaxArgumentBytes int
	// MaxStreamBytes bounds what one streamed answer may send, text and
	// tool-call fragments together: past it the stream is cut off, so a
	// runaway answer is neither shown nor held. Zero: 256 KiB.
	MaxStreamBytes int
}

func (l Limits) callsPerStep() int  { return orInt(l.MaxCallsPerStep, 8) }
func (l Limits) callsPerTurn() int  { return orInt(l.MaxCallsPerTurn, 16) }
func (l Limits) answerRunes() int   { return orInt(l.MaxAnswerRunes, 4000) }
func (l Limits) argumentBytes() int { return orInt(l.MaxArgumentBytes, 4096) }
func (l Limits) streamBytes() int   { return orInt(l.MaxStreamBytes, 256<<10) }
func orInt(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

// check reports how resp goes past the limits, given the tool calls the
// same model made earlier in the turn; nil if it does not.
func (l Limits) check(resp *llms.ContentResponse, earlierCalls int) error {
	if n := utf8.RuneCountInString(answerText(resp)); n > l.answerRunes() {
		return fmt.Errorf("%w: an answer of %d characters (at most %d)", ErrOverLimit, n, l.answerRunes())
	}
	calls := collectToolCalls(resp, 0)
	if len(calls) > l.callsPerStep() {
		return fmt.Errorf("%w: %d tool calls in one step (at most %d)", ErrOverLimit, len(calls), l.callsPerStep())
	}
	if n := earlierCalls + len(calls); n > l.callsPerTurn() {
		return fmt.Errorf("%w: %d tool calls in one turn (at most %d)", ErrOverLimit, n, l.callsPerTurn())
	}
	for _, c := range calls {
		if n := len(c.FunctionCall.Arguments); n > l.argumentBytes() {
			return fmt.Errorf("%w: %s arguments of %d bytes (at most %d)", ErrOverLimit, c.FunctionCall.Name, n, l.argumentBytes())
		}
	}
	return nil
}

// streamGuard counts what a stream sends and stops it past the limit.
type streamGuard struct {
	limit, sent int
}

func (g *streamGuard) take(b []byte) error {
	g.sent += len(b)
	if g.sent > g.limit {
		return fmt.Errorf("%w: the answer streamed more than %d bytes", ErrOverLimit, g.limit)
	}
	return nil
}
