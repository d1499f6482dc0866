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
	var calls atomic.Int32
	var prompt string
	model := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"id":"x","object":"chat.completion","model":"m","choices":[{"index":0,"finish_reason":"stop",
			"message":{"role":"assistant","content":"Hiker who buys outdoor gear in the $50–150 range; hated a cheap tent."}}],
			"usage":{"prompt_tokens":10,"completion_tokens":10,"total_tokens":20}}`)
	}))
	defer model.Close()
	m, _, err := agents.NewProviderModel(agents.ProviderConfig{Kind: "openai", BaseURL: model.URL + "/v1", APIKey: "k", Model: "m"})
	if err != nil {
		t.Fatal(err)
	}
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
	if !strings.Contains(prompt, "categories") || !strings.Contains(prompt, "outdoor") {
		t.Errorf("the model was not given the facts: %q", prompt)
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
