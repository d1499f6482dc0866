package web_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/store"
)

// The console's campaign API with staff auth: agents read, admins create
// and stop; bad campaigns are refused with the reason; the demo campaign
// is there; a reported order that uses the code counts as redeemed.
func TestConsoleCampaigns(t *testing.T) {
	hs, st := newStack(t)
	addStaff(t, st, "ada@shop.example.com", "Ada", store.RoleAdmin)
	addStaff(t, st, "mei@shop.example.com", "Mei", store.RoleAgent)
	anon := newStaffClient(t, hs)
	if code, _ := anon.do("GET", "/api/console/campaigns", nil); code != 401 {
		t.Fatalf("signed out: %d", code)
	}
	mei := newStaffClient(t, hs)
	mei.login("mei@shop.example.com")
	ada := newStaffClient(t, hs)
	ada.login("ada@shop.example.com")
	now := time.Now().UTC()
	good := map[string]any{"name": "Spring tea", "segment": map[string]any{"category": "home-kitchen"},
		"message_en": "Spring is here: 10% off", "message_zh": "春天来了：九折",
		"starts_at": now.Add(-time.Hour), "ends_at": now.Add(48 * time.Hour),
		"coupon": map[string]any{"code": "SPRING", "expires_at": now.Add(72 * time.Hour)}}
	if code, _ := mei.do("POST", "/api/console/campaigns", good); code != 403 {
		t.Fatalf("an agent created a campaign: %d", code)
	}
	bad := map[string]any{}
	for k, v := range good {
		bad[k] = v
	}
	delete(bad, "message_zh")
	if code, out := ada.do("POST", "/api/console/campaigns", bad); code != 400 || fmt.Sprint(out["message"]) == "" {
		t.Fatalf("without Chinese: %d %v", code, out)
	}
	code, out := ada.do("POST", "/api/console/campaigns", good)
	if code != 201 {
		t.Fatalf("create: %d %v", code, out)
	}
	camp := out["campaign"].(map[string]any)
	if camp["coupon_percent"].(float64) != 10 || out["segment_size"].(float64) != 4 {
		t.Fatalf("created %v (the shop's 10%%; 4 demo customers bought home-kitchen)", out)
	}
	if code, _ := ada.do("POST", "/api/console/campaigns", good); code != 409 {
		t.Fatalf("the same code twice: %d", code)
	}
	// Ben Carter bought home-kitchen; his order KF-10003 is reported
	// with the code.
	ctx := context.Background()
	ben, _ := st.CustomerByEmail(ctx, "ben.carter@example.com")
	orders, _ := st.OrdersByCustomer(ctx, ben.ID, 1)
	if code, out := mei.do("POST", "/api/console/campaigns/redemptions", map[string]string{"order_number": orders[0].Number, "code": "spring"}); code != 200 {
		t.Fatalf("report: %d %v", code, out)
	}
	if code, _ := mei.do("POST", "/api/console/campaigns/redemptions", map[string]string{"order_number": "NOPE-1", "code": "SPRING"}); code != 404 {
		t.Fatalf("unknown order: %d", code)
	}
	// 张敏's new order comes in through kefu import with the demo code.
	sku := orders[0].Items[0].SKU
	if _, err := st.Import(ctx, &store.Dataset{Orders: []store.Order{{Number: "KF-20001", CustomerEmail: "zhang.min@example.com",
		Status: store.OrderPendingPayment, PlacedAt: now, Coupons: []string{"WINTER10"}, Items: []store.OrderItem{{SKU: sku, Quantity: 1}}}}}); err != nil {
		t.Fatal(err)
	}
	code, out = mei.do("GET", "/api/console/campaigns", nil)
	if code != 200 {
		t.Fatalf("list: %d", code)
	}
	list := out["campaigns"].([]any)
	if len(list) != 2 {
		t.Fatalf("campaigns %v, want the new one and the demo's", list)
	}
	first := list[0].(map[string]any)
	if first["name"] != "Spring tea" || first["redeemed"].(float64) != 1 || first["running"] != true {
		t.Fatalf("figures %v", first)
	}
	if d := list[1].(map[string]any); d["coupon_code"] != "WINTER10" || d["redeemed"].(float64) != 1 {
		t.Fatalf("demo campaign %v", list[1])
	}
	id := int64(first["id"].(float64))
	if code, _ := ada.do("POST", fmt.Sprintf("/api/console/campaigns/%d/stop", id), nil); code != 204 {
		t.Fatalf("stop: %d", code)
	}
	if code, _ := ada.do("POST", "/api/console/campaigns/999/stop", nil); code != 404 {
		t.Fatalf("stop unknown: %d", code)
	}
	_, out = mei.do("GET", "/api/console/campaigns", nil)
	if out["campaigns"].([]any)[0].(map[string]any)["running"] != false {
		t.Fatalf("stopped campaign still running: %v", out)
	}
}
