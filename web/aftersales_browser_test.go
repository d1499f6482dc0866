package web_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
)

// An exchange in the widget: the preview's card says what goes back and
// what is sent out, the confirm box states the exchange, the yes button
// confirms it, and the confirmed card carries the RMA.
func TestBrowserExchangeCards(t *testing.T) {
	hs, st := newStack(t)
	ctx := browser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(hs.URL)); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the demo customers", `document.querySelectorAll('#demo-customer option').length > 5`)
	run(t, ctx, `(() => { const s = document.getElementById('demo-customer');
		s.value = 'cus_1008'; s.dispatchEvent(new Event('change', {bubbles: true})); return true; })()`)
	waitJS(t, ctx, "the widget", shadow(`return !!(root && root.querySelector('[data-kefu=launcher]'))`))
	run(t, ctx, shadow(`root.querySelector('[data-kefu=launcher]').click(); return true;`))
	waitJS(t, ctx, "the open panel", shadow(`return !root.querySelector('[data-kefu=panel]').hidden`))

	say(t, ctx, "can I swap the rain jacket from KF-10031 for a large?")
	waitJS(t, ctx, "the exchange card of the preview", shadow(`const c = root.querySelector('[data-kefu=card][data-kind=exchange]');
		return !!c && c.innerText.includes('Blue / L') && c.innerText.includes('KF-10031') && c.innerText.includes('No price difference')`))
	waitJS(t, ctx, "the confirm box", shadow(`const b = root.querySelector('[data-kefu=confirm]');
		return !!b && b.innerText.includes('Exchange Harbor Waterproof Rain Jacket, Blue, M for size L from order KF-10031')`))
	run(t, ctx, shadow(`root.querySelector('[data-kefu=confirm-yes]').click(); return true;`))
	waitJS(t, ctx, "the confirmed exchange's card", shadow(`return [...root.querySelectorAll('[data-kefu=card][data-kind=exchange]')]
		.some(c => /Exchange RMA-[0-9A-Z]{8}/.test(c.innerText))`))

	o, err := st.OrderByNumber(context.Background(), "KF-10031")
	if err != nil {
		t.Fatal(err)
	}
	rs, _ := st.ReturnsByOrder(context.Background(), o.ID)
	if len(rs) != 1 || rs[0].Kind != "exchange" || rs[0].Items[0].Replacement != "JKT-RAIN-BLU-L" {
		t.Fatalf("exchanges %+v", rs)
	}
}
