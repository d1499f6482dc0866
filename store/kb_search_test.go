package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/kefu-dev/kefu/store/demo"
)

// shopperQuestion is a question as a shopper would type it into the chat,
// with the slug of the demo article that should come first.
type shopperQuestion struct {
	q, locale, want string
}

// shopperQuestions is the specification of knowledge-base search: real
// shopper phrasing, not article titles or tag lists.
var shopperQuestions = []shopperQuestion{
	// English.
	{"I ordered a jacket on Monday, when will it get to Denver?", "en", "shipping"},
	{"how much is delivery if I spend less than 75 bucks", "en", "shipping"},
	{"do you do next day delivery?", "en", "shipping"},
	{"Do you ship to Germany? Will I have to pay customs fees when it arrives?", "en", "international-shipping"},
	{"how long does it take to ship to Australia", "en", "international-shipping"},
	{"where is my order KF-10042? it's said label created since yesterday", "en", "order-tracking"},
	{"how can I track my package", "en", "order-tracking"},
	{"tracking says delivered but there's nothing at my door", "en", "missing-parcel"},
	{"I think someone stole my package from the porch", "en", "missing-parcel"},
	{"the mug was cracked when I opened the box", "en", "damaged-or-wrong-item"},
	{"you guys sent me the wrong item, I ordered a blue backpack and got a black one", "en", "damaged-or-wrong-item"},
	{"can I send back shoes I wore once outside?", "en", "returns-policy"},
	{"who pays for return shipping if I'm in Canada?", "en", "returns-policy"},
	{"can I return earbuds I already opened", "en", "returns-policy"},
	{"I returned my boots two weeks ago, when do I get my money?", "en", "refunds"},
	{"refund still not showing on my credit card statement", "en", "refunds"},
	{"the sweater is too small, can I swap it for a medium?", "en", "exchanges"},
	{"can I get this in a different colour instead", "en", "exchanges"},
	{"I made a typo in my address, can you fix it before it ships?", "en", "cancel-or-change-order"},
	{"please cancel my order, I bought it by mistake", "en", "cancel-or-change-order"},
	{"do you take Apple Pay or only cards?", "en", "payment-methods"},
	{"my card keeps getting declined at checkout", "en", "payment-methods"},
	{"my discount code isn't working", "en", "promo-codes-price-adjustments"},
	{"the price dropped two days after I bought it, can I get the difference back?", "en", "promo-codes-price-adjustments"},
	{"do gift cards expire?", "en", "gift-cards"},
	{"how do I check how much is left on my gift card", "en", "gift-cards"},
	{"the sole of my hiking boots came off after 8 months", "en", "warranty"},
	{"my power bank stopped charging after 5 months, can you repair it?", "en", "warranty"},
	{"what size should I get, I'm usually a large in other brands", "en", "size-guide"},
	{"do your boots run small?", "en", "size-guide"},
	{"can I put my down jacket in the dryer?", "en", "care-instructions"},
	{"how do I wash a wool sweater without it shrinking", "en", "care-instructions"},
	{"please delete my account and all my data", "en", "privacy"},
	{"do you sell my email to other companies?", "en", "privacy"},
	{"I want to talk to a real human", "en", "contact-us"},
	{"what's your phone number", "en", "contact-us"},
	{"are you open on weekends?", "en", "opening-hours"},
	{"what time does support close today", "en", "opening-hours"},
	{"are you guys open on Christmas?", "en", "opening-hours"},

	// Chinese.
	{"在美国买满多少包邮", "zh", "shipping"},
	{"我周五晚上下的单,什么时候能发货", "zh", "shipping"},
	{"加急快递要多少钱", "zh", "shipping"},
	{"快递到上海要几天", "zh", "international-shipping"},
	{"寄到国内要交关税吗", "zh", "international-shipping"},
	{"能直邮到日本吗", "zh", "international-shipping"},
	{"我的快递到哪了", "zh", "order-tracking"},
	{"怎么查物流,单号在哪看", "zh", "order-tracking"},
	{"显示签收了但是我没收到", "zh", "missing-parcel"},
	{"包裹丢了怎么办", "zh", "missing-parcel"},
	{"收到的时候盒子压坏了,里面东西也摔坏了", "zh", "damaged-or-wrong-item"},
	{"你们发错货了,我买的是黑色的", "zh", "damaged-or-wrong-item"},
	{"退货运费谁出", "zh", "returns-policy"},
	{"穿过一次的鞋还能退吗", "zh", "returns-policy"},
	{"内衣可以退吗", "zh", "returns-policy"},
	{"退款什么时候到账", "zh", "refunds"},
	{"我用支付宝付的,退款退到哪里", "zh", "refunds"},
	{"衣服不合适能换吗", "zh", "exchanges"},
	{"鞋子小了想换大一码", "zh", "exchanges"},
	{"地址写错了能改吗", "zh", "cancel-or-change-order"},
	{"刚下的单不想要了,怎么取消", "zh", "cancel-or-change-order"},
	{"可以用微信付款吗", "zh", "payment-methods"},
	{"能用人民币支付吗", "zh", "payment-methods"},
	{"优惠券用不了怎么回事", "zh", "promo-codes-price-adjustments"},
	{"刚买完就降价了,能退差价吗", "zh", "promo-codes-price-adjustments"},
	{"礼品卡有有效期吗", "zh", "gift-cards"},
	{"购物卡余额怎么查", "zh", "gift-cards"},
	{"鞋底开胶了,保修吗", "zh", "warranty"},
	{"耳机用了半年就坏了能修吗", "zh", "warranty"},
	{"我平时穿M,你们家夹克要选什么码", "zh", "size-guide"},
	{"尺码表在哪看", "zh", "size-guide"},
	{"羽绒服能机洗吗", "zh", "care-instructions"},
	{"羊毛衫怎么洗不缩水", "zh", "care-instructions"},
	{"怎么注销账户", "zh", "privacy"},
	{"你们会把我的个人信息卖给别人吗", "zh", "privacy"},
	{"转人工", "zh", "contact-us"},
	{"有客服电话吗", "zh", "contact-us"},
	{"我要找真人客服", "zh", "contact-us"},
	{"你们几点下班", "zh", "opening-hours"},
	{"周末有人工客服吗", "zh", "opening-hours"},
	{"春节放假吗", "zh", "opening-hours"},
}

