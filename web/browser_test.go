package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kefu-dev/kefu/chat"
	"github.com/kefu-dev/kefu/cmd/kefu/stack"
	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/web"
)

// newStack runs the whole of kefu over a temporary demo database: store,
// agent, chat engine and web server, built by stack.New as the binary
// builds them.
func newStack(t *testing.T, opts ...func(*web.Deps)) (*httptest.Server, *store.Store) {
	t.Helper()
	return newStackWith(t, chat.Config{}, opts...)
}

// newStackWith is newStack with a chat configuration (its identity secret
// is set here).
func newStackWith(t *testing.T, cfg chat.Config, opts ...func(*web.Deps)) (*httptest.Server, *store.Store) {
	t.Helper()
	secret := []byte("browser-test-secret-0123456789abcdef")
	s, err := stack.New(context.Background(), stack.Config{DB: filepath.Join(t.TempDir(), "kefu.db"), IdentitySecret: secret, Demo: true},
		stack.Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Seed: true,
			// The engine runs with cfg instead of the configuration made
			// from the settings, whose zero values are the same defaults.
			Chat: func(c *chat.Config) {
				made := *c
				*c = cfg
				c.IdentitySecret = made.IdentitySecret
				if c.Now == nil {
					c.Now = made.Now
				}
			},
			Deps: func(d *web.Deps) {
				for _, o := range opts {
					o(d)
				}
			}})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s.Server.Handler())
	t.Cleanup(func() {
		hs.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		s.Shutdown(ctx)
	})
	return hs, s.Store
}

// chromium finds the browser; in CI a missing browser fails the test
// instead of skipping it.
func chromium(t *testing.T) string {
	for _, p := range []string{os.Getenv("KEFU_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
		if p == "" {
			continue
		}
		if _, err := exec.LookPath(p); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("Chromium is required for browser tests in CI (.ci/run installs Debian's chromium)")
	}
	t.Skip("Chromium not found; install Debian's chromium to run browser tests")
	return ""
}

func browser(t *testing.T) context.Context {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.NoSandbox,
		chromedp.Flag("headless", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return ctx
}

// shadow runs JavaScript with `root` bound to the widget's shadow root.
func shadow(js string) string {
	return `(() => { const root = document.querySelector('#kefu-widget') && document.querySelector('#kefu-widget').shadowRoot; ` + js + ` })()`
}

// waitJS polls a JavaScript condition until it is true.
func waitJS(t *testing.T, ctx context.Context, what, js string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js)); err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			dump, _ := chromedp.Run(ctx, chromedp.Evaluate[string](shadow(`return root ? root.querySelector('[data-kefu=panel]').innerText : 'no widget'`)))
			t.Fatalf("timed out waiting for %s; the widget shows:\n%s", what, dump)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// run evaluates JavaScript for its effect.
func run(t *testing.T, ctx context.Context, js string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js)); err != nil {
		t.Fatalf("evaluate: %v\n%s", err, js)
	}
}

func say(t *testing.T, ctx context.Context, text string) {
	t.Helper()
	run(t, ctx, shadow(fmt.Sprintf(`
		const input = root.querySelector('[data-kefu=input]');
		input.value = %q;
		input.dispatchEvent(new Event('input', {bubbles: true}));
		root.querySelector('[data-kefu=send]').click();
		return true;`, text)))
}

