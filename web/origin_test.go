package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gorilla/websocket"

	"github.com/kefu-dev/kefu/chat"
	"github.com/kefu-dev/kefu/store"
)

// The shops' origins may open the widget's socket, not the console's: a
// page on a shop's origin (a sibling subdomain is same-site, so the
// session cookie goes with it) must not watch every conversation through
// /ws/console, nor post as a staff member.
func TestStaffEndpointsOwnOriginOnly(t *testing.T) {
	const shop = "https://shop.example.com"
	hs, st := newStackWith(t, chat.Config{AllowedOrigins: []string{shop}})
	addStaff(t, st, "mei@shop.example.com", "Mei", store.RoleAgent)
	mei := newStaffClient(t, hs)
	mei.login("mei@shop.example.com")
	base, _ := url.Parse(hs.URL)
	var cookies []string
	for _, ck := range mei.http.Jar.Cookies(base) {
		cookies = append(cookies, ck.String())
	}
	wsURL := "ws" + strings.TrimPrefix(hs.URL, "http")

	dial := func(path, origin string) (int, error) {
		h := http.Header{"Cookie": {strings.Join(cookies, "; ")}}
		if origin != "" {
			h.Set("Origin", origin)
		}
		ws, resp, err := websocket.DefaultDialer.Dial(wsURL+path, h)
		if err == nil {
			ws.Close()
		}
		if resp == nil {
			return 0, err
		}
		return resp.StatusCode, err
	}
	for _, c := range []struct {
		path, origin string
		want         int
	}{
		{"/ws/console", shop, http.StatusForbidden},
		{"/ws/console", "https://evil.example", http.StatusForbidden},
		{"/ws/console", "null", http.StatusForbidden},
		{"/ws/console", hs.URL, http.StatusSwitchingProtocols},
		{"/ws/console", "", http.StatusSwitchingProtocols}, // a program, not a browser
		{"/ws", shop, http.StatusSwitchingProtocols},       // the widget still opens from the shop
	} {
		if code, err := dial(c.path, c.origin); code != c.want {
			t.Errorf("%s from %q: %d (%v), want %d", c.path, c.origin, code, err, c.want)
		}
	}

	// The console API's changes, sign-in included.
	post := func(path, origin, body string, csrf bool) int {
		req, _ := http.NewRequest("POST", hs.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", origin)
		if csrf {
			req.Header.Set("X-CSRF-Token", mei.csrf)
		}
		resp, err := mei.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	login := `{"email":"mei@shop.example.com","password":"correct horse battery"}`
	if code := post("/api/console/login", shop, login, false); code != http.StatusForbidden {
		t.Errorf("sign-in from the shop's origin: %d, want 403", code)
	}
	_, conv := shopper(t, hs, "hello")
	note := "/api/console/conversations/" + conv + "/note"
	if code := post(note, shop, `{"text":"from the shop's page"}`, true); code != http.StatusForbidden {
		t.Errorf("a note with the right CSRF token from the shop's origin: %d, want 403", code)
	}
	if code := post(note, hs.URL, `{"text":"from the console"}`, true); code != http.StatusNoContent {
		t.Errorf("a note from kefu's own origin: %d, want 204", code)
	}
	if code := post("/api/console/login", hs.URL, login, false); code != http.StatusOK {
		t.Errorf("sign-in from kefu's own origin: %d, want 200", code)
	}
}
