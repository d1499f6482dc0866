package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/gorilla/websocket"

	"github.com/kefu-dev/kefu/store"
)

// click clicks the first element matching a CSS selector.
func click(t *testing.T, tab context.Context, sel string) {
	t.Helper()
	run(t, tab, fmt.Sprintf(`(() => { const b = document.querySelector(%q); if (!b) throw new Error('no ' + %q); b.click(); return true; })()`, sel, sel))
}

// evalString evaluates JavaScript that returns a string.
func evalString(t *testing.T, tab context.Context, js string) string {
	t.Helper()
	s, err := chromedp.Run(tab, chromedp.Evaluate[string](js))
	if err != nil {
		t.Fatalf("evaluate: %v\n%s", err, js)
	}
	return s
}

// visible is the JavaScript test that an element exists and is shown.
func visible(sel string) string {
	return fmt.Sprintf(`(() => { const e = document.querySelector(%q); return !!e && !e.closest('[hidden]') && !e.disabled; })()`, sel)
}

// openRow opens a conversation from the inbox.
func openRow(t *testing.T, tab context.Context, id string) {
	t.Helper()
	sel := fmt.Sprintf(`[data-console=row][data-id=%q]`, id)
	waitJS(t, tab, "the conversation in the inbox", fmt.Sprintf(`!!document.querySelector(%q)`, sel))
	click(t, tab, sel)
	waitJS(t, tab, "the open transcript", `document.querySelectorAll('#transcript [data-console=entry]').length > 0`)
}

// shopperSays sends a shopper message over a socket made by shopper().
func shopperSays(t *testing.T, ws *websocket.Conn, text string) {
	t.Helper()
	if err := ws.WriteJSON(map[string]any{"type": "message", "client_id": fmt.Sprintf("t-%d", time.Now().UnixNano()), "text": text}); err != nil {
		t.Fatal(err)
	}
}

// entries lists the open transcript's entries as kind/type/role and their
// words without the time, in order.
const entriesJS = `JSON.stringify([...document.querySelectorAll('#transcript [data-console=entry]')].map(e => {
	const c = e.cloneNode(true);
	c.querySelectorAll('time, .meta, .tools').forEach(x => x.remove());
	return [e.dataset.kind, e.dataset.type || e.dataset.role, c.innerText.replace(/\s+/g, ' ').trim()].join('|');
}))`

