package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/kefu-dev/kefu/chat"
)

// helloAs opens a widget socket and says hello with a signed identity
// expiring at exp; it returns the welcome and any error frame before it.
func helloAs(t *testing.T, base string, secret []byte, customer string, exp time.Time) (welcome, refused map[string]any) {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(base, "http")+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ws.WriteJSON(map[string]any{"type": "hello", "identity": chat.Identity{CustomerID: customer, Expires: exp.Unix(), Signature: chat.Sign(secret, customer, exp.Unix())}})
	for _, f := range readUntil(t, ws, func(f map[string]any) bool { return f["type"] == "welcome" }) {
		switch f["type"] {
		case "welcome":
			welcome = f
		case "error":
			refused = f
		}
	}
	return welcome, refused
}

// A signed identity that expires years ahead is refused (the shopper
// chats as a guest) by default, and beyond the configured lifetime.
func TestIdentityLifetimeBounded(t *testing.T) {
	secret := []byte("browser-test-secret-0123456789abcdef") // newStackWith's
	for _, c := range []struct {
		name   string
		max    time.Duration
		in     time.Duration
		signed bool
	}{
		{"default, 12 hours", 0, 12 * time.Hour, true},
		{"default, 6 days", 0, 6 * 24 * time.Hour, true},
		{"default, 10 years", 0, 10 * 365 * 24 * time.Hour, false},
		{"one hour allowed, 30 minutes", time.Hour, 30 * time.Minute, true},
		{"one hour allowed, 2 hours", time.Hour, 2 * time.Hour, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			hs, _ := newStackWith(t, chat.Config{MaxIdentityLifetime: c.max})
			welcome, refused := helloAs(t, hs.URL, secret, "cus_1001", time.Now().Add(c.in))
			if signed := welcome["customer"] != nil; signed != c.signed {
				t.Errorf("signed in: %v, want %v (welcome %v, error %v)", signed, c.signed, welcome, refused)
			}
			if !c.signed && (refused == nil || refused["code"] != chat.CodeIdentityInvalid) {
				t.Errorf("refusal: %v, want an %s error frame", refused, chat.CodeIdentityInvalid)
			}
		})
	}
}
