package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/kefu-dev/kefu/agents"
	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/web"
)

// staffClient is a browser session on the console API.
type staffClient struct {
	t    *testing.T
	base string
	http *http.Client
	csrf string
}

func addStaff(t *testing.T, st *store.Store, email, name, role string) {
	t.Helper()
	hash, err := web.HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateStaff(context.Background(), &store.Staff{Email: email, Name: name, Role: role, PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
}

func newStaffClient(t *testing.T, hs *httptest.Server) *staffClient {
	jar, _ := cookiejar.New(nil)
	return &staffClient{t: t, base: hs.URL, http: &http.Client{Jar: jar, Timeout: 10 * time.Second}}
}

func (c *staffClient) do(method, path string, body any) (int, map[string]any) {
	c.t.Helper()
	var b []byte
	if body != nil {
		b, _ = json.Marshal(body)
	}
	return c.doRaw(method, path, string(b))
}

// doRaw is do with a body sent exactly as given.
func (c *staffClient) doRaw(method, path, body string) (int, map[string]any) {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.base+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if c.csrf != "" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func (c *staffClient) login(email string) {
	c.t.Helper()
	code, out := c.do("POST", "/api/console/login", map[string]string{"email": email, "password": "correct horse battery"})
	if code != 200 {
		c.t.Fatalf("login %s: %d %v", email, code, out)
	}
	c.csrf = out["csrf_token"].(string)
}

// shopper opens a widget socket on the stack and sends a first message.
func shopper(t *testing.T, hs *httptest.Server, text string) (*websocket.Conn, string) {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(hs.URL, "http")+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	ws.WriteJSON(map[string]any{"type": "hello"})
	var convID string
	readUntil(t, ws, func(f map[string]any) bool {
		if f["type"] == "welcome" {
			convID = f["conversation_id"].(string)
			return true
		}
		return false
	})
	ws.WriteJSON(map[string]any{"type": "message", "client_id": "first", "text": text})
	readUntil(t, ws, func(f map[string]any) bool { return f["type"] == "message" && f["role"] == "assistant" })
	return ws, convID
}

func readUntil(t *testing.T, ws *websocket.Conn, match func(map[string]any) bool) []map[string]any {
	t.Helper()
	var seen []map[string]any
	for {
		ws.SetReadDeadline(time.Now().Add(5 * time.Second))
		var f map[string]any
		if err := ws.ReadJSON(&f); err != nil {
			t.Fatalf("read: %v (seen %v)", err, seen)
		}
		seen = append(seen, f)
		if match(f) {
			return seen
		}
	}
}

func TestConsoleAuth(t *testing.T) {
	hs, st := newStack(t)
	addStaff(t, st, "mei@shop.example.com", "Mei", store.RoleAgent)
	addStaff(t, st, "boss@shop.example.com", "Boss", store.RoleAdmin)
	anon := newStaffClient(t, hs)
	if code, _ := anon.do("GET", "/api/console/conversations", nil); code != 401 {
		t.Errorf("no session: %d", code)
	}
	if code, out := anon.do("POST", "/api/console/login", map[string]string{"email": "mei@shop.example.com", "password": "wrong password!"}); code != 401 ||
		out["message"] != "wrong email or password" {
		t.Errorf("wrong password: %d %v", code, out)
	}
	if code, out := anon.do("POST", "/api/console/login", map[string]string{"email": "nobody@shop.example.com", "password": "wrong password!"}); code != 401 ||
		out["message"] != "wrong email or password" {
		t.Errorf("unknown email: %d %v", code, out)
	}
	mei := newStaffClient(t, hs)
	mei.login("mei@shop.example.com")
	if code, out := mei.do("GET", "/api/console/me", nil); code != 200 || out["staff"].(map[string]any)["name"] != "Mei" {
		t.Errorf("me: %d %v", code, out)
	}
	// A state-changing request without the CSRF token, or with another
	// session's, is refused.
	boss := newStaffClient(t, hs)
	boss.login("boss@shop.example.com")
	saved := mei.csrf
	mei.csrf = ""
	if code, _ := mei.do("POST", "/api/console/logout", nil); code != 403 {
		t.Errorf("no CSRF token: %d", code)
	}
	mei.csrf = boss.csrf
	if code, _ := mei.do("POST", "/api/console/logout", nil); code != 403 {
		t.Errorf("another session's CSRF token: %d", code)
	}
	mei.csrf = saved
	// An agent cannot add staff; an admin can.
	newStaff := map[string]string{"email": "li@shop.example.com", "name": "Li", "role": "agent", "password": "another long password"}
	if code, _ := mei.do("POST", "/api/console/staff", newStaff); code != 403 {
		t.Errorf("agent adding staff: %d", code)
	}
	if code, out := boss.do("POST", "/api/console/staff", newStaff); code != 201 {
		t.Errorf("admin adding staff: %d %v", code, out)
	}
	// Logging out ends the session.
	if code, _ := mei.do("POST", "/api/console/logout", nil); code != 204 {
		t.Errorf("logout: %d", code)
	}
	if code, _ := mei.do("GET", "/api/console/me", nil); code != 401 {
		t.Errorf("after logout: %d", code)
	}
	// The staff socket needs a session: a shopper cannot open it.
	if _, resp, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(hs.URL, "http")+"/ws/console", nil); err == nil || resp.StatusCode != 401 {
		t.Errorf("staff socket without a session: %v %v", err, resp)
	}
}

func TestConsoleExpiredSession(t *testing.T) {
	hs, st := newStack(t)
	addStaff(t, st, "mei@shop.example.com", "Mei", store.RoleAgent)
	mei := newStaffClient(t, hs)
	mei.login("mei@shop.example.com")
	// A session whose time is up is refused.
	token, _, err := st.CreateSession(context.Background(), 1, -time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", hs.URL+"/api/console/me", nil)
	req.AddCookie(&http.Cookie{Name: "kefu_session", Value: token})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Fatalf("expired session: %d", resp.StatusCode)
	}
}

func TestConsoleLoginRateLimited(t *testing.T) {
	hs, st := newStack(t)
	addStaff(t, st, "mei@shop.example.com", "Mei", store.RoleAgent)
	c := newStaffClient(t, hs)
	var last int
	for i := 0; i < 8; i++ {
		last, _ = c.do("POST", "/api/console/login", map[string]string{"email": "mei@shop.example.com", "password": "guess number " + string(rune('a'+i))})
	}
	if last != 429 {
		t.Fatalf("8 quick wrong passwords: last answer %d, want 429", last)
	}
}

// Two staff take over at the same moment: exactly one wins, the other is
// told who has it.
func TestTakeoverRace(t *testing.T) {
	hs, st := newStack(t)
	addStaff(t, st, "mei@shop.example.com", "Mei", store.RoleAgent)
	addStaff(t, st, "li@shop.example.com", "Li", store.RoleAgent)
	_, conv := shopper(t, hs, "I want to talk to a person")
	mei, li := newStaffClient(t, hs), newStaffClient(t, hs)
	mei.login("mei@shop.example.com")
	li.login("li@shop.example.com")
	for round := 0; round < 5; round++ {
		if round > 0 { // reset: back to the queue
			sm, err := st.ConversationSummary(context.Background(), conv)
			if err != nil {
				t.Fatal(err)
			}
			if err := st.ChangeState(context.Background(), store.StateChange{ConversationID: conv, From: "human", To: "queued", AssignedFrom: sm.AssignedStaffID}); err != nil {
				t.Fatal(err)
			}
		}
		var wg sync.WaitGroup
		codes := make([]int, 2)
		msgs := make([]string, 2)
		for i, c := range []*staffClient{mei, li} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				code, out := c.do("POST", "/api/console/conversations/"+conv+"/takeover", nil)
				codes[i] = code
				msgs[i], _ = out["message"].(string)
			}()
		}
		wg.Wait()
		wins, other := 0, ""
		for i, code := range codes {
			switch code {
			case 200:
				wins++
			case 409:
				other = msgs[i]
			default:
				t.Fatalf("round %d: takeover answered %d", round, code)
			}
		}
		if wins != 1 || !strings.Contains(other, "from support has it") {
			t.Fatalf("round %d: %d winners, loser told %q", round, wins, other)
		}
	}
}

