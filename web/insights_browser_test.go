package web_test

import (
	"testing"

	"github.com/kefu-dev/kefu/store"
)

// A support lead finds the outdoor buyers in Segments, opens a customer's
// page with the needs profile and its evidence, and looks at the dashboard.
func TestBrowserSegmentsCustomerDashboard(t *testing.T) {
	hs, st := newStack(t)
	addStaff(t, st, "lead@shop.example.com", "Lead", store.RoleAdmin)
	shopper(t, hs, "how long does shipping to Canada take?")
	tab := browser(t)
	consoleLogin(t, tab, hs.URL, "lead@shop.example.com")
	waitJS(t, tab, "the segments tab", `!!document.querySelector('[data-console=tab-segments]') && !document.querySelector('[data-console=tab-segments]').closest('[hidden]')`)
	run(t, tab, `(() => { document.querySelector('[data-console=tab-segments]').click(); return true; })()`)
	waitJS(t, tab, "the category filter", `!!document.querySelector('[data-console=s-category]') && !document.querySelector('[data-console=s-category]').closest('[hidden]')`)
	run(t, tab, `(() => { const s = document.querySelector('[data-console=s-category]'); s.value = 'outdoor-gear';
		s.dispatchEvent(new Event('change', {bubbles: true}));
		document.getElementById('s-form').requestSubmit(); return true; })()`)
	waitJS(t, tab, "Alice among the outdoor buyers", `[...document.querySelectorAll('[data-console=segment-row]')].some(r => r.innerText.includes('Alice Johnson'))`)
	run(t, tab, `(() => { [...document.querySelectorAll('[data-console=segment-row]')].find(r => r.innerText.includes('Alice Johnson')).click(); return true; })()`)
	waitJS(t, tab, "the needs profile with evidence", `!!document.querySelector('[data-console=customer-page][data-state=ready]') &&
		document.querySelector('[data-console=need][data-aspect=categories]').innerText.includes('Outdoor gear') &&
		document.querySelectorAll('[data-console=timeline-item][data-kind=order]').length >= 2`)
	run(t, tab, `(() => { document.querySelector('[data-console=tab-dashboard]').click(); return true; })()`)
	waitJS(t, tab, "the dashboard counting today's conversation", `!!document.querySelector('[data-console=kpi][data-kpi=conversations]') &&
		document.querySelector('[data-console=kpi][data-kpi=conversations]').dataset.value === '1'`)
}
