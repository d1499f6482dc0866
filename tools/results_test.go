package tools_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/tools"
)

// TestDecodeReadsBackEveryResult runs every tool on the fixture shop and
// reads each result back from its JSON, as consumers read stored tool
// messages: the payload has the tool's type and nothing is lost on the
// way (its JSON is the same as what the tool returned).
func TestDecodeReadsBackEveryResult(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	calls := []struct {
		as       int64
		tool     string
		args     string
		wantType any
	}{
		{alice, tools.NameLookupOrder, `{"order_number":"KF-1001"}`, &tools.OrderLookup{}},
		{alice, tools.NameListOrders, `{}`, &tools.OrderList{}},
		{alice, tools.NameTrackShipment, `{"order_number":"KF-1001"}`, &tools.Tracking{}},
		{alice, tools.NameReturnStatus, `{"rma_or_order_number":"KF-1001"}`, &tools.ReturnList{}},
		{alice, tools.NameRecommendProducts, `{"limit":2}`, &tools.ProductPicks{}},
		{alice, tools.NameSearchKnowledgeBase, `{"query":"return policy"}`, &tools.ArticleHits{}},
		{alice, tools.NameHandoffToHuman, `{"reason":"wants a person"}`, &tools.HandoffRequested{}},
		{alice, tools.NameStartReturn, `{"order_number":"KF-1001","items":[{"item":"JKT-BLU"}],"reason":"too big"}`, &tools.Pending{}},
		{wang, tools.NameOfferCoupon, `{"situation":"parcel came late"}`, &tools.Pending{}},
	}
	var pending []string
	for _, c := range calls {
		res, err := e.reg.Call(ctx, e.as(c.as), c.tool, c.args)
		if err != nil {
			t.Fatalf("%s: %v", c.tool, err)
		}
		got := decodeSame(t, c.tool, res)
		if reflect.TypeOf(got.Data) != reflect.TypeOf(c.wantType) {
			t.Errorf("%s: decoded data is %T, want %T (%s)", c.tool, got.Data, c.wantType, res.JSON())
		}
		if p, ok := got.Data.(*tools.Pending); ok {
			pending = append(pending, p.ActionID)
		}
	}
	// The confirmations read back as their kind's payload.
	want := []any{&tools.ReturnDone{}, &tools.CouponIssued{}}
	for i, id := range pending {
		as := alice
		if i == 1 {
			as = wang
		}
		res, err := e.reg.Confirm(ctx, e.as(as), id)
		if err != nil || res.Status != tools.StatusOK {
			t.Fatalf("confirm %s: %v %s", id, err, res.JSON())
		}
		got := decodeSame(t, tools.NameConfirmAction, res)
		if reflect.TypeOf(got.Data) != reflect.TypeOf(want[i]) {
			t.Errorf("confirmation %d decoded as %T, want %T", i, got.Data, want[i])
		}
	}
}

// decodeSame decodes res's JSON and fails unless it encodes back the same.
func decodeSame(t *testing.T, tool string, res tools.Result) tools.Result {
	t.Helper()
	got, err := tools.Decode(tool, res.JSON())
	if err != nil {
		t.Fatalf("%s: %v", tool, err)
	}
	if got.JSON() != res.JSON() {
		t.Errorf("%s: decoding lost something:\n got %s\nwant %s", tool, got.JSON(), res.JSON())
	}
	return got
}

// TestPreviewSummaries: each change's preview states itself in both
// languages, naming the order and the amounts, so the confirm box never
// has to guess (an offered coupon once read "Return  from , refund $").
func TestPreviewSummaries(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, c := range []struct {
		as         int64
		tool, args string
		en, zh     []string
	}{
		{alice, tools.NameStartReturn, `{"order_number":"KF-1001","items":[{"item":"JKT-BLU"}],"reason":"too big"}`,
			[]string{"Return ", "order KF-1001", "refund $"}, []string{"退货", "KF-1001", "退款"}},
		{wang, tools.NameOfferCoupon, `{"situation":"parcel came late"}`,
			[]string{"10% coupon"}, []string{"10%的优惠券"}},
	} {
		res, err := e.reg.Call(ctx, e.as(c.as), c.tool, c.args)
		if err != nil || res.Status != tools.StatusNeedsConfirmation {
			t.Fatalf("%s: %v %s", c.tool, err, res.JSON())
		}
		got, err := tools.Decode(c.tool, res.JSON())
		if err != nil {
			t.Fatal(err)
		}
		s := got.Data.(*tools.Pending).Summary
		for _, w := range c.en {
			if !strings.Contains(s.In("en"), w) {
				t.Errorf("%s: English summary %q lacks %q", c.tool, s.In("en"), w)
			}
		}
		for _, w := range c.zh {
			if !strings.Contains(s.In("zh"), w) {
				t.Errorf("%s: Chinese summary %q lacks %q", c.tool, s.In("zh"), w)
			}
		}
	}
}

// TestDecodeOldPreview: a preview stored before previews carried their
// summary still gets one, from the same code.
func TestDecodeOldPreview(t *testing.T) {
	old := `{"status":"needs_confirmation","data":{"action_id":"a1","expires_at":"2026-11-01T10:00:00Z",` +
		`"preview":{"order_number":"KF-2002","reason":"changed my mind","refund":64.00,"currency":"USD","items":[]}}}`
	got, err := tools.Decode(tools.NameCancelOrder, old)
	if err != nil {
		t.Fatal(err)
	}
	p := got.Data.(*tools.Pending)
	if p.ActionID != "a1" || p.Summary.In("en") != "Cancel order KF-2002, refund $64.00" || p.Summary.In("zh") != "取消订单 KF-2002，退款 $64.00" {
		t.Errorf("old preview decoded as %+v", p)
	}
	if _, err := tools.Decode(tools.NameLookupOrder, `not json`); err == nil {
		t.Error("a result that is not JSON decoded without error")
	}
	var bad json.RawMessage = []byte(`{"status":"ok","data":{"order":{"total":"lots"}}}`)
	if _, err := tools.Decode(tools.NameLookupOrder, string(bad)); err == nil {
		t.Error("a result whose data has the wrong shape decoded without error")
	}
}

// TestReturnWindowInDescription: the model is told the shop's own return
// window, not a fixed 30 days.
func TestReturnWindowInDescription(t *testing.T) {
	e := newEnv(t)
	reg := tools.Default(e.st, tools.Policy{ReturnWindow: 14 * 24 * time.Hour})
	st, _ := reg.Tool(tools.NameStartReturn)
	if d := st.Description(); !strings.Contains(d, "within 14 days of delivery") || strings.Contains(d, "30 days") {
		t.Errorf("start_return's description: %s", d)
	}
}
