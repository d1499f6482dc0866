package builtin

import (
	"fmt"
	"strings"
	"testing"
)

// numbered returns n order numbers made by f from 1..n.
func numbered(n int, f func(i int) string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = f(i + 1)
	}
	return out
}

// testShops are shops whose order numbers take the shapes real shops use;
// none of them is the demo shop's.
var testShops = map[string]Shop{
	"prefixed": {OrderNumbers: numbered(40, func(i int) string { return fmt.Sprintf("A-%d", 5000+i) }),
		RMAs: []string{"RT-88012", "RT-87990"},
		Products: []Product{{SKU: "PAD-X200", Title: "Volt X200 Wireless Charging Pad", TitleZH: "Volt X200 无线充电板"},
			{SKU: "CHG-65W", Title: "PowerCube 65W USB-C GaN Charger", Tags: []string{"charger", "充电器"}},
			{SKU: "CBL-C2C-2M", Title: "Braided USB-C to USB-C Cable, 2 m", Tags: []string{"cable", "数据线"}}}},
	"plain": {OrderNumbers: numbered(12, func(i int) string { return fmt.Sprint(1000 + i) }),
		RMAs:     []string{"TR-3001", "TR-2987"},
		Products: []Product{{SKU: "LJ-250", Title: "West Lake Longjing Green Tea 250g", TitleZH: "西湖龙井绿茶 250克"}}},
	"letters": {OrderNumbers: append(numbered(30, func(i int) string { return fmt.Sprintf("T-%d", 1000+i) }),
		numbered(10, func(i int) string { return fmt.Sprintf("XS-%d", 770+i) })...)},
	"long":   {OrderNumbers: []string{"113542617735902", "113542617735977", "113542617736010"}},
	"hashed": {OrderNumbers: numbered(50, func(i int) string { return fmt.Sprintf("#W%d", 2378100+i*7) })},
	"empty":  {},
}

func TestOrderNumbersFromTheShopsOwnShapes(t *testing.T) {
	cases := []struct {
		shop, text string
		want       []string
	}{
		// A-5002: with or without the separator, any case, a space, full width, the digits alone.
		{"prefixed", "where is my order A-5002?", []string{"A-5002"}},
		{"prefixed", "can u check a5007 pls", []string{"A-5007"}},
		{"prefixed", "order a 5003 hasn't arrived", []string{"A-5003"}},
		{"prefixed", "我的订单Ａ－５００９到哪了", []string{"A-5009"}},
		{"prefixed", "订单号：5010 什么时候发货", []string{"A-5010"}},
		{"prefixed", "#5004 please", []string{"A-5004"}},
		{"prefixed", "cancel A-5099", []string{"A-5099"}},     // not one of theirs, but their shape: the look-up will say
		{"prefixed", "cancel B-77 instead", []string{"B-77"}}, // a shape the shop does not use is still named
		{"prefixed", "my Volt X200 pad stopped charging", nil},
		{"prefixed", "the 65W charger from A-5002 gets hot", []string{"A-5002"}},
		{"prefixed", "I paid $5002 for it", nil},
		{"prefixed", "it was 2026-11-24 when it came", nil},
		{"prefixed", "return RT-88012 status?", nil}, // a return number, not an order
		{"prefixed", "A-5002 and A-5003", []string{"A-5002", "A-5003"}},
		// 1002: plain numbers, known or with a cue, never amounts, dates or quantities.
		{"plain", "1002", []string{"1002"}},
		{"plain", "订单1005到哪了", []string{"1005"}},
		{"plain", "单号 1008 帮我取消", []string{"1008"}},
		{"plain", "order #1009 please", []string{"1009"}},
		{"plain", "order no. 1099?", []string{"1099"}},
		{"plain", "我买了250克的龙井", nil},
		{"plain", "it cost ¥1002", nil},
		{"plain", "I bought it in 2026年", nil},
		{"plain", "the LJ-250 tea was stale", nil},
		{"plain", "I've been drinking tea for 1001 days", nil},
		{"plain", "订单号１００３", []string{"1003"}},
		// T-1002 and XS-777 side by side.
		{"letters", "t1002 where is it", []string{"T-1002"}},
		{"letters", "order XS 777", []string{"XS-777"}},
		{"letters", "xs-778 was wrong", []string{"XS-778"}},
		// 15 digits.
		{"long", "my order number is 113542617735902", []string{"113542617735902"}},
		{"long", "订单113542617736010还没到", []string{"113542617736010"}},
		{"long", "call me on 13812345678", nil},
		// #W2378156: with or without the '#'.
		{"hashed", "cancel #W2378107 instead", []string{"#W2378107"}},
		{"hashed", "w2378114 please", []string{"#W2378114"}},
		{"hashed", "cancel #W9999999 instead", []string{"#W9999999"}},
		// A shop without orders still hears a number.
		{"empty", "where is order 55123", []string{"55123"}},
	}
	for _, c := range cases {
		m := NewForShop(testShops[c.shop])
		got := m.orderNumbers(c.text)
		if strings.Join(got, ",") != strings.Join(c.want, ",") {
			t.Errorf("%s shop, %q: order numbers %q, want %q", c.shop, c.text, got, c.want)
		}
	}
}

