package chat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/kefu-dev/kefu/agents"
	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/store/demo"
)

// TestModelFaultsUnderLoad runs 50 shoppers at once against an engine
// whose model is the real openai provider talking to a chat-completions
// server that misbehaves: per request it times out, stalls mid-stream,
// answers 500, sends a garbled stream, calls a tool with malformed
// arguments or one that does not exist, or (for some conversations) calls
// tools for ever. Every shopper message must still be acknowledged and
// then answered, or handed to a person (state queued), with no error
// frame; the database must show one answer per turn; and once the engine
// and servers are shut down, no goroutine may be left behind.
func TestModelFaultsUnderLoad(t *testing.T) {
	const (
		shoppers = 50
		messages = 3 // per shopper, each sent after the previous one is answered
	)
	before := runtime.NumGoroutine()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "kefu.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Import(ctx, demo.Dataset(time.Now())); err != nil {
		t.Fatal(err)
	}
	ai := newFaultyOpenAI(t, 7)
	transport := &http.Transport{}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	runner, err := agents.NewRunner(ctx, st, agents.Options{
		Provider: agents.ProviderConfig{Kind: agents.ProviderOpenAI, BaseURL: ai.srv.URL + "/v1", APIKey: "test-key",
			Model: "test-model", HTTPClient: &http.Client{Transport: transport}},
		Config: agents.Config{MaxSteps: 4, ModelTimeout: 300 * time.Millisecond},
		Logger: log,
	})
	if err != nil {
		t.Fatal(err)
	}
	e := NewEngine(st, runner, Config{IdentitySecret: testSecret,
		MessageRate: 1000, MessageBurst: 1000, IPRate: 1e5, IPBurst: 1e5}, log, prometheus.NewRegistry())
	srv := httptest.NewServer(http.HandlerFunc(e.ServeWS))
	url := "ws" + strings.TrimPrefix(srv.URL, "http")

	texts := []string{"where is my order KF-10031?", "how long does shipping to Canada take", "退货运费谁出",
		"do you ship to Japan?", "我的订单到哪了", "can I pay with PayPal?", "保修多久", "what's your return policy?"}
	results := make([]faultShopperResult, shoppers)
	var wg sync.WaitGroup
	for i := range shoppers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewSource(int64(i)))
			var sent []string
			for range messages {
				text := texts[rng.Intn(len(texts))]
				if i%10 == 3 {
					text += " " + loopMarker // the model calls tools for ever in this conversation
				}
				sent = append(sent, text)
			}
			var ident map[string]any
			if i%2 == 0 {
				ident = identity(fmt.Sprintf("cus_%d", 1001+i%8), time.Now().Add(time.Hour))
			}
			results[i] = runFaultShopper(url, ident, sent)
		}()
	}
	wg.Wait()

	// Each message: acknowledged, then answered or handed to a person.
	answered := 0
	for i, r := range results {
		if r.err != nil {
			t.Errorf("shopper %d: %v", i, r.err)
			continue
		}
		answered += r.answers
	}
	counts := ai.counts()
	t.Logf("%d answers; model replies served: %v", answered, counts)
	for _, k := range []faultKind{faultTimeout, faultStall, fault500, faultGarbled, faultBadArgs, faultUnknownTool, faultLoop, faultAnswer} {
		if counts[k] == 0 {
			t.Errorf("the fake model never served %q: the test did not exercise it", k)
		}
	}

	// The database: one answer per turn, each after the message it answers.
	handoffs, loops, loopsStopped := 0, 0, 0
	for i, r := range results {
		if r.convID == "" {
			continue
		}
		ms, err := st.Messages(ctx, r.convID, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		users, answers := 0, 0
		for _, m := range ms {
			switch {
			case m.Role == store.RoleUser:
				users++
			case m.Role == store.RoleAssistant && len(m.ToolCalls) == 0 && m.Text != "":
				answers++
				if answers > users {
					t.Errorf("shopper %d: answer seq %d is answer %d to %d messages", i, m.Seq, answers, users)
				}
			}
		}
		if users != r.acked {
			t.Errorf("shopper %d: %d messages acknowledged, %d stored", i, r.acked, users)
		}
		if answers != r.answers {
			t.Errorf("shopper %d: %d answers received, %d stored", i, r.answers, answers)
		}
		conv, err := st.Conversation(ctx, r.convID)
		if err != nil {
			t.Fatal(err)
		}
		if conv.State == store.StateQueued {
			handoffs++
		}
		if strings.Contains(r.sent[0], loopMarker) {
			// A model that calls tools for ever is stopped after MaxSteps,
			// and the shopper is offered a person. Unless a step of that
			// turn timed out first (the machine is busy): then the
			// built-in model answered, after a note saying so.
			loops++
			last := ms[len(ms)-1]
			switch {
			case strings.Contains(last.Text, "person") || strings.Contains(last.Text, "人工"):
				loopsStopped++
			case !fellBack(ms):
				t.Errorf("shopper %d: a looping model's turn ended with %q", i, last.Text)
			}
		}
	}

	t.Logf("%d of %d conversations handed to a person", handoffs, shoppers)
	// Each looping conversation was either stopped or fell back (checked
	// above). Which one depends on the machine's load: on a busy machine a
	// step can outlast ModelTimeout before MaxSteps is reached, in every
	// conversation. The stop itself is shown deterministically by
	// agents' TestOpenAIEndlessToolLoop.
	t.Logf("%d of %d looping conversations stopped after MaxSteps, the others fell back", loopsStopped, loops)

	// Shut everything down; no goroutine may be left behind.
	srv.Close()
	sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := e.Shutdown(sctx); err != nil {
		t.Errorf("shutdown: %v", err)
	}
	ai.srv.Close()
	transport.CloseIdleConnections()
	if err := st.Close(); err != nil {
		t.Error(err)
	}
	after := runtime.NumGoroutine()
	for deadline := time.Now().Add(5 * time.Second); after > before && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
		after = runtime.NumGoroutine()
	}
	if after > before {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		t.Errorf("%d goroutines before, %d after shutdown:\n%s", before, after, buf)
	}
}

