package agents_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tmc/langchaingo/llms"

	"github.com/kefu-dev/kefu/agents"
	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/store/demo"
	"github.com/kefu-dev/kefu/tools"
)

// These tests run agents.Runner on the real openai provider (langchaingo's
// openai client) against a local server that speaks OpenAI's
// chat-completions wire protocol: JSON replies, and SSE chunk streams when
// the request says "stream": true.

const (
	hannahEmail   = "hannah.schmidt@example.com"
	fallbackReply = "This is the built-in assistant. Your order KF-10031 was delivered."
	// The openai provider's name in transcripts.
	openaiName = "openai:test-model"
)

// ---- the fake OpenAI server ----

// reply is one scripted answer of the fake server. It is rendered as a
// chat.completion JSON object, or as an SSE stream of chat.completion.chunk
// objects when the request asked for a stream.
type reply struct {
	Status int           // non-zero and not 200: an error reply with OpenAI's error body
	Delay  time.Duration // wait before answering (ends early if the client goes away)
	Text   []string      // the answer's text; each element is one streamed chunk
	Calls  []wireCall    // tool calls
	Usage  [2]int        // prompt and completion tokens
	// RepeatType repeats "type":"function" on every streamed argument
	// fragment, as some OpenAI-compatible servers do; RepeatID also
	// repeats the call's id.
	RepeatType, RepeatID bool
	// Stall streams Text and then neither finishes nor closes the stream
	// until the client goes away.
	Stall bool
}

// wireCall is a scripted tool call; Args are its arguments in the
// fragments a stream sends them in (joined for a JSON reply).
type wireCall struct {
	ID, Name string
	Args     []string
}

// wireRequest is a chat-completions request as the server decodes it.
type wireRequest struct {
	Model         string        `json:"model"`
	Messages      []wireMessage `json:"messages"`
	Stream        bool          `json:"stream"`
	StreamOptions *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
	Tools []struct {
		Type     string `json:"type"`
		Function struct {
			Name       string          `json:"name"`
			Parameters json.RawMessage `json:"parameters"`
		} `json:"function"`
	} `json:"tools"`

	Auth string `json:"-"`
}

type wireMessage struct {
	Role       string          `json:"role"`
	Content    json.RawMessage `json:"content"`
	ToolCalls  []wireToolCall  `json:"tool_calls"`
	ToolCallID string          `json:"tool_call_id"`
}

type wireToolCall struct {
	ID       string `json:"id"`
	Type     string `json:"type"`
	Function struct {
		Name      string `json:"name"`
		Arguments string `json:"arguments"`
	} `json:"function"`
}

// text returns a message's content, which is a string or an array of
// parts.
func (m wireMessage) text() string {
	if len(m.Content) == 0 || string(m.Content) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(m.Content, &s) == nil {
		return s
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if err := json.Unmarshal(m.Content, &parts); err != nil {
		return string(m.Content)
	}
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(p.Text)
	}
	return b.String()
}

func (r wireRequest) toolNames() []string {
	var ns []string
	for _, t := range r.Tools {
		ns = append(ns, t.Function.Name)
	}
	return ns
}

// toolMessages returns the request's tool-result messages.
func (r wireRequest) toolMessages() []wireMessage {
	var out []wireMessage
	for _, m := range r.Messages {
		if m.Role == "tool" {
			out = append(out, m)
		}
	}
	return out
}

// validate checks what OpenAI itself rejects with a 400: tool calls
// without id or name, tool results that answer no call, calls left
// unanswered.
func (r wireRequest) validate() error {
	if r.Model != "test-model" {
		return fmt.Errorf("model %q, want test-model", r.Model)
	}
	if len(r.Messages) == 0 {
		return errors.New("messages is empty")
	}
	pending := map[string]bool{}
	for i, m := range r.Messages {
		if m.Role != "tool" && len(pending) > 0 {
			return fmt.Errorf("messages[%d]: an assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'", i)
		}
		switch m.Role {
		case "system", "user":
		case "assistant":
			for j, c := range m.ToolCalls {
				switch {
				case c.ID == "":
					return fmt.Errorf("messages[%d].tool_calls[%d].id is empty", i, j)
				case c.Type != "function":
					return fmt.Errorf("messages[%d].tool_calls[%d].type is %q", i, j, c.Type)
				case c.Function.Name == "":
					return fmt.Errorf("messages[%d].tool_calls[%d].function.name is empty", i, j)
				}
				pending[c.ID] = true
			}
		case "tool":
			if !pending[m.ToolCallID] {
				return fmt.Errorf("messages[%d]: tool message with tool_call_id %q answers no preceding tool call", i, m.ToolCallID)
			}
			delete(pending, m.ToolCallID)
		default:
			return fmt.Errorf("messages[%d]: unknown role %q", i, m.Role)
		}
	}
	if len(pending) > 0 {
		return errors.New("tool calls without responses at the end of messages")
	}
	return nil
}

// fakeOpenAI is a scripted chat-completions server that records the
// requests it receives.
type fakeOpenAI struct {
	t   *testing.T
	srv *httptest.Server

	mu     sync.Mutex
	queue  []reply
	always func(n int) reply // answers once the queue is empty; n counts requests from 1
	reqs   []wireRequest
}

