package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/kefu-dev/kefu/chat"
	"github.com/kefu-dev/kefu/store"
)

// The console API's hostile-input suite. Every case gets a clear error
// (status and message asserted) and leaves the data as it was. Covered
// elsewhere, not repeated here:
//   - GET /conversations without a session, logout without a CSRF token or
//     with another session's, an agent adding staff, the staff socket
//     without a session: TestConsoleAuth;
//   - an expired session: TestConsoleExpiredSession;
//   - password guessing and forged X-Forwarded-For: TestConsoleLoginRateLimited,
//     TestLoginLimitIgnoresForwardedFor;
//   - `'; DROP TABLE messages; --` as a transcript search:
//     TestTranscriptSearchAndExportAPI;
//   - a staff reply with an <img onerror> reaching the shopper unchanged:
//     TestTakeoverReplyNoteHandback.
// The browser tests (hostile_browser_test.go) check that markup shows as
// text in the widget and the console.

// consoleRoute is one route of the console API with a body that would
// work with a valid session.
type consoleRoute struct {
	method, path string
	body         any
}

func consoleRoutes(conv string, custID, liID int64) []consoleRoute {
	c := "/api/console/conversations/" + conv
	return []consoleRoute{
		{"POST", "/api/console/logout", nil},
		{"GET", "/api/console/me", nil},
		{"GET", "/api/console/conversations", nil},
		{"GET", c, nil},
		{"GET", c + "/customer", nil},
		{"POST", c + "/takeover", nil},
		{"POST", c + "/reply", map[string]string{"text": "a forged reply"}},
		{"POST", c + "/note", map[string]string{"text": "a forged note"}},
		{"POST", c + "/assign", map[string]any{"staff_id": liID}},
		{"POST", c + "/handback", nil},
		{"POST", c + "/close", nil},
		{"POST", c + "/typing", map[string]bool{"typing": true}},
		{"GET", "/api/console/stats", nil},
		{"GET", fmt.Sprintf("/api/console/customers/%d", custID), nil},
		{"POST", fmt.Sprintf("/api/console/customers/%d/summary", custID), nil},
		{"GET", "/api/console/segments", nil},
		{"GET", "/api/console/transcripts?q=parcel", nil},
		{"GET", "/api/console/transcripts/export", nil},
		{"POST", "/api/console/replay", nil},
		{"GET", "/api/console/staff", nil},
		{"POST", "/api/console/staff", map[string]string{"email": "mallory@evil.example", "name": "Mallory", "role": "admin", "password": "a long enough password"}},
	}
}

// snapshot is everything a console request could change, as text.
func snapshot(t *testing.T, st *store.Store, conv string) string {
	t.Helper()
	ctx := context.Background()
	sm, err := st.ConversationSummary(ctx, conv)
	if err != nil {
		t.Fatal(err)
	}
	ms, _ := st.Messages(ctx, conv, 0, 1000)
	evs, _ := st.Events(ctx, conv)
	staff, _ := st.StaffList(ctx)
	var b strings.Builder
	fmt.Fprintf(&b, "state %s assigned %d\n", sm.State, sm.AssignedStaffID)
	for _, m := range ms {
		fmt.Fprintf(&b, "message %d %s %s %q\n", m.Seq, m.Role, m.Author, m.Text)
	}
	for _, e := range evs {
		fmt.Fprintf(&b, "event %s %s→%s %s\n", e.Kind, e.FromState, e.ToState, e.Data)
	}
	for _, s := range staff {
		fmt.Fprintf(&b, "staff %s %s %s\n", s.Email, s.Name, s.Role)
	}
	return b.String()
}

