package chat

import "testing"

// The opt-out detector, on phrasings in both languages, and on messages
// that mention offers without asking to stop them.
func TestOptOutRequest(t *testing.T) {
	for _, tc := range []struct {
		text string
		lang string // "" : not an opt-out
	}{
		{"stop sending me offers", "en"},
		{"Please STOP sending me promotions!", "en"},
		{"no more promotions", "en"},
		{"No more ads please", "en"},
		{"don't send me any more deals", "en"},
		{"Do not email me marketing stuff", "en"},
		{"I don’t want any more coupons", "en"},
		{"unsubscribe", "en"},
		{"how do I opt out of your newsletter", "en"},
		{"enough with the ads", "en"},
		{"不要再推送了", "zh"},
		{"别给我发广告了", "zh"},
		{"别 给我 发 广告", "zh"},
		{"请不要再发优惠券给我", "zh"},
		{"我不想收到促销信息", "zh"},
		{"停止推送", "zh"},
		{"广告别发了", "zh"},
		{"退订", "zh"},
		{"拒绝一切广告", "zh"},

		{"do you have any offers?", ""},
		{"Is there a discount on the teapot?", ""},
		{"stop my order 1005 please", ""},
		{"I don't want this order anymore", ""},
		{"where is my parcel", ""},
		{"有什么优惠吗", ""},
		{"我不要优惠券，我要退款", ""},
		{"不要发货了，帮我取消订单", ""},
		{"推送的优惠码怎么用", ""},
	} {
		lang, ok := optOutRequest(tc.text)
		if ok != (tc.lang != "") || lang != tc.lang {
			t.Errorf("%q: %q %v, want %q", tc.text, lang, ok, tc.lang)
		}
	}
}
