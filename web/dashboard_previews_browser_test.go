package web_test

import (
	"testing"

	"github.com/kefu-dev/kefu/store"
)

// The dashboard's tool table does not count a previewed change (a
// cancellation waiting for the shopper's yes) as a failed call: the
// tool's OK share counts it, and its cell is not marked as a problem
// (issue 17, point 6).
func TestBrowserDashboardPreviewsAreNotFailures(t *testing.T) {
	hs, st := newStack(t)
	addStaff(t, st, "lead@shop.example.com", "Lead", store.RoleAdmin)
	shopper(t, hs, "please cancel order KF-10054, I ordered it by mistake. my email is chloe.martin@example.com")
	tab := browser(t)
	consoleLogin(t, tab, hs.URL, "lead@shop.example.com")
	waitJS(t, tab, "the dashboard tab", `!!document.querySelector('[data-console=tab-dashboard]') && !document.querySelector('[data-console=tab-dashboard]').closest('[hidden]')`)
	run(t, tab, `(() => { document.querySelector('[data-console=tab-dashboard]').click(); return true; })()`)
	row := `document.querySelector('[data-console=tool-row][data-tool=cancel_order]')`
	waitJS(t, tab, "the cancel_order row with its preview", `!!`+row+` && !!`+row+`.querySelector('[data-outcome=needs_confirmation]:not(.zero)')`)
	waitJS(t, tab, "the preview counted as fine", `(() => { const r = `+row+`;
		return r.querySelector('.ok-col').innerText.includes('100') && !r.querySelector('[data-outcome=needs_confirmation]').classList.contains('warnv') })()`)
	// The assumed resolutions are shown beside the confirmed ones (none
	// yet: the conversation is minutes old).
	waitJS(t, tab, "the assumed resolution rate", `(() => { const k = document.querySelector('[data-console=kpi][data-kpi=assumed_resolution_rate]');
		return !!k && k.dataset.value === '0' })()`)
}
