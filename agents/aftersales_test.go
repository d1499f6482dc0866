package agents_test

import (
	"context"
	"strings"
	"testing"

	"github.com/kefu-dev/kefu/agents"
	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/tools"
)

// called returns the result of the named tool in a turn, or fails.
func called(t *testing.T, res agents.Result, tool string) agents.Call {
	t.Helper()
	for _, c := range res.Calls {
		if c.Name == tool {
			return c
		}
	}
	t.Fatalf("no %s call in %+v (reply %q)", tool, res.Calls, res.Reply)
	return agents.Call{}
}

// An exchange with the built-in model: the shopper's words name the
// variant, the preview says what goes back and what goes out, the yes
// issues the RMA and reserves the replacement, on the demo and on an
// imported shop, in English and Chinese.
func TestExchangeConversations(t *testing.T) {
	cases := []struct {
		name    string
		shop    testShop
		email   string
		turns   []string // the request, then any answers; the yes is added
		order   string
		item    string
		want    string // the replacement's SKU
		preview []string
	}{
		{"demo, a large", demoShop, "hannah.schmidt@example.com", []string{"can I swap the rain jacket from KF-10031 for a large?"},
			"KF-10031", "JKT-RAIN-BLU-M", "JKT-RAIN-BLU-L", []string{"KF-10031", "Blue / L", "no price difference", "Shall I go ahead"}},
		{"demo, asked which size", demoShop, "hannah.schmidt@example.com", []string{"I'd like to exchange the rain jacket from KF-10031", "black please"},
			"KF-10031", "JKT-RAIN-BLU-M", "JKT-RAIN-BLK-M", []string{"Black / M"}},
		{"demo, 换个大一号的", demoShop, "chen.jing@example.com", []string{"订单KF-10030的夹克换个大一号的"},
			"KF-10030", "JKT-RAIN-BLU-L", "JKT-RAIN-BLU-XL", []string{"KF-10030", "Blue / XL", "新款贵 $10.00", "确认"}},
		{"demo, 颜色换成黑色", demoShop, "chen.jing@example.com", []string{"KF-10030 的防水夹克颜色换成黑色"},
			"KF-10030", "JKT-RAIN-BLU-L", "JKT-RAIN-BLK-L", []string{"Black / L", "无需补差价"}},
		{"demo, too tight, one size up", demoShop, "hannah.schmidt@example.com", []string{"the jacket I got is too tight, I need one size up"},
			"KF-10031", "JKT-RAIN-BLU-M", "JKT-RAIN-BLU-L", []string{"Blue / L"}},
		{"demo, a different size, asked which", demoShop, "hannah.schmidt@example.com", []string{"I'd like a different size for the jacket", "XL"},
			"KF-10031", "JKT-RAIN-BLU-M", "JKT-RAIN-BLU-XL", []string{"Blue / XL", "$10.00 more"}},
		{"demo, 尺码小了，想换大一码", demoShop, "chen.jing@example.com", []string{"夹克尺码小了，想换大一码"},
			"KF-10030", "JKT-RAIN-BLU-L", "JKT-RAIN-BLU-XL", []string{"Blue / XL"}},
		{"electronics, white earbuds", electronicsShop, "olivia.brown@example.com", []string{"can I swap the earbuds from A-5002 for white ones?"},
			"A-5002", "EAR-PRO", "EAR-PRO-WHT", []string{"A-5002", "White"}},
		{"electronics, 换成银色", electronicsShop, "chen.wei@example.com", []string{"A-5003 的手表颜色换成银色"},
			"A-5003", "WAT-S2", "WAT-S2-SLV", []string{"Silver / 42 mm"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sc := newShopScenario(t, tc.shop, tc.email)
			var res agents.Result
			for _, text := range tc.turns {
				res = sc.run(text)
			}
			c := called(t, res, tools.NameStartExchange)
			if c.Status != tools.StatusNeedsConfirmation || !strings.Contains(c.Result, `"sku":"`+tc.want+`"`) {
				t.Fatalf("start_exchange = %s %s (reply %q)", c.Status, c.Result, res.Reply)
			}
			for _, w := range tc.preview {
				if !strings.Contains(res.Reply, w) {
					t.Errorf("preview %q lacks %q", res.Reply, w)
				}
			}
			before := stockOf(t, sc.st, tc.want)
			yes := "yes"
			if strings.Contains(tc.name, "换") {
				yes = "确认"
			}
			done := sc.run(yes)
			if !strings.Contains(done.Reply, "RMA-") {
				t.Fatalf("after yes: %q", done.Reply)
			}
			rs := returnsOf(t, sc.st, tc.order)
			last := rs[len(rs)-1]
			if last.Kind != store.ReturnKindExchange || len(last.Items) != 1 || last.Items[0].SKU != tc.item || last.Items[0].Replacement != tc.want {
				t.Fatalf("exchange stored = %+v", last)
			}
			if after := stockOf(t, sc.st, tc.want); after != before-1 {
				t.Errorf("stock of %s: %d, then %d", tc.want, before, after)
			}
			// return_status reports it.
			ask := "what's the status of my return for " + tc.order + "?"
			if yes == "确认" {
				ask = tc.order + " 的退货进度怎么样了"
			}
			st := sc.run(ask)
			if !strings.Contains(st.Reply, last.RMA) || !strings.Contains(st.Reply, titleOf(t, sc.st, tc.want, yes == "确认")) {
				t.Errorf("status reply %q", st.Reply)
			}
		})
	}
}