// A staff member takes over, replies (the shopper sees it with the staff
// name), writes a note (the shopper never sees it), hands back, and the
// bot answers what waited and the next message, with the hand-back marker
// in its history.
func TestTakeoverReplyNoteHandback(t *testing.T) {
	hs, st := newStack(t)
	addStaff(t, st, "mei@shop.example.com", "Mei", store.RoleAgent)
	ws, conv := shopper(t, hs, "I want to talk to a person")
	mei := newStaffClient(t, hs)
	mei.login("mei@shop.example.com")

	// Watch the conversation on the staff socket.
	dialer := websocket.Dialer{Jar: mei.http.Jar}
	sws, _, err := dialer.Dial("ws"+strings.TrimPrefix(hs.URL, "http")+"/ws/console", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sws.Close()
	sws.WriteJSON(map[string]any{"type": "watch", "conversation_id": conv})
	readUntil(t, sws, func(f map[string]any) bool { return f["type"] == "watching" && f["conversation_id"] == conv })

	if code, out := mei.do("POST", "/api/console/conversations/"+conv+"/takeover", nil); code != 200 {
		t.Fatalf("takeover: %d %v", code, out)
	}
	joined := readUntil(t, ws, func(f map[string]any) bool { return f["type"] == "state" && f["state"] == "human" })
	if joined[len(joined)-1]["staff"] != "Mei" {
		t.Fatalf("state frame %v", joined[len(joined)-1])
	}
	payload := `<img src=x onerror=alert(1)> Hi, I'm Mei — how can I help?`
	if code, out := mei.do("POST", "/api/console/conversations/"+conv+"/reply", map[string]string{"text": payload, "client_id": "r1"}); code != 200 {
		t.Fatalf("reply: %d %v", code, out)
	}
	got := readUntil(t, ws, func(f map[string]any) bool { return f["type"] == "message" && f["role"] == "staff" })
	if m := got[len(got)-1]; m["author"] != "Mei" || m["text"] != payload {
		t.Fatalf("staff message %v", m)
	}
	if code, _ := mei.do("POST", "/api/console/conversations/"+conv+"/note", map[string]string{"text": "SECRET: customer sounded annoyed"}); code != 204 {
		t.Fatalf("note: %d", code)
	}
	// The staff socket saw the note; the shopper's socket gets nothing.
	readUntil(t, sws, func(f map[string]any) bool {
		e, _ := f["entry"].(map[string]any)
		return f["type"] == "entry" && e != nil && e["type"] == "note"
	})
	// Staff typing is the next thing the shopper's socket gets; nothing
	// before it may carry the note.
	if code, _ := mei.do("POST", "/api/console/conversations/"+conv+"/typing", map[string]bool{"typing": true}); code != 204 {
		t.Fatalf("typing: %d", code)
	}
	for _, f := range readUntil(t, ws, func(f map[string]any) bool { return f["type"] == "typing" && f["who"] == "staff" }) {
		if b, _ := json.Marshal(f); strings.Contains(string(b), "SECRET") {
			t.Fatalf("the note reached the shopper: %s", b)
		}
	}
	// The shopper answers Mei: she sees it live on the staff socket.
	ws.WriteJSON(map[string]any{"type": "message", "client_id": "s2", "text": "my order KF-10031 is late"})
	readUntil(t, sws, func(f map[string]any) bool {
		e, _ := f["entry"].(map[string]any)
		return f["type"] == "entry" && e != nil && e["role"] == "user" && e["text"] == "my order KF-10031 is late"
	})

	if code, _ := mei.do("POST", "/api/console/conversations/"+conv+"/handback", nil); code != 204 {
		t.Fatalf("handback: %d", code)
	}
	readUntil(t, ws, func(f map[string]any) bool { return f["type"] == "state" && f["state"] == "bot" })
	// The shopper is told the assistant is back, and it answers the message
	// Mei left unanswered (asking for the order's email).
	isAnswer := func(f map[string]any) bool { return f["type"] == "message" && f["role"] == "assistant" }
	for _, want := range []string{"assistant", "KF-10031"} {
		got := readUntil(t, ws, isAnswer)
		if text, _ := got[len(got)-1]["text"].(string); !strings.Contains(text, want) {
			t.Fatalf("after hand-back the shopper got %q, want it to mention %q", text, want)
		}
	}
	ws.WriteJSON(map[string]any{"type": "message", "client_id": "email", "text": "hannah.schmidt@example.com"})
	readUntil(t, ws, isAnswer)
	ws.WriteJSON(map[string]any{"type": "message", "client_id": "after", "text": "thanks! and how long does shipping to Canada take?"})
	ans := readUntil(t, ws, func(f map[string]any) bool { return f["type"] == "message" && f["role"] == "assistant" })
	if !strings.Contains(ans[len(ans)-1]["text"].(string), "7–14") {
		t.Fatalf("the bot did not answer after hand-back: %v", ans[len(ans)-1])
	}
	// The model's history says a person handled it, and when.
	h, err := (&agents.StoreLog{Store: st}).History(context.Background(), conv, 0)
	if err != nil {
		t.Fatal(err)
	}
	var marker string
	for _, m := range h {
		for _, p := range m.Parts {
			if tc, ok := p.(interface{ String() string }); ok && strings.Contains(tc.String(), "handled this conversation from") {
				marker = tc.String()
			}
		}
	}
	if !strings.Contains(marker, "Mei") {
		t.Fatalf("no hand-back marker in the model's history: %+v", h)
	}

	// The timeline shows the note to staff, and the customer panel works
	// for a guest.
	code, tl := mei.do("GET", "/api/console/conversations/"+conv, nil)
	if code != 200 || !strings.Contains(mustJSONString(tl), "SECRET") || !strings.Contains(mustJSONString(tl), `"tool_calls"`) {
		t.Fatalf("timeline: %d %s", code, mustJSONString(tl))
	}
	if code, cu := mei.do("GET", "/api/console/conversations/"+conv+"/customer", nil); code != 200 || cu["customer"] != nil || cu["revealed"] == nil {
		t.Fatalf("customer panel: %d %v", code, cu)
	}
	// Close: the shopper is asked to rate.
	if code, _ := mei.do("POST", "/api/console/conversations/"+conv+"/close", nil); code != 204 {
		t.Fatalf("close: %d", code)
	}
	readUntil(t, ws, func(f map[string]any) bool { return f["type"] == "state" && f["state"] == "closed" })
}

func mustJSONString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// The customer beside the chat: a signed-in shopper's profile, orders,
// returns and past conversations; and assigning the conversation to a
// colleague, who may then reply while the first may not.
func TestConsoleCustomerAndAssign(t *testing.T) {
	hs, st := newStack(t)
	addStaff(t, st, "mei@shop.example.com", "Mei", store.RoleAgent)
	addStaff(t, st, "li@shop.example.com", "Li", store.RoleAgent)
	ctx := context.Background()
	alice, _ := st.CustomerByEmail(ctx, "alice.johnson@example.com")
	conv, _, _ := st.CreateConversation(ctx, alice.ID, "en")
	st.AppendMessage(ctx, &store.Message{ConversationID: conv.ID, Role: store.RoleUser, Text: "hi, a question about my tent"})

	mei, li := newStaffClient(t, hs), newStaffClient(t, hs)
	mei.login("mei@shop.example.com")
	li.login("li@shop.example.com")
	code, cu := mei.do("GET", "/api/console/conversations/"+conv.ID+"/customer", nil)
	body := mustJSONString(cu)
	if code != 200 || !strings.Contains(body, `"name":"Alice Johnson"`) || !strings.Contains(body, "KF-10045") || !strings.Contains(body, `"conversations":[{`) {
		t.Fatalf("customer panel: %d %s", code, body)
	}
	if code, _ := mei.do("POST", "/api/console/conversations/"+conv.ID+"/takeover", nil); code != 200 {
		t.Fatalf("takeover: %d", code)
	}
	_, list := mei.do("GET", "/api/console/staff", nil)
	var liID float64
	for _, s := range list["staff"].([]any) {
		if s.(map[string]any)["name"] == "Li" {
			liID = s.(map[string]any)["id"].(float64)
		}
	}
	if code, out := mei.do("POST", "/api/console/conversations/"+conv.ID+"/assign", map[string]any{"staff_id": liID}); code != 204 {
		t.Fatalf("assign: %d %v", code, out)
	}
	if code, _ := mei.do("POST", "/api/console/conversations/"+conv.ID+"/reply", map[string]string{"text": "still me?"}); code != 409 {
		t.Errorf("the previous holder replied after assigning: %d", code)
	}
	if code, _ := li.do("POST", "/api/console/conversations/"+conv.ID+"/reply", map[string]string{"text": "Hi Alice, Li here."}); code != 200 {
		t.Errorf("the new holder could not reply: %d", code)
	}
	code, page := li.do("GET", fmt.Sprintf("/api/console/customers/%d", alice.ID), nil)
	pb := mustJSONString(page)
	if code != 200 || !strings.Contains(pb, `"aspect":"categories"`) || !strings.Contains(pb, `"kind":"order"`) || !strings.Contains(pb, `"basis":"purchase_history"`) {
		t.Fatalf("customer page: %d %s", code, pb)
	}
	code, seg := li.do("GET", "/api/console/segments?category=outdoor-gear&lang=en", nil)
	if code != 200 || !strings.Contains(mustJSONString(seg), "Alice Johnson") || strings.Contains(mustJSONString(seg), "王芳") {
		t.Fatalf("segment: %d %s", code, mustJSONString(seg))
	}
	if code, _ := li.do("GET", "/api/console/segments?price_min=abc", nil); code != 400 {
		t.Errorf("bad price: %d", code)
	}
	resp, err := li.http.Get(hs.URL + "/api/console/segments?category=outdoor-gear&format=csv")
	if err != nil {
		t.Fatal(err)
	}
	var csvBody bytes.Buffer
	csvBody.ReadFrom(resp.Body)
	resp.Body.Close()
	if !strings.HasPrefix(csvBody.String(), "\ufeffid,name,email") || !strings.Contains(csvBody.String(), "alice.johnson@example.com") {
		t.Fatalf("segment csv: %s", csvBody.String())
	}
	code, mine := li.do("GET", "/api/console/conversations?state=mine", nil)
	if code != 200 || !strings.Contains(mustJSONString(mine), conv.ID) {
		t.Errorf("Li's conversations: %d %s", code, mustJSONString(mine))
	}
}

func TestTranscriptSearchAndExportAPI(t *testing.T) {
	hs, st := newStack(t)
	addStaff(t, st, "mei@shop.example.com", "Mei", store.RoleAgent)
	_, zh := shopper(t, hs, "退货运费谁出")
	_, en := shopper(t, hs, "how long does shipping to Canada take?")
	mei := newStaffClient(t, hs)
	mei.login("mei@shop.example.com")
	for _, tc := range []struct {
		query string
		want  []string
		not   []string
	}{
		{"q=" + "%E8%BF%90%E8%B4%B9", []string{zh}, []string{en}}, // 运费
		{"q=Canada", []string{en}, []string{zh}},
		{"tool=search_knowledge_base", []string{zh, en}, nil},
		{"tool=start_return", nil, []string{zh, en}},
		{"escalated=false&state=bot", []string{zh, en}, nil},
		{"q=%27%3B%20DROP%20TABLE%20messages%3B%20--", nil, []string{zh, en}}, // '; DROP TABLE messages; -- is searched as words
	} {
		code, out := mei.do("GET", "/api/console/transcripts?"+tc.query, nil)
		body := mustJSONString(out)
		if code != 200 {
			t.Fatalf("%s: %d %s", tc.query, code, body)
		}
		for _, id := range tc.want {
			if !strings.Contains(body, id) {
				t.Errorf("%s: missing %s", tc.query, id)
			}
		}
		for _, id := range tc.not {
			if strings.Contains(body, id) {
				t.Errorf("%s: unexpected %s", tc.query, id)
			}
		}
	}
	if code, _ := mei.do("GET", "/api/console/transcripts?state=maybe", nil); code != 400 {
		t.Errorf("bad filter: %d", code)
	}
	// Export one conversation as JSONL, and a search as CSV.
	resp, err := mei.http.Get(hs.URL + "/api/console/transcripts/export?id=" + zh)
	if err != nil {
		t.Fatal(err)
	}
	var tr store.TranscriptJSON
	json.NewDecoder(resp.Body).Decode(&tr)
	resp.Body.Close()
	if tr.ID != zh || len(tr.Messages) < 3 {
		t.Fatalf("export of one conversation: %+v", tr)
	}
	resp, err = mei.http.Get(hs.URL + "/api/console/transcripts/export?format=csv&lang=en")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	resp.Body.Close()
	if !strings.HasPrefix(b.String(), "\ufeffconversation_id,") || !strings.Contains(b.String(), zh) {
		t.Fatalf("csv export: %s", b.String())
	}
	// The regression replay runs from the console too.
	code, rep := mei.do("POST", "/api/console/replay", nil)
	if code != 200 || !strings.Contains(mustJSONString(rep), `"counts":{"same":2}`) {
		t.Fatalf("replay: %d %s", code, mustJSONString(rep))
	}
	// The dashboard's measures count both conversations.
	code, stats := mei.do("GET", "/api/console/stats", nil)
	if code != 200 || !strings.Contains(mustJSONString(stats), `"conversations":2`) || !strings.Contains(mustJSONString(stats), `"search_knowledge_base":{"ok":2}`) {
		t.Fatalf("stats: %d %s", code, mustJSONString(stats))
	}
	if code, _ := mei.do("GET", "/api/console/stats?lang=fr", nil); code != 400 {
		t.Errorf("bad lang: %d", code)
	}
	// Without a session, nothing.
	if resp, _ := http.Get(hs.URL + "/api/console/transcripts/export"); resp.StatusCode != 401 {
		t.Errorf("export without a session: %d", resp.StatusCode)
	}
}

// Forged X-Forwarded-For headers do not buy more sign-in attempts.
func TestLoginLimitIgnoresForwardedFor(t *testing.T) {
	hs, st := newStack(t)
	addStaff(t, st, "mei@shop.example.com", "Mei", store.RoleAgent)
	last := 0
	for i := 0; i < 8; i++ {
		req, _ := http.NewRequest("POST", hs.URL+"/api/console/login",
			strings.NewReader(fmt.Sprintf(`{"email":"user%d@shop.example.com","password":"guess"}`, i)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.0.0.%d", i))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		last = resp.StatusCode
	}
	if last != 429 {
		t.Fatalf("8 attempts from one address with forged headers: last answer %d, want 429", last)
	}
}
