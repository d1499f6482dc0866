// Package agents runs kefu's conversations with a model: a tool-calling
// loop on langchaingo's llms.Model, the system prompt, the model providers
// (an OpenAI-compatible endpoint, or the built-in offline model), and the
// fallback to the built-in model when a provider fails. Business policy is
// not here: the tools enforce it.
package agents

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tmc/langchaingo/llms"

	"github.com/kefu-dev/kefu/agents/voice"
	"github.com/kefu-dev/kefu/tools"
)

// Config bounds a turn. Zero values mean the documented defaults.
type Config struct {
	// MaxSteps is how many model calls one turn may make. Zero: 6.
	MaxSteps int
	// ModelTimeout bounds one model call. Zero: 30s.
	ModelTimeout time.Duration
	// Limits bound what one model answer may ask of kefu.
	Limits Limits
}

// Model is a language model and the name transcripts record for it.
type Model struct {
	llms.Model
	Name string
}

// Runner runs turns: one shopper message in, one answer out, with the tool
// calls in between recorded.
type Runner struct {
	Model    Model
	Fallback Model // the built-in model; zero value: no fallback
	Tools    *tools.Registry
	Log      Log
	Logger   *slog.Logger
	Now      func() time.Time
	// Reply classifies the shopper's answer to a confirmation question; it
	// decides, in code, whether a previewed change runs. Zero value:
	// nothing is ever confirmed from text.
	Reply func(text string) Reply
	// Voice is the shop's voice, whose prompt section goes after the
	// rules (systemText); nil: none.
	Voice *voice.Live
	Config
}

// Reply is how a shopper answered a yes/no question.
type Reply int

const (
	ReplyOther Reply = iota
	ReplyYes
	ReplyNo
)

// Turn is one shopper message to answer. The message must already be the
// last one in the conversation's log.
type Turn struct {
	ConversationID string
	Identity       tools.Identity
	ShopperName    string
	Text           string
	// ConfirmAction is set when the shopper pressed "yes" on a previewed
	// change: it runs if it is the change the last answer previewed, and
	// the shopper is told why not otherwise.
	ConfirmAction string
	// Seq is the seq of the shopper message the turn answers: the history
	// ends with it even when the shopper wrote more since (later turns
	// answer that). Zero: the conversation's last message.
	Seq int64
	// Log is where this turn's history comes from and its steps go. Nil:
	// the runner's Log. (The chat engine passes its own, which commits a
	// turn's steps with its answer and shows them as they commit.)
	Log Log
}

func (r *Runner) logOf(t Turn) Log {
	if t.Log != nil {
		return t.Log
	}
	return r.Log
}

// Events receive what happens during a turn, for the live view. Either may
// be nil.
type Events struct {
	// Delta receives shopper-visible text of the answer as it is written:
	// never tool-call JSON, never empty.
	Delta func(text string)
	// Reset says that the text streamed so far is void: the model failed
	// part-way and another will answer from the start.
	Reset func()
	// Activity receives the name of each tool as it starts.
	Activity func(tool string)
}

// Result is the outcome of a turn.
type Result struct {
	Reply    string
	Model    string // the model that wrote the reply
	Fallback bool   // the configured model failed and the built-in one answered
	Handoff  bool   // handoff_to_human ran
	Calls    []Call
	Steps    int // model calls made
	// Suggestions are the replies the answer offers with one click.
	Suggestions []string
}

// Call is one tool call of a turn and its result.
type Call struct {
	Name      string `json:"name"`
	Arguments string `json:"arguments"`
	Result    string `json:"result"`
	Status    string `json:"status"`
	// Data is the result's typed payload (see tools.Decode), nil if none.
	Data any `json:"-"`
}

// confirmTool is the name under which a confirmation the shopper gave is
// recorded: kefu, not the model, runs it.
const confirmTool = tools.NameConfirmAction

func (r *Runner) maxSteps() int {
	if r.MaxSteps > 0 {
		return r.MaxSteps
	}
	return 6
}

func (r *Runner) modelTimeout() time.Duration {
	if r.ModelTimeout > 0 {
		return r.ModelTimeout
	}
	return 30 * time.Second
}

