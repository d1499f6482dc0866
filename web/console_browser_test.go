package web_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/kefu-dev/kefu/store"
)

// A shift in two browsers: a shopper on the demo shop asks for a person,
// the conversation appears in the staff member's inbox, they take over and
// reply, the shopper sees the reply and the staff name, the staff member
// hands back and the bot answers what the shopper said last, then the next
// question. HTML typed on either
// side shows as text and runs nothing.
func TestBrowserConsoleTakeover(t *testing.T) {
	hs, st := newStack(t)
	addStaff(t, st, "mei@shop.example.com", "Mei", store.RoleAgent)
	shopperTab := browser(t)

	// The shopper asks for a person.
	if err := chromedp.Do(shopperTab, chromedp.Navigate(hs.URL)); err != nil {
		t.Fatal(err)
	}
	// The staff member works in a separate browser context (no shared
	// cookies or storage), made once the browser runs.
	staffTab, cancel := chromedp.NewContext(shopperTab, chromedp.WithNewBrowserContext())
	defer cancel()
	waitJS(t, shopperTab, "the widget", shadow(`return !!(root && root.querySelector('[data-kefu=launcher]'))`))
	run(t, shopperTab, shadow(`root.querySelector('[data-kefu=launcher]').click(); return true;`))
	waitJS(t, shopperTab, "the open panel", shadow(`return !root.querySelector('[data-kefu=panel]').hidden`))
	say(t, shopperTab, "I want to talk to a real person please")
	waitJS(t, shopperTab, "the handoff", shadow(`return root.querySelector('[data-kefu=panel]').innerText.includes('support team')`))
	say(t, shopperTab, `<img src=x onerror="window.pwned=1"> my order is late`)
	waitJS(t, shopperTab, "the second message acknowledged", shadow(`return [...root.querySelectorAll('[data-kefu=message][data-role=user]')].length == 2`))

	// The staff member signs in and sees the waiting conversation.
	consoleLogin(t, staffTab, hs.URL, "mei@shop.example.com")
	waitJS(t, staffTab, "the waiting conversation in the inbox", `!!document.querySelector('[data-console=row][data-state=queued]')`)
	run(t, staffTab, `(() => { document.querySelector('[data-console=row][data-state=queued]').click(); return true; })()`)
	waitJS(t, staffTab, "the transcript with the shopper's HTML as text", `[...document.querySelectorAll('[data-console=entry][data-kind=message][data-role=user]')]
		.some(e => e.innerText.includes('<img src=x onerror="window.pwned=1">'))`)
	waitJS(t, staffTab, "the take-over button", `!!document.querySelector('button[data-console=takeover]') && !document.querySelector('button[data-console=takeover]').hidden`)
	run(t, staffTab, `(() => { document.querySelector('button[data-console=takeover]').click(); return true; })()`)
	waitJS(t, staffTab, "the reply box", `!!document.querySelector('textarea[data-console=reply]') && !document.querySelector('textarea[data-console=reply]').closest('[hidden]')`)

	// The shopper is told who joined.
	waitJS(t, shopperTab, "Mei joining", shadow(`return root.querySelector('[data-kefu=panel]').innerText.includes('Mei')`))

	reply := `Hi, I'm Mei <b>from support</b> <img src=y onerror="window.pwned=2">`
	run(t, staffTab, fmt.Sprintf(`(() => { const r = document.querySelector('textarea[data-console=reply]'); r.value = %q;
		r.dispatchEvent(new Event('input', {bubbles: true}));
		document.querySelector('button[data-console=send]').click(); return true; })()`, reply))
	waitJS(t, shopperTab, "the staff reply, as text", shadow(fmt.Sprintf(`return [...root.querySelectorAll('[data-kefu=message][data-role=staff]')]
		.some(m => m.innerText.includes(%q))`, `<b>from support</b>`)))
	// The shopper answers; Mei reads it live, without reloading.
	say(t, shopperTab, "thanks Mei, it is order KF-10031")
	waitJS(t, staffTab, "the shopper's answer in the open transcript", `[...document.querySelectorAll('[data-console=entry][data-kind=message][data-role=user]')]
		.some(e => e.innerText.includes('thanks Mei'))`)

	// Hand back: the bot answers the message Mei left (it asks for the
	// order's email), then the next question.
	waitJS(t, staffTab, "the hand-back button", `!!document.querySelector('button[data-console=handback]') && !document.querySelector('button[data-console=handback]').hidden`)
	run(t, staffTab, `(() => { document.querySelector('button[data-console=handback]').click(); return true; })()`)
	waitJS(t, staffTab, "the bot state", `!!document.querySelector('[data-console=row][data-state=bot]')`)
	waitJS(t, shopperTab, "the bot asking for the order's email", shadow(`return [...root.querySelectorAll('[data-kefu=message][data-role=assistant]')]
		.some(m => m.innerText.includes('KF-10031') && m.innerText.includes('email'))`))
	say(t, shopperTab, "hannah.schmidt@example.com")
	waitJS(t, shopperTab, "the order", shadow(`return [...root.querySelectorAll('[data-kefu=message][data-role=assistant]')]
		.some(m => m.innerText.includes('was delivered'))`))
	say(t, shopperTab, "thanks! how long does shipping to Canada take?")
	waitJS(t, shopperTab, "the bot's answer", shadow(`return [...root.querySelectorAll('[data-kefu=message][data-role=assistant]')]
		.some(m => m.innerText.includes('7–14'))`))

	for name, tab := range map[string]context.Context{"shopper": shopperTab, "staff": staffTab} {
		pwned, _ := chromedp.Run(tab, chromedp.Evaluate[bool](`typeof window.pwned !== 'undefined'`))
		imgs, _ := chromedp.Run(tab, chromedp.Evaluate[int](`document.querySelectorAll('img').length + (document.querySelector('#kefu-widget') ? document.querySelector('#kefu-widget').shadowRoot.querySelectorAll('img').length : 0)`))
		if pwned || imgs != 0 {
			t.Errorf("%s page ran HTML from a message: pwned=%v, %d <img>", name, pwned, imgs)
		}
	}
}