// loopMarker in a shopper's message makes the fake model call tools for
// ever in that turn.
const loopMarker = "(again and again)"

type faultShopperResult struct {
	convID    string
	sent      []string
	acked     int
	answers   int
	handedOff bool
	err       error
}

// runFaultShopper opens a conversation and sends each message after the
// previous one is answered; it stops when the conversation is handed to a
// person. It must not call t.Fatal: it runs on its own goroutine.
func runFaultShopper(url string, ident map[string]any, texts []string) (r faultShopperResult) {
	r.sent = texts
	ws, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		r.err = err
		return r
	}
	defer ws.Close()
	read := func() (frame, error) {
		// Not a speed assertion: a bound on a hung conversation.
		ws.SetReadDeadline(time.Now().Add(20 * time.Second))
		var f frame
		err := ws.ReadJSON(&f)
		if err == nil && f.Type == "error" {
			err = fmt.Errorf("error frame %s: %s", f.Code, f.Message)
		}
		return f, err
	}
	hello := map[string]any{"type": "hello"}
	if ident != nil {
		hello["identity"] = ident
	}
	if err := ws.WriteJSON(hello); err != nil {
		r.err = err
		return r
	}
	for r.convID == "" {
		f, err := read()
		if err != nil {
			r.err = fmt.Errorf("before welcome: %w", err)
			return r
		}
		r.convID = f.ConversationID
	}
	for i, text := range texts {
		cid := fmt.Sprintf("m%d", i)
		if err := ws.WriteJSON(map[string]any{"type": "message", "client_id": cid, "text": text}); err != nil {
			r.err = err
			return r
		}
		acked, answered := false, false
		for !acked || !(answered || r.handedOff) {
			f, err := read()
			if err != nil {
				r.err = fmt.Errorf("message %d %q (acknowledged: %v): %w", i, text, acked, err)
				return r
			}
			switch {
			case f.Type == "ack" && f.ClientID == cid:
				acked = true
				r.acked++
			case f.Type == "message" && f.Role == "assistant":
				if !acked {
					r.err = fmt.Errorf("message %d: an answer before the ack: %+v", i, f)
					return r
				}
				answered = true
				r.answers++
			case f.Type == "state" && f.State == store.StateQueued:
				r.handedOff = true // a person answers from here
			}
		}
		if r.handedOff {
			return r
		}
	}
	return r
}

// ---- a chat-completions server that misbehaves ----

type faultKind string

