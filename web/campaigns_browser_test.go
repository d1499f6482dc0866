package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kefu-dev/kefu/store"
)

// The demo campaign in a real browser: Emma Wilson, signed in on the demo
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
		s.value = 'cus_1005'; s.dispatchEvent(new Event('change', {bubbles: true})); return true; })()`)
	open := func() {
		waitJS(t, ctx, "the widget", shadow(`return !!(root && root.querySelector('[data-kefu=launcher]'))`))
		run(t, ctx, shadow(`if (root.querySelector('[data-kefu=panel]').hidden) root.querySelector('[data-kefu=launcher]').click(); return true;`))
		waitJS(t, ctx, "the open panel", shadow(`return !root.querySelector('[data-kefu=panel]').hidden`))
	}
	open()
	waitJS(t, ctx, "the offer with its coupon", shadow(`const o = root.querySelector('[data-kefu=message][data-role=assistant] [data-kefu=offer]');
		return !!o && o.innerText.includes('WINTER10') && o.closest('[data-kefu=message]').innerText.includes('10% off your next pair of boots')`))
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
