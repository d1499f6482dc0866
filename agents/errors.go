package agents

import "errors"

// ErrEmptyResponse is returned when a model answers with neither text nor
// a tool call (some servers answer a streaming request with plain JSON,
// which the openai provider turns into an empty result and no error).
var ErrEmptyResponse = errors.New("agents: the model returned an empty response")

// ErrModelTimeout is returned when a model call runs past its time limit.
var ErrModelTimeout = errors.New("agents: the model did not answer in time")

// ErrOverLimit is returned when a model's answer goes past kefu's limits
// (Limits): too many tool calls, too long an answer or arguments. kefu
// treats it as the model failing its step.
var ErrOverLimit = errors.New("agents: the model's answer went past kefu's limits")
