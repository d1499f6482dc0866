package agents_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/agents"
	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/store/demo"
	"github.com/kefu-dev/kefu/tools"
)

// A local server that speaks Anthropic's Messages API as documented: POST
// /v1/messages with x-api-key and anthropic-version headers; a message
// object with text and tool_use content blocks, or, when the request says
// "stream": true, server-sent events (message_start, content_block_start,
// content_block_delta with text_delta or input_json_delta,
// content_block_stop, message_delta, message_stop, ping); errors as
// {"type":"error","error":{"type":...,"message":...}}. It refuses, with
// invalid_request_error as the real API does, a request whose tool_result
// answers no tool_use of the assistant turn before it (and the reverse),
// an empty text block, or a conversation that does not open with the user.

const anthropicName = "anthropic:claude-test"

// anthReply is one scripted answer.
type anthReply struct {
	Status     int    // non-zero and not 200: an error reply
	ErrType    string // its error type: overloaded_error, rate_limit_error, invalid_request_error
	RetryAfter string // its retry-after header
	Text       []string
	Calls      []wireCall // tool_use blocks; Args are the input_json_delta fragments
	Usage      [2]int
	// StreamError sends an error event after the text instead of the end.
	StreamError string
	// Raw is written as the whole body (a malformed stream or message).
	Raw string
	// Truncate ends the stream before message_stop, as a dropped
	// connection does.
	Truncate bool
	// Stall sends the text and then nothing until the client goes away.
	Stall bool
}

// anthBlock is a content block of a request message.
type anthBlock struct {
	Type      string          `json:"type"`
	Text      string          `json:"text"`
	ID        string          `json:"id"`
	Name      string          `json:"name"`
	Input     json.RawMessage `json:"input"`
	ToolUseID string          `json:"tool_use_id"`
	Content   json.RawMessage `json:"content"`
}

type anthMessage struct {
	Role    string      `json:"role"`
	Content []anthBlock `json:"content"`
}

type anthRequest struct {
	Model     string        `json:"model"`
	System    string        `json:"system"`
	MaxTokens int           `json:"max_tokens"`
	Stream    bool          `json:"stream"`
	Messages  []anthMessage `json:"messages"`
	Tools     []struct {
		Name        string          `json:"name"`
		InputSchema json.RawMessage `json:"input_schema"`
	} `json:"tools"`
	APIKey, Version string `json:"-"`
}

// turns joins consecutive messages of one role, as the API does.
func (r anthRequest) turns() []anthMessage {
	var out []anthMessage
	for _, m := range r.Messages {
		if n := len(out); n > 0 && out[n-1].Role == m.Role {
			out[n-1].Content = append(slices.Clone(out[n-1].Content), m.Content...)
			continue
		}
		out = append(out, m)
	}
	return out
}

// validate refuses what the real API refuses.
func (r anthRequest) validate() error {
	switch {
	case r.APIKey == "":
		return fmt.Errorf("x-api-key header is required")
	case r.Version != "2023-06-01":
		return fmt.Errorf("anthropic-version header %q", r.Version)
	case r.Model == "" || r.MaxTokens <= 0:
		return fmt.Errorf("model and max_tokens are required")
	}
	for _, tl := range r.Tools {
		var s struct{ Type string }
		if json.Unmarshal(tl.InputSchema, &s) != nil || s.Type != "object" {
			return fmt.Errorf("tools: %s: input_schema: type must be object", tl.Name)
		}
	}
	turns := r.turns()
	if len(turns) == 0 || turns[0].Role != "user" {
		return fmt.Errorf("messages: first message must use the \"user\" role")
	}
	for i, m := range turns {
		var uses []string
		if i > 0 && turns[i-1].Role == "assistant" {
			for _, b := range turns[i-1].Content {
				if b.Type == "tool_use" {
					uses = append(uses, b.ID)
				}
			}
		}
		var results []string
		for _, b := range m.Content {
			switch b.Type {
			case "text":
				if strings.TrimSpace(b.Text) == "" {
					return fmt.Errorf("messages.%d: text content blocks must be non-empty", i)
				}
			case "tool_use":
				var in map[string]any
				if m.Role != "assistant" || b.ID == "" || json.Unmarshal(b.Input, &in) != nil || in == nil {
					return fmt.Errorf("messages.%d: bad tool_use block", i)
				}
			case "tool_result":
				results = append(results, b.ToolUseID)
			}
		}
		for _, id := range results {
			if !slices.Contains(uses, id) {
				return fmt.Errorf("messages.%d: unexpected `tool_use_id` found in `tool_result` blocks: %s. Each `tool_result` block must have a corresponding `tool_use` block in the previous message", i, id)
			}
		}
		if m.Role == "user" && len(uses) > 0 {
			for _, id := range uses {
				if !slices.Contains(results, id) {
					return fmt.Errorf("messages.%d: `tool_use` ids were found without `tool_result` blocks immediately after: %s", i, id)
				}
			}
		}
	}
	return nil
}

