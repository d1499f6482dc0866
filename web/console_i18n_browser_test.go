package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kefu-dev/kefu/store"
)

// browserIn is browser() with the browser's languages set, as a Chinese
// staff member's browser sends them (Accept-Language, navigator.languages).
// Its options are browser()'s, plus the languages.
func browserIn(t *testing.T, languages string) context.Context {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.NoSandbox,
		chromedp.Flag("headless", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("accept-lang", languages),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return ctx
}

// The console speaks the browser's language (Chinese here), formats
// money and times for it, switches to English from the header, and
// remembers that for the staff member who chose it, not for the next one.
func TestBrowserConsoleChinese(t *testing.T) {
	hs, st := newStack(t)
	addStaff(t, st, "mei@shop.example.com", "Mei", store.RoleAgent)
	addStaff(t, st, "li@shop.example.com", "Li", store.RoleAgent)
	ctx := context.Background()
	alice, err := st.CustomerByEmail(ctx, "alice.johnson@example.com")
	if err != nil {
		t.Fatal(err)
	}
	conv, _, err := st.CreateConversation(ctx, alice.ID, "en")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.AppendMessage(ctx, &store.Message{ConversationID: conv.ID, Role: store.RoleUser, Text: "where is my tent?"}); err != nil {
		t.Fatal(err)
	}
	tab := browserIn(t, "zh-CN,zh")

	// The sign-in page, before anyone signs in: the browser's language.
	if err := chromedp.Do(tab, chromedp.Navigate(hs.URL+"/console")); err != nil {
		t.Fatal(err)
	}
	waitJS(t, tab, "the sign-in page in Chinese", `document.body.dataset.screen === 'login' && document.querySelector('button[data-console=login]').textContent === '登录' && document.documentElement.lang === 'zh-CN'`)

	// Every string exists in both languages, with the same parameters.
	if got, err := chromedp.Run(tab, chromedp.Evaluate[string](`(async () => {
		const { en, zh } = await import('/console/strings.js');
		const ps = (v) => [...new Set((typeof v === 'object' ? Object.values(v).join(' ') : v).match(/\{\w+\}/g) || [])].sort().join();
		const out = [];
		for (const k of Object.keys(en)) if (!(k in zh)) out.push('no Chinese for ' + k); else if (ps(en[k]) !== ps(zh[k])) out.push(k + ': ' + ps(en[k]) + ' vs ' + ps(zh[k]));
		for (const k of Object.keys(zh)) if (!(k in en)) out.push('no English for ' + k);
		return out.join('; ');
	})()`, chromedp.EvalAwaitPromise)); err != nil || got != "" {
		t.Errorf("strings.js: %s %v", got, err)
	}

	consoleLogin(t, tab, hs.URL, "mei@shop.example.com")
	waitJS(t, tab, "the inbox in Chinese", `document.body.dataset.screen === 'app' && document.querySelector('[data-console=tab-inbox]').textContent === '会话' &&
		document.querySelector('[data-section=queued] .sec-title').textContent === '等待人工'`)
	openRow(t, tab, conv.ID)
	waitJS(t, tab, "the orders in the customer panel", `document.querySelectorAll('#cust-body .order .amt').length > 0`)
	// Money and times as Intl writes them for zh-CN.
	const formatted = `(() => {
		const loc = document.documentElement.lang === 'zh-CN' ? 'zh-CN' : 'en-US', out = [];
		for (const a of document.querySelectorAll('#cust-body .order .amt')) {
			const v = Number(a.textContent.replace(/[^0-9.]/g, ''));
			const want = new Intl.NumberFormat(loc, {style: 'currency', currency: 'USD'}).format(v);
			if (a.textContent !== want) out.push(a.textContent + ' is not ' + want);
		}
		const today = new Date().toDateString();
		for (const tm of document.querySelectorAll('#transcript time[datetime]')) {
			const d = new Date(tm.getAttribute('datetime'));
			if (d.toDateString() !== today) continue;
			const want = new Intl.DateTimeFormat(loc, {hour: '2-digit', minute: '2-digit'}).format(d);
			if (tm.textContent !== want) out.push(tm.textContent + ' is not ' + want);
		}
		return out.join('; ');
	})()`
	if got := evalString(t, tab, formatted); got != "" {
		t.Errorf("in Chinese: %s", got)
	}
	if got := evalString(t, tab, `document.querySelector('#cust-body .order .amt').textContent`); !strings.HasPrefix(got, "US$") {
		t.Errorf("an order's total in Chinese reads %q, want US$…", got)
	}
	if got := evalString(t, tab, `document.getElementById('reply-why').textContent`); !strings.Contains(got, "机器人") {
		t.Errorf("the composer's note in Chinese reads %q", got)
	}

	// English from the header, at once.
	run(t, tab, `(() => { const s = document.querySelector('[data-console=lang]'); s.value = 'en'; s.dispatchEvent(new Event('change', {bubbles: true})); return true; })()`)
	waitJS(t, tab, "the console in English", `document.querySelector('[data-console=tab-inbox]').textContent === 'Inbox' && document.documentElement.lang === 'en' &&
		document.querySelector('[data-section=queued] .sec-title').textContent === 'Waiting for a person' &&
		document.getElementById('reply-why').textContent.includes('The bot is answering')`)
	if got := evalString(t, tab, formatted); got != "" {
		t.Errorf("in English: %s", got)
	}
	if got := evalString(t, tab, `document.querySelector('#cust-body .order .amt').textContent`); !strings.HasPrefix(got, "$") {
		t.Errorf("an order's total in English reads %q, want $…", got)
	}

	// Remembered for Mei across a reload.
	if err := chromedp.Do(tab, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	waitJS(t, tab, "English after a reload", `document.body.dataset.screen === 'app' && document.querySelector('[data-console=tab-inbox]').textContent === 'Inbox'`)

	// Not for Li, who signs in next in the same browser: the browser's language.
	click(t, tab, `button[data-console=logout]`)
	waitJS(t, tab, "the sign-in page in Chinese again", `document.body.dataset.screen === 'login' && document.querySelector('button[data-console=login]').textContent === '登录'`)
	consoleLogin(t, tab, hs.URL, "li@shop.example.com")
	waitJS(t, tab, "Li's console in Chinese", `document.body.dataset.screen === 'app' && document.getElementById('me').textContent.includes('Li') && document.querySelector('[data-console=tab-inbox]').textContent === '会话'`)
	click(t, tab, `button[data-console=logout]`)
	waitJS(t, tab, "signed out", `document.body.dataset.screen === 'login'`)
	consoleLogin(t, tab, hs.URL, "mei@shop.example.com")
	waitJS(t, tab, "Mei's console in English", `document.body.dataset.screen === 'app' && document.querySelector('[data-console=tab-inbox]').textContent === 'Inbox'`)
}

// The console's modules are served as JavaScript, with the caching and
// headers of the other assets, under a policy that lets them run; none
// writes markup from strings.
func TestConsoleModules(t *testing.T) {
	hs, _ := newStack(t)
	get := func(path string) (*http.Response, string) {
		t.Helper()
		resp, err := http.Get(hs.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	page, html := get("/console")
	if csp := page.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("the console's policy %q does not let its own scripts run", csp)
	}
	if !strings.Contains(html, `<script type="module" src="/console/main.js"></script>`) {
		t.Fatalf("the console page does not load its modules: %q", regexp.MustCompile(`<script[^>]*>`).FindAllString(html, -1))
	}
	css, _ := get("/console.css")
	if resp, _ := get("/console.js"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /console.js: %s, want 404 (replaced by the modules)", resp.Status)
	}
	imports := regexp.MustCompile(`from '\./([a-z]+\.js)'`)
	markup := regexp.MustCompile(`innerHTML|outerHTML|insertAdjacentHTML|document\.write|createContextualFragment`)
	comments := regexp.MustCompile(`(?s)/\*.*?\*/|//[^\n]*`)
	seen := map[string]bool{}
	queue := []string{"main.js"}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		if seen[name] {
			continue
		}
		seen[name] = true
		resp, body := get("/console/" + name)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/javascript; charset=utf-8" ||
			resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Cache-Control") != css.Header.Get("Cache-Control") {
			t.Errorf("GET /console/%s: %s, Content-Type %q, X-Content-Type-Options %q, Cache-Control %q (the stylesheet's: %q)", name, resp.Status,
				resp.Header.Get("Content-Type"), resp.Header.Get("X-Content-Type-Options"), resp.Header.Get("Cache-Control"), css.Header.Get("Cache-Control"))
		}
		if m := markup.FindString(comments.ReplaceAllString(body, "")); m != "" {
			t.Errorf("console/%s uses %s: network data goes on the page as text nodes only", name, m)
		}
		for _, m := range imports.FindAllStringSubmatch(body, -1) {
			queue = append(queue, m[1])
		}
	}
	if len(seen) < 15 {
		t.Errorf("main.js reaches %d modules: %v", len(seen), seen)
	}
	t.Log(fmt.Sprint(len(seen), " modules"))
}
