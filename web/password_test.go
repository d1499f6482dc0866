package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/gorilla/websocket"

	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/web"
)

// addStaffMustChange adds a staff member whose password was chosen for
// them, as kefu serve makes the first admin with a one-time password.
func addStaffMustChange(t *testing.T, st *store.Store, email, name, role string) {
	t.Helper()
	hash, err := web.HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateStaff(context.Background(), &store.Staff{Email: email, Name: name, Role: role, PasswordHash: hash, MustChangePassword: true}); err != nil {
		t.Fatal(err)
	}
}

// After signing in with a one-time password, the session can do nothing
// but change it (API and staff socket); the change needs the current
// password and a new one of 10+ characters; it ends the member's other
// sessions, keeps this one, and the old password no longer signs in.
func TestOneTimePasswordMustBeChanged(t *testing.T) {
	hs, st := newStack(t)
	addStaffMustChange(t, st, "admin@kefu.local", "Admin", store.RoleAdmin)
	other := newStaffClient(t, hs)
	other.login("admin@kefu.local")
	admin := newStaffClient(t, hs)
	code, out := admin.do("POST", "/api/console/login", map[string]string{"email": "admin@kefu.local", "password": "correct horse battery"})
	if me, _ := out["staff"].(map[string]any); code != 200 || me["must_change_password"] != true {
		t.Fatalf("login: %d %v", code, out)
	}
	admin.csrf = out["csrf_token"].(string)
	if code, out := admin.do("GET", "/api/console/me", nil); code != 200 || out["staff"].(map[string]any)["must_change_password"] != true {
		t.Errorf("me: %d %v", code, out)
	}
	for _, r := range []struct{ method, path string }{
		{"GET", "/api/console/conversations"}, {"GET", "/api/console/staff"}, {"GET", "/api/console/transcripts"},
		{"POST", "/api/console/staff"}, {"GET", "/api/console/stats"},
	} {
		code, out := admin.do(r.method, r.path, map[string]string{})
		if msg, _ := out["message"].(string); code != http.StatusForbidden || !strings.Contains(msg, "choose a new password first") {
			t.Errorf("%s %s before the change: %d %v", r.method, r.path, code, out)
		}
	}
	ws := "ws" + strings.TrimPrefix(hs.URL, "http") + "/ws/console"
	dialer := websocket.Dialer{Jar: admin.http.Jar}
	if _, resp, err := dialer.Dial(ws, nil); err == nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("staff socket before the change: %v %v", err, resp)
	}

	for _, c := range []struct {
		current, next string
		want          int
		msg           string
	}{
		{"wrong password!", "a new password of mine", 403, "the current password is wrong"},
		{"correct horse battery", "short", 400, "at least 10 characters"},
		{"correct horse battery", "correct horse battery", 400, "must differ"},
		{"correct horse battery", strings.Repeat("x", 73), 400, "at most 72 bytes"},
	} {
		code, out := admin.do("POST", "/api/console/password", map[string]string{"current_password": c.current, "new_password": c.next})
		if msg, _ := out["message"].(string); code != c.want || !strings.Contains(msg, c.msg) {
			t.Errorf("change %q → %q: %d %v, want %d %q", c.current, c.next, code, out, c.want, c.msg)
		}
	}
	code, out = admin.do("POST", "/api/console/password", map[string]string{"current_password": "correct horse battery", "new_password": "a new password of mine"})
	if me, _ := out["staff"].(map[string]any); code != 200 || me["must_change_password"] != nil {
		t.Fatalf("change: %d %v", code, out)
	}
	if code, out := admin.do("GET", "/api/console/conversations", nil); code != 200 {
		t.Errorf("after the change, this session: %d %v", code, out)
	}
	if c, resp, err := dialer.Dial(ws, nil); err != nil {
		t.Errorf("staff socket after the change: %v %v", err, resp)
	} else {
		c.Close()
	}
	if code, _ := other.do("GET", "/api/console/me", nil); code != 401 {
		t.Errorf("the session signed in with the one-time password elsewhere: %d, want 401", code)
	}
	fresh := newStaffClient(t, hs)
	if code, _ := fresh.do("POST", "/api/console/login", map[string]string{"email": "admin@kefu.local", "password": "correct horse battery"}); code != 401 {
		t.Errorf("the one-time password still signs in: %d", code)
	}
	code, out = fresh.do("POST", "/api/console/login", map[string]string{"email": "admin@kefu.local", "password": "a new password of mine"})
	if me, _ := out["staff"].(map[string]any); code != 200 || me["must_change_password"] != nil {
		t.Errorf("the new password: %d %v", code, out)
	}
}

// Any staff member can change their own password; staff added by an
// admin are refused an email that is not one, with the reason, and must
// replace the password the admin chose at their first sign-in.
func TestStaffChangeOwnPassword(t *testing.T) {
	hs, st := newStack(t)
	addStaff(t, st, "mei@shop.example.com", "Mei", store.RoleAgent)
	addStaff(t, st, "boss@shop.example.com", "Boss", store.RoleAdmin)
	mei := newStaffClient(t, hs)
	mei.login("mei@shop.example.com")
	if code, out := mei.do("POST", "/api/console/password", map[string]string{"current_password": "correct horse battery", "new_password": "mei's own password"}); code != 200 {
		t.Fatalf("change: %d %v", code, out)
	}
	again := newStaffClient(t, hs)
	if code, _ := again.do("POST", "/api/console/login", map[string]string{"email": "mei@shop.example.com", "password": "mei's own password"}); code != 200 {
		t.Errorf("sign in with the new password: %d", code)
	}
	boss := newStaffClient(t, hs)
	boss.login("boss@shop.example.com")
	for email, want := range map[string]string{
		"li.shop.example.com":  "has no @",
		"li@shop":              "not a full domain name",
		"Li <li@shop.example>": "has a space",
		"li@@shop.example.com": "more than one @",
		"@shop.example.com":    "nothing comes before the @",
	} {
		code, out := boss.do("POST", "/api/console/staff", map[string]string{"email": email, "name": "Li", "role": "agent", "password": "another long password"})
		if msg, _ := out["message"].(string); code != 400 || !strings.Contains(msg, want) {
			t.Errorf("add %q: %d %v, want 400 %q", email, code, out, want)
		}
	}
	if code, out := boss.do("POST", "/api/console/staff", map[string]string{"email": "li@shop.example.com", "name": "Li", "role": "agent", "password": "chosen by the boss"}); code != 201 {
		t.Fatalf("add li: %d %v", code, out)
	}
	li := newStaffClient(t, hs)
	code, out := li.do("POST", "/api/console/login", map[string]string{"email": "li@shop.example.com", "password": "chosen by the boss"})
	if me, _ := out["staff"].(map[string]any); code != 200 || me["must_change_password"] != true {
		t.Errorf("li's first sign-in: %d %v", code, out)
	}
	li.csrf, _ = out["csrf_token"].(string)
	if code, _ := li.do("GET", "/api/console/conversations", nil); code != 403 {
		t.Errorf("li before changing the password: %d, want 403", code)
	}
}
