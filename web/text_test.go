package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/kefu-dev/kefu/chat"
	"github.com/kefu-dev/kefu/store"
)

// NUL and the bidi embedding, override and isolate controls are dropped
// from a shopper's message before it is stored (and so before the console
// or a transcript shows it); a message of nothing visible is refused.
func TestShopperTextControls(t *testing.T) {
	hs, st := newStack(t)
	ws, conv := shopper(t, hs, "hello")

	sent := "order \u202E1234-KF\u202C please\x00 \u2066check\u2069 \u202Aa\u202B\u202D"
	ws.WriteJSON(map[string]any{"type": "message", "client_id": "bidi", "text": sent})
	readUntil(t, ws, func(f map[string]any) bool { return f["type"] == "ack" && f["client_id"] == "bidi" })
	ms, err := st.Messages(context.Background(), conv, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var stored *store.Message
	for i := range ms {
		if ms[i].ClientID == "bidi" {
			stored = &ms[i]
		}
	}
	if stored == nil {
		t.Fatal("the message was not stored")
	}
	if want := "order 1234-KF please check a"; stored.Text != want {
		t.Errorf("stored %q, want %q", stored.Text, want)
	}

	for i, text := range []string{
		"\u200B\u200C\u200D\u2060\uFEFF",   // zero-width
		" \u202E \u2066\u2069\x00 ",        // nothing but what is dropped
		"\u3164\u115F\u2800\u00A0\u3000\t", // blank fillers and spaces
		"\u0301\u0308",                     // combining marks on nothing
	} {
		id := "invisible-" + string(rune('a'+i))
		ws.WriteJSON(map[string]any{"type": "message", "client_id": id, "text": text})
		seen := readUntil(t, ws, func(f map[string]any) bool {
			return f["client_id"] == id && (f["type"] == "error" || f["type"] == "ack")
		})
		if last := seen[len(seen)-1]; last["type"] != "error" || last["code"] != chat.CodeInvalidMessage {
			t.Errorf("%q: %v, want an %s error", text, last, chat.CodeInvalidMessage)
		}
	}
	ms, _ = st.Messages(context.Background(), conv, 0, 100)
	for _, m := range ms {
		if strings.HasPrefix(m.ClientID, "invisible-") {
			t.Errorf("an invisible message was stored: %q", m.Text)
		}
	}
}