const (
	faultTimeout     faultKind = "timeout"        // no answer until the client gives up
	faultStall       faultKind = "stall"          // streams some text, then nothing
	fault500         faultKind = "500"            // an OpenAI error reply
	faultGarbled     faultKind = "garbled"        // a stream chunk that is not JSON
	faultBadArgs     faultKind = "malformed_args" // a tool call whose arguments are not JSON
	faultUnknownTool faultKind = "unknown_tool"   // a call to a tool kefu does not have
	faultLoop        faultKind = "loop"           // a valid tool call, in a turn that only ever calls tools
	faultAnswer      faultKind = "answer"         // a plain answer
)

type faultyOpenAI struct {
	t   *testing.T
	srv *httptest.Server

	mu   sync.Mutex
	rng  *rand.Rand
	n    int
	seen map[faultKind]int
}

func newFaultyOpenAI(t *testing.T, seed int64) *faultyOpenAI {
	f := &faultyOpenAI{t: t, rng: rand.New(rand.NewSource(seed)), seen: map[faultKind]int{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.handle))
	return f
}

func (f *faultyOpenAI) counts() map[faultKind]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[faultKind]int{}
	for k, v := range f.seen {
		out[k] = v
	}
	return out
}

// faultRequest is the part of a chat-completions request the server reads.
type faultRequest struct {
	Model    string `json:"model"`
	Stream   bool   `json:"stream"`
	Messages []struct {
		Role       string          `json:"role"`
		Content    json.RawMessage `json:"content"`
		ToolCallID string          `json:"tool_call_id"`
		ToolCalls  []struct {
			ID       string `json:"id"`
			Type     string `json:"type"`
			Function struct {
				Name string `json:"name"`
			} `json:"function"`
		} `json:"tool_calls"`
	} `json:"messages"`
}

// validate rejects what OpenAI rejects with a 400: whatever the faults,
// the history kefu sends must stay well-formed.
func (r *faultRequest) validate() error {
	pending := map[string]bool{}
	for i, m := range r.Messages {
		if m.Role != "tool" && len(pending) > 0 {
			return fmt.Errorf("messages[%d]: tool calls without results before it", i)
		}
		switch m.Role {
		case "assistant":
			for _, c := range m.ToolCalls {
				if c.ID == "" || c.Type != "function" || c.Function.Name == "" {
					return fmt.Errorf("messages[%d]: incomplete tool call %+v", i, c)
				}
				pending[c.ID] = true
			}
		case "tool":
			if !pending[m.ToolCallID] {
				return fmt.Errorf("messages[%d]: result for no pending call %q", i, m.ToolCallID)
			}
			delete(pending, m.ToolCallID)
		case "system", "user":
		default:
			return fmt.Errorf("messages[%d]: role %q", i, m.Role)
		}
	}
	if len(pending) > 0 {
		return errors.New("tool calls without results at the end")
	}
	return nil
}

// lastUserText is the shopper message of the turn.
func (r *faultRequest) lastUserText() string {
	for i := len(r.Messages) - 1; i >= 0; i-- {
		if r.Messages[i].Role == "user" {
			var s string
			if json.Unmarshal(r.Messages[i].Content, &s) == nil {
				return s
			}
			return string(r.Messages[i].Content) // an array of parts
		}
	}
	return ""
}

func (f *faultyOpenAI) pick(req *faultRequest) (faultKind, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	var k faultKind
	switch x := f.rng.Intn(100); {
	case strings.Contains(req.lastUserText(), loopMarker):
		k = faultLoop
	case x < 10:
		k = faultTimeout
	case x < 15:
		k = faultStall
	case x < 30:
		k = fault500
	case x < 38:
		k = faultGarbled
	case x < 50:
		k = faultBadArgs
	case x < 62:
		k = faultUnknownTool
	default:
		k = faultAnswer
	}
	f.seen[k]++
	return k, f.n
}