func newFakeOpenAI(t *testing.T, replies ...reply) *fakeOpenAI {
	f := &fakeOpenAI{t: t, queue: replies}
	f.srv = httptest.NewServer(http.HandlerFunc(f.handle))
	return f
}

func (f *fakeOpenAI) requests() []wireRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.reqs)
}

func (f *fakeOpenAI) handle(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
		f.t.Errorf("fake openai: unexpected %s %s", r.Method, r.URL.Path)
		http.NotFound(w, r)
		return
	}
	var req wireRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		f.t.Errorf("fake openai: decode request: %v", err)
		writeError(w, http.StatusBadRequest, "We could not parse the JSON body of your request.")
		return
	}
	req.Auth = r.Header.Get("Authorization")

	f.mu.Lock()
	f.reqs = append(f.reqs, req)
	n := len(f.reqs)
	var rep reply
	var ok bool
	switch {
	case len(f.queue) > 0:
		rep, f.queue, ok = f.queue[0], f.queue[1:], true
	case f.always != nil:
		rep, ok = f.always(n), true
	}
	f.mu.Unlock()

	if err := req.validate(); err != nil {
		f.t.Errorf("fake openai: request %d is one OpenAI would reject: %v", n, err)
		writeError(w, http.StatusBadRequest, "Invalid parameter: "+err.Error())
		return
	}
	if !ok {
		f.t.Errorf("fake openai: unscripted request %d", n)
		writeError(w, http.StatusInternalServerError, "unscripted request")
		return
	}
	if rep.Delay > 0 {
		select {
		case <-time.After(rep.Delay):
		case <-r.Context().Done():
			return
		}
	}
	if rep.Status != 0 && rep.Status != http.StatusOK {
		writeError(w, rep.Status, "The server had an error while processing your request. Sorry about that!")
		return
	}
	if req.Stream {
		writeStream(w, r, req, rep)
		return
	}
	writeJSON(w, rep)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{
		"message": msg, "type": "server_error", "param": nil, "code": nil}})
}

func usageJSON(u [2]int) map[string]any {
	return map[string]any{"prompt_tokens": u[0], "completion_tokens": u[1], "total_tokens": u[0] + u[1]}
}

func writeJSON(w http.ResponseWriter, rep reply) {
	msg := map[string]any{"role": "assistant", "content": nil, "refusal": nil}
	finish := "stop"
	if len(rep.Text) > 0 {
		msg["content"] = strings.Join(rep.Text, "")
	}
	if len(rep.Calls) > 0 {
		var calls []any
		for _, c := range rep.Calls {
			calls = append(calls, map[string]any{"id": c.ID, "type": "function",
				"function": map[string]any{"name": c.Name, "arguments": strings.Join(c.Args, "")}})
		}
		msg["tool_calls"] = calls
		finish = "tool_calls"
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"id": "chatcmpl-test", "object": "chat.completion", "created": 1767225600, "model": "test-model",
		"choices": []any{map[string]any{"index": 0, "message": msg, "logprobs": nil, "finish_reason": finish}},
		"usage":   usageJSON(rep.Usage), "system_fingerprint": "fp_test",
	})
}

func writeStream(w http.ResponseWriter, r *http.Request, req wireRequest, rep reply) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	fl := w.(http.Flusher)
	send := func(v any) {
		b, _ := json.Marshal(v)
		fmt.Fprintf(w, "data: %s\n\n", b)
		fl.Flush()
	}
	chunk := func(delta map[string]any, finish any) map[string]any {
		return map[string]any{"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 1767225600,
			"model": "test-model", "system_fingerprint": "fp_test",
			"choices": []any{map[string]any{"index": 0, "delta": delta, "logprobs": nil, "finish_reason": finish}}}
	}
	if len(rep.Calls) > 0 {
		send(chunk(map[string]any{"role": "assistant", "content": nil}, nil))
		for i, c := range rep.Calls {
			send(chunk(map[string]any{"tool_calls": []any{map[string]any{"index": i, "id": c.ID, "type": "function",
				"function": map[string]any{"name": c.Name, "arguments": ""}}}}, nil))
			for _, frag := range c.Args {
				tc := map[string]any{"index": i, "function": map[string]any{"arguments": frag}}
				if rep.RepeatType {
					tc["type"] = "function"
				}
				if rep.RepeatID {
					tc["id"] = c.ID
				}
				send(chunk(map[string]any{"tool_calls": []any{tc}}, nil))
			}
		}
		send(chunk(map[string]any{}, "tool_calls"))
	} else {
		send(chunk(map[string]any{"role": "assistant", "content": ""}, nil))
		for _, t := range rep.Text {
			send(chunk(map[string]any{"content": t}, nil))
		}
		if rep.Stall {
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
			return
		}
		send(chunk(map[string]any{}, "stop"))
	}
	if req.StreamOptions != nil && req.StreamOptions.IncludeUsage {
		send(map[string]any{"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 1767225600,
			"model": "test-model", "choices": []any{}, "usage": usageJSON(rep.Usage)})
	}
	fmt.Fprint(w, "data: [DONE]\n\n")
	fl.Flush()
}