// Taking over, writing a note, handing back and closing each show one
// timeline entry, the same as a reload shows (they appeared twice).
func TestBrowserConsoleTimelineOnce(t *testing.T) {
	hs, st := newStack(t)
	addStaff(t, st, "mei@shop.example.com", "Mei", store.RoleAgent)
	_, convID := shopper(t, hs, "I want to talk to a real person please")
	tab := browser(t)
	consoleLogin(t, tab, hs.URL, "mei@shop.example.com")
	openRow(t, tab, convID)

	waitJS(t, tab, "the take-over button", visible(`button[data-console=takeover]`))
	click(t, tab, `button[data-console=takeover]`)
	waitJS(t, tab, "the reply box", visible(`textarea[data-console=reply]`))
	run(t, tab, `(() => { const n = document.querySelector('textarea[data-console=note-text]'); n.value = 'gave a 10% code';
		document.querySelector('button[data-console=note]').click(); return true; })()`)
	waitJS(t, tab, "the note", `!!document.querySelector('#transcript [data-console=entry][data-type=note]')`)
	waitJS(t, tab, "the hand-back button", visible(`button[data-console=handback]`))
	click(t, tab, `button[data-console=handback]`)
	waitJS(t, tab, "the close button in the bot state", `!!document.querySelector('[data-console=row][data-state=bot]') && `+visible(`button[data-console=close]`))
	click(t, tab, `button[data-console=close]`)
	waitJS(t, tab, "the closed conversation", `!!document.querySelector('[data-console=row][data-state=closed]')`)
	// Wait for every entry the actions made (three state changes and the
	// note), then for the post-action fetches to be in.
	waitJS(t, tab, "the entries of the actions", `document.querySelectorAll('#transcript [data-console=entry][data-type=state]').length >= 4`)
	waitJS(t, tab, "the transcript loaded", `!document.querySelector('#transcript[aria-busy=true]')`)
	live := evalString(t, tab, entriesJS)

	if err := chromedp.Do(tab, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	waitJS(t, tab, "the transcript after reload", `document.querySelectorAll('#transcript [data-console=entry][data-type=state]').length >= 4 && !document.querySelector('#transcript[aria-busy=true]')`)
	reloaded := evalString(t, tab, entriesJS)
	if live != reloaded {
		t.Errorf("the live timeline differs from the reloaded one\nlive:     %s\nreloaded: %s", live, reloaded)
	}
	for _, what := range []string{"event|note|", "handed back", "Closed by Mei"} {
		if n := strings.Count(live, what); n != 1 {
			t.Errorf("%q appears %d times in the live timeline, want once: %s", what, n, live)
		}
	}
}

// Assigning names the assignee once in the live timeline and after a
// reload, the conversation is in the assignee's Mine, and a colleague
// added while the console is open can be chosen without a reload.
func TestBrowserConsoleAssign(t *testing.T) {
	hs, st := newStack(t)
	addStaff(t, st, "mei@shop.example.com", "Mei", store.RoleAgent)
	addStaff(t, st, "li@shop.example.com", "Li", store.RoleAgent)
	_, convID := shopper(t, hs, "I want to talk to a real person please")
	meiTab := browser(t)
	if err := chromedp.Do(meiTab, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	liTab, cancel := chromedp.NewContext(meiTab, chromedp.WithNewBrowserContext())
	defer cancel()
	consoleLogin(t, meiTab, hs.URL, "mei@shop.example.com")
	consoleLogin(t, liTab, hs.URL, "li@shop.example.com")
	waitJS(t, liTab, "Li's inbox", `!!document.querySelector('[data-console=row]')`)

	// Mei gives the waiting conversation to Li.
	openRow(t, meiTab, convID)
	waitJS(t, meiTab, "Li in Assign to", `[...document.querySelectorAll('[data-console=assign-to] option')].some(o => o.textContent.startsWith('Li'))`)
	run(t, meiTab, `(() => { const s = document.querySelector('[data-console=assign-to]');
		s.value = [...s.options].find(o => o.textContent.startsWith('Li')).value;
		s.dispatchEvent(new Event('change', {bubbles: true}));
		document.querySelector('button[data-console=assign]').click(); return true; })()`)
	const assigned = `[...document.querySelectorAll('#transcript [data-console=entry][data-type=assigned]')].map(e => e.innerText).join('\n')`
	waitJS(t, meiTab, "the assignment in the timeline", assigned+`.includes('Li')`)
	if got := evalString(t, meiTab, assigned); !strings.Contains(got, "Mei assigned it to Li") || strings.Contains(got, "assigned to assigned") {
		t.Errorf("the live timeline says %q, want \"Mei assigned it to Li\"", got)
	}
	waitJS(t, liTab, "the conversation in Li's Mine", fmt.Sprintf(`!!document.querySelector('[data-section=mine] [data-console=row][data-id=%q]')`, convID))

	// The assignee is stored: the timeline names Li after a reload.
	if err := chromedp.Do(meiTab, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	waitJS(t, meiTab, "the assignment after reload", assigned+`.length > 0`)
	if got := evalString(t, meiTab, assigned); !strings.Contains(got, "Mei assigned it to Li") {
		t.Errorf("after a reload the timeline says %q, want \"Mei assigned it to Li\"", got)
	}

	// A colleague added from the command line is offered when Mei opens the list.
	addStaff(t, st, "wu@shop.example.com", "Wu", store.RoleAgent)
	run(t, meiTab, `(() => { const s = document.querySelector('[data-console=assign-to]'); s.focus(); s.dispatchEvent(new Event('pointerdown', {bubbles: true})); return true; })()`)
	waitJS(t, meiTab, "Wu in Assign to", `[...document.querySelectorAll('[data-console=assign-to] option')].some(o => o.textContent.startsWith('Wu'))`)
}

// A conversation erased from the command line (kefu forget, kefu seed
// --reset: another process, so no frame tells the console) leaves the list
// when the staff member comes back to the console, or when an action finds
// it gone; its buttons go with it.
func TestBrowserConsoleErasedFromCLI(t *testing.T) {
	hs, st := newStack(t)
	addStaff(t, st, "mei@shop.example.com", "Mei", store.RoleAgent)
	ctx := context.Background()
	alice, err := st.CustomerByEmail(ctx, "alice.johnson@example.com")
	if err != nil {
		t.Fatal(err)
	}
	mine, _, err := st.CreateConversation(ctx, alice.ID, "en")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.AppendMessage(ctx, &store.Message{ConversationID: mine.ID, Role: store.RoleUser, Text: "where is my tent?"}); err != nil {
		t.Fatal(err)
	}
	_, guest := shopper(t, hs, "how long does shipping to Canada take?")
	tab := browser(t)
	consoleLogin(t, tab, hs.URL, "mei@shop.example.com")
	openRow(t, tab, mine.ID)
	waitJS(t, tab, "the take-over button", visible(`button[data-console=takeover]`))

	// kefu forget: Mei comes back to the console window.
	if _, err := st.ForgetCustomer(ctx, alice.ID, "test"); err != nil {
		t.Fatal(err)
	}
	run(t, tab, `window.dispatchEvent(new Event('focus')); true`)
	waitJS(t, tab, "the erased conversation gone from the list", fmt.Sprintf(`!document.querySelector('[data-console=row][data-id=%q]')`, mine.ID))
	waitJS(t, tab, "no actions on it", `['takeover', 'handback', 'close', 'assign'].every(k => { const b = document.querySelector('button[data-console=' + k + ']'); return !b || b.disabled || !!b.closest('[hidden]'); })`)

	// kefu seed --reset: the action finds it gone.
	openRow(t, tab, guest)
	waitJS(t, tab, "the take-over button", visible(`button[data-console=takeover]`))
	if err := st.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	click(t, tab, `button[data-console=takeover]`)
	waitJS(t, tab, "the reset conversation gone from the list", fmt.Sprintf(`!document.querySelector('[data-console=row][data-id=%q]')`, guest))
	waitJS(t, tab, "no actions on it", `['takeover', 'handback', 'close', 'assign'].every(k => { const b = document.querySelector('button[data-console=' + k + ']'); return !b || b.disabled || !!b.closest('[hidden]'); })`)
}

// The unread dot marks a shopper's new message in a conversation that is
// not open, never the one being read; a rating shows as stars in the list
// and the conversation's header without a reload.
func TestBrowserConsoleUnreadAndStars(t *testing.T) {
	hs, st := newStack(t)
	addStaff(t, st, "mei@shop.example.com", "Mei", store.RoleAgent)
	ws, convID := shopper(t, hs, "I want to talk to a real person please")
	tab := browser(t)
	consoleLogin(t, tab, hs.URL, "mei@shop.example.com")
	openRow(t, tab, convID)
	click(t, tab, `button[data-console=takeover]`)
	waitJS(t, tab, "the reply box", visible(`textarea[data-console=reply]`))
	row := fmt.Sprintf(`document.querySelector('[data-console=row][data-id=%q]')`, convID)

	shopperSays(t, ws, "are you there?")
	waitJS(t, tab, "the message in the list", row+`.innerText.includes('are you there?')`)
	waitJS(t, tab, "the message in the open transcript", `document.querySelector('#transcript').innerText.includes('are you there?')`)
	if dot, _ := chromedp.Run(tab, chromedp.Evaluate[bool](row+`.querySelector('.dot') !== null`)); dot {
		t.Error("the open conversation shows the unread dot")
	}

	// Away from it, a new message marks it; opening it again clears it.
	run(t, tab, `location.hash = ''; true`)
	waitJS(t, tab, "no conversation open", `!!document.getElementById('conv').hidden`)
	shopperSays(t, ws, "hello??")
	waitJS(t, tab, "the unread dot", row+` && `+row+`.innerText.includes('hello??') && !!`+row+`.querySelector('.dot')`)
	click(t, tab, fmt.Sprintf(`[data-console=row][data-id=%q]`, convID))
	waitJS(t, tab, "the dot gone once read", `!!`+row+` && !`+row+`.querySelector('.dot')`)

	// Closed and rated: stars in the list and in the header.
	waitJS(t, tab, "the close button", visible(`button[data-console=close]`))
	click(t, tab, `button[data-console=close]`)
	waitJS(t, tab, "the closed row", fmt.Sprintf(`!!document.querySelector('[data-console=row][data-state=closed][data-id=%q]')`, convID))
	if err := ws.WriteJSON(map[string]any{"type": "rate", "rating": 4, "comment": "quick, thanks"}); err != nil {
		t.Fatal(err)
	}
	waitJS(t, tab, "four stars in the list", row+` && (`+row+`.querySelector('.stars') || {}).textContent === '★★★★★' && `+row+`.querySelector('.stars').firstChild.textContent === '★★★★'`)
	waitJS(t, tab, "four stars in the header", `(document.querySelector('#conv-sub .stars') || {}).firstChild && document.querySelector('#conv-sub .stars').firstChild.textContent === '★★★★'`)
}

// At a phone's 390 px the header fits and no view scrolls sideways.
func TestBrowserConsoleNarrow(t *testing.T) {
	hs, st := newStack(t)
	addStaff(t, st, "mei.lin.long.name@shop.example.com", "Mei Lin-Hartmann", store.RoleAdmin)
	_, convID := shopper(t, hs, "I want to talk to a real person please")
	tab := browser(t)
	if err := chromedp.Do(tab, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal(err)
	}
	consoleLogin(t, tab, hs.URL, "mei.lin.long.name@shop.example.com")
	waitJS(t, tab, "the inbox", `!!document.querySelector('[data-console=row]')`)
	fits := `(() => {
		const w = document.documentElement.clientWidth, out = [];
		if (document.documentElement.scrollWidth > w) out.push('page ' + document.documentElement.scrollWidth + ' > ' + w);
		const top = document.querySelector('header.top');
		if (top.scrollWidth > top.clientWidth) out.push('header ' + top.scrollWidth + ' > ' + top.clientWidth);
		for (const c of top.querySelectorAll('*')) {
			const r = c.getBoundingClientRect();
			if (r.width && (r.right > w + 0.5 || r.left < -0.5) && !c.closest('.tabs')) out.push((c.id || c.className || c.tagName) + ' at ' + Math.round(r.left) + '–' + Math.round(r.right));
		}
		return out.join('; ');
	})()`
	check := func(where string) {
		t.Helper()
		if got := evalString(t, tab, fits); got != "" {
			t.Errorf("%s at 390 px: %s", where, got)
		}
	}
	check("the inbox")
	openRow(t, tab, convID)
	check("a conversation")
	for _, view := range []string{"transcripts", "dashboard", "segments"} {
		click(t, tab, `[data-console=tab-`+view+`]`)
		waitJS(t, tab, "the "+view, fmt.Sprintf(`document.body.dataset.mode === %q`, view))
		check("the " + view)
	}
}

// Handing back tells the shopper the assistant is back, and the assistant
// answers the message that waited for the person (seen over the shopper's
// own socket).
func TestBrowserConsoleHandBackAnswers(t *testing.T) {
	hs, st := newStack(t)
	addStaff(t, st, "mei@shop.example.com", "Mei", store.RoleAgent)
	ws, convID := shopper(t, hs, "I want to talk to a real person please")
	tab := browser(t)
	consoleLogin(t, tab, hs.URL, "mei@shop.example.com")
	openRow(t, tab, convID)
	click(t, tab, `button[data-console=takeover]`)
	waitJS(t, tab, "the reply box", visible(`textarea[data-console=reply]`))
	readUntil(t, ws, func(f map[string]any) bool { return f["type"] == "state" && f["state"] == "human" })
	shopperSays(t, ws, "how long does shipping to Canada take?")
	waitJS(t, tab, "the shopper's question", `document.querySelector('#transcript').innerText.includes('shipping to Canada')`)

	click(t, tab, `button[data-console=handback]`)
	var back, answer string
	readUntil(t, ws, func(f map[string]any) bool {
		if f["type"] != "message" || f["role"] != "assistant" {
			return false
		}
		text, _ := f["text"].(string)
		if back == "" {
			back = text
			return false
		}
		answer = text
		return true
	})
	if !strings.Contains(back, "assistant") {
		t.Errorf("the shopper was told %q, want that the assistant is back", back)
	}
	if !strings.Contains(answer, "7–14") {
		t.Errorf("the assistant answered the waiting question with %q, want the shipping time to Canada", answer)
	}
	waitJS(t, tab, "the answer in the console", `[...document.querySelectorAll('#transcript [data-console=entry][data-role=assistant]')].some(e => e.innerText.includes('7–14'))`)
}

// The needs profile speaks plainly: counts with their plural, categories
// by name, prices with their currency.
func TestBrowserConsoleNeedsWording(t *testing.T) {
	hs, st := newStack(t)
	addStaff(t, st, "lead@shop.example.com", "Lead", store.RoleAdmin)
	alice, err := st.CustomerByEmail(context.Background(), "alice.johnson@example.com")
	if err != nil {
		t.Fatal(err)
	}
	tab := browser(t)
	consoleLogin(t, tab, hs.URL, "lead@shop.example.com")
	waitJS(t, tab, "the console", `document.body.dataset.screen === 'app'`)
	run(t, tab, fmt.Sprintf(`location.hash = '#customer=%d'; true`, alice.ID))
	waitJS(t, tab, "the needs profile", `!!document.querySelector('[data-console=customer-page][data-state=ready] [data-console=need]')`)
	needs := evalString(t, tab, `[...document.querySelectorAll('[data-console=need]')].map(n => n.dataset.aspect + ': ' + n.querySelector('.need-sum').innerText).join('\n')`)
	if strings.Contains(needs, "(s)") {
		t.Errorf("a count without its plural:\n%s", needs)
	}
	for _, want := range []string{"categories: Buys Outdoor gear", "positive review", "$"} {
		if !strings.Contains(needs, want) {
			t.Errorf("the needs profile lacks %q:\n%s", want, needs)
		}
	}
	if strings.Contains(needs, "outdoor-gear") {
		t.Errorf("a raw category id:\n%s", needs)
	}
	if price := evalString(t, tab, `document.querySelector('[data-console=need][data-aspect=price_band] .need-sum').innerText`); strings.Count(price, "$") < 3 {
		t.Errorf("the price band %q does not give each price its currency", price)
	}
}
