package agents_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tmc/langchaingo/llms"

	"github.com/kefu-dev/kefu/agents"
	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/tools"
)

// These tests run agents.Runner on the real anthropic provider
// (langchaingo's anthropic client) against fakeAnthropic.

const lookupArgs = `{"order_number":"KF-10031"}`

// lastToolExchange returns the last assistant turn's tool_use blocks and
// the tool_result blocks of the user turn after it, of request r.
func lastToolExchange(t *testing.T, r anthRequest) (uses, results []anthBlock) {
	t.Helper()
	turns := r.turns()
	for i := len(turns) - 1; i > 0; i-- {
		if turns[i-1].Role != "assistant" {
			continue
		}
		for _, b := range turns[i-1].Content {
			if b.Type == "tool_use" {
				uses = append(uses, b)
			}
		}
		for _, b := range turns[i].Content {
			if b.Type == "tool_result" {
				results = append(results, b)
			}
		}
		if len(uses) > 0 {
			return uses, results
		}
	}
	t.Fatalf("request has no tool exchange: %+v", turns)
	return nil, nil
}

func resultText(t *testing.T, b anthBlock) string {
	t.Helper()
	var s string
	if err := json.Unmarshal(b.Content, &s); err != nil {
		t.Fatalf("tool_result content %s is not a string: %v", b.Content, err)
	}
	return s
}

// A full tool round trip with JSON messages: the request's headers, system
// prompt, tools and the replayed tool_use and tool_result, and what is
// stored.
func TestAnthropicToolRoundTrip(t *testing.T) {
	e, ai := newAnthropicEnv(t, agents.Limits{},
		anthReply{Calls: []wireCall{lookupCall("toolu_01A", lookupArgs)}, Usage: [2]int{812, 23}},
		anthReply{Text: []string{answerKF10031}, Usage: [2]int{1034, 31}},
	)
	const question = "Where is my order KF-10031?"
	o := e.turn(question, false)
	if o.err != nil {
		t.Fatalf("Turn: %v", o.err)
	}
	reqs := ai.requests()
	if len(reqs) != 2 {
		t.Fatalf("server got %d requests, want 2", len(reqs))
	}
	first := reqs[0]
	if first.APIKey != "sk-ant-test" || first.Model != "claude-test" || first.Stream {
		t.Errorf("first request: key %q model %q stream %v", first.APIKey, first.Model, first.Stream)
	}
	if !strings.Contains(first.System, "signed in") {
		t.Errorf("system prompt does not say the shopper is signed in: %q", first.System)
	}
	var names []string
	for _, tl := range first.Tools {
		names = append(names, tl.Name)
	}
	if !slices.Contains(names, "lookup_order") || len(names) != len(e.runner.Tools.Names()) {
		t.Errorf("tools sent %v, want all of %v", names, e.runner.Tools.Names())
	}
	if len(first.Messages) != 1 || first.Messages[0].Role != "user" || first.Messages[0].Content[0].Text != question {
		t.Errorf("first request messages %+v", first.Messages)
	}
	uses, results := lastToolExchange(t, reqs[1])
	if len(uses) != 1 || uses[0].ID != "toolu_01A" || uses[0].Name != "lookup_order" || string(uses[0].Input) != lookupArgs {
		t.Errorf("second request replays tool_use %+v", uses)
	}
	if len(results) != 1 || results[0].ToolUseID != "toolu_01A" {
		t.Fatalf("second request's tool_result blocks %+v", results)
	}
	content := resultText(t, results[0])
	if r := parseResult(t, content); r.Status != tools.StatusOK || !strings.Contains(content, `"delivered"`) {
		t.Errorf("tool result %s", content)
	}
	res := o.res
	if res.Reply != answerKF10031 || res.Model != anthropicName || res.Steps != 2 || res.Fallback || res.Handoff {
		t.Errorf("result %+v", res)
	}
	if len(res.Calls) != 1 || res.Calls[0].Name != "lookup_order" || res.Calls[0].Arguments != lookupArgs {
		t.Errorf("calls %+v", res.Calls)
	}
	ms := e.messages()
	if len(ms) != 4 {
		t.Fatalf("stored %d messages, want 4: %+v", len(ms), ms)
	}
	if m := ms[1]; m.Model != anthropicName || m.TokensIn != 812 || m.TokensOut != 23 {
		t.Errorf("tool-call message: model %q tokens %d/%d", m.Model, m.TokensIn, m.TokensOut)
	}
	if m := ms[3]; m.Role != store.RoleAssistant || m.Text != answerKF10031 || m.TokensIn != 1034 || m.TokensOut != 31 {
		t.Errorf("answer: %+v", m)
	}
}