// ---- the fallback model ----

// cannedModel is a fallback model that always answers with one text.
type cannedModel struct {
	text string

	mu    sync.Mutex
	calls int
	seen  []llms.MessageContent
}

func (m *cannedModel) GenerateContent(ctx context.Context, msgs []llms.MessageContent, options ...llms.CallOption) (*llms.ContentResponse, error) {
	var o llms.CallOptions
	for _, opt := range options {
		opt(&o)
	}
	m.mu.Lock()
	m.calls++
	m.seen = msgs
	m.mu.Unlock()
	if o.StreamingFunc != nil {
		if err := o.StreamingFunc(ctx, []byte(m.text)); err != nil {
			return nil, err
		}
	}
	return &llms.ContentResponse{Choices: []*llms.ContentChoice{{Content: m.text, StopReason: "stop"}}}, nil
}

func (m *cannedModel) Call(ctx context.Context, prompt string, options ...llms.CallOption) (string, error) {
	return llms.GenerateFromSinglePrompt(ctx, m, prompt, options...)
}

func (m *cannedModel) used() (int, []llms.MessageContent) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.calls, m.seen
}

// ---- per-test environment ----

type env struct {
	t        *testing.T
	st       *store.Store
	ai       *fakeOpenAI
	fallback *cannedModel
	runner   *agents.Runner
	customer int64
	conv     string

	closeOnce sync.Once
}

// newEnv opens a demo shop, starts a fake OpenAI server with the given
// replies and builds a runner on the openai provider with a canned
// fallback, for a new conversation of Hannah's.
func newEnv(t *testing.T, replies ...reply) *env {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "kefu.db"), store.Options{})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	e := &env{t: t, st: st, ai: newFakeOpenAI(t, replies...), fallback: &cannedModel{text: fallbackReply}}
	t.Cleanup(e.close)
	if _, err := st.Import(ctx, demo.Dataset(time.Now())); err != nil {
		t.Fatalf("import demo: %v", err)
	}
	hannah, err := st.CustomerByEmail(ctx, hannahEmail)
	if err != nil {
		t.Fatalf("customer: %v", err)
	}
	conv, _, err := st.CreateConversation(ctx, hannah.ID, "en")
	if err != nil {
		t.Fatalf("conversation: %v", err)
	}
	e.customer, e.conv = hannah.ID, conv.ID

	model, ok, err := agents.NewProviderModel(agents.ProviderConfig{Kind: "openai", BaseURL: e.ai.srv.URL + "/v1",
		APIKey: "test-key", Model: "test-model"})
	if err != nil || !ok {
		t.Fatalf("NewProviderModel: ok %v, err %v", ok, err)
	}
	if model.Name != openaiName {
		t.Errorf("model name %q, want %q", model.Name, openaiName)
	}
	e.runner = &agents.Runner{
		Model:    model,
		Fallback: agents.Model{Model: e.fallback, Name: "fallback-test"},
		Tools:    tools.Default(st, tools.Policy{}),
		Log:      &agents.StoreLog{Store: st},
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	return e
}

// close stops the fake server and closes the store; safe to call twice.
func (e *env) close() {
	e.closeOnce.Do(func() {
		e.ai.srv.Close()
		if err := e.st.Close(); err != nil {
			e.t.Errorf("close store: %v", err)
		}
	})
}

// outcome is what a turn produced.
type outcome struct {
	res      agents.Result
	err      error
	deltas   []string
	activity []string
	resets   int
	elapsed  time.Duration
}

// turn stores the shopper's message and runs a turn on it, streaming when
// stream is set.
func (e *env) turn(text string, stream bool) outcome {
	e.t.Helper()
	ctx := context.Background()
	if _, err := e.st.AppendMessage(ctx, &store.Message{ConversationID: e.conv, Role: store.RoleUser, Text: text}); err != nil {
		e.t.Fatalf("append shopper message: %v", err)
	}
	var (
		mu sync.Mutex
		o  outcome
	)
	ev := agents.Events{Activity: func(tool string) {
		mu.Lock()
		o.activity = append(o.activity, tool)
		mu.Unlock()
	}}
	if stream {
		ev.Delta = func(s string) {
			mu.Lock()
			o.deltas = append(o.deltas, s)
			mu.Unlock()
		}
		// A reset voids what was streamed: the live view starts over.
		ev.Reset = func() {
			mu.Lock()
			o.deltas, o.resets = nil, o.resets+1
			mu.Unlock()
		}
	}
	start := time.Now()
	res, err := e.runner.Turn(ctx, agents.Turn{ConversationID: e.conv,
		Identity: tools.Identity{CustomerID: e.customer, ConversationID: e.conv, Locale: "en"}, Text: text}, ev)
	o.elapsed = time.Since(start)
	mu.Lock()
	defer mu.Unlock()
	o.res, o.err = res, err
	return o
}

func (e *env) messages() []store.Message {
	e.t.Helper()
	ms, err := e.st.Messages(context.Background(), e.conv, 0, 100)
	if err != nil {
		e.t.Fatalf("messages: %v", err)
	}
	return ms
}

