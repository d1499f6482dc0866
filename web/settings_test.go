package web_test

import (
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/kefu-dev/kefu/store"
)

// Only admins read and change the shop's settings; each bad field is
// named and nothing is saved; a good change is what the widget reads at
// once, with no restart, and it is stored in the database.
func TestShopSettingsAPI(t *testing.T) {
	hs, st := newStack(t)
	addStaff(t, st, "mei@shop.example.com", "Mei", store.RoleAgent)
	addStaff(t, st, "boss@shop.example.com", "Boss", store.RoleAdmin)
	anon, agent, admin := newStaffClient(t, hs), newStaffClient(t, hs), newStaffClient(t, hs)
	agent.login("mei@shop.example.com")
	admin.login("boss@shop.example.com")
	good := map[string]string{"shop_name": "Tea House", "assistant_name": "Lan", "greeting_en": "Welcome to Tea House!", "greeting_zh": "欢迎光临茶馆！",
		"accent_color": "#AA3377", "hours": "Mon-Fri 09:00-18:00, Sat 10:00-14:00", "time_zone": "Asia/Shanghai"}

	if code, _ := anon.do("GET", "/api/console/settings", nil); code != http.StatusUnauthorized {
		t.Errorf("no session GET: %d", code)
	}
	if code, _ := anon.do("PUT", "/api/console/settings", good); code != http.StatusUnauthorized && code != http.StatusForbidden {
		t.Errorf("no session PUT: %d", code)
	}
	if code, _ := agent.do("GET", "/api/console/settings", nil); code != http.StatusForbidden {
		t.Errorf("agent GET: %d", code)
	}
	if code, _ := agent.do("PUT", "/api/console/settings", good); code != http.StatusForbidden {
		t.Errorf("agent PUT: %d", code)
	}

	bad := map[string]string{"shop_name": "Tea House", "accent_color": "purple", "hours": "Mon-Fri 9-6", "time_zone": "Asia/Shanghai", "tone": strings.Repeat("t", 201)}
	code, out := admin.do("PUT", "/api/console/settings", bad)
	fields, _ := out["fields"].(map[string]any)
	if code != http.StatusBadRequest || fields["accent_color"] == nil || fields["hours"] == nil || fields["tone"] == nil || fields["shop_name"] != nil {
		t.Errorf("bad settings: %d %v", code, out)
	}
	if m, _ := st.ShopSettings(t.Context()); slices.ContainsFunc(slices.Collect(maps.Keys(bad)), func(k string) bool { _, ok := m[k]; return ok }) {
		t.Errorf("refused settings were saved: %v", m)
	}

	if code, out := admin.do("PUT", "/api/console/settings", good); code != http.StatusOK || out["accent_color"] != "#aa3377" {
		t.Fatalf("good settings: %d %v", code, out)
	}
	if code, out := admin.do("GET", "/api/console/settings", nil); code != http.StatusOK || out["hours"] != good["hours"] || out["assistant_name"] != "Lan" {
		t.Errorf("GET after the change: %d %v", code, out)
	}
	if m, _ := st.ShopSettings(t.Context()); m["greeting_zh"] != "欢迎光临茶馆！" || m["time_zone"] != "Asia/Shanghai" {
		t.Errorf("stored: %v", m)
	}
	resp, err := http.Get(hs.URL + "/api/widget/settings")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	w := newStaffClient(t, hs)
	code, pub := w.do("GET", "/api/widget/settings", nil)
	if code != http.StatusOK || pub["accent_color"] != "#aa3377" || pub["greeting_en"] != "Welcome to Tea House!" || resp.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("widget settings: %d %v (CORS %q)", code, pub, resp.Header.Get("Access-Control-Allow-Origin"))
	}
	if _, leaked := pub["instructions"]; leaked {
		t.Error("the widget's settings show the model's instructions")
	}
}