func (f *faultyOpenAI) handle(w http.ResponseWriter, r *http.Request) {
	var req faultRequest
	if r.URL.Path != "/v1/chat/completions" || json.NewDecoder(r.Body).Decode(&req) != nil {
		f.t.Errorf("fake openai: bad request %s %s", r.Method, r.URL.Path)
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	if err := req.validate(); err != nil {
		f.t.Errorf("fake openai: kefu sent a request OpenAI would refuse: %v", err)
		faultError(w, http.StatusBadRequest, err.Error())
		return
	}
	kind, n := f.pick(&req)
	id := fmt.Sprintf("call_%d", n)
	switch kind {
	case faultTimeout:
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	case faultStall:
		if !req.Stream {
			<-r.Context().Done()
			return
		}
		fl := startStream(w)
		fl.chunk(map[string]any{"role": "assistant", "content": "Let me "}, nil)
		<-r.Context().Done()
	case fault500:
		faultError(w, http.StatusInternalServerError, "The server had an error while processing your request. Sorry about that!")
	case faultGarbled:
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, "data: {\"id\":\"chatcmpl-x\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"name\":\"lookup_ord\n\n")
		if !req.Stream {
			return
		}
		fmt.Fprint(w, "data: [DONE]\n\n")
	case faultBadArgs:
		f.toolCall(w, req.Stream, id, "lookup_order", `{"order_number": "KF-10031"`)
	case faultUnknownTool:
		f.toolCall(w, req.Stream, id, "refund_everything", `{"order_number":"KF-10031"}`)
	case faultLoop:
		f.toolCall(w, req.Stream, id, "lookup_order", `{"order_number":"KF-10031"}`)
	case faultAnswer:
		text := "Thanks for waiting. I've checked, and here is what I found."
		if !req.Stream {
			faultJSON(w, map[string]any{"role": "assistant", "content": text}, "stop")
			return
		}
		fl := startStream(w)
		fl.chunk(map[string]any{"role": "assistant", "content": ""}, nil)
		for _, part := range strings.SplitAfter(text, " ") {
			fl.chunk(map[string]any{"content": part}, nil)
		}
		fl.chunk(map[string]any{}, "stop")
		fl.done()
	}
}

func (f *faultyOpenAI) toolCall(w http.ResponseWriter, stream bool, id, name, args string) {
	if !stream {
		faultJSON(w, map[string]any{"role": "assistant", "content": nil, "tool_calls": []any{
			map[string]any{"id": id, "type": "function", "function": map[string]any{"name": name, "arguments": args}}}}, "tool_calls")
		return
	}
	fl := startStream(w)
	fl.chunk(map[string]any{"role": "assistant", "content": nil}, nil)
	fl.chunk(map[string]any{"tool_calls": []any{map[string]any{"index": 0, "id": id, "type": "function",
		"function": map[string]any{"name": name, "arguments": ""}}}}, nil)
	half := len(args) / 2
	for _, frag := range []string{args[:half], args[half:]} {
		fl.chunk(map[string]any{"tool_calls": []any{map[string]any{"index": 0, "function": map[string]any{"arguments": frag}}}}, nil)
	}
	fl.chunk(map[string]any{}, "tool_calls")
	fl.done()
}

func faultError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": msg, "type": "server_error", "param": nil, "code": nil}})
}

func faultJSON(w http.ResponseWriter, msg map[string]any, finish string) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"id": "chatcmpl-test", "object": "chat.completion", "created": 1767225600,
		"model": "test-model", "choices": []any{map[string]any{"index": 0, "message": msg, "finish_reason": finish}},
		"usage": map[string]any{"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}})
}

type sseWriter struct {
	w  http.ResponseWriter
	fl http.Flusher
}

func startStream(w http.ResponseWriter) *sseWriter {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	return &sseWriter{w: w, fl: w.(http.Flusher)}
}

func (s *sseWriter) chunk(delta map[string]any, finish any) {
	b, _ := json.Marshal(map[string]any{"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 1767225600,
		"model": "test-model", "choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}}})
	fmt.Fprintf(s.w, "data: %s\n\n", b)
	s.fl.Flush()
}

func (s *sseWriter) done() {
	fmt.Fprint(s.w, "data: [DONE]\n\n")
	s.fl.Flush()
}

// fellBack reports whether the last turn of a conversation's messages
// was answered by the fallback model: a system note of the fallback
// after the shopper's last message.
func fellBack(ms []store.Message) bool {
	for i := len(ms) - 1; i >= 0 && ms[i].Role != store.RoleUser; i-- {
		if ms[i].Role == store.RoleSystem && strings.Contains(ms[i].Text, "answers this turn") {
			return true
		}
	}
	return false
}