// toolResult is a tool's result as the model receives it.
type toolResult struct {
	Status  string          `json:"status"`
	Message string          `json:"message"`
	Reason  string          `json:"reason"`
	Data    json.RawMessage `json:"data"`
}

func parseResult(t *testing.T, content string) toolResult {
	t.Helper()
	var r toolResult
	if err := json.Unmarshal([]byte(content), &r); err != nil {
		t.Fatalf("tool result %q is not JSON: %v", content, err)
	}
	return r
}

// onlyToolMessage returns the single tool message of request i.
func onlyToolMessage(t *testing.T, reqs []wireRequest, i int) wireMessage {
	t.Helper()
	if len(reqs) <= i {
		t.Fatalf("server got %d requests, want at least %d", len(reqs), i+1)
	}
	tms := reqs[i].toolMessages()
	if len(tms) != 1 {
		t.Fatalf("request %d has %d tool messages, want 1: %+v", i+1, len(tms), reqs[i].Messages)
	}
	return tms[0]
}

// lastAssistantCalls returns the tool calls of the last assistant message of
// request i.
func lastAssistantCalls(t *testing.T, req wireRequest) []wireToolCall {
	t.Helper()
	for i := len(req.Messages) - 1; i >= 0; i-- {
		if m := req.Messages[i]; m.Role == "assistant" && len(m.ToolCalls) > 0 {
			return m.ToolCalls
		}
	}
	t.Fatalf("request has no assistant tool calls: %+v", req.Messages)
	return nil
}

// jsonStrings returns every string in a JSON document, keys excepted.
func jsonStrings(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("stored JSON %q: %v", raw, err)
	}
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			out = append(out, v)
		case []any:
			for _, e := range v {
				walk(e)
			}
		case map[string]any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}

