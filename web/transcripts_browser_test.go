package web_test

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/kefu-dev/kefu/store"
)

// A support lead finds a Chinese conversation by its words, opens it and
// replays it at 4×: the entries appear one after another.
func TestBrowserTranscriptReplay(t *testing.T) {
	hs, st := newStack(t)
	addStaff(t, st, "lead@shop.example.com", "Lead", store.RoleAdmin)
	shopper(t, hs, "退货运费谁出")
	shopper(t, hs, "how long does shipping to Canada take?")
	tab := browser(t)
	consoleLogin(t, tab, hs.URL, "lead@shop.example.com")
	waitJS(t, tab, "the transcripts tab", `!!document.querySelector('[data-console=tab-transcripts]') && !document.querySelector('[data-console=tab-transcripts]').closest('[hidden]')`)
	run(t, tab, `(() => { document.querySelector('[data-console=tab-transcripts]').click(); return true; })()`)
	waitJS(t, tab, "the search box", `!!document.querySelector('[data-console=f-q]') && !document.querySelector('[data-console=f-q]').closest('[hidden]')`)
	run(t, tab, `(() => { const q = document.querySelector('[data-console=f-q]'); q.value = '运费';
		q.dispatchEvent(new Event('input', {bubbles: true}));
		document.querySelector('button[data-console=search]').click(); return true; })()`)
	waitJS(t, tab, "one result", `document.querySelectorAll('[data-console=result]').length === 1 && document.querySelector('[data-console=total]').innerText.trim() === '1'`)
	run(t, tab, `(() => { document.querySelector('[data-console=result]').click(); return true; })()`)
	waitJS(t, tab, "the play button", `!!document.querySelector('button[data-console=play]') && !document.querySelector('button[data-console=play]').closest('[hidden]')`)
	run(t, tab, `(() => { const s = document.querySelector('[data-console=speed]'); s.value = '4';
		s.dispatchEvent(new Event('change', {bubbles: true}));
		document.querySelector('button[data-console=play]').click(); return true; })()`)
	waitJS(t, tab, "the replay finishing with the bot's answer", `[...document.querySelectorAll('[data-console=replay-entry]')].some(e => e.innerText.includes('退货政策'))`)
	if href, _ := chromedp.Run(tab, chromedp.Evaluate[string](`document.querySelector('a[data-console=export-csv][data-scope=conversation]').getAttribute('href')`)); href == "" {
		t.Error("no export link for the conversation")
	}

	// The regression replay of the search: the same agent, so "same".
	waitJS(t, tab, "the replay button", `!!document.querySelector('button[data-console=replay-run]') && !document.querySelector('button[data-console=replay-run]').disabled`)
	run(t, tab, `(() => { document.querySelector('button[data-console=replay-run]').click(); return true; })()`)
	waitJS(t, tab, "the replay report", `!!document.querySelector('[data-console=replay-result][data-verdict=same]') &&
		!!document.querySelector('[data-console=replay-summary]')`)
}