func TestReturnNumbersFromTheShopsOwnShapes(t *testing.T) {
	cases := []struct {
		shop, text string
		want       []string
	}{
		{"prefixed", "what's up with rt-88012", []string{"RT-88012"}},
		{"prefixed", "RT 88013?", []string{"RT-88013"}},
		{"prefixed", "my return RMA-7K3Q9XWD", []string{"RMA-7K3Q9XWD"}}, // kefu's own
		{"prefixed", "what is the rma status", nil},
		{"plain", "退货TR-3001怎么样了", []string{"TR-3001"}},
		{"plain", "tr3001", []string{"TR-3001"}},
		{"plain", "I want to track my parcel", nil},
	}
	for _, c := range cases {
		m := NewForShop(testShops[c.shop])
		got := m.rmas(c.text)
		if strings.Join(got, ",") != strings.Join(c.want, ",") {
			t.Errorf("%s shop, %q: RMAs %q, want %q", c.shop, c.text, got, c.want)
		}
	}
}

func TestLearnedShapes(t *testing.T) {
	cases := []struct{ shop, example string }{
		{"prefixed", "A-1234"}, {"plain", "1234"}, {"letters", "T-1234"}, {"long", "123456789012345"}, {"hashed", "#W1234567"}, {"empty", ""},
	}
	for _, c := range cases {
		if got := newVocab(testShops[c.shop]).exampleOrder; got != c.example {
			t.Errorf("%s shop: example order number %q, want %q", c.shop, got, c.example)
		}
	}
	if got := newVocab(testShops["plain"]).exampleRMA; got != "TR-1234" {
		t.Errorf("plain shop: example RMA %q, want TR-1234", got)
	}
	// A shop with more prefixes than maxPrefixes learns them by length.
	many := numbered(100, func(i int) string { return fmt.Sprintf("%c%c-%d", 'A'+i%26, 'A'+i/26, 300+i) })
	v := newVocab(Shop{OrderNumbers: many})
	if len(v.orders) != 1 || v.orders[0].letters != 2 || v.orders[0].min != 3 {
		t.Errorf("many prefixes: shapes %+v", v.orders)
	}
	m := NewForShop(Shop{OrderNumbers: many})
	if got := m.orderNumbers("order QZ-355"); strings.Join(got, ",") != "QZ-355" {
		t.Errorf("many prefixes: %q", got)
	}
}

func TestArticlesFromTheShop(t *testing.T) {
	v := newVocab(Shop{Articles: []Article{
		{Slug: "storing-tea", Locale: "en", Title: "Storing tea", Tags: []string{"store", "keep", "fresh", "fridge"}},
		{Slug: "storing-tea", Locale: "zh", Title: "茶叶怎么保存", Tags: []string{"保存", "储存", "保鲜"}},
		{Slug: "warranty", Locale: "en", Title: "Warranty", Tags: []string{"guarantee", "repair"}},
	}})
	for _, c := range []struct {
		text string
		min  float64
	}{
		{"how should I store tea?", 3.5}, {"can i keep my tea in the fridge", 3.5}, {"茶叶放冰箱能保鲜吗", 2},
		{"is my watch still under warranty", 2},
	} {
		if got := v.articleScore(c.text); got < c.min {
			t.Errorf("%q: article score %.1f, want at least %.1f", c.text, got, c.min)
		}
	}
	for _, text := range []string{"what's the weather like in Paris tomorrow?", "hello", "怎么了"} {
		if got := v.articleScore(text); got >= 2 {
			t.Errorf("%q: article score %.1f, want below 2", text, got)
		}
	}
}

func TestItemsByTheShopsTags(t *testing.T) {
	m := NewForShop(testShops["prefixed"])
	cands := []item{{SKU: "CHG-65W", Title: "PowerCube 65W USB-C GaN Charger"}, {SKU: "CBL-C2C-2M", Title: "Braided USB-C to USB-C Cable, 2 m"}}
	for text, want := range map[string]string{
		"the charger gets hot":          "CHG-65W",
		"退数据线":                          "CBL-C2C-2M",
		"the braided one":               "CBL-C2C-2M",
		"I want to cancel order A-5009": "",
	} {
		got := m.matchItems(text, cands)
		var skus []string
		for _, g := range got {
			skus = append(skus, g.SKU)
		}
		if strings.Join(skus, ",") != want {
			t.Errorf("%q: items %v, want %q", text, skus, want)
		}
	}
}

func TestItemsByTheShopsCategories(t *testing.T) {
	m := NewForShop(Shop{Products: []Product{
		{SKU: "ZS-POT", Title: "Yixing Clay Teapot", Category: "teaware"},
		{SKU: "LJ-250", Title: "West Lake Longjing Green Tea 250g", Category: "green-tea"},
	}})
	cands := []item{{SKU: "ZS-POT", Title: "Yixing Clay Teapot"}, {SKU: "LJ-250", Title: "West Lake Longjing Green Tea 250g"}}
	got := m.matchItems("return the teaware please", cands)
	if len(got) != 1 || got[0].SKU != "ZS-POT" {
		t.Errorf("teaware: %+v", got)
	}
}

func TestLooseMentions(t *testing.T) {
	m := NewForShop(testShops["prefixed"])
	for text, loose := range map[string]bool{"cancel A-5099": false, "cancel #W9999999 instead": true, "cancel B-77": true, "order 5003": false} {
		os := m.slotsIn(text).orders
		if len(os) != 1 || os[0].loose != loose {
			t.Errorf("%q: mentions %+v, want one, loose %v", text, os, loose)
		}
	}
}
