package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kefu-dev/kefu/store"
)

// The demo campaign in a real browser: 张敏 (cus_1013), signed in on the demo
// shop and in its segment, opens the widget and sees the proactive message
// with its coupon; "Copy code" and the dismiss button are recorded; after
// a reload the offer is in the history once, not shown twice.
func TestBrowserWidgetCampaign(t *testing.T) {
	hs, st := newStack(t)
	ctx := browser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(hs.URL)); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the demo customers", `document.querySelectorAll('#demo-customer option').length > 5`)
	run(t, ctx, `(() => { const s = document.getElementById('demo-customer');
		s.value = 'cus_1013'; s.dispatchEvent(new Event('change', {bubbles: true})); return true; })()`)
	open := func() {
		waitJS(t, ctx, "the widget", shadow(`return !!(root && root.querySelector('[data-kefu=launcher]'))`))
		run(t, ctx, shadow(`if (root.querySelector('[data-kefu=panel]').hidden) root.querySelector('[data-kefu=launcher]').click(); return true;`))
		waitJS(t, ctx, "the open panel", shadow(`return !root.querySelector('[data-kefu=panel]').hidden`))
	}
	open()
	waitJS(t, ctx, "the offer with its coupon", shadow(`const o = root.querySelector('[data-kefu=message][data-role=assistant] [data-kefu=offer]');
		const m = o && o.closest('[data-kefu=message]').innerText;
		return !!o && o.innerText.includes('WINTER10') && (m.includes('10% off your next pair of boots') || m.includes('下次购买靴子可享九折'))`))
	figures := func(want func(store.CampaignFigures) bool, what string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			figs, err := st.CampaignsWithFigures(context.Background())
			if err == nil && len(figs) == 1 && want(figs[0]) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: %+v %v", what, figs, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	figures(func(f store.CampaignFigures) bool { return f.Shown == 1 && f.Clicked == 0 }, "shown once")
	run(t, ctx, shadow(`root.querySelector('[data-kefu=offer-use]').click(); return true;`))
	figures(func(f store.CampaignFigures) bool { return f.Clicked == 1 }, "the click recorded")

	if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	open()
	waitJS(t, ctx, "the offer in the history", shadow(`return root.querySelectorAll('[data-kefu=offer]').length === 1`))
	run(t, ctx, shadow(`root.querySelector('[data-kefu=offer-dismiss]').click(); return true;`))
	waitJS(t, ctx, "the offer dismissed", shadow(`return root.querySelectorAll('[data-kefu=offer]').length === 0`))
	figures(func(f store.CampaignFigures) bool { return f.Shown == 1 && f.Dismissed == 1 }, "the dismissal recorded, still shown once")
}

// The console: an admin turns the segment on screen into a campaign, and
// the campaigns table shows each one's figures (the demo campaign's
// showing to 张敏, counted).
func TestBrowserConsoleCampaigns(t *testing.T) {
	hs, st := newStack(t)
	addStaff(t, st, "ada@shop.example.com", "Ada", store.RoleAdmin)
	ctx := context.Background()
	zhang, _ := st.CustomerByEmail(ctx, "zhang.min@example.com")
	conv, _, _ := st.CreateConversation(ctx, zhang.ID, "zh")
	figs, _ := st.CampaignsWithFigures(ctx)
	if ok, err := st.ClaimOffer(ctx, figs[0].ID, zhang.ID, conv.ID); !ok || err != nil {
		t.Fatalf("claim: %v %v", ok, err)
	}
	tab := browser(t)
	consoleLogin(t, tab, hs.URL, "ada@shop.example.com")
	waitJS(t, tab, "the console", `!!document.querySelector('[data-console=tab-segments]') && !document.querySelector('[data-console=tab-segments]').closest('[hidden]')`)
	run(t, tab, `(() => { location.hash = '#segments?category=home-kitchen'; return true; })()`)
	waitJS(t, tab, "the demo campaign's figures", `(() => { const r = document.querySelector('[data-console=campaign-row]');
		return !!r && r.innerText.includes('WINTER10') && r.querySelector('[data-figure=shown]').textContent === '1'; })()`)
	run(t, tab, `(() => { const v = (id, x) => { document.getElementById(id).value = x; };
		v('c-name', 'Kitchen spring'); v('c-en', 'Spring cleaning: 15% off kitchenware'); v('c-zh', '春季厨具八五折');
		v('c-coupon', 'set'); v('c-code', 'KITCHEN15'); v('c-percent', '15');
		document.querySelector('[data-console=campaign-create]').click(); return true; })()`)
	waitJS(t, tab, "the new campaign", `(() => { const rs = [...document.querySelectorAll('[data-console=campaign-row]')];
		return rs.length === 2 && rs[0].innerText.includes('Kitchen spring') && rs[0].innerText.includes('KITCHEN15 (15%)') &&
			rs[0].innerText.includes('category=home-kitchen') && document.querySelector('[data-console=campaign-status]').textContent.includes('4'); })()`)
	figs, _ = st.CampaignsWithFigures(ctx)
	if len(figs) != 2 || figs[0].Segment.Category != "home-kitchen" || figs[0].CouponPercent != 15 || figs[0].MessageZH != "春季厨具八五折" {
		t.Fatalf("stored %+v", figs)
	}
	// A refused one says why, and keeps what was typed.
	run(t, tab, `(() => { document.getElementById('c-zh').value = ''; document.querySelector('[data-console=campaign-create]').click(); return true; })()`)
	waitJS(t, tab, "the reason", `(() => { const s = document.querySelector('[data-console=campaign-status]');
		return s.className === 'err' && s.textContent.includes('both English and Chinese') && document.getElementById('c-en').value.includes('Spring'); })()`)
}
