package web_test

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/kefu-dev/kefu/store"
)

// An admin changes the widget's accent colour and greeting in the
// console (a bad colour is refused with its field named first); the shop
// page's widget, loaded afterwards, shows both, with no restart.
func TestBrowserAdminChangesWidgetVoice(t *testing.T) {
	hs, st := newStack(t)
	addStaff(t, st, "boss@shop.example.com", "Boss", store.RoleAdmin)
	adminTab := browser(t)
	consoleLogin(t, adminTab, hs.URL, "boss@shop.example.com")
	waitJS(t, adminTab, "the settings button", `!document.getElementById('shop-settings').hidden`)
	run(t, adminTab, `(() => { document.getElementById('shop-settings').click(); return true; })()`)
	waitJS(t, adminTab, "the settings screen", `!document.getElementById('settings').hidden`)
	fill := func(accent, greeting string) {
		run(t, adminTab, `(() => { document.getElementById('set-accent-color').value = '`+accent+`';
			document.getElementById('set-greeting-en').value = '`+greeting+`';
			document.querySelector('[data-console=settings-save]').click(); return true; })()`)
	}
	fill("teal", "Welcome to Tea House, how can we help?")
	waitJS(t, adminTab, "the refused colour", `document.getElementById('settings-problems').innerText.includes('#rrggbb') &&
		document.getElementById('set-accent-color').getAttribute('aria-invalid') === 'true'`)
	if m, _ := st.ShopSettings(t.Context()); m["accent_color"] != "" || m["greeting_en"] != "" {
		t.Fatalf("a refused change was saved: %v", m)
	}
	fill("#aa3377", "Welcome to Tea House, how can we help?")
	waitJS(t, adminTab, "back to the console", `document.getElementById('settings').hidden && !document.getElementById('app').hidden`)

	shopTab, cancel := chromedp.NewContext(adminTab, chromedp.WithNewBrowserContext())
	defer cancel()
	if err := chromedp.Do(shopTab, chromedp.Navigate(hs.URL)); err != nil {
		t.Fatal(err)
	}
	waitJS(t, shopTab, "the widget", shadow(`return !!(root && root.querySelector('[data-kefu=launcher]'))`))
	run(t, shopTab, shadow(`root.querySelector('[data-kefu=launcher]').click(); return true;`))
	waitJS(t, shopTab, "the shop's greeting", shadow(`return root.querySelector('[data-kefu=panel]').innerText.includes('Welcome to Tea House, how can we help?')`))
	waitJS(t, shopTab, "the shop's accent", shadow(`return getComputedStyle(root.querySelector('[data-kefu=launcher]')).backgroundColor === 'rgb(170, 51, 119)'`))
}