// Streamed: a step that says a sentence and then calls lookup_order with
// its input in input_json_delta pieces, then the answer in text_deltas.
// The shopper sees the text only; the call runs with the whole input; and
// the second request still carries the call beside the sentence
// (langchaingo sends only an assistant message's first part: without
// anthropicModel the tool_use is lost and the API refuses the
// tool_result).
func TestAnthropicStreamedToolUse(t *testing.T) {
	said := []string{"Let me look ", "that up."}
	answer := []string{"Your order ", "KF-10031 was ", "delivered 5 days ago", "."}
	e, ai := newAnthropicEnv(t, agents.Limits{},
		anthReply{Text: said, Calls: []wireCall{lookupCall("toolu_S1", `{"order`, `_number": "KF-`, `10031"}`)}, Usage: [2]int{800, 20}},
		anthReply{Text: answer, Usage: [2]int{1000, 30}},
	)
	o := e.turn("Where is KF-10031?", true)
	if o.err != nil {
		t.Fatalf("Turn: %v", o.err)
	}
	if o.res.Fallback || o.res.Model != anthropicName || o.res.Reply != strings.Join(answer, "") {
		t.Fatalf("result %+v", o.res)
	}
	for _, d := range o.deltas {
		if d == "" || strings.ContainsAny(d, "{}") || strings.Contains(d, "order_number") {
			t.Errorf("delta %q is not shopper text", d)
		}
	}
	if !slices.Equal(o.deltas[len(o.deltas)-len(answer):], answer) {
		t.Errorf("deltas %q, want to end with %q", o.deltas, answer)
	}
	if len(o.res.Calls) != 1 || o.res.Calls[0].Arguments != lookupArgs || o.res.Calls[0].Status != tools.StatusOK {
		t.Errorf("calls %+v", o.res.Calls)
	}
	reqs := ai.requests()
	if len(reqs) != 2 || !reqs[0].Stream || !reqs[1].Stream {
		t.Fatalf("requests %d, want 2 streamed", len(reqs))
	}
	uses, results := lastToolExchange(t, reqs[1])
	if len(uses) != 1 || uses[0].ID != "toolu_S1" || string(uses[0].Input) != lookupArgs || len(results) != 1 {
		t.Errorf("second request: tool_use %+v, tool_result %+v", uses, results)
	}
	if turns := reqs[1].turns(); len(turns) != 3 || turns[1].Content[0].Text != strings.Join(said, "") {
		t.Errorf("second request's turns %+v, want user, assistant (sentence and tool_use), user (result)", turns)
	}
	ms := e.messages()
	if len(ms) != 4 || ms[1].TokensIn != 800 || ms[1].TokensOut != 20 || ms[3].TokensOut != 30 {
		t.Errorf("stored %d messages; tokens %+v", len(ms), ms)
	}
}

// Two tool calls in one step both reach the API in the next request, each
// with its result.
func TestAnthropicTwoToolCallsInOneStep(t *testing.T) {
	e, ai := newAnthropicEnv(t, agents.Limits{},
		anthReply{Calls: []wireCall{lookupCall("toolu_1", lookupArgs),
			{ID: "toolu_2", Name: tools.NameSearchKnowledgeBase, Args: []string{`{"query":"return policy"}`}}}},
		anthReply{Text: []string{answerKF10031}},
	)
	o := e.turn("Where is KF-10031 and how do returns work?", true)
	if o.err != nil || o.res.Fallback || len(o.res.Calls) != 2 {
		t.Fatalf("Turn: %v, result %+v", o.err, o.res)
	}
	uses, results := lastToolExchange(t, ai.requests()[1])
	if len(uses) != 2 || len(results) != 2 || results[0].ToolUseID != "toolu_1" || results[1].ToolUseID != "toolu_2" {
		t.Errorf("tool_use %+v, tool_result %+v", uses, results)
	}
}