// Every console route refuses a request without a session, with a forged
// session cookie, and (for changes) with another staff member's CSRF
// token; nothing changes, and the sessions still work.
func TestHostileConsoleAuth(t *testing.T) {
	hs, st := newStack(t)
	addStaff(t, st, "mei@shop.example.com", "Mei", store.RoleAgent)
	addStaff(t, st, "li@shop.example.com", "Li", store.RoleAgent)
	addStaff(t, st, "boss@shop.example.com", "Boss", store.RoleAdmin)
	_, conv := shopper(t, hs, "I want to talk to a person")
	mei, boss := newStaffClient(t, hs), newStaffClient(t, hs)
	mei.login("mei@shop.example.com")
	boss.login("boss@shop.example.com")
	if code, out := mei.do("POST", "/api/console/conversations/"+conv+"/takeover", nil); code != 200 {
		t.Fatalf("takeover: %d %v", code, out)
	}
	alice, _ := st.CustomerByEmail(context.Background(), "alice.johnson@example.com")
	li, _ := st.StaffByEmail(context.Background(), "li@shop.example.com")
	before := snapshot(t, st, conv)

	for _, r := range consoleRoutes(conv, alice.ID, li.ID) {
		t.Run(r.method+" "+r.path, func(t *testing.T) {
			anon := newStaffClient(t, hs)
			if code, out := anon.do(r.method, r.path, r.body); code != 401 || out["message"] != "sign in first" {
				t.Errorf("no session: %d %v, want 401 sign in first", code, out)
			}
			forged := newStaffClient(t, hs)
			u, _ := url.Parse(hs.URL)
			forged.http.Jar.SetCookies(u, []*http.Cookie{{Name: "kefu_session", Value: "' OR 1=1 --"}})
			forged.csrf = boss.csrf
			if code, out := forged.do(r.method, r.path, r.body); code != 401 || out["message"] != "your session has expired; sign in again" {
				t.Errorf("forged session cookie: %d %v, want 401", code, out)
			}
			if r.method == "POST" {
				// Mei's session with the admin's CSRF token, as a page that
				// learnt one token would try.
				saved := mei.csrf
				mei.csrf = boss.csrf
				code, out := mei.do(r.method, r.path, r.body)
				mei.csrf = saved
				if code != 403 || out["message"] != "missing or wrong CSRF token" {
					t.Errorf("another staff member's CSRF token: %d %v, want 403", code, out)
				}
			}
			if after := snapshot(t, st, conv); after != before {
				t.Fatalf("the refused request changed the data:\nbefore:\n%s\nafter:\n%s", before, after)
			}
		})
	}
	for name, c := range map[string]*staffClient{"mei": mei, "boss": boss} {
		if code, _ := c.do("GET", "/api/console/me", nil); code != 200 {
			t.Errorf("%s's session after the forged requests: %d", name, code)
		}
	}
	if code, out := mei.do("POST", "/api/console/conversations/"+conv+"/reply", map[string]string{"text": "Mei here"}); code != 200 {
		t.Errorf("Mei's own reply: %d %v", code, out)
	}
}

