package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/kefu-dev/kefu/agents"
	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/web"
)

// With a hosted model configured, staff can ask for a written summary of a
// customer; it comes from the needs profile's facts and is cached until
// they change. With the built-in model the profile is the summary.
func TestCustomerSummary(t *testing.T) {
	m, calls, prompt := summaryModel(t, "Hiker who buys outdoor gear in the $50–150 range; hated a cheap tent.")
	hs, st := newStack(t, func(d *web.Deps) { d.Summary = m })
	addStaff(t, st, "mei@shop.example.com", "Mei", store.RoleAgent)
	mei := newStaffClient(t, hs)
	mei.login("mei@shop.example.com")
	alice, _ := st.CustomerByEmail(t.Context(), "alice.johnson@example.com")
	path := fmt.Sprintf("/api/console/customers/%d/summary", alice.ID)
	code, out := mei.do("POST", path, nil)
	if code != 200 || out["cached"] != false || !strings.Contains(mustJSONString(out), "Hiker") {
		t.Fatalf("summary: %d %s", code, mustJSONString(out))
	}
	if !strings.Contains(*prompt, "categories") || !strings.Contains(*prompt, "outdoor") {
		t.Errorf("the model was not given the facts: %q", *prompt)
	}
	code, out = mei.do("POST", path, nil)
	if code != 200 || out["cached"] != true || calls.Load() != 1 {
		t.Fatalf("second ask: %d %s after %d model calls", code, mustJSONString(out), calls.Load())
	}
	code, page := mei.do("GET", fmt.Sprintf("/api/console/customers/%d", alice.ID), nil)
	if code != 200 || !strings.Contains(mustJSONString(page["summary"]), "Hiker") {
		t.Fatalf("customer page: %d %s", code, mustJSONString(page))
	}

	// The built-in model only: no summary to write.
	hs2, st2 := newStack(t)
	addStaff(t, st2, "mei@shop.example.com", "Mei", store.RoleAgent)
	mei2 := newStaffClient(t, hs2)
	mei2.login("mei@shop.example.com")
	if code, out := mei2.do("POST", path, nil); code != 409 || !strings.Contains(mustJSONString(out), "needs profile is the summary") {
		t.Fatalf("built-in: %d %s", code, mustJSONString(out))
	}
}

// summaryModel is a hosted model behind a local server speaking the
// chat-completions protocol that answers every request with reply. It
// returns the number of calls and the last prompt.
func summaryModel(t *testing.T, reply string) (agents.Model, *atomic.Int32, *string) {
	t.Helper()
	var calls atomic.Int32
	var prompt string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		var req struct {
			Messages []struct {
				Content string `json:"content"`
			} `json:"messages"`
		}
		json.NewDecoder(r.Body).Decode(&req)
		if len(req.Messages) == 2 {
			prompt = req.Messages[1].Content
		}
		body, _ := json.Marshal(map[string]any{"id": "x", "object": "chat.completion", "model": "m",
			"choices": []any{map[string]any{"index": 0, "finish_reason": "stop", "message": map[string]any{"role": "assistant", "content": reply}}},
			"usage":   map[string]any{"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20}})
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	m, _, err := agents.NewProviderModel(agents.ProviderConfig{Kind: "openai", BaseURL: srv.URL + "/v1", APIKey: "k", Model: "m"})
	if err != nil {
		t.Fatal(err)
	}
	return m, &calls, &prompt
}

// Staff press "Write summary" on a customer's page; the summary shows, as
// text even when the model writes markup, and is still there after a
// reload.
func TestBrowserCustomerSummary(t *testing.T) {
	m, calls, _ := summaryModel(t, `Hiker <img src=x onerror="window.pwned=1"> who buys outdoor gear.`)
	hs, st := newStack(t, func(d *web.Deps) { d.Summary = m })
	addStaff(t, st, "mei@shop.example.com", "Mei", store.RoleAgent)
	alice, _ := st.CustomerByEmail(t.Context(), "alice.johnson@example.com")
	tab := browser(t)
	consoleLogin(t, tab, hs.URL, "mei@shop.example.com")
	waitJS(t, tab, "the inbox", `!!document.querySelector('[data-console=tab-segments]') && !document.querySelector('[data-console=tab-segments]').closest('[hidden]')`)
	run(t, tab, fmt.Sprintf(`(() => { location.hash = '#customer=%d'; return true; })()`, alice.ID))
	waitJS(t, tab, "the summary button", `!!document.querySelector('[data-console=customer-page][data-state=ready] [data-console=summarise]')`)
	run(t, tab, `(() => { document.querySelector('[data-console=summarise]').click(); return true; })()`)
	waitJS(t, tab, "the written summary", `document.querySelector('[data-console=summary-text]').textContent.includes('who buys outdoor gear')`)
	run(t, tab, `(() => { location.reload(); return true; })()`)
	waitJS(t, tab, "the cached summary after a reload", `!!document.querySelector('[data-console=customer-page][data-state=ready] [data-console=summary-text]') &&
		document.querySelector('[data-console=summary-text]').textContent.includes('who buys outdoor gear') &&
		document.querySelector('[data-console=summary-meta]').textContent.includes('Written by')`)
	waitJS(t, tab, "markup shown as text, never run", `!window.pwned && !document.querySelector('.cp-summary img') && document.querySelector('[data-console=summary-text]').textContent.includes('<img')`)
	if calls.Load() != 1 {
		t.Errorf("%d model calls, want 1 (the reload reads the cache)", calls.Load())
	}
}