// The API's error shapes (overloaded 529, rate limited 429 with
// retry-after, invalid request 400), an error event in the middle of a
// stream, and malformed or cut-off streams: the built-in model answers the
// turn, a notice says why, and what was streamed is taken back.
func TestAnthropicFaultsFallBack(t *testing.T) {
	for _, tc := range []struct {
		name   string
		rep    anthReply
		stream bool
		notice string
	}{
		{"overloaded", anthReply{Status: 529, ErrType: "overloaded_error"}, true, "529"},
		{"rate limited", anthReply{Status: http.StatusTooManyRequests, ErrType: "rate_limit_error", RetryAfter: "30"}, false, "429"},
		{"invalid request", anthReply{Status: http.StatusBadRequest, ErrType: "invalid_request_error"}, false, "400"},
		{"error event mid-stream", anthReply{Text: []string{"Your order "}, StreamError: "overloaded_error"}, true, "error event"},
		{"garbled event", anthReply{Raw: "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":1}}}\n\nevent: content_block_delta\ndata: {not json\n\n"}, true, anthropicName},
		{"cut off before message_stop", anthReply{Text: []string{"Your order "}, Truncate: true}, true, anthropicName},
		{"plain JSON to a stream", anthReply{Raw: `{"id":"msg_1","type":"message","role":"assistant","content":[{"type":"text","text":"hi"}]}`}, true, anthropicName},
		{"unknown block type", anthReply{Raw: `{"id":"msg_1","type":"message","role":"assistant","content":[{"type":"server_tool_use","id":"x"}]}`}, false, anthropicName},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, ai := newAnthropicEnv(t, agents.Limits{}, tc.rep)
			o := e.turn("Where is my order KF-10031?", tc.stream)
			if o.err != nil {
				t.Fatalf("Turn: %v", o.err)
			}
			if !o.res.Fallback || o.res.Reply != fallbackReply || o.res.Model != "fallback-test" {
				t.Errorf("result %+v", o.res)
			}
			if n := len(ai.requests()); n != 1 {
				t.Errorf("server got %d requests, want 1", n)
			}
			if tc.stream && (len(o.deltas) != 1 || o.deltas[0] != fallbackReply) {
				t.Errorf("deltas after the fault %q, want only the fallback's", o.deltas)
			}
			ms := e.messages()
			if len(ms) != 3 || ms[1].Role != store.RoleSystem || !strings.Contains(ms[1].Text, anthropicName) ||
				!strings.Contains(ms[1].Text, tc.notice) {
				t.Errorf("messages %+v, want a notice naming %q", ms, tc.notice)
			}
		})
	}
}

// kefu's limits hold for this provider too: too many calls in a step,
// arguments too big, an answer too long (streamed: cut off and taken back).
func TestAnthropicLimits(t *testing.T) {
	many := make([]wireCall, 3)
	for i := range many {
		many[i] = lookupCall("toolu_m"+string(rune('a'+i)), lookupArgs)
	}
	big := lookupCall("toolu_big", `{"order_number":"KF-10031","note":"`+strings.Repeat("x", 300)+`"}`)
	long := []string{strings.Repeat("word ", 30), strings.Repeat("word ", 30)}
	for _, tc := range []struct {
		name   string
		rep    anthReply
		stream bool
	}{
		{"calls per step", anthReply{Calls: many}, true},
		{"argument size", anthReply{Calls: []wireCall{big}}, false},
		{"answer length", anthReply{Text: long}, true},
		{"answer length unstreamed", anthReply{Text: long}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, _ := newAnthropicEnv(t, agents.Limits{MaxCallsPerStep: 2, MaxArgumentBytes: 200, MaxAnswerRunes: 200}, tc.rep)
			o := e.turn("Where is my order KF-10031?", tc.stream)
			if o.err != nil {
				t.Fatalf("Turn: %v", o.err)
			}
			if !o.res.Fallback || len(o.res.Calls) != 0 {
				t.Errorf("result %+v, want the fallback's answer and no tool run", o.res)
			}
			if ms := e.messages(); len(ms) < 2 || !strings.Contains(ms[1].Text, "limits") {
				t.Errorf("messages %+v, want a notice about kefu's limits", ms)
			}
		})
	}
}

