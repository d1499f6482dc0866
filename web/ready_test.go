package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/kefu-dev/kefu/chat"
)

// /readyz says not ready while the writer's commits fail (the database is
// full), and ready again once a commit succeeds.
func TestReadyzFollowsTheWriter(t *testing.T) {
	ctx := context.Background()
	hs, st := newStack(t)
	ws, _ := shopper(t, hs, "hello")
	if code := getJSON(t, hs.URL+"/readyz", nil); code != 200 {
		t.Fatalf("readyz before: %d", code)
	}
	lift, err := st.CapSize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The longest message a shopper may send needs pages of its own.
	long := string([]rune(strings.Repeat("我等了好几个星期还没有收到", 200))[:chat.MaxTextRunes])
	ws.WriteJSON(map[string]any{"type": "message", "client_id": "full", "text": long})
	readUntil(t, ws, func(f map[string]any) bool { return f["type"] == "error" && f["code"] == chat.CodeNotSaved })
	var out map[string]string
	if code := getJSON(t, hs.URL+"/readyz", &out); code != 503 || out["message"] != "writes to the database are failing" {
		t.Errorf("readyz while every write fails: %d %v, want 503", code, out)
	}
	if code := getJSON(t, hs.URL+"/healthz", nil); code != 200 {
		t.Errorf("healthz while writes fail: %d, want 200 (the process is fine)", code)
	}
	if err := lift(ctx); err != nil {
		t.Fatal(err)
	}
	ws.WriteJSON(map[string]any{"type": "message", "client_id": "again", "text": long})
	readUntil(t, ws, func(f map[string]any) bool { return f["type"] == "ack" && f["client_id"] == "again" })
	if code := getJSON(t, hs.URL+"/readyz", &out); code != 200 {
		t.Errorf("readyz after a commit succeeded: %d %v", code, out)
	}
}