// alsoRight lists questions that two articles answer fully, with the second
// article, which may come first instead of the one in the table.
var alsoRight = map[string]string{
	// The returns policy states the refund timing (5–7 business days after
	// the parcel arrives) as well as the refunds article does.
	"I returned my boots two weeks ago, when do I get my money?": "returns-policy",
	// The contact article says English staff are online at weekends
	// (英文人工客服周末也在线) with the hours.
	"周末有人工客服吗": "contact-us",
}

func TestSearchArticlesShopperQuestions(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open opener) {
		// The table must cover every demo article in each language.
		covered := map[string]bool{}
		perLocale := map[string]int{}
		for _, c := range shopperQuestions {
			covered[c.locale+"/"+c.want] = true
			perLocale[c.locale]++
		}
		for _, a := range demo.Dataset(testNow).Articles {
			if !covered[a.Locale+"/"+a.Slug] {
				t.Errorf("no shopper question targets article %q in %q", a.Slug, a.Locale)
			}
		}
		for _, loc := range []string{"en", "zh"} {
			if perLocale[loc] < 24 {
				t.Errorf("only %d %q questions, want at least 24", perLocale[loc], loc)
			}
		}

		st := openDemoOn(t, open)
		ctx := context.Background()
		for _, c := range shopperQuestions {
			t.Run(c.q, func(t *testing.T) {
				hits, err := st.SearchArticles(ctx, c.q, c.locale, 3)
				if err != nil {
					t.Fatalf("SearchArticles(%q, %q): %v", c.q, c.locale, err)
				}
				if len(hits) > 0 && (hits[0].Slug == c.want || hits[0].Slug == alsoRight[c.q]) {
					if hits[0].Locale != c.locale {
						t.Errorf("%q: first hit %q is in locale %q, want %q", c.q, hits[0].Slug, hits[0].Locale, c.locale)
					}
					return
				}
				got := make([]string, len(hits))
				for i, h := range hits {
					got[i] = fmt.Sprintf("%s/%s (%.3f)", h.Slug, h.Locale, h.Score)
				}
				t.Errorf("question %q (%s): want %q first, got [%s]", c.q, c.locale, c.want, strings.Join(got, ", "))
			})
		}
	})
}

func TestSearchArticlesNoMatch(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open opener) {
		st := openDemoOn(t, open)
		ctx := context.Background()

		// Queries with no searchable term return nothing, without an error.
		for _, q := range []string{"", "   ", "what is the", "how do I", "?!", "*", `"`, "-"} {
			t.Run("empty/"+q, func(t *testing.T) {
				for _, locale := range []string{"en", "zh", ""} {
					hits, err := st.SearchArticles(ctx, q, locale, 3)
					if err != nil {
						t.Fatalf("SearchArticles(%q, %q): %v", q, locale, err)
					}
					if len(hits) != 0 {
						t.Errorf("SearchArticles(%q, %q) = %d hits (first %q), want none", q, locale, len(hits), hits[0].Slug)
					}
				}
			})
		}

		// FTS syntax and SQL are searched as plain text, never obeyed: no error,
		// and the index and the articles table are intact afterwards.
		for _, q := range []string{
			`"returns" OR 1=1; DROP TABLE kb_articles; --`,
			`NEAR(foo bar)`,
			`foo NEAR/2 bar`,
			`*`,
			`"`,
			`-`,
			`returns*`,
			`-returns`,
			`title:returns`,
			`"unterminated phrase`,
			`(returns AND (refund`,
			`'); DELETE FROM kb_articles; --`,
			`退货" OR "1"="1`,
		} {
			t.Run("syntax/"+q, func(t *testing.T) {
				for _, locale := range []string{"en", "zh", ""} {
					if _, err := st.SearchArticles(ctx, q, locale, 3); err != nil {
						t.Fatalf("SearchArticles(%q, %q): %v", q, locale, err)
					}
				}
				if _, err := st.Article(ctx, "returns-policy", "en"); err != nil {
					t.Fatalf("after %q: Article(returns-policy, en): %v", q, err)
				}
				hits, err := st.SearchArticles(ctx, "returns policy", "en", 3)
				if err != nil {
					t.Fatalf("after %q: normal search: %v", q, err)
				}
				if len(hits) == 0 || hits[0].Slug != "returns-policy" {
					t.Fatalf("after %q: normal search for \"returns policy\" no longer finds returns-policy first (%d hits)", q, len(hits))
				}
			})
		}

		// Nonsense with no word in any article finds nothing.
		for _, q := range []string{"xylophone zebra quux", "龘靐齉"} {
			hits, err := st.SearchArticles(ctx, q, "en", 3)
			if err != nil {
				t.Fatalf("SearchArticles(%q): %v", q, err)
			}
			if len(hits) != 0 {
				t.Errorf("SearchArticles(%q) = %d hits (first %q), want none", q, len(hits), hits[0].Slug)
			}
		}
	})
}