// fakeAnthropic is the scripted server; it records the requests.
type fakeAnthropic struct {
	t   *testing.T
	srv *httptest.Server

	mu    sync.Mutex
	queue []anthReply
	reqs  []anthRequest
}

func newFakeAnthropic(t *testing.T, replies ...anthReply) *fakeAnthropic {
	f := &fakeAnthropic{t: t, queue: replies}
	f.srv = httptest.NewServer(http.HandlerFunc(f.handle))
	return f
}

func (f *fakeAnthropic) requests() []anthRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.reqs)
}

func (f *fakeAnthropic) handle(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/messages" {
		f.t.Errorf("fake anthropic: unexpected %s %s", r.Method, r.URL.Path)
		anthError(w, http.StatusNotFound, "not_found_error", "Not found", "")
		return
	}
	var req anthRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		anthError(w, http.StatusBadRequest, "invalid_request_error", "invalid JSON body", "")
		return
	}
	req.APIKey, req.Version = r.Header.Get("x-api-key"), r.Header.Get("anthropic-version")
	f.mu.Lock()
	f.reqs = append(f.reqs, req)
	var rep anthReply
	if len(f.queue) > 0 {
		rep, f.queue = f.queue[0], f.queue[1:]
	} else {
		rep = anthReply{Status: http.StatusInternalServerError, ErrType: "api_error", Raw: "no reply scripted"}
	}
	f.mu.Unlock()
	if err := req.validate(); err != nil {
		anthError(w, http.StatusBadRequest, "invalid_request_error", err.Error(), "")
		return
	}
	switch {
	case rep.Status != 0 && rep.Status != http.StatusOK:
		anthError(w, rep.Status, rep.ErrType, "scripted "+rep.ErrType, rep.RetryAfter)
	case rep.Raw != "":
		if req.Stream {
			w.Header().Set("Content-Type", "text/event-stream")
		}
		io.WriteString(w, rep.Raw)
	case req.Stream:
		anthStream(w, r, rep)
	default:
		anthJSON(w, rep)
	}
}

func anthError(w http.ResponseWriter, status int, typ, msg, retryAfter string) {
	w.Header().Set("Content-Type", "application/json")
	if retryAfter != "" {
		w.Header().Set("retry-after", retryAfter)
	}
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"type": "error", "error": map[string]any{"type": typ, "message": msg}})
}

func stopReason(rep anthReply) string {
	if len(rep.Calls) > 0 {
		return "tool_use"
	}
	return "end_turn"
}

func anthJSON(w http.ResponseWriter, rep anthReply) {
	var content []any
	if len(rep.Text) > 0 {
		content = append(content, map[string]any{"type": "text", "text": strings.Join(rep.Text, "")})
	}
	for _, c := range rep.Calls {
		content = append(content, map[string]any{"type": "tool_use", "id": c.ID, "name": c.Name,
			"input": json.RawMessage(strings.Join(c.Args, ""))})
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"id": "msg_01test", "type": "message", "role": "assistant",
		"model": "claude-test", "content": content, "stop_reason": stopReason(rep), "stop_sequence": nil,
		"usage": map[string]any{"input_tokens": rep.Usage[0], "output_tokens": rep.Usage[1]}})
}