// A response body past MaxResponseBytes fails the call.
func TestAnthropicResponseSizeLimit(t *testing.T) {
	ai := newFakeAnthropic(t, anthReply{Text: []string{strings.Repeat("a", 64<<10)}})
	defer ai.srv.Close()
	model, _, err := agents.NewProviderModel(agents.ProviderConfig{Kind: agents.ProviderAnthropic,
		BaseURL: ai.srv.URL + "/v1", APIKey: "k", Model: "claude-test", MaxResponseBytes: 16 << 10})
	if err != nil {
		t.Fatal(err)
	}
	_, err = model.Model.GenerateContent(t.Context(), []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, "hi")})
	if !errors.Is(err, agents.ErrOverLimit) {
		t.Errorf("err %v, want ErrOverLimit", err)
	}
}

// The configuration: anthropic needs a model, and a key for Anthropic's
// own endpoint (not for a local proxy).
func TestAnthropicProviderConfig(t *testing.T) {
	for _, tc := range []struct {
		c    agents.ProviderConfig
		want string
	}{
		{agents.ProviderConfig{Kind: "anthropic", APIKey: "k"}, "model name is required for the anthropic provider"},
		{agents.ProviderConfig{Kind: "anthropic", Model: "claude-haiku-4-5"}, "API key is required for Anthropic's own endpoint"},
		{agents.ProviderConfig{Kind: "anthropic", Model: "m", BaseURL: "http://proxy:8080/v1"}, ""},
		{agents.ProviderConfig{Kind: "claude", Model: "m"}, "want builtin, openai or anthropic"},
	} {
		err := tc.c.Validate()
		if (tc.want == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", tc.c, err, tc.want)
		}
	}
}

// A model that stops sending mid-stream is cut off at the model time-out
// and the built-in model answers; what was streamed is taken back.
func TestAnthropicStallTimesOut(t *testing.T) {
	e, _ := newAnthropicEnv(t, agents.Limits{}, anthReply{Text: []string{"Your order "}, Stall: true})
	e.runner.Config.ModelTimeout = 300 * time.Millisecond
	o := e.turn("Where is my order KF-10031?", true)
	if o.err != nil {
		t.Fatalf("Turn: %v", o.err)
	}
	if !o.res.Fallback || o.res.Reply != fallbackReply || o.resets != 1 || strings.Join(o.deltas, "") != fallbackReply {
		t.Errorf("result %+v, deltas %q after %d resets", o.res, o.deltas, o.resets)
	}
	if o.elapsed > 5*time.Second {
		t.Errorf("the turn took %s with a 300ms model time-out", o.elapsed)
	}
	if ms := e.messages(); len(ms) != 3 || !strings.Contains(ms[1].Text, "did not answer in time") {
		t.Errorf("messages %+v, want a time-out notice", ms)
	}
}

// An answer that claims a change no tool made is corrected, as any
// model's is (agents/claims.go), streamed or not.
func TestAnthropicClaimsNeedAToolResult(t *testing.T) {
	const claim = "Done — your order KF-10031 has been cancelled and refunded."
	e, _ := newAnthropicEnv(t, agents.Limits{}, anthReply{Text: []string{"Done — your order ", "KF-10031 has been cancelled and refunded."}})
	o := e.turn("please cancel KF-10031", true)
	if o.err != nil {
		t.Fatalf("Turn: %v", o.err)
	}
	if o.res.Reply == claim || !strings.Contains(o.res.Reply, "no refund was issued") || o.res.Model != "kefu" {
		t.Errorf("reply %q by %s, want a correction", o.res.Reply, o.res.Model)
	}
	if o.resets != 1 || strings.Join(o.deltas, "") != o.res.Reply {
		t.Errorf("live text %q after %d resets, want the correction", strings.Join(o.deltas, ""), o.resets)
	}
}