func (r *Runner) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// Turn answers the shopper's latest message. It returns an error only when
// the turn could not run at all (the log failed, ctx ended); a failing model
// is answered by the fallback or a handoff instead.
func (r *Runner) Turn(ctx context.Context, t Turn, ev Events) (Result, error) {
	log := r.logger().With("conversation_id", t.ConversationID)
	history, err := r.logOf(t).History(ctx, t.ConversationID, t.Seq)
	if err != nil {
		return Result{}, fmt.Errorf("agents: load history: %w", err)
	}
	msgs := append([]llms.MessageContent{
		llms.TextParts(llms.ChatMessageTypeSystem, r.systemText(ctx, t)),
	}, history...)

	var res Result
	// A clear yes to a previewed change runs it here, in code: the model
	// can neither skip the shopper's confirmation nor give it.
	switch id := pendingAction(history); {
	case t.ConfirmAction != "" && t.ConfirmAction != id:
		// A yes to a change that is not the one waiting for an answer
		// runs nothing, and the shopper is told so plainly.
		log.Info("confirmation not run", "action_id", t.ConfirmAction, "pending", id)
		return r.finish(ctx, t, &res, "kefu", notConfirmedText(history, t), ev)
	case id != "" && (t.ConfirmAction == id || (t.ConfirmAction == "" && r.Reply != nil && r.Reply(t.Text) == ReplyYes)):
		msgs, err = r.confirm(ctx, t, id, msgs, &res, ev)
		if err != nil {
			return res, err
		}
	}

	model := r.Model
	defs := r.Tools.Definitions()
	modelCalls := 0 // tool calls the answering model made in this turn
	for step := 1; ; step++ {
		if step > r.maxSteps() {
			log.Warn("step limit reached", "steps", res.Steps)
			return r.finish(ctx, t, &res, "kefu", giveUpText(t), ev)
		}
		resp, latency, err := r.generate(ctx, model, msgs, defs, modelCalls, ev)
		res.Steps++
		if err != nil {
			if ctx.Err() != nil {
				return res, ctx.Err()
			}
			if r.Fallback.Model != nil && model.Model != r.Fallback.Model {
				log.Warn("model failed; falling back", "model", model.Name, "fallback", r.Fallback.Name, "err", err)
				note := fmt.Sprintf("The model %s failed (%v); the built-in model %s answers this turn.", model.Name, clip(err.Error(), 200), r.Fallback.Name)
				if err := r.logOf(t).Record(ctx, t.ConversationID, Step{Kind: StepNotice, Text: note, Model: model.Name, Latency: latency}); err != nil {
					return res, err
				}
				model, res.Fallback, modelCalls = r.Fallback, true, 0
				step-- // the fallback gets the full budget
				continue
			}
			log.Error("no model could answer; handing off", "model", model.Name, "err", err)
			return r.handoff(ctx, t, &res, ev, "the assistant could not answer ("+clip(err.Error(), 120)+")")
		}
		calls := collectToolCalls(resp, step)
		in, out := usage(resp)
		if len(calls) == 0 {
			text, by, err := r.vouch(ctx, t, model, answerText(resp), msgs, ev)
			if err != nil {
				return res, err
			}
			rec := Step{Kind: StepAnswer, Text: text, Model: by, Latency: latency, TokensIn: in, TokensOut: out}
			if by == model.Name { // a correction offers none of the model's replies
				rec.Suggestions = suggestionsOf(resp)
			}
			if err := r.logOf(t).Record(ctx, t.ConversationID, rec); err != nil {
				return res, err
			}
			res.Reply, res.Model, res.Suggestions = text, by, rec.Suggestions
			return res, nil
		}
		modelCalls += len(calls)
		said := answerText(resp)
		if err := r.logOf(t).Record(ctx, t.ConversationID, Step{Kind: StepToolCalls, Text: said, ToolCalls: calls,
			Model: model.Name, Latency: latency, TokensIn: in, TokensOut: out}); err != nil {
			return res, err
		}
		ai := llms.MessageContent{Role: llms.ChatMessageTypeAI}
		if said != "" {
			ai.Parts = append(ai.Parts, llms.TextPart(said))
		}
		for _, c := range calls {
			ai.Parts = append(ai.Parts, c)
		}
		msgs = append(msgs, ai)
		for _, c := range calls {
			tr, err := r.runTool(ctx, t, c, &res, ev)
			if err != nil {
				return res, err
			}
			msgs = append(msgs, llms.MessageContent{Role: llms.ChatMessageTypeTool, Parts: []llms.ContentPart{tr}})
		}
	}
}