func anthStream(w http.ResponseWriter, r *http.Request, rep anthReply) {
	w.Header().Set("Content-Type", "text/event-stream")
	fl := w.(http.Flusher)
	send := func(event string, data map[string]any) {
		b, _ := json.Marshal(data)
		fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b)
		fl.Flush()
	}
	send("message_start", map[string]any{"type": "message_start", "message": map[string]any{"id": "msg_01test",
		"type": "message", "role": "assistant", "content": []any{}, "model": "claude-test", "stop_reason": nil,
		"stop_sequence": nil, "usage": map[string]any{"input_tokens": rep.Usage[0], "output_tokens": 1}}})
	index := 0
	if len(rep.Text) > 0 {
		send("content_block_start", map[string]any{"type": "content_block_start", "index": index,
			"content_block": map[string]any{"type": "text", "text": ""}})
		send("ping", map[string]any{"type": "ping"})
		for _, t := range rep.Text {
			send("content_block_delta", map[string]any{"type": "content_block_delta", "index": index,
				"delta": map[string]any{"type": "text_delta", "text": t}})
		}
		if rep.Stall {
			<-r.Context().Done()
			return
		}
		if rep.StreamError != "" {
			send("error", map[string]any{"type": "error", "error": map[string]any{"type": rep.StreamError, "message": "Overloaded"}})
			return
		}
		send("content_block_stop", map[string]any{"type": "content_block_stop", "index": index})
		index++
	}
	for _, c := range rep.Calls {
		send("content_block_start", map[string]any{"type": "content_block_start", "index": index,
			"content_block": map[string]any{"type": "tool_use", "id": c.ID, "name": c.Name, "input": map[string]any{}}})
		// The API's first input_json_delta is empty.
		for _, a := range append([]string{""}, c.Args...) {
			send("content_block_delta", map[string]any{"type": "content_block_delta", "index": index,
				"delta": map[string]any{"type": "input_json_delta", "partial_json": a}})
		}
		send("content_block_stop", map[string]any{"type": "content_block_stop", "index": index})
		index++
	}
	if rep.Truncate {
		return
	}
	send("message_delta", map[string]any{"type": "message_delta",
		"delta": map[string]any{"stop_reason": stopReason(rep), "stop_sequence": nil},
		"usage": map[string]any{"output_tokens": rep.Usage[1]}})
	send("message_stop", map[string]any{"type": "message_stop"})
}

// newAnthropicEnv is newEnv on KEFU_LLM=anthropic: a demo shop, Hannah's
// new conversation, the real anthropic provider on the fake server and a
// canned fallback.
func newAnthropicEnv(t *testing.T, limits agents.Limits, replies ...anthReply) (*env, *fakeAnthropic) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "kefu.db"), store.Options{})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	ai := newFakeAnthropic(t, replies...)
	// env closes its fakeOpenAI's server: give it this one.
	e := &env{t: t, st: st, ai: &fakeOpenAI{t: t, srv: ai.srv}, fallback: &cannedModel{text: fallbackReply}}
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
	model, ok, err := agents.NewProviderModel(agents.ProviderConfig{Kind: agents.ProviderAnthropic,
		BaseURL: ai.srv.URL + "/v1", APIKey: "sk-ant-test", Model: "claude-test"})
	if err != nil || !ok {
		t.Fatalf("NewProviderModel: ok %v, err %v", ok, err)
	}
	if model.Name != anthropicName {
		t.Errorf("model name %q, want %q", model.Name, anthropicName)
	}
	e.runner = &agents.Runner{
		Model:    model,
		Fallback: agents.Model{Model: e.fallback, Name: "fallback-test"},
		Tools:    tools.Default(st, tools.Policy{}),
		Log:      &agents.StoreLog{Store: st},
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
		Config:   agents.Config{Limits: limits},
	}
	return e, ai
}