// The demo shop as a shopper uses it: sign in as a demo customer, ask
// where an order is, watch the answer stream in with the order card,
// reload and find the conversation, and type HTML that must stay text.
func TestBrowserDemoShop(t *testing.T) {
	// The turn's feed opens at once, as it does for a hosted model's slower
	// answers, so that the widget's streaming is seen.
	hs, _ := newStackWith(t, chat.Config{FeedDelay: -1})
	ctx := browser(t)

	if err := chromedp.Do(ctx, chromedp.Navigate(hs.URL)); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the demo customers", `document.querySelectorAll('#demo-customer option').length > 5`)
	waitJS(t, ctx, "the product grid", `document.body.innerText.includes('$')`)
	// Sign in as Alice, as the page's switcher does.
	run(t, ctx, `(() => { const s = document.getElementById('demo-customer');
		s.value = 'cus_1001'; s.dispatchEvent(new Event('change', {bubbles: true})); return true; })()`)
	waitJS(t, ctx, "the widget", shadow(`return !!(root && root.querySelector('[data-kefu=launcher]'))`))
	run(t, ctx, shadow(`root.querySelector('[data-kefu=launcher]').click(); return true;`))
	waitJS(t, ctx, "the open panel", shadow(`return !root.querySelector('[data-kefu=panel]').hidden`))

	// Record whether the answer streamed (a draft bubble appeared).
	run(t, ctx, shadow(`window.sawDraft = false;
		new MutationObserver(() => { if (root.querySelector('[data-kefu=draft]')) window.sawDraft = true; })
			.observe(root, {subtree: true, childList: true, characterData: true});
		return true;`))
	say(t, ctx, "Hi, where is my order?")
	waitJS(t, ctx, "the answer with the tracking", shadow(`return [...root.querySelectorAll('[data-kefu=message][data-role=assistant]')]
		.some(m => m.innerText.includes('UPS'))`))
	waitJS(t, ctx, "the order card", shadow(`return !!root.querySelector('[data-kefu=card][data-kind=order]')`))
	if streamed, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.sawDraft`)); !streamed {
		t.Error("the answer did not stream (no draft bubble appeared)")
	}

	// A reload restores the conversation.
	if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the widget after reload", shadow(`return !!(root && root.querySelector('[data-kefu=launcher]'))`))
	run(t, ctx, shadow(`if (root.querySelector('[data-kefu=panel]').hidden) root.querySelector('[data-kefu=launcher]').click(); return true;`))
	waitJS(t, ctx, "the restored history", shadow(`const ms = [...root.querySelectorAll('[data-kefu=message]')];
		return ms.some(m => m.dataset.role === 'user' && m.innerText.includes('where is my order')) &&
		       ms.some(m => m.dataset.role === 'assistant' && m.innerText.includes('UPS'))`))
	if count, _ := chromedp.Run(ctx, chromedp.Evaluate[int](shadow(`return root.querySelectorAll('[data-kefu=message][data-role=user]').length`))); count != 1 {
		t.Errorf("%d shopper messages after reload, want 1 (no duplicates)", count)
	}

	// HTML typed by the shopper is shown as text and runs nothing.
	payload := `<img src=x onerror="window.pwned=1"> <b>bold?</b>`
	say(t, ctx, payload)
	waitJS(t, ctx, "the payload as text", shadow(fmt.Sprintf(`return [...root.querySelectorAll('[data-kefu=message][data-role=user]')]
		.some(m => m.innerText.includes(%q))`, `<img src=x onerror="window.pwned=1">`)))
	waitJS(t, ctx, "the reply to the payload", shadow(`return root.querySelectorAll('[data-kefu=message][data-role=assistant]').length >= 2`))
	pwned, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.pwned === 1`))
	imgs, _ := chromedp.Run(ctx, chromedp.Evaluate[int](shadow(`return root.querySelectorAll('img').length`)))
	if pwned || imgs != 0 {
		t.Fatalf("HTML in a message ran: pwned=%v, %d <img> in the widget", pwned, imgs)
	}
}

// The widget stays within its size budget: heavy support widgets are a
// common complaint.
func TestWidgetSize(t *testing.T) {
	hs, _ := newStack(t)
	resp, err := http.Get(hs.URL + "/widget.js")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var buf strings.Builder
	gz := gzipSize(b)
	fmt.Fprintf(&buf, "widget.js: %d bytes, %d gzipped", len(b), gz)
	t.Log(buf.String())
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "javascript") {
		t.Fatalf("GET /widget.js: %s %s", resp.Status, resp.Header.Get("Content-Type"))
	}
	if gz > 20<<10 {
		t.Fatalf("widget.js is %d bytes gzipped, over the 20 KiB budget", gz)
	}
}

// consoleLogin opens the console in tab and signs in as a staff member
// made with addStaff.
func consoleLogin(t *testing.T, tab context.Context, base, email string) {
	t.Helper()
	if err := chromedp.Do(tab, chromedp.Navigate(base+"/console")); err != nil {
		t.Fatal(err)
	}
	waitJS(t, tab, "the login form", `!!document.querySelector('input[name=email]')`)
	run(t, tab, fmt.Sprintf(`(() => { document.querySelector('input[name=email]').value = %q;
		document.querySelector('input[name=password]').value = 'correct horse battery';
		document.querySelector('button[data-console=login]').click(); return true; })()`, email))
}