// No turn leaves a goroutine behind: langchaingo's anthropic client reads
// a stream in a goroutine of its own, which must end on every path.
func TestAnthropicNoGoroutineLeaks(t *testing.T) {
	before := runtime.NumGoroutine()
	for _, sc := range []struct {
		name    string
		stream  bool
		timeout time.Duration
		limits  agents.Limits
		replies []anthReply
	}{
		{"round trip", false, 0, agents.Limits{}, []anthReply{{Calls: []wireCall{lookupCall("toolu_1", lookupArgs)}}, {Text: []string{"Delivered."}}}},
		{"streamed round trip", true, 0, agents.Limits{}, []anthReply{{Calls: []wireCall{lookupCall("toolu_1", `{"order_`, `number":"KF-10031"}`)}}, {Text: []string{"Deliv", "ered."}}}},
		{"overloaded", true, 0, agents.Limits{}, []anthReply{{Status: 529, ErrType: "overloaded_error"}}},
		{"error event", true, 0, agents.Limits{}, []anthReply{{Text: []string{"Let me"}, StreamError: "overloaded_error"}}},
		{"garbled", true, 0, agents.Limits{}, []anthReply{{Raw: "event: ping\ndata: {oops\n\n"}}},
		{"stalled stream", true, 200 * time.Millisecond, agents.Limits{}, []anthReply{{Text: []string{"Let me"}, Stall: true}}},
		{"cut off by a limit", true, 0, agents.Limits{MaxAnswerRunes: 5}, []anthReply{{Text: []string{"Your order ", "was delivered."}}}},
	} {
		e, _ := newAnthropicEnv(t, sc.limits, sc.replies...)
		e.runner.ModelTimeout = sc.timeout
		o := e.turn("Where is KF-10031?", sc.stream)
		if o.err != nil || o.res.Reply == "" {
			t.Errorf("%s: reply %q, err %v", sc.name, o.res.Reply, o.err)
		}
		e.close()
	}
	after := runtime.NumGoroutine()
	for deadline := time.Now().Add(2 * time.Second); after > before+2 && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
		after = runtime.NumGoroutine()
	}
	if after > before+2 {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		t.Errorf("%d goroutines before, %d after:\n%s", before, after, buf)
	}
}

// A 429 or 529 with retry-after pauses the provider: until then turns go
// to the built-in model at once, with no request; a 400, or a retry-after
// already past, pauses nothing.
func TestAnthropicRetryAfterPauses(t *testing.T) {
	past := time.Now().Add(-time.Minute).UTC().Format(http.TimeFormat)
	for _, tc := range []struct {
		name   string
		first  anthReply
		paused bool
	}{
		{"rate limited", anthReply{Status: http.StatusTooManyRequests, ErrType: "rate_limit_error", RetryAfter: "30"}, true},
		{"overloaded", anthReply{Status: 529, ErrType: "overloaded_error", RetryAfter: "20"}, true},
		{"retry-after past", anthReply{Status: http.StatusTooManyRequests, ErrType: "rate_limit_error", RetryAfter: past}, false},
		{"invalid request", anthReply{Status: http.StatusBadRequest, ErrType: "invalid_request_error", RetryAfter: "30"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, ai := newAnthropicEnv(t, agents.Limits{}, tc.first, anthReply{Text: []string{"Delivered."}})
			if o := e.turn("Where is KF-10031?", true); o.err != nil || !o.res.Fallback {
				t.Fatalf("first turn: %+v, %v", o.res, o.err)
			}
			o := e.turn("And my other order?", true)
			if o.err != nil {
				t.Fatal(o.err)
			}
			n := len(ai.requests())
			if tc.paused && (!o.res.Fallback || n != 1 || o.elapsed > time.Second) {
				t.Errorf("second turn: fallback %v after %s, %d requests; want the built-in answer at once and 1 request", o.res.Fallback, o.elapsed, n)
			}
			if !tc.paused && (o.res.Fallback || n != 2) {
				t.Errorf("second turn: fallback %v, %d requests; want the provider's answer", o.res.Fallback, n)
			}
			if ms := e.messages(); tc.paused && !strings.Contains(ms[len(ms)-2].Text, "retry-after") {
				t.Errorf("notice %q does not say why", ms[len(ms)-2].Text)
			}
		})
	}
}

