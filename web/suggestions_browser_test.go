package web_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// A clarifying question's options show as chips under the answer, come
// back after a reload (resume), and a click sends the chip's text as the
// shopper's message, which the assistant answers; the chips then go.
func TestBrowserSuggestionChips(t *testing.T) {
	hs, _ := newStack(t)
	ctx := browser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(hs.URL)); err != nil {
		t.Fatal(err)
	}
	open := func() {
		waitJS(t, ctx, "the widget", shadow(`return !!(root && root.querySelector('[data-kefu=launcher]'))`))
		run(t, ctx, shadow(`if (root.querySelector('[data-kefu=panel]').hidden) root.querySelector('[data-kefu=launcher]').click(); return true;`))
		waitJS(t, ctx, "the open panel", shadow(`return !root.querySelector('[data-kefu=panel]').hidden`))
	}
	open()
	say(t, ctx, "hmm the zibber thingamajig wotsit")
	chips := shadow(`const b = [...root.querySelectorAll('[data-kefu=message][data-role=assistant] [data-kefu=suggestion]')];
		return b.length >= 2 && b.length <= 3`)
	waitJS(t, ctx, "two or three suggestion chips", chips)

	if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	open()
	waitJS(t, ctx, "the chips again after a reload", chips)

	first, err := chromedp.Run(ctx, chromedp.Evaluate[string](shadow(`return root.querySelector('[data-kefu=suggestion]').textContent`)))
	if err != nil || first == "" {
		t.Fatalf("chip text %q: %v", first, err)
	}
	run(t, ctx, shadow(`root.querySelector('[data-kefu=suggestion]').click(); return true;`))
	waitJS(t, ctx, "the chip sent as the shopper's message", shadow(fmt.Sprintf(`return [...root.querySelectorAll('[data-kefu=message][data-role=user]')]
		.some(m => m.innerText.includes(%q))`, first)))
	waitJS(t, ctx, "the answer to it", shadow(`return root.querySelectorAll('[data-kefu=message][data-role=assistant]').length >= 2`))
	waitJS(t, ctx, "the old chips gone", shadow(`const ms = [...root.querySelectorAll('[data-kefu=message][data-role=assistant]')];
		return !ms[0].querySelector('[data-kefu=suggestion]')`))
}