func containsAll(have []string, want ...string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

func lookupCall(id string, args ...string) wireCall {
	return wireCall{ID: id, Name: "lookup_order", Args: args}
}

const answerKF10031 = "Your order KF-10031 was delivered 5 days ago. You can return it within 30 days."

// ---- tests ----

// 1. A full tool round trip with JSON replies.
func TestOpenAIToolRoundTrip(t *testing.T) {
	e := newEnv(t,
		reply{Delay: 20 * time.Millisecond, Calls: []wireCall{lookupCall("call_abc123", `{"order_number": "KF-10031"}`)}, Usage: [2]int{812, 23}},
		reply{Delay: 20 * time.Millisecond, Text: []string{answerKF10031}, Usage: [2]int{1034, 31}},
	)
	const question = "Where is my order KF-10031?"
	o := e.turn(question, false)
	if o.err != nil {
		t.Fatalf("Turn: %v", o.err)
	}

	reqs := e.ai.requests()
	if len(reqs) != 2 {
		t.Fatalf("server got %d requests, want 2", len(reqs))
	}
	first := reqs[0]
	if first.Stream {
		t.Error("first request asked for a stream without Events.Delta")
	}
	if first.Auth != "Bearer test-key" {
		t.Errorf("Authorization %q, want Bearer test-key", first.Auth)
	}
	if names := first.toolNames(); !slices.Contains(names, "lookup_order") || len(names) != len(e.runner.Tools.Names()) {
		t.Errorf("tools sent %v, want all of %v", names, e.runner.Tools.Names())
	}
	for _, tl := range first.Tools {
		if tl.Type != "function" || len(tl.Function.Parameters) == 0 {
			t.Errorf("tool %q sent as type %q with parameters %s", tl.Function.Name, tl.Type, tl.Function.Parameters)
		}
	}
	if len(first.Messages) != 2 || first.Messages[0].Role != "system" || first.Messages[1].Role != "user" || first.Messages[1].text() != question {
		t.Errorf("first request messages %+v, want system prompt and the shopper's message", first.Messages)
	}
	if sys := first.Messages[0].text(); !strings.Contains(sys, "signed in") {
		t.Errorf("system prompt does not say the shopper is signed in: %q", sys)
	}

	second := reqs[1]
	if len(second.Tools) == 0 {
		t.Error("second request sent no tools")
	}
	calls := lastAssistantCalls(t, second)
	if len(calls) != 1 || calls[0].ID != "call_abc123" || calls[0].Function.Name != "lookup_order" ||
		calls[0].Function.Arguments != `{"order_number": "KF-10031"}` {
		t.Errorf("second request replays tool calls %+v", calls)
	}
	tm := onlyToolMessage(t, reqs, 1)
	if tm.ToolCallID != "call_abc123" {
		t.Errorf("tool message answers %q, want call_abc123", tm.ToolCallID)
	}
	content := tm.text()
	if !strings.Contains(content, "KF-10031") || !strings.Contains(content, `"delivered"`) {
		t.Errorf("tool result does not describe KF-10031 as delivered: %s", content)
	}
	if r := parseResult(t, content); r.Status != tools.StatusOK {
		t.Errorf("tool result status %q, want ok", r.Status)
	}

	res := o.res
	if res.Reply != answerKF10031 || res.Model != openaiName || res.Steps != 2 || res.Fallback || res.Handoff {
		t.Errorf("result %+v", res)
	}
	if len(res.Calls) != 1 || res.Calls[0].Name != "lookup_order" || res.Calls[0].Status != tools.StatusOK ||
		res.Calls[0].Arguments != `{"order_number": "KF-10031"}` || res.Calls[0].Result != content {
		t.Errorf("result calls %+v", res.Calls)
	}
	if !slices.Equal(o.activity, []string{"lookup_order"}) {
		t.Errorf("activity %v, want [lookup_order]", o.activity)
	}

	ms := e.messages()
	if len(ms) != 4 {
		t.Fatalf("stored %d messages, want 4: %+v", len(ms), ms)
	}
	if ms[0].Role != store.RoleUser || ms[0].Text != question {
		t.Errorf("message 1: %+v", ms[0])
	}
	m := ms[1]
	if m.Role != store.RoleAssistant || m.Model != openaiName || m.TokensIn != 812 || m.TokensOut != 23 || m.LatencyMS < 20 {
		t.Errorf("tool-call message: role %q model %q tokens %d/%d latency %dms", m.Role, m.Model, m.TokensIn, m.TokensOut, m.LatencyMS)
	}
	// The stored shape is StoreLog's business; what it must keep is the
	// call's id, name and exact arguments, and the result's call id, tool
	// name and content. (A later turn replays them: see
	// TestOpenAISecondTurnReplaysToolCalls.)
	if got := jsonStrings(t, m.ToolCalls); !containsAll(got, "call_abc123", "lookup_order", `{"order_number": "KF-10031"}`) {
		t.Errorf("stored tool calls %s lack the call's id, name or arguments", m.ToolCalls)
	}
	m = ms[2]
	if m.Role != store.RoleTool || m.Author != "lookup_order" || !containsAll(jsonStrings(t, m.ToolResult), "call_abc123", "lookup_order", content) {
		t.Errorf("tool message: role %q author %q result %s", m.Role, m.Author, m.ToolResult)
	}
	m = ms[3]
	if m.Role != store.RoleAssistant || m.Text != answerKF10031 || m.Model != openaiName || m.TokensIn != 1034 ||
		m.TokensOut != 31 || m.LatencyMS < 20 || len(m.ToolCalls) != 0 {
		t.Errorf("answer message: %+v", m)
	}
}

// 2. The same round trip, streamed.
func TestOpenAIStreamedRoundTrip(t *testing.T) {
	chunks := []string{"Your order ", "KF-10031 was ", "delivered 5 days ago", ". You can return it within 30 days."}
	e := newEnv(t,
		reply{Calls: []wireCall{lookupCall("call_s1", `{"ord`, `er_number`, `": "KF-`, `10031"}`)}, Usage: [2]int{800, 20}},
		reply{Text: chunks, Usage: [2]int{1000, 30}},
	)
	o := e.turn("Where is KF-10031?", true)
	if o.err != nil {
		t.Fatalf("Turn: %v", o.err)
	}
	want := strings.Join(chunks, "")
	if !slices.Equal(o.deltas, chunks) {
		t.Errorf("deltas %q, want %q", o.deltas, chunks)
	}
	for _, d := range o.deltas {
		if d == "" || strings.Contains(d, "tool_calls") || strings.Contains(d, "arguments") || strings.Contains(d, "{") ||
			strings.Contains(d, "order_number") || strings.Contains(d, "lookup_order") {
			t.Errorf("delta %q is not shopper text", d)
		}
	}
	if o.res.Reply != want || o.res.Model != openaiName || o.res.Steps != 2 || o.res.Fallback {
		t.Errorf("result %+v", o.res)
	}
	if len(o.res.Calls) != 1 || o.res.Calls[0].Arguments != `{"order_number": "KF-10031"}` || o.res.Calls[0].Status != tools.StatusOK {
		t.Errorf("calls %+v", o.res.Calls)
	}

	reqs := e.ai.requests()
	if len(reqs) != 2 {
		t.Fatalf("server got %d requests, want 2", len(reqs))
	}
	for i, r := range reqs {
		if !r.Stream || r.StreamOptions == nil || !r.StreamOptions.IncludeUsage || len(r.Tools) == 0 {
			t.Errorf("request %d: stream %v, stream_options %+v, %d tools", i+1, r.Stream, r.StreamOptions, len(r.Tools))
		}
	}
	calls := lastAssistantCalls(t, reqs[1])
	if len(calls) != 1 || calls[0].ID != "call_s1" || calls[0].Function.Arguments != `{"order_number": "KF-10031"}` {
		t.Errorf("second request replays tool calls %+v", calls)
	}
	tm := onlyToolMessage(t, reqs, 1)
	if tm.ToolCallID != "call_s1" || !strings.Contains(tm.text(), "KF-10031") || !strings.Contains(tm.text(), `"delivered"`) {
		t.Errorf("tool message %q: %s", tm.ToolCallID, tm.text())
	}

	ms := e.messages()
	if len(ms) != 4 {
		t.Fatalf("stored %d messages, want 4", len(ms))
	}
	if ms[1].TokensIn != 800 || ms[1].TokensOut != 20 || ms[3].TokensIn != 1000 || ms[3].TokensOut != 30 {
		t.Errorf("streamed usage not recorded: %d/%d, %d/%d", ms[1].TokensIn, ms[1].TokensOut, ms[3].TokensIn, ms[3].TokensOut)
	}
	if ms[3].Text != want || ms[3].Model != openaiName {
		t.Errorf("answer message %+v", ms[3])
	}
}

// 3. A server that repeats "type":"function" on every argument fragment:
// langchaingo makes one call per fragment; the runner must run one call.
func TestOpenAIRepeatedTypeFragments(t *testing.T) {
	for _, tc := range []struct {
		name     string
		repeatID bool
	}{{"type only", false}, {"type and id", true}} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t,
				reply{Calls: []wireCall{lookupCall("call_q1", `{"order_`, `number": `, `"KF-10031"`, `}`)}, RepeatType: true, RepeatID: tc.repeatID},
				reply{Text: []string{"Your order ", "was delivered."}},
			)
			o := e.turn("Where is KF-10031?", true)
			if o.err != nil {
				t.Fatalf("Turn: %v", o.err)
			}
			if len(o.res.Calls) != 1 {
				t.Fatalf("ran %d tool calls, want 1: %+v", len(o.res.Calls), o.res.Calls)
			}
			c := o.res.Calls[0]
			if c.Name != "lookup_order" || c.Arguments != `{"order_number": "KF-10031"}` || c.Status != tools.StatusOK {
				t.Errorf("call %+v", c)
			}
			if !slices.Equal(o.activity, []string{"lookup_order"}) {
				t.Errorf("activity %v", o.activity)
			}
			reqs := e.ai.requests()
			if len(reqs) != 2 {
				t.Fatalf("server got %d requests, want 2", len(reqs))
			}
			calls := lastAssistantCalls(t, reqs[1])
			if len(calls) != 1 || calls[0].ID != "call_q1" || calls[0].Function.Name != "lookup_order" ||
				calls[0].Function.Arguments != `{"order_number": "KF-10031"}` {
				t.Errorf("second request replays tool calls %+v", calls)
			}
			tm := onlyToolMessage(t, reqs, 1)
			if tm.ToolCallID != "call_q1" || parseResult(t, tm.text()).Status != tools.StatusOK || !strings.Contains(tm.text(), "KF-10031") {
				t.Errorf("tool message %q: %s", tm.ToolCallID, tm.text())
			}
			if o.res.Reply != "Your order was delivered." || strings.Join(o.deltas, "") != "Your order was delivered." {
				t.Errorf("reply %q, deltas %q", o.res.Reply, o.deltas)
			}
		})
	}
}