// generate makes one bounded model call, streaming shopper-visible text.
// An answer past the limits (given the tool calls the model made earlier
// in the turn) is an error, as a provider's failure is.
func (r *Runner) generate(ctx context.Context, m Model, msgs []llms.MessageContent, defs []llms.Tool, earlierCalls int, ev Events) (_ *llms.ContentResponse, _ time.Duration, err error) {
	cctx, cancel := context.WithTimeout(ctx, r.modelTimeout())
	defer cancel()
	opts := []llms.CallOption{llms.WithTools(defs)}
	streamed := false
	if ev.Delta != nil {
		// A runaway stream is cut off: the shopper sees no more than an
		// answer may hold, and kefu holds no more than MaxStreamBytes.
		guard := &streamGuard{limit: r.Limits.streamBytes()}
		shown, limit := 0, r.Limits.answerRunes()
		var over error
		f := &shopperText{emit: func(s string) {
			if shown += utf8.RuneCountInString(s); shown > limit {
				over = fmt.Errorf("%w: an answer of more than %d characters", ErrOverLimit, limit)
				return
			}
			streamed = true
			ev.Delta(s)
		}}
		opts = append(opts, llms.WithStreamingFunc(func(_ context.Context, b []byte) error {
			if err := guard.take(b); err != nil {
				return err
			}
			if f.chunk(b); over != nil {
				return over
			}
			return nil
		}))
	}
	start := time.Now()
	resp, err := m.GenerateContent(cctx, msgs, opts...)
	latency := time.Since(start)
	defer func() {
		if err != nil && streamed && ev.Reset != nil {
			ev.Reset()
		}
	}()
	// The openai provider can return truncated text and a nil error when
	// the context ends mid-stream, and rewrites deadline errors: check the
	// context ourselves.
	switch {
	case ctx.Err() != nil:
		return nil, latency, ctx.Err()
	case cctx.Err() != nil:
		return nil, latency, fmt.Errorf("%w after %s", ErrModelTimeout, r.modelTimeout())
	case err != nil:
		return nil, latency, err
	case resp == nil || (answerText(resp) == "" && len(collectToolCalls(resp, 0)) == 0):
		return nil, latency, ErrEmptyResponse
	}
	if err := r.Limits.check(resp, earlierCalls); err != nil {
		return nil, latency, err
	}
	return resp, latency, nil
}

// runTool runs one call through the registry with the shopper's verified
// identity and records its result. Tool failures go back to the model as
// results; only a failing log ends the turn.
func (r *Runner) runTool(ctx context.Context, t Turn, c llms.ToolCall, res *Result, ev Events) (llms.ToolCallResponse, error) {
	name := c.FunctionCall.Name
	if ev.Activity != nil {
		ev.Activity(name)
	}
	start := time.Now()
	out, err := r.Tools.Call(ctx, t.Identity, name, c.FunctionCall.Arguments)
	if err != nil {
		r.logger().Error("tool failed", "conversation_id", t.ConversationID, "tool", name, "err", err)
		out = tools.Result{Status: tools.StatusError, Message: "The tool failed. Apologise, and offer to try again later or to connect the shopper with a person."}
	}
	if name == tools.NameHandoffToHuman && out.Status == tools.StatusOK {
		res.Handoff = true
	}
	tr := llms.ToolCallResponse{ToolCallID: c.ID, Name: name, Content: out.JSON()}
	res.Calls = append(res.Calls, Call{Name: name, Arguments: c.FunctionCall.Arguments, Result: tr.Content, Status: out.Status, Data: out.Data})
	err = r.logOf(t).Record(ctx, t.ConversationID, Step{Kind: StepToolResult, ToolResult: &tr, Shown: out.Shown, Latency: time.Since(start)})
	return tr, err
}