// Transcript search text is searched for as words: SQL and FTS syntax is
// neither run nor an error. Each query must find exactly the conversations
// that contain all its words (no words: no text filter).
func TestHostileTranscriptSearch(t *testing.T) {
	hs, st := newStack(t)
	addStaff(t, st, "mei@shop.example.com", "Mei", store.RoleAgent)
	ctx := context.Background()
	convs := map[string]string{}
	for name, text := range map[string]string{
		"one":    "parcel 1 arrived broken",
		"parcel": "where is my parcel",
		"syntax": "near the docid field, not unterminated",
	} {
		c, _, err := st.CreateConversation(ctx, 0, "en")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.AppendMessage(ctx, &store.Message{ConversationID: c.ID, Role: store.RoleUser, Text: text}); err != nil {
			t.Fatal(err)
		}
		convs[name] = c.ID
	}
	all := []string{"one", "parcel", "syntax"}
	before := map[string]string{}
	for _, id := range convs {
		before[id] = snapshot(t, st, id)
	}
	mei := newStaffClient(t, hs)
	mei.login("mei@shop.example.com")
	var many []string
	for i := 0; i < 3000; i++ {
		many = append(many, fmt.Sprintf("w%d", i))
	}
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{`' OR 1=1 --`, []string{"one"}}, // the word "1"; injected SQL would list all
		{`"unterminated`, []string{"syntax"}},
		{`NEAR(`, []string{"syntax"}},
		{`*`, all},
		{`-`, all},
		{`AND OR NOT`, []string{"syntax"}},  // "and" and "or" are stop words; "not" is searched
		{`docid:1`, nil},                    // the words docid and 1, in no one conversation
		{`parcel -broken`, []string{"one"}}, // both words, not FTS's NOT
		{`parc*`, nil},                      // no prefix search
		{`"where is" OR broken`, []string{"one"}},
		{`messages_fts MATCH 'parcel'`, nil},
		{"\x00", all},
		{"\xff\xfe", all},
		{strings.Join(many, " "), nil}, // 3,000 terms: no FTS expression limit is hit
	} {
		t.Run(tc.q[:min(len(tc.q), 30)], func(t *testing.T) {
			code, out := mei.do("GET", "/api/console/transcripts?q="+url.QueryEscape(tc.q), nil)
			if code != 200 {
				t.Fatalf("%d %v", code, out)
			}
			var got []string
			list, _ := out["conversations"].([]any)
			for _, c := range list {
				id := c.(map[string]any)["id"].(string)
				for name, cid := range convs {
					if cid == id {
						got = append(got, name)
					}
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.want) || out["total"] != float64(len(tc.want)) {
				t.Fatalf("found %v (total %v), want %v", got, out["total"], tc.want)
			}
		})
	}
	for _, id := range convs {
		if after := snapshot(t, st, id); after != before[id] {
			t.Fatalf("searching changed conversation %s:\n%s\nwas:\n%s", id, after, before[id])
		}
	}
}

