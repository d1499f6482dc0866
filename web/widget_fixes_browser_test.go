package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The widget's fixes of issue 17, point 7, on the demo page: beside a
// cancellation the Chinese confirm box's "no" keeps the order (保留订单,
// never 取消); a reply taller than the view is shown from its top when
// the shopper was at the bottom; the page's script tag gives
// data-product-url, and the product tiles are where it points.
func TestBrowserWidgetFixes(t *testing.T) {
	hs, _ := newStack(t)
	ctx := browser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(hs.URL)); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the demo customers", `document.querySelectorAll('#demo-customer option').length > 5`)
	waitJS(t, ctx, "the product grid", `document.querySelectorAll('#products li').length > 0`)
	// The product links point at the page's own tiles.
	url, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('script[src*="widget.js"]').getAttribute('data-product-url') || ''`))
	if err != nil || !strings.Contains(url, "{sku}") {
		t.Fatalf("data-product-url = %q (%v)", url, err)
	}
	ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const li = document.querySelector('#products li');
		return !!li && ('#' + li.id) === new URL(document.querySelector('script[src*="widget.js"]').getAttribute('data-product-url')
			.replace('{sku}', li.id.replace(/^product-/, '')), location.href).hash })()`))
	if !ok {
		t.Error("a product tile is not where data-product-url points")
	}

	// 王芳 writes Chinese and has an unshipped order (the page switches to Chinese for her).
	run(t, ctx, `(() => { const s = document.getElementById('demo-customer');
		s.value = 'cus_1011'; s.dispatchEvent(new Event('change', {bubbles: true})); return true; })()`)
	waitJS(t, ctx, "the widget", shadow(`return !!(root && root.querySelector('[data-kefu=launcher]'))`))
	waitJS(t, ctx, "the page in Chinese", `document.documentElement.lang.startsWith('zh')`)
	run(t, ctx, shadow(`if (root.querySelector('[data-kefu=panel]').hidden) root.querySelector('[data-kefu=launcher]').click(); return true;`))
	waitJS(t, ctx, "the open panel", shadow(`return !root.querySelector('[data-kefu=panel]').hidden`))
	say(t, ctx, "帮我取消订单KF-10050，拍错了")
	waitJS(t, ctx, "the confirm box", shadow(`return !!root.querySelector('[data-kefu=confirm]')`))
	no, _ := chromedp.Run(ctx, chromedp.Evaluate[string](shadow(`return root.querySelector('[data-kefu=confirm-no]').textContent`)))
	if no != "保留订单" {
		t.Errorf("the confirm box's no button beside a cancellation says %q, want 保留订单", no)
	}
	run(t, ctx, shadow(`root.querySelector('[data-kefu=confirm-no]').click(); return true;`))
	waitJS(t, ctx, "the answer to no", shadow(`return root.querySelectorAll('[data-kefu=message][data-role=assistant]').length >= 2`))

	// A reply taller than the view, to a shopper at the bottom: its top is in view.
	run(t, ctx, shadow(`const sc = root.querySelector('.scroll'); sc.style.height = '150px'; sc.style.flex = 'none';
		sc.scrollTop = sc.scrollHeight; return true;`))
	say(t, ctx, "订单KF-10050现在什么状态")
	waitJS(t, ctx, "the order's status with its card", shadow(`const ms = [...root.querySelectorAll('[data-kefu=message][data-role=assistant]')];
		const m = ms[ms.length - 1]; return !!m.querySelector('[data-kefu=card]') && m.offsetHeight > 150`))
	waitJS(t, ctx, "the top of the tall reply in view", shadow(`const sc = root.querySelector('.scroll');
		const ms = [...root.querySelectorAll('[data-kefu=message][data-role=assistant]')]; const m = ms[ms.length - 1];
		const top = m.getBoundingClientRect().top - sc.getBoundingClientRect().top;
		return m.offsetHeight > sc.clientHeight && top >= -2 && top < 40`))
}