// confirm runs the pending action the shopper just said yes to, recording
// it as a call kefu made, and adds it to the messages for the model to
// report.
func (r *Runner) confirm(ctx context.Context, t Turn, actionID string, msgs []llms.MessageContent, res *Result, ev Events) ([]llms.MessageContent, error) {
	args, _ := json.Marshal(map[string]string{"action_id": actionID})
	call := llms.ToolCall{ID: "confirm_" + actionID[:min(8, len(actionID))], Type: "function",
		FunctionCall: &llms.FunctionCall{Name: confirmTool, Arguments: string(args)}}
	if err := r.logOf(t).Record(ctx, t.ConversationID, Step{Kind: StepToolCalls, ToolCalls: []llms.ToolCall{call}, Model: "kefu"}); err != nil {
		return msgs, err
	}
	if ev.Activity != nil {
		ev.Activity(confirmTool)
	}
	start := time.Now()
	out, err := r.Tools.Confirm(ctx, t.Identity, actionID)
	if err != nil {
		r.logger().Error("confirm failed", "conversation_id", t.ConversationID, "action_id", actionID, "err", err)
		out = tools.Result{Status: tools.StatusError, Message: "The change could not be made. Apologise and offer a person."}
	}
	tr := llms.ToolCallResponse{ToolCallID: call.ID, Name: confirmTool, Content: out.JSON()}
	res.Calls = append(res.Calls, Call{Name: confirmTool, Arguments: string(args), Result: tr.Content, Status: out.Status, Data: out.Data})
	if err := r.logOf(t).Record(ctx, t.ConversationID, Step{Kind: StepToolResult, ToolResult: &tr, Latency: time.Since(start)}); err != nil {
		return msgs, err
	}
	return append(msgs,
		llms.MessageContent{Role: llms.ChatMessageTypeAI, Parts: []llms.ContentPart{call}},
		llms.MessageContent{Role: llms.ChatMessageTypeTool, Parts: []llms.ContentPart{tr}}), nil
}

// handoff asks for a person when no model can answer, and tells the
// shopper.
func (r *Runner) handoff(ctx context.Context, t Turn, res *Result, ev Events, reason string) (Result, error) {
	args, _ := json.Marshal(map[string]string{"reason": reason})
	call := llms.ToolCall{ID: "handoff_kefu", Type: "function", FunctionCall: &llms.FunctionCall{Name: tools.NameHandoffToHuman, Arguments: string(args)}}
	if err := r.logOf(t).Record(ctx, t.ConversationID, Step{Kind: StepToolCalls, ToolCalls: []llms.ToolCall{call}, Model: "kefu"}); err != nil {
		return *res, err
	}
	if _, err := r.runTool(ctx, t, call, res, ev); err != nil {
		return *res, err
	}
	text := "I'm sorry, I can't answer right now. I've asked a person from our support team to take over; they'll reply here."
	if chinese(t) {
		text = "抱歉，我现在无法回答。已为您转接人工客服，工作人员会在这里回复您。"
	}
	return r.finish(ctx, t, res, "kefu", text, ev)
}

// finish records and streams an answer kefu wrote itself.
func (r *Runner) finish(ctx context.Context, t Turn, res *Result, model, text string, ev Events) (Result, error) {
	if ev.Delta != nil {
		ev.Delta(text)
	}
	if err := r.logOf(t).Record(ctx, t.ConversationID, Step{Kind: StepAnswer, Text: text, Model: model}); err != nil {
		return *res, err
	}
	res.Reply, res.Model = text, model
	return *res, nil
}

func giveUpText(t Turn) string {
	if chinese(t) {
		return "抱歉，这个问题我没能处理好。需要我为您转接人工客服吗？"
	}
	return "I'm sorry, I couldn't sort that out. Would you like me to connect you with a person from our support team?"
}

// chinese reports whether to answer the turn in Chinese: the message's own
// script decides, the shopper's locale breaks ties.
func chinese(t Turn) bool {
	han, latin := 0, 0
	for _, r := range t.Text {
		switch {
		case unicode.Is(unicode.Han, r):
			han++
		case unicode.IsLetter(r):
			latin++
		}
	}
	if han == 0 && latin == 0 {
		return t.Identity.Locale == "zh"
	}
	return han*3 >= latin
}

// pendingAction returns the id of a change previewed in the bot's last
// answer, if the shopper's latest message is the reply to it.
func pendingAction(history []llms.MessageContent) string {
	i := len(history) - 1
	if i < 0 || history[i].Role != llms.ChatMessageTypeHuman {
		return ""
	}
	for i--; i >= 0; i-- {
		m := history[i]
		switch m.Role {
		case llms.ChatMessageTypeHuman:
			return ""
		case llms.ChatMessageTypeTool:
			for _, p := range m.Parts {
				tr, ok := p.(llms.ToolCallResponse)
				if !ok {
					continue
				}
				if out, err := tools.DecodeShared(tr.Name, tr.Content); err == nil {
					if p, ok := out.Data.(*tools.Pending); ok {
						return p.ActionID
					}
				}
			}
			return ""
		}
	}
	return ""
}

func (r *Runner) logger() *slog.Logger {
	if r.Logger != nil {
		return r.Logger
	}
	return slog.Default()
}
