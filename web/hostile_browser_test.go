package web_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/kefu-dev/kefu/store"
)

// Markup and script written by a shopper (messages, their name as the shop
// stored it) and by staff (their name, a reply, a private note) shows as
// text and runs nothing, in the widget on the shop page and in the
// console: no element is made from it (no <img>, no <script>, no
// javascript: link, no inline handler) and window.__pwned stays unset.
// (TestBrowserDemoShop and TestBrowserConsoleTakeover check an <img> in
// messages; this covers names, notes, <script> and javascript: links.)
func TestBrowserHostileMarkup(t *testing.T) {
	hs, st := newStack(t)
	const (
		custName  = `<img src=x onerror="window.__pwned='name'">Eve`
		staffName = `<img src=y onerror="window.__pwned='staff'">Mei`
		shopper1  = `<script>window.__pwned='script'</script><img src=z onerror="window.__pwned='img'"> where is my order?`
		shopper2  = `see javascript:window.__pwned='js' or <a href="javascript:window.__pwned='a'">this</a> [x](javascript:window.__pwned='md')`
		reply     = `<script>window.__pwned='reply'</script><a href="javascript:window.__pwned='reply'">track it</a> <b onmouseover="window.__pwned='b'">here</b>`
		note      = `<img src=n onerror="window.__pwned='note'"><script>window.__pwned='note'</script> javascript:window.__pwned='note'`
	)
	// The hostile name goes on a demo customer (her id and email): the
	// demo API signs no imported customer.
	if _, err := st.Import(context.Background(), &store.Dataset{Customers: []store.Customer{
		{ExternalID: "cus_1001", Email: "alice.johnson@example.com", Name: custName}}}); err != nil {
		t.Fatal(err)
	}
	addStaff(t, st, "mei@shop.example.com", staffName, store.RoleAgent)
	shopperTab := browser(t)
	if err := chromedp.Do(shopperTab, chromedp.Navigate(hs.URL)); err != nil {
		t.Fatal(err)
	}
	staffTab, cancel := chromedp.NewContext(shopperTab, chromedp.WithNewBrowserContext())
	defer cancel()

	// The shopper signs in on the shop as Eve, as the page's switcher does.
	waitJS(t, shopperTab, "Eve among the demo customers", `[...document.querySelectorAll('#demo-customer option')].some(o => o.value === 'cus_1001')`)
	run(t, shopperTab, `(() => { const s = document.getElementById('demo-customer');
		s.value = 'cus_1001'; s.dispatchEvent(new Event('change', {bubbles: true})); return true; })()`)
	waitJS(t, shopperTab, "the widget", shadow(`return !!(root && root.querySelector('[data-kefu=launcher]'))`))
	run(t, shopperTab, shadow(`root.querySelector('[data-kefu=launcher]').click(); return true;`))
	waitJS(t, shopperTab, "the greeting with Eve's name as text", shadow(fmt.Sprintf(
		`return !root.querySelector('[data-kefu=panel]').hidden && root.querySelector('[data-kefu=panel]').innerText.includes(%q)`, custName)))
	// A person first, so that the bot stays out of the way.
	say(t, shopperTab, "I want to talk to a real person please")
	waitJS(t, shopperTab, "the handoff", shadow(`return root.querySelector('[data-kefu=panel]').innerText.includes('support team')`))
	for _, text := range []string{shopper1, shopper2} {
		say(t, shopperTab, text)
		waitJS(t, shopperTab, "the shopper's message as text", shadow(fmt.Sprintf(`return [...root.querySelectorAll('[data-kefu=message][data-role=user]')]
			.some(m => m.innerText.includes(%q))`, text)))
	}

	// The staff member sees Eve's name and messages as text, takes over,
	// replies and writes a note.
	consoleLogin(t, staffTab, hs.URL, "mei@shop.example.com")
	waitJS(t, staffTab, "Eve's name in the inbox", fmt.Sprintf(`[...document.querySelectorAll('[data-console=row][data-state=queued] .name')]
		.some(n => n.innerText.includes(%q))`, custName))
	run(t, staffTab, `(() => { document.querySelector('[data-console=row][data-state=queued]').click(); return true; })()`)
	for _, text := range []string{shopper1, shopper2} {
		waitJS(t, staffTab, "the shopper's message as text in the transcript", fmt.Sprintf(`[...document.querySelectorAll('[data-console=entry][data-kind=message][data-role=user]')]
			.some(e => e.innerText.includes(%q) && e.innerText.includes(%q))`, text, custName))
	}
	waitJS(t, staffTab, "Eve's name in the customer panel", fmt.Sprintf(`document.querySelector('[data-console=customer]').innerText.includes(%q)`, custName))
	waitJS(t, staffTab, "the take-over button", `!!document.querySelector('button[data-console=takeover]') && !document.querySelector('button[data-console=takeover]').hidden`)
	run(t, staffTab, `(() => { document.querySelector('button[data-console=takeover]').click(); return true; })()`)
	waitJS(t, staffTab, "the reply box", `!!document.querySelector('textarea[data-console=reply]') && !document.querySelector('textarea[data-console=reply]').closest('[hidden]')`)
	run(t, staffTab, fmt.Sprintf(`(() => { const r = document.querySelector('textarea[data-console=reply]'); r.value = %q;
		r.dispatchEvent(new Event('input', {bubbles: true}));
		document.querySelector('button[data-console=send]').click(); return true; })()`, reply))
	waitJS(t, staffTab, "the reply as text with the staff name", fmt.Sprintf(`[...document.querySelectorAll('[data-console=entry][data-kind=message][data-role=staff]')]
		.some(e => e.innerText.includes(%q) && e.innerText.includes(%q))`, reply, staffName))
	run(t, staffTab, fmt.Sprintf(`(() => { const n = document.querySelector('textarea[data-console=note-text]'); n.value = %q;
		n.dispatchEvent(new Event('input', {bubbles: true}));
		document.querySelector('button[data-console=note]').click(); return true; })()`, note))
	waitJS(t, staffTab, "the note as text", fmt.Sprintf(`[...document.querySelectorAll('[data-console=entry][data-kind=event][data-type=note]')]
		.some(e => e.innerText.includes(%q) && e.innerText.includes(%q))`, note, staffName))

	// The shopper sees who joined and the reply, as text; never the note.
	waitJS(t, shopperTab, "the staff name as text", shadow(fmt.Sprintf(`return root.querySelector('[data-kefu=panel]').innerText.includes(%q)`, staffName)))
	waitJS(t, shopperTab, "the reply as text", shadow(fmt.Sprintf(`return [...root.querySelectorAll('[data-kefu=message][data-role=staff]')]
		.some(m => m.innerText.includes(%q))`, reply)))
	if leaked, _ := chromedp.Run(shopperTab, chromedp.Evaluate[bool](shadow(`return root.innerHTML.includes("__pwned='note'")`))); leaked {
		t.Error("the private note reached the shopper's widget")
	}

	// Nothing ran and nothing became an element, on either page.
	const inert = `(() => {
		const roots = [document];
		const w = document.querySelector('#kefu-widget');
		if (w && w.shadowRoot) roots.push(w.shadowRoot);
		const out = {pwned: typeof window.__pwned === 'undefined' ? '' : String(window.__pwned), found: []};
		for (const r of roots) {
			for (const sel of ['img', 'a[href^="javascript:" i]', '[onerror]', '[onmouseover]', '[onclick]']) {
				r.querySelectorAll(sel).forEach(e => out.found.push(e.outerHTML.slice(0, 80)));
			}
			r.querySelectorAll('script').forEach(s => { if (s.textContent.includes('__pwned')) out.found.push(s.outerHTML.slice(0, 80)); });
		}
		return JSON.stringify(out);
	})()`
	for name, tab := range map[string]context.Context{"shop page (widget)": shopperTab, "console": staffTab} {
		got, err := chromedp.Run(tab, chromedp.Evaluate[string](inert))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got != `{"pwned":"","found":[]}` {
			t.Errorf("%s ran or built markup from text: %s", name, got)
		}
	}
}