// 4. Malformed arguments JSON goes back to the model as invalid_arguments.
func TestOpenAIMalformedArguments(t *testing.T) {
	const answer = "Could you tell me your order number again?"
	e := newEnv(t,
		reply{Calls: []wireCall{lookupCall("call_bad", `{"order_number": "KF-10031"`)}},
		reply{Text: []string{answer}},
	)
	o := e.turn("Where is KF-10031?", false)
	if o.err != nil {
		t.Fatalf("Turn: %v", o.err)
	}
	reqs := e.ai.requests()
	tm := onlyToolMessage(t, reqs, 1)
	r := parseResult(t, tm.text())
	if tm.ToolCallID != "call_bad" || r.Status != tools.StatusInvalidArguments || !strings.Contains(r.Message, "not valid JSON") {
		t.Errorf("tool message %q: %s", tm.ToolCallID, tm.text())
	}
	if strings.Contains(tm.text(), "Harbor") {
		t.Errorf("order looked up despite invalid arguments: %s", tm.text())
	}
	if len(o.res.Calls) != 1 || o.res.Calls[0].Status != tools.StatusInvalidArguments {
		t.Errorf("calls %+v", o.res.Calls)
	}
	if o.res.Reply != answer || o.res.Model != openaiName || o.res.Steps != 2 || o.res.Fallback {
		t.Errorf("result %+v", o.res)
	}
	if len(reqs) != 2 {
		t.Errorf("server got %d requests, want 2", len(reqs))
	}
}

// 5. An unknown tool name goes back to the model as a result.
func TestOpenAIUnknownTool(t *testing.T) {
	const answer = "I can't issue refunds myself, but I can connect you with a person."
	e := newEnv(t,
		reply{Calls: []wireCall{{ID: "call_x", Name: "refund_everything", Args: []string{`{"order_number":"KF-10031"}`}}}},
		reply{Text: []string{answer}},
	)
	o := e.turn("Refund my order KF-10031 now!", false)
	if o.err != nil {
		t.Fatalf("Turn: %v", o.err)
	}
	tm := onlyToolMessage(t, e.ai.requests(), 1)
	r := parseResult(t, tm.text())
	if tm.ToolCallID != "call_x" || r.Status != tools.StatusInvalidArguments || !strings.Contains(r.Message, `there is no tool "refund_everything"`) ||
		!strings.Contains(r.Message, "lookup_order") {
		t.Errorf("tool message %q: %s", tm.ToolCallID, tm.text())
	}
	if len(o.res.Calls) != 1 || o.res.Calls[0].Name != "refund_everything" || o.res.Calls[0].Status != tools.StatusInvalidArguments {
		t.Errorf("calls %+v", o.res.Calls)
	}
	if o.res.Reply != answer || o.res.Model != openaiName || o.res.Handoff {
		t.Errorf("result %+v", o.res)
	}
}