// Malformed or oversized requests and out-of-range parameters get a 4xx
// with a message, never a 500, and change nothing.
func TestHostileConsoleRequests(t *testing.T) {
	hs, st := newStack(t)
	addStaff(t, st, "mei@shop.example.com", "Mei", store.RoleAgent)
	_, conv := shopper(t, hs, "I want to talk to a person")
	mei := newStaffClient(t, hs)
	mei.login("mei@shop.example.com")
	if code, _ := mei.do("POST", "/api/console/conversations/"+conv+"/takeover", nil); code != 200 {
		t.Fatal("takeover")
	}
	before := snapshot(t, st, conv)
	c := "/api/console/conversations/" + conv
	for _, tc := range []struct {
		name, method, path string
		body               any // a string is sent as it is
		code               int
		message            string
	}{
		{"a note on no conversation", "POST", "/api/console/conversations/no-such-id/note", map[string]string{"text": "x"}, 404, "not found"},
		{"a reply on no conversation", "POST", "/api/console/conversations/no-such-id/reply", map[string]string{"text": "x"}, 404, "not found"},
		{"SQL as a conversation id", "GET", "/api/console/conversations/" + url.PathEscape("' OR '1'='1"), nil, 404, "not found"},
		{"10,000 nested arrays as a reply", "POST", c + "/reply", strings.Repeat("[", 10000) + strings.Repeat("]", 10000), 400, "send text as JSON"},
		{"text as an object", "POST", c + "/reply", `{"text":{"$ne":""}}`, 400, "send text as JSON"},
		{"an empty note", "POST", c + "/note", map[string]string{"text": "   "}, 400, "text must be 1 to 4000 characters"},
		{"a reply over 2000 characters", "POST", c + "/reply", map[string]string{"text": strings.Repeat("长", 2001)}, 400, "text must be 1 to 2000 characters"},
		{"a body over 64 KiB", "POST", c + "/note", map[string]string{"text": strings.Repeat("x", 70<<10)}, 413, "Request Entity Too Large"},
		{"assign to no one", "POST", c + "/assign", map[string]any{"staff_id": -1}, 404, "not found"},
		{"a customer id with SQL", "GET", "/api/console/customers/" + url.PathEscape("1 OR 1=1"), nil, 400, "a customer id is a number"},
		{"a state with SQL", "GET", "/api/console/transcripts?state=" + url.QueryEscape("bot' OR '1'='1"), nil, 400, "state must be"},
		{"a negative limit", "GET", "/api/console/transcripts?limit=-1", nil, 400, "must not be negative"},
		{"an offset past int64", "GET", "/api/console/transcripts?offset=99999999999999999999", nil, 400, "offset must be a number"},
		{"a date that is not one", "GET", "/api/console/transcripts?from=2026-13-45", nil, 400, "from must be a date"},
		{"a customer filter with SQL", "GET", "/api/console/transcripts?customer=" + url.QueryEscape("1 OR 1=1"), nil, 400, "customer must be a customer id"},
		{"an export format", "GET", "/api/console/transcripts/export?format=" + url.QueryEscape("<script>"), nil, 400, "format must be jsonl or csv"},
		{"a sign-in with SQL", "POST", "/api/console/login", map[string]string{"email": "' OR 1=1 --", "password": "' OR 1=1 --"}, 401, "wrong email or password"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var code int
			var out map[string]any
			if raw, ok := tc.body.(string); ok {
				code, out = mei.doRaw(tc.method, tc.path, raw)
			} else {
				code, out = mei.do(tc.method, tc.path, tc.body)
			}
			if code != tc.code || !strings.Contains(fmt.Sprint(out["message"]), tc.message) {
				t.Fatalf("%d %v, want %d with %q", code, out, tc.code, tc.message)
			}
			if after := snapshot(t, st, conv); after != before {
				t.Fatalf("the refused request changed the data:\nbefore:\n%s\nafter:\n%s", before, after)
			}
		})
	}
	// A page on another site cannot open the staff socket with Mei's
	// cookie (cross-site WebSocket hijacking).
	dialer := websocket.Dialer{Jar: mei.http.Jar}
	ws, resp, err := dialer.Dial("ws"+strings.TrimPrefix(hs.URL, "http")+"/ws/console", http.Header{"Origin": {"https://evil.example.net"}})
	if err == nil {
		ws.Close()
		t.Fatal("the staff socket opened for another origin")
	}
	if resp == nil || resp.StatusCode != 403 {
		t.Fatalf("staff socket from another origin: %v %v, want 403", err, resp)
	}
	if code, out := mei.do("POST", c+"/reply", map[string]string{"text": "Mei here"}); code != 200 {
		t.Fatalf("a valid reply after the hostile requests: %d %v", code, out)
	}
}