// The openai provider pauses on the same header.
func TestOpenAIRetryAfterPauses(t *testing.T) {
	var mu sync.Mutex
	requests := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requests++
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(http.StatusTooManyRequests)
		io.WriteString(w, `{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}`)
	}))
	defer srv.Close()
	model, _, err := agents.NewProviderModel(agents.ProviderConfig{Kind: agents.ProviderOpenAI, BaseURL: srv.URL + "/v1", APIKey: "k", Model: "m"})
	if err != nil {
		t.Fatal(err)
	}
	msgs := []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, "hi")}
	if _, err := model.Model.GenerateContent(t.Context(), msgs); err == nil || errors.Is(err, agents.ErrProviderPaused) {
		t.Fatalf("first call: %v, want the 429", err)
	}
	if _, err := model.Model.GenerateContent(t.Context(), msgs); !errors.Is(err, agents.ErrProviderPaused) {
		t.Errorf("second call: %v, want ErrProviderPaused", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if requests != 1 {
		t.Errorf("the server got %d requests, want 1", requests)
	}
}

// A history the Messages API would refuse is sent as one it accepts: a
// tool call whose result was never recorded (a turn cut short), a result
// with no call, and an assistant greeting before the shopper's first
// message. OpenAI accepts the greeting; Anthropic refuses all three (400).
func TestAnthropicUnansweredToolCallInHistory(t *testing.T) {
	ai := newFakeAnthropic(t, anthReply{Text: []string{"Hello again."}})
	defer ai.srv.Close()
	model, _, err := agents.NewProviderModel(agents.ProviderConfig{Kind: agents.ProviderAnthropic,
		BaseURL: ai.srv.URL + "/v1", APIKey: "k", Model: "claude-test"})
	if err != nil {
		t.Fatal(err)
	}
	cut := llms.ToolCall{ID: "toolu_cut", Type: "function", FunctionCall: &llms.FunctionCall{Name: "lookup_order", Arguments: lookupArgs}}
	msgs := []llms.MessageContent{
		llms.TextParts(llms.ChatMessageTypeSystem, "You are kefu."),
		llms.TextParts(llms.ChatMessageTypeAI, "Hi! How can I help?"),
		llms.TextParts(llms.ChatMessageTypeHuman, "Where is KF-10031?"),
		{Role: llms.ChatMessageTypeAI, Parts: []llms.ContentPart{cut}},
		{Role: llms.ChatMessageTypeTool, Parts: []llms.ContentPart{llms.ToolCallResponse{ToolCallID: "toolu_gone", Name: "lookup_order", Content: "{}"}}},
		llms.TextParts(llms.ChatMessageTypeHuman, "Hello?"),
	}
	resp, err := model.Model.GenerateContent(t.Context(), msgs, llms.WithMaxTokens(100))
	if err != nil {
		t.Fatalf("GenerateContent: %v", err)
	}
	if resp.Choices[0].Content != "Hello again." {
		t.Errorf("answer %+v", resp.Choices[0])
	}
	turns := ai.requests()[0].turns()
	if len(turns) != 3 || turns[0].Role != "user" || turns[2].Content[len(turns[2].Content)-1].Text != "Hello?" {
		t.Errorf("turns %+v", turns)
	}
}

// A stream whose events say "data:" without the space (the SSE format
// allows it; langchaingo's client failed every such event) is read, lines
// longer than a read buffer too.
func TestAnthropicDataWithoutSpace(t *testing.T) {
	long := strings.Repeat("a", 9000)
	raw := "event: message_start\ndata:{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"role\":\"assistant\",\"usage\":{\"input_tokens\":7}}}\n\n" +
		"event: content_block_start\ndata:{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n" +
		"event: content_block_delta\ndata:{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Your order \"}}\n\n" +
		"event: content_block_delta\ndata:{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"was delivered.\"}}\n\n" +
		"event: content_block_delta\ndata:{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\" " + long + "\"}}\n\n" +
		"event: content_block_stop\ndata:{\"type\":\"content_block_stop\",\"index\":0}\n\n" +
		"event: message_delta\ndata:{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":5}}\n\n" +
		"event: message_stop\ndata:{\"type\":\"message_stop\"}\n\n"
	e, _ := newAnthropicEnv(t, agents.Limits{MaxAnswerRunes: 10000}, anthReply{Raw: raw})
	o := e.turn("Where is KF-10031?", true)
	if o.err != nil || o.res.Fallback || o.res.Reply != "Your order was delivered. "+long || strings.Join(o.deltas, "") != o.res.Reply {
		t.Errorf("result %+v, deltas %q, err %v", o.res, o.deltas, o.err)
	}
}