// 6. An HTTP 500 falls back to the fallback model, with a notice.
func TestOpenAIServerErrorFallsBack(t *testing.T) {
	e := newEnv(t, reply{Status: http.StatusInternalServerError})
	const question = "Where is my order KF-10031?"
	o := e.turn(question, false)
	if o.err != nil {
		t.Fatalf("Turn: %v", o.err)
	}
	if !o.res.Fallback || o.res.Reply != fallbackReply || o.res.Model != "fallback-test" || o.res.Steps != 2 {
		t.Errorf("result %+v", o.res)
	}
	if n := len(e.ai.requests()); n != 1 {
		t.Errorf("server got %d requests, want 1", n)
	}
	calls, seen := e.fallback.used()
	if calls != 1 {
		t.Fatalf("fallback called %d times, want 1", calls)
	}
	if last := seen[len(seen)-1]; last.Role != llms.ChatMessageTypeHuman || len(last.Parts) != 1 || last.Parts[0] != llms.TextPart(question) {
		t.Errorf("fallback's last message %+v, want the shopper's", last)
	}

	ms := e.messages()
	if len(ms) != 3 {
		t.Fatalf("stored %d messages, want user, notice, answer: %+v", len(ms), ms)
	}
	n := ms[1]
	if n.Role != store.RoleSystem || !strings.Contains(n.Text, openaiName) || !strings.Contains(n.Text, "fallback-test") ||
		!strings.Contains(n.Text, "500") {
		t.Errorf("notice %+v", n)
	}
	if a := ms[2]; a.Role != store.RoleAssistant || a.Text != fallbackReply || a.Model != "fallback-test" {
		t.Errorf("answer %+v", a)
	}
}

// 7. A model that does not answer in time falls back quickly.
func TestOpenAITimeoutFallsBack(t *testing.T) {
	const sleep = 3 * time.Second
	for _, tc := range []struct {
		name   string
		stream bool
		rep    reply
	}{
		{"json", false, reply{Delay: sleep, Text: []string{"too late"}}},
		// The stream starts, then stalls: the openai provider may return
		// the truncated text with a nil error; it must not become the
		// answer.
		{"stalled stream", true, reply{Text: []string{"Let me ", "check"}, Stall: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.rep)
			e.runner.ModelTimeout = 300 * time.Millisecond
			o := e.turn("Where is my order KF-10031?", tc.stream)
			if o.err != nil {
				t.Fatalf("Turn: %v", o.err)
			}
			if o.elapsed > 1500*time.Millisecond {
				t.Errorf("turn took %s with a 300ms model timeout", o.elapsed)
			}
			if !o.res.Fallback || o.res.Reply != fallbackReply || o.res.Model != "fallback-test" {
				t.Errorf("result %+v", o.res)
			}
			// The stalled model's partial text is voided, so the shopper's
			// live view shows only the fallback's answer.
			if tc.stream && (o.resets != 1 || strings.Join(o.deltas, "") != fallbackReply) {
				t.Errorf("resets %d, live text %q, want 1 and %q", o.resets, strings.Join(o.deltas, ""), fallbackReply)
			}
			ms := e.messages()
			var notice *store.Message
			for i := range ms {
				if ms[i].Role == store.RoleSystem {
					notice = &ms[i]
				}
			}
			if notice == nil || !strings.Contains(notice.Text, "did not answer in time") || !strings.Contains(notice.Text, "fallback-test") {
				t.Errorf("notice %+v", notice)
			}
			if last := ms[len(ms)-1]; last.Text != fallbackReply || last.Model != "fallback-test" {
				t.Errorf("last message %+v", last)
			}
		})
	}
}

// 8. A model that calls tools for ever is stopped after MaxSteps.
func TestOpenAIEndlessToolLoop(t *testing.T) {
	e := newEnv(t)
	e.ai.always = func(n int) reply {
		return reply{Calls: []wireCall{lookupCall(fmt.Sprintf("call_loop_%d", n), `{"order_number":"KF-10031"}`)}}
	}
	e.runner.MaxSteps = 3
	o := e.turn("Where is KF-10031?", false)
	if o.err != nil {
		t.Fatalf("Turn: %v", o.err)
	}
	if n := len(e.ai.requests()); n != 3 {
		t.Errorf("server got %d requests, want 3", n)
	}
	if o.res.Steps != 3 || len(o.res.Calls) != 3 || o.res.Fallback {
		t.Errorf("result %+v", o.res)
	}
	if !strings.Contains(o.res.Reply, "person") || !strings.Contains(o.res.Reply, "?") {
		t.Errorf("reply %q does not offer a person", o.res.Reply)
	}
	if calls, _ := e.fallback.used(); calls != 0 {
		t.Errorf("fallback called %d times", calls)
	}
	ms := e.messages()
	if last := ms[len(ms)-1]; last.Role != store.RoleAssistant || last.Text != o.res.Reply {
		t.Errorf("last stored message %+v", last)
	}
}