// Markup in a shopper's message, a customer's name, a staff member's name
// and a note is stored and served exactly as written, as JSON (never as a
// page a browser would render), and the console page forbids inline
// script; the shopper gets the staff name as it is.
func TestHostileMarkupThroughTheAPI(t *testing.T) {
	hs, st := newStack(t)
	ctx := context.Background()
	const (
		shopperText = `<script>window.__pwned=1</script> where is my order?`
		custName    = `<img src=x onerror="window.__pwned=1">Eve`
		staffName   = `<b onmouseover="window.__pwned=1">Mei</b>`
		noteText    = `<a href="javascript:window.__pwned=1">click</a>`
	)
	if _, err := st.Import(ctx, &store.Dataset{Customers: []store.Customer{{ExternalID: "cus_eve", Email: "eve@example.com", Name: custName}}}); err != nil {
		t.Fatal(err)
	}
	addStaff(t, st, "boss@shop.example.com", "Boss", store.RoleAdmin)
	boss := newStaffClient(t, hs)
	boss.login("boss@shop.example.com")
	if code, out := boss.do("POST", "/api/console/staff", map[string]string{"email": "mei@shop.example.com", "name": staffName,
		"role": "agent", "password": "correct horse battery"}); code != 201 || out["name"] != staffName {
		t.Fatalf("add staff: %d %v", code, out)
	}
	mei := newStaffClient(t, hs)
	mei.login("mei@shop.example.com")
	// Added by an admin, who chose the password: Mei replaces it first.
	if code, out := mei.do("POST", "/api/console/password", map[string]string{"current_password": "correct horse battery", "new_password": "mei's own password"}); code != 200 {
		t.Fatalf("change password: %d %v", code, out)
	}

	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(hs.URL, "http")+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	exp := time.Now().Add(time.Hour).Unix()
	secret := []byte("browser-test-secret-0123456789abcdef") // newStack's
	ws.WriteJSON(map[string]any{"type": "hello", "identity": chat.Identity{CustomerID: "cus_eve", Expires: exp, Signature: chat.Sign(secret, "cus_eve", exp)}})
	welcome := readUntil(t, ws, func(f map[string]any) bool { return f["type"] == "welcome" })
	w := welcome[len(welcome)-1]
	if cu, _ := w["customer"].(map[string]any); cu == nil || cu["name"] != custName {
		t.Fatalf("welcome %v", w)
	}
	conv := w["conversation_id"].(string)
	ws.WriteJSON(map[string]any{"type": "message", "client_id": "x", "text": shopperText})
	readUntil(t, ws, func(f map[string]any) bool { return f["type"] == "message" && f["role"] == "assistant" })

	if code, out := mei.do("POST", "/api/console/conversations/"+conv+"/takeover", nil); code != 200 || out["staff"] != staffName {
		t.Fatalf("takeover: %d %v", code, out)
	}
	joined := readUntil(t, ws, func(f map[string]any) bool { return f["type"] == "state" && f["state"] == "human" })
	if got := joined[len(joined)-1]["staff"]; got != staffName {
		t.Fatalf("the shopper was told %q joined, want %q", got, staffName)
	}
	if code, _ := mei.do("POST", "/api/console/conversations/"+conv+"/note", map[string]string{"text": noteText}); code != 204 {
		t.Fatalf("note: %d", code)
	}

	for _, tc := range []struct {
		path string
		want []string
	}{
		{"/api/console/conversations", []string{custName}},
		{"/api/console/conversations/" + conv, []string{shopperText, noteText, staffName}},
		{"/api/console/conversations/" + conv + "/customer", []string{custName}},
		{"/api/console/staff", []string{staffName}},
		{"/api/console/transcripts?q=order", []string{custName}},
	} {
		resp, err := mei.http.Get(hs.URL + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			t.Fatalf("GET %s: %d %s", tc.path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		var out any
		if err := json.Unmarshal(body, &out); err != nil {
			t.Fatalf("GET %s: %v", tc.path, err)
		}
		got := strings.Join(allStrings(out), "\n")
		for _, s := range tc.want {
			if !strings.Contains(got, s) {
				t.Errorf("GET %s lacks %q exactly as written:\n%s", tc.path, s, body)
			}
		}
	}
	// The console page carries a policy that keeps injected markup from
	// running script, should any slip through.
	resp, err := http.Get(hs.URL + "/console")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	csp, scriptSrc := resp.Header.Get("Content-Security-Policy"), ""
	for _, d := range strings.Split(csp, ";") {
		if d = strings.TrimSpace(d); strings.HasPrefix(d, "script-src ") {
			scriptSrc = d
		}
	}
	if scriptSrc != "script-src 'self'" {
		t.Errorf("console CSP %q: want script-src 'self' only", csp)
	}
	// The note never reached the shopper.
	mei.do("POST", "/api/console/conversations/"+conv+"/typing", map[string]bool{"typing": true})
	for _, f := range readUntil(t, ws, func(f map[string]any) bool { return f["type"] == "typing" && f["who"] == "staff" }) {
		if strings.Contains(mustJSONString(f), "javascript:") {
			t.Fatalf("the note reached the shopper: %v", f)
		}
	}
}

// allStrings returns every string in a decoded JSON value.
func allStrings(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, e := range v {
			out = append(out, allStrings(e)...)
		}
		return out
	case map[string]any:
		var out []string
		for _, e := range v {
			out = append(out, allStrings(e)...)
		}
		return out
	}
	return nil
}
