package web_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/kefu-dev/kefu/store"
)

// kefu forget, made through a store of its own on the same database (as
// the command does, in another process), closes the open widget of the
// forgotten customer: it says the conversation was erased, shows none of
// it, keeps no token or unsent message, and does not reconnect in a loop;
// when the shopper writes again, a new conversation answers.
func TestBrowserWidgetOfAForgottenCustomer(t *testing.T) {
	hs, st := newStack(t)
	ctx := browser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(hs.URL)); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the demo customers", `document.querySelectorAll('#demo-customer option').length > 5`)
	run(t, ctx, `(() => { const s = document.getElementById('demo-customer');
		s.value = 'cus_1001'; s.dispatchEvent(new Event('change', {bubbles: true})); return true; })()`)
	waitJS(t, ctx, "the widget", shadow(`return !!(root && root.querySelector('[data-kefu=launcher]'))`))
	run(t, ctx, shadow(`root.querySelector('[data-kefu=launcher]').click(); return true;`))
	// Signed in as Alice (the greeting names her) before writing: a message
	// sent before the page's identify goes to the guest's conversation.
	waitJS(t, ctx, "the open panel greeting Alice", shadow(`return !root.querySelector('[data-kefu=panel]').hidden && root.querySelector('[data-kefu=panel]').innerText.includes('Alice')`))
	say(t, ctx, "Hi, where is my order KF-10045?")
	waitJS(t, ctx, "the answer", shadow(`return [...root.querySelectorAll('[data-kefu=message][data-role=assistant]')].some(m => m.innerText.includes('KF-10045'))`))
	run(t, ctx, `(() => { window.sockets = 0; const WS = window.WebSocket;
		window.WebSocket = function (...a) { window.sockets++; return new WS(...a); };
		window.WebSocket.prototype = WS.prototype; return true; })()`)

	other, err := store.Open(context.Background(), st.Path(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	alice, err := other.CustomerByEmail(context.Background(), "alice.johnson@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.ForgetCustomer(context.Background(), alice.ID, "test"); err != nil {
		t.Fatal(err)
	}
	other.Close()

	waitJS(t, ctx, "the erased notice", shadow(`const e = root.querySelector('[data-kefu=error]'); return !e.hidden && e.textContent.includes('erased at your request')`))
	waitJS(t, ctx, "an empty conversation", shadow(`return root.querySelectorAll('[data-kefu=message][data-role=user], [data-kefu=message][data-role=assistant]').length === 0`))
	for _, key := range []string{"token", "outbox"} {
		run(t, ctx, `(() => { for (let i = 0; i < localStorage.length; i++) { const v = localStorage.getItem(localStorage.key(i));
			if (v && v.includes('"`+key+`":') && !v.includes('"`+key+`":[]')) throw new Error('localStorage keeps the `+key+`: ' + v); } return true; })()`)
	}
	if n := evalString(t, ctx, `String(window.sockets)`); n != "0" {
		t.Errorf("the widget opened %s socket(s) after the erasure without the shopper writing", n)
	}
	say(t, ctx, "hello again")
	waitJS(t, ctx, "an answer in a new conversation", shadow(`return root.querySelectorAll('[data-kefu=message][data-role=assistant]').length >= 1`))
}