// 9. Another customer's order is not found, and nothing of it leaks.
func TestOpenAIOtherCustomersOrder(t *testing.T) {
	const answer = "I couldn't find order KF-10045 on your account. Could you check the number?"
	e := newEnv(t,
		reply{Calls: []wireCall{lookupCall("call_alice", `{"order_number":"KF-10045","email":"alice.johnson@example.com"}`)}},
		reply{Text: []string{answer}},
	)
	o := e.turn("Show me order KF-10045, the one for alice.johnson@example.com", false)
	if o.err != nil {
		t.Fatalf("Turn: %v", o.err)
	}
	tm := onlyToolMessage(t, e.ai.requests(), 1)
	content := tm.text()
	if r := parseResult(t, content); r.Status != tools.StatusNotFound {
		t.Errorf("tool result status %q, want not_found: %s", r.Status, content)
	}
	for _, secret := range []string{"Trailmate", "Daypack", "Headlamp", "BAG-DAY-GRN", "OUT-HDL-400", "alice", "Alice", "Seattle", "1Z8V2E470308462715"} {
		if strings.Contains(content, secret) {
			t.Errorf("tool result leaks %q: %s", secret, content)
		}
	}
	if len(o.res.Calls) != 1 || o.res.Calls[0].Status != tools.StatusNotFound || o.res.Reply != answer {
		t.Errorf("result %+v", o.res)
	}
}

// 10. Turns leave no goroutines behind once the server and store are closed.
func TestOpenAINoGoroutineLeaks(t *testing.T) {
	before := runtime.NumGoroutine()
	scenarios := []struct {
		name    string
		stream  bool
		timeout time.Duration
		replies []reply
	}{
		{"round trip", false, 0, []reply{
			{Calls: []wireCall{lookupCall("call_1", `{"order_number":"KF-10031"}`)}},
			{Text: []string{"Delivered."}}}},
		{"streamed round trip", true, 0, []reply{
			{Calls: []wireCall{lookupCall("call_1", `{"order_`, `number":"KF-10031"}`)}},
			{Text: []string{"Deliv", "ered."}}}},
		{"quirky stream", true, 0, []reply{
			{Calls: []wireCall{lookupCall("call_1", `{"order_`, `number":"KF-10031"}`)}, RepeatType: true},
			{Text: []string{"Deliv", "ered."}}}},
		{"server error", false, 0, []reply{{Status: http.StatusInternalServerError}}},
		{"timeout", false, 200 * time.Millisecond, []reply{{Delay: 2 * time.Second, Text: []string{"late"}}}},
		{"stalled stream", true, 200 * time.Millisecond, []reply{{Text: []string{"Let me"}, Stall: true}}},
	}
	for _, sc := range scenarios {
		e := newEnv(t, sc.replies...)
		e.runner.ModelTimeout = sc.timeout
		o := e.turn("Where is KF-10031?", sc.stream)
		if o.err != nil || o.res.Reply == "" {
			t.Errorf("%s: reply %q, err %v", sc.name, o.res.Reply, o.err)
		}
		e.close()
	}
	deadline := time.Now().Add(2 * time.Second)
	after := runtime.NumGoroutine()
	for after > before+2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		after = runtime.NumGoroutine()
	}
	if after > before+2 {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		t.Errorf("%d goroutines before, %d after:\n%s", before, after, buf)
	}
}

// A later turn of the same conversation replays the earlier tool call,
// from the store, exactly as the model made it.
func TestOpenAISecondTurnReplaysToolCalls(t *testing.T) {
	e := newEnv(t,
		reply{Calls: []wireCall{lookupCall("call_t1", `{"order_number":"KF-10031"}`)}},
		reply{Text: []string{answerKF10031}},
		reply{Text: []string{"Yes, you can return the jacket until the date shown."}},
	)
	if o := e.turn("Where is KF-10031?", false); o.err != nil || o.res.Reply != answerKF10031 {
		t.Fatalf("first turn: %+v, %v", o.res, o.err)
	}
	o := e.turn("Can I still return the jacket?", false)
	if o.err != nil {
		t.Fatalf("second turn: %v", o.err)
	}
	reqs := e.ai.requests()
	if len(reqs) != 3 {
		t.Fatalf("server got %d requests, want 3", len(reqs))
	}
	var roles []string
	for _, m := range reqs[2].Messages {
		roles = append(roles, m.Role)
	}
	if want := []string{"system", "user", "assistant", "tool", "assistant", "user"}; !slices.Equal(roles, want) {
		t.Errorf("second turn sends roles %v, want %v", roles, want)
	}
	calls := lastAssistantCalls(t, reqs[2])
	if len(calls) != 1 || calls[0].ID != "call_t1" || calls[0].Function.Name != "lookup_order" ||
		calls[0].Function.Arguments != `{"order_number":"KF-10031"}` {
		t.Errorf("second turn replays the first turn's tool call as %+v", calls)
	}
	if o.res.Fallback || o.res.Model != openaiName {
		t.Errorf("second turn result %+v", o.res)
	}
}