// Refusals come with the true reason: sold out, final sale, outside the
// window.
func TestExchangeRefusals(t *testing.T) {
	cases := []struct {
		name, email, text, reason, reply string
	}{
		{"sold out", "hannah.schmidt@example.com", "can I exchange the rain jacket from KF-10031 for a small?", "out_of_stock", "sold out"},
		{"outside the window", "frank.miller@example.com", "I want to exchange the tee from KF-10018 for a large", "", "can't be exchanged"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sc := newShopScenario(t, demoShop, tc.email)
			res := sc.run(tc.text)
			if tc.reason != "" {
				if c := called(t, res, tools.NameStartExchange); !strings.Contains(c.Result, `"reason":"`+tc.reason+`"`) {
					t.Fatalf("start_exchange = %s", c.Result)
				}
			}
			if !strings.Contains(res.Reply, tc.reply) {
				t.Fatalf("reply %q lacks %q", res.Reply, tc.reply)
			}
		})
	}
}

// Changing the address of an unshipped order with the built-in model:
// asked for the address, shown it, told it is done; the order keeps the
// old one in its history. A shipped order is refused with the reason.
func TestAddressConversations(t *testing.T) {
	cases := []struct {
		name    string
		shop    testShop
		email   string
		turns   []string
		order   string
		city    string
		preview []string
		yes     string
	}{
		{"demo, English", demoShop, "chloe.martin@example.com",
			[]string{"change my delivery address", "Chloe Martin, 500 King Street West, Toronto, ON M5V 1L9, Canada"},
			"KF-10054", "Toronto", []string{"KF-10054", "500 King Street West", "M5V 1L9", "88 Queen Street West", "Shall I go ahead"}, "yes"},
		{"demo, 改地址", demoShop, "wang.fang@example.com",
			[]string{"KF-10050 改地址", "上海市静安区南京西路1266号，王芳，200040"},
			"KF-10050", "上海", []string{"KF-10050", "静安区南京西路1266号", "200040", "世纪大道100号"}, "确认"},
		{"tea shop, one message", teaShop, "li.lei@example.com",
			[]string{"订单1008的地址改成北京市朝阳区建国路88号，李雷，100022"},
			"1008", "北京", []string{"1008", "朝阳区建国路88号", "100022"}, "确认"},
		{"electronics, to another city", electronicsShop, "olivia.brown@example.com",
			[]string{"please change the shipping address of A-5009 to 742 Evergreen Terrace, Portland, OR 97201, US"},
			"A-5009", "Portland", []string{"A-5009", "Olivia Brown, 742 Evergreen Terrace, Portland, OR 97201, US", "1100 Congress Avenue"}, "yes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sc := newShopScenario(t, tc.shop, tc.email)
			var res agents.Result
			for _, text := range tc.turns {
				res = sc.run(text)
			}
			c := called(t, res, tools.NameChangeAddress)
			if c.Status != tools.StatusNeedsConfirmation {
				t.Fatalf("change_shipping_address = %s %s (reply %q)", c.Status, c.Result, res.Reply)
			}
			for _, w := range tc.preview {
				if !strings.Contains(res.Reply, w) {
					t.Errorf("preview %q lacks %q", res.Reply, w)
				}
			}
			ctx := context.Background()
			before, _ := sc.st.OrderByNumber(ctx, tc.order)
			done := sc.run(tc.yes)
			o, _ := sc.st.OrderByNumber(ctx, tc.order)
			if o.Address == nil || o.Address.City != tc.city || !strings.Contains(done.Reply, o.Address.Line1) {
				t.Fatalf("after yes: %q, order %+v", done.Reply, o.Address)
			}
			hist, err := sc.st.AddressHistory(ctx, o.ID)
			if err != nil || len(hist) != 1 || hist[0].OldShipTo != before.ShipTo {
				t.Fatalf("history %+v %v", hist, err)
			}
		})
	}
}

func TestAddressChangeOfAShippedOrder(t *testing.T) {
	for _, tc := range []struct{ text, reply, yes string }{
		{"I need to change the shipping address of A-5006", "has already shipped", "yes please"},
		{"A-5006 能改地址吗", "已经发货", "好的"},
	} {
		sc := newShopScenario(t, electronicsShop, "olivia.brown@example.com")
		res := sc.run(tc.text)
		if c := called(t, res, tools.NameChangeAddress); c.Status != tools.StatusRefused || !strings.Contains(res.Reply, tc.reply) {
			t.Errorf("%q: %s %q", tc.text, c.Result, res.Reply)
		}
		// The offer of a person stands: a yes brings one in.
		if res := sc.run(tc.yes); !res.Handoff {
			t.Errorf("%q after the refusal: no handoff (%q)", tc.yes, res.Reply)
		}
	}
}

func stockOf(t *testing.T, st *store.Store, sku string) int {
	t.Helper()
	p, err := st.Product(context.Background(), sku)
	if err != nil || p.Stock == nil {
		t.Fatalf("product %s: %+v %v", sku, p, err)
	}
	return *p.Stock
}

func titleOf(t *testing.T, st *store.Store, sku string, zh bool) string {
	t.Helper()
	p, err := st.Product(context.Background(), sku)
	if err != nil {
		t.Fatal(err)
	}
	if zh && p.TitleZH != "" {
		return p.TitleZH
	}
	return p.Title
}

// An item being exchanged cannot be returned as well, and the shopper is
// told why (it once said the item had been returned).
func TestReturnOfAnItemBeingExchanged(t *testing.T) {
	sc := newShopScenario(t, demoShop, "hannah.schmidt@example.com")
	sc.run("can I swap the rain jacket from KF-10031 for a large?")
	if done := sc.run("yes"); !strings.Contains(done.Reply, "RMA-") {
		t.Fatalf("exchange: %q", done.Reply)
	}
	res := sc.run("actually I want to return the rain jacket from KF-10031, it's too big")
	if !strings.Contains(res.Reply, "already being exchanged") {
		t.Fatalf("reply %q (calls %+v)", res.Reply, res.Calls)
	}
}
