package web_test

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/kefu-dev/kefu/agents/voice"
	"github.com/kefu-dev/kefu/chat"
)

// Outside the shop's hours a handoff says, over the shopper's real socket,
// when a person will answer (the next opening in the shop's zone, in the
// shopper's language) and asks for an email, which is then stored on the
// conversation. Inside the hours neither happens. The time comes from the
// engine's clock, not from waiting.
func TestAfterHoursHandoffTakesEmail(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	var now atomic.Pointer[time.Time]
	set := func(s string) {
		v, _ := time.ParseInLocation("2006-01-02 15:04", s, sh)
		now.Store(&v)
	}
	set("2026-12-04 20:00") // a Friday evening in Shanghai
	hs, st := newStackWith(t, chat.Config{Now: func() time.Time { return *now.Load() },
		Voice: voice.Static(voice.Settings{Hours: "Mon-Fri 09:00-18:00, Sat 10:00-14:00", TimeZone: "Asia/Shanghai"})})

	open := func(locale string) (*websocket.Conn, string) {
		ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(hs.URL, "http")+"/ws", nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ws.Close() })
		ws.WriteJSON(map[string]any{"type": "hello", "locale": locale})
		var id string
		readUntil(t, ws, func(f map[string]any) bool {
			if f["type"] == "welcome" {
				id = f["conversation_id"].(string)
				return true
			}
			return false
		})
		return ws, id
	}
	says := func(ws *websocket.Conn, n int, text, want string) {
		t.Helper()
		ws.WriteJSON(map[string]any{"type": "message", "client_id": "c" + string(rune('0'+n)), "text": text})
		readUntil(t, ws, func(f map[string]any) bool {
			s, _ := f["text"].(string)
			return f["type"] == "message" && f["role"] == "assistant" && strings.Contains(s, want)
		})
	}

	ws, id := open("en")
	says(ws, 1, "I want to talk to a real person please", "a person will answer tomorrow (Saturday) at 10:00 (Asia/Shanghai time). Leave your email")
	says(ws, 2, "sure, it's lin.wei@example.com thanks", "a person will reply to lin.wei@example.com")
	if got, err := st.ContactEmail(t.Context(), id); err != nil || got != "lin.wei@example.com" {
		t.Errorf("contact email %q (%v)", got, err)
	}

	set("2026-12-05 15:00") // Saturday after closing: back on Monday
	zh, zhID := open("zh")
	says(zh, 1, "我要找人工客服", "将在周一 09:00（Asia/Shanghai 时间）回复您")
	says(zh, 2, "我的邮箱是 wang@example.cn", "会回复到 wang@example.cn")
	if got, _ := st.ContactEmail(t.Context(), zhID); got != "wang@example.cn" {
		t.Errorf("zh contact email %q", got)
	}

	set("2026-12-07 10:00") // Monday morning: people are in
	in, inID := open("en")
	in.WriteJSON(map[string]any{"type": "message", "client_id": "i1", "text": "I want to talk to a real person please"})
	seen := readUntil(t, in, func(f map[string]any) bool { return f["type"] == "state" && f["state"] == "queued" })
	in.WriteJSON(map[string]any{"type": "message", "client_id": "i2", "text": "my email is in@example.com"})
	seen = append(seen, readUntil(t, in, func(f map[string]any) bool { return f["type"] == "ack" && f["client_id"] == "i2" })...)
	for _, f := range seen {
		if s, _ := f["text"].(string); strings.Contains(s, "away right now") {
			t.Errorf("an after-hours notice inside the hours: %v", f)
		}
	}
	if got, _ := st.ContactEmail(t.Context(), inID); got != "" {
		t.Errorf("an email taken inside the hours: %q", got)
	}
}
