package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/agents"
	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/web"
)

// holdFirstReplay lets the first replay through the handler start and
// wait, until release is closed, before it runs the real replay.
func holdFirstReplay(started chan<- struct{}, release <-chan struct{}) func(*web.Deps) {
	return func(d *web.Deps) {
		real := d.Replay
		var first atomic.Bool
		first.Store(true)
		d.Replay = func(ctx context.Context, recorded []*store.TranscriptJSON) ([]agents.ReplayResult, error) {
			if first.CompareAndSwap(true, false) {
				close(started)
				<-release
			}
			return real(ctx, recorded)
		}
	}
}

// One replay runs at a time: a second, even an admin's, is refused with a
// message that says why, and runs once the first is done.
func TestReplayOneAtATime(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	hs, st := newStack(t, holdFirstReplay(started, release))
	addStaff(t, st, "lead@shop.example.com", "Lead", store.RoleAdmin)
	addStaff(t, st, "dev@shop.example.com", "Dev", store.RoleAdmin)
	shopper(t, hs, "how long does shipping to Canada take?")
	lead, dev := newStaffClient(t, hs), newStaffClient(t, hs)
	lead.login("lead@shop.example.com")
	dev.login("dev@shop.example.com")

	type answer struct {
		code int
		out  map[string]any
	}
	first := make(chan answer, 1)
	go func() {
		req, _ := http.NewRequest("POST", hs.URL+"/api/console/replay", nil)
		req.Header.Set("X-CSRF-Token", lead.csrf)
		resp, err := lead.http.Do(req)
		if err != nil {
			first <- answer{0, map[string]any{"error": err.Error()}}
			return
		}
		defer resp.Body.Close()
		var out map[string]any
		json.NewDecoder(resp.Body).Decode(&out)
		first <- answer{resp.StatusCode, out}
	}()
	let := sync.OnceFunc(func() { close(release) })
	defer let()
	<-started
	code, out := dev.do("POST", "/api/console/replay", nil)
	if msg := fmt.Sprint(out["message"]); code != http.StatusConflict || !strings.Contains(msg, "already running") || !strings.Contains(msg, "Lead") {
		t.Fatalf("a second replay while one runs: %d %v", code, out)
	}
	let()
	if a := <-first; a.code != 200 || !strings.Contains(mustJSONString(a.out), `"counts":{"same":1}`) {
		t.Fatalf("the first replay: %d %v", a.code, a.out)
	}
	if code, out := dev.do("POST", "/api/console/replay", nil); code != 200 {
		t.Fatalf("a replay after the first: %d %v", code, out)
	}
}

// An agent may run a few replays in a row, then waits; an admin is held
// only to one at a time.
func TestReplayPacedForAgents(t *testing.T) {
	hs, st := newStack(t)
	addStaff(t, st, "mei@shop.example.com", "Mei", store.RoleAgent)
	addStaff(t, st, "lead@shop.example.com", "Lead", store.RoleAdmin)
	shopper(t, hs, "how long does shipping to Canada take?")
	mei, lead := newStaffClient(t, hs), newStaffClient(t, hs)
	mei.login("mei@shop.example.com")
	lead.login("lead@shop.example.com")
	for i := range 3 {
		if code, out := mei.do("POST", "/api/console/replay", nil); code != 200 {
			t.Fatalf("agent's replay %d: %d %v", i+1, code, out)
		}
	}
	req, _ := http.NewRequest("POST", hs.URL+"/api/console/replay", nil)
	req.Header.Set("X-CSRF-Token", mei.csrf)
	resp, err := mei.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("agent's fourth replay in a row: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	for i := range 4 {
		if code, out := lead.do("POST", "/api/console/replay", nil); code != 200 {
			t.Fatalf("admin's replay %d: %d %v", i+1, code, out)
		}
	}
}

// A replay of conversations holding more messages than the bound is
// refused before anything is copied or run, with a message that says
// what to do.
func TestReplaySizeBounded(t *testing.T) {
	hs, st := newStack(t)
	addStaff(t, st, "lead@shop.example.com", "Lead", store.RoleAdmin)
	shopper(t, hs, "how long does shipping to Canada take?")
	ctx := context.Background()
	var cs []*store.Conversation
	var ms []*store.Message
	for range 5 {
		c, _, err := st.NewConversation(0, "en")
		if err != nil {
			t.Fatal(err)
		}
		cs = append(cs, c)
		for j := range 420 { // 2,100 in all, over the 2,000 allowed
			ms = append(ms, &store.Message{ConversationID: c.ID, Role: store.RoleUser, Text: fmt.Sprint("where is my order? ", j), ClientID: fmt.Sprint("m", j)})
		}
	}
	if _, err := st.Write(ctx, cs, ms); err != nil {
		t.Fatal(err)
	}
	lead := newStaffClient(t, hs)
	lead.login("lead@shop.example.com")
	start := time.Now()
	code, out := lead.do("POST", "/api/console/replay", nil)
	if msg := fmt.Sprint(out["message"]); code != http.StatusRequestEntityTooLarge || !strings.Contains(msg, "messages; a replay takes at most 2000") || !strings.Contains(msg, "narrow the search") {
		t.Fatalf("a replay of 2,100 messages: %d %v (after %s)", code, out, time.Since(start))
	}
	// Narrowed to fewer conversations, it runs.
	if code, out := lead.do("POST", "/api/console/replay?q=Canada", nil); code != 200 || !strings.Contains(mustJSONString(out), `"counts":{"same":1}`) {
		t.Fatalf("a narrowed replay: %d %v", code, out)
	}
}

// A replay that takes longer than the server's timeouts still answers:
// its context is not cancelled by the read timeout, nor its report cut by
// the write timeout.
func TestReplayOutlivesTheServerTimeouts(t *testing.T) {
	const timeout = 300 * time.Millisecond
	var realReplay func(ctx context.Context, recorded []*store.TranscriptJSON) ([]agents.ReplayResult, error)
	base, st, _ := timedServer(t, web.Options{ReadTimeout: timeout, WriteTimeout: timeout}, func(ctx context.Context, recorded []*store.TranscriptJSON) ([]agents.ReplayResult, error) {
		// A long replay: three times the server's timeouts, unless the
		// request's context ends first.
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(3 * timeout):
		}
		return realReplay(ctx, recorded)
	})
	realReplay = func(ctx context.Context, recorded []*store.TranscriptJSON) ([]agents.ReplayResult, error) {
		return agents.ReplayOnSnapshot(ctx, st, recorded, agents.Options{})
	}
	fillTranscripts(t, st, 2)
	c, csrf := slowClient(t, base, st, store.RoleAdmin)
	req, _ := http.NewRequest("POST", base+"/api/console/replay", nil)
	req.Header.Set("X-CSRF-Token", csrf)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("a replay longer than the server's timeouts: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 || !strings.Contains(string(body), `"counts":{`) {
		t.Fatalf("a replay longer than the server's timeouts: %d %s %v", resp.StatusCode, body, err)
	}
}
