package agents_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/store"
)

// customersBy finds, in a shop's data, the signed-in customers whose
// orders fit: it returns their emails, sorted, and each one's orders.
func customersBy(ds *store.Dataset, fits func([]store.Order) bool) ([]string, map[string][]store.Order) {
	by := map[string][]store.Order{}
	for _, o := range ds.Orders {
		if c := strings.ToLower(o.CustomerEmail); c != "" {
			by[c] = append(by[c], o)
		}
	}
	var out []string
	for c, os := range by {
		if fits(os) {
			out = append(out, c)
		}
	}
	sort.Strings(out)
	return out, by
}

func count(os []store.Order, statuses ...string) int {
	n := 0
	for _, o := range os {
		for _, s := range statuses {
			if o.Status == s {
				n++
			}
		}
	}
	return n
}

// Dialogue that follows people (issue 17, point 3), on the three shops in
// both languages: a cancellation asked for with no number, by a shopper
// with one order that can be cancelled, lists that order, and "yes, that
// one" picks it and goes on to its preview (the order named throughout)
// and the yes cancels it; with nothing left to cancel the answer
// gives each order's true state, never "they have all shipped" for
// cancelled or delivered ones; "yes, that one" after a question that
// listed one order goes on with that order instead of asking again.
func TestDialogueFollowsPeople(t *testing.T) {
	ctx := context.Background()
	for _, sh := range scenarioShops {
		t.Run(sh.name, func(t *testing.T) {
			_, _, ds := openShop(t, sh)
			one, byOne := customersBy(ds, func(os []store.Order) bool { return count(os, store.OrderPaid, store.OrderPendingPayment) == 1 })
			none, byNone := customersBy(ds, func(os []store.Order) bool {
				return count(os, store.OrderPaid, store.OrderPendingPayment) == 0 && count(os, store.OrderCancelled, store.OrderDelivered) > 0
			})
			delivered, byDelivered := customersBy(ds, func(os []store.Order) bool { return count(os, store.OrderDelivered) == 1 })
			for _, lang := range []string{"en", "zh"} {
				ask := map[string][3]string{
					"en": {"I need to cancel my order", "yes please", "I'd like to return something"},
					"zh": {"我想取消订单", "确认", "我想退货"},
				}[lang]
				if len(one) > 0 {
					t.Run(lang+"/one cancellable order", func(t *testing.T) {
						var number string
						for _, o := range byOne[one[0]] {
							if o.Status == store.OrderPaid || o.Status == store.OrderPendingPayment {
								number = o.Number
							}
						}
						s := newShopScenario(t, sh, one[0])
						for i, turn := range []struct{ text, tool, status string }{
							{ask[0], "list_orders", "ok"}, // the one order listed, and asked about
							{map[string]string{"en": "yes, that one", "zh": "对，就是这个"}[lang], "cancel_order", "needs_info"}, // picked; the tool asks why

							{map[string]string{"en": "I ordered it by mistake", "zh": "拍错了"}[lang], "cancel_order", "needs_confirmation"},
							{ask[1], "confirm_action", "ok"},
						} {
							res := s.run(turn.text)
							called := false
							for _, c := range res.Calls {
								called = called || (c.Name == turn.tool && c.Status == turn.status)
							}
							if !called || !strings.Contains(res.Reply, number) {
								t.Fatalf("turn %d %q: want %s %s naming %s; reply: %s", i+1, turn.text, turn.tool, turn.status, number, res.Reply)
							}
						}
						if got, _ := s.st.OrderByNumber(ctx, number); got.Status != store.OrderCancelled {
							t.Errorf("order %s is %s after the yes, want cancelled", number, got.Status)
						}
					})
				}
				if len(none) > 0 {
					t.Run(lang+"/nothing left to cancel", func(t *testing.T) {
						s := newShopScenario(t, sh, none[0])
						res := s.run(ask[0])
						t.Logf("kefu: %s", res.Reply)
						if strings.Contains(res.Reply, "all shipped") || strings.Contains(res.Reply, "都已发货") {
							t.Errorf("reply says they all shipped: %s", res.Reply)
						}
						for _, o := range byNone[none[0]] {
							if o.Status == store.OrderCancelled && !strings.Contains(res.Reply, o.Number) {
								t.Errorf("reply does not name the cancelled order %s: %s", o.Number, res.Reply)
							}
						}
					})
				}
				if len(delivered) > 0 {
					t.Run(lang+"/yes, that one", func(t *testing.T) {
						s := newShopScenario(t, sh, delivered[0])
						first := s.run(ask[2])
						var number string
						for _, o := range byDelivered[delivered[0]] {
							if o.Status == store.OrderDelivered {
								number = o.Number
							}
						}
						if !strings.Contains(first.Reply, number) {
							t.Skipf("the first answer lists no single order: %s", first.Reply)
						}
						that := map[string]string{"en": "yes, that one", "zh": "对，就是这个"}[lang]
						next := s.run(that)
						t.Logf("kefu: %s\nshopper: %s\nkefu: %s", first.Reply, that, next.Reply)
						if next.Reply == first.Reply {
							t.Errorf("%q after one listed order repeats the question", that)
						}
						if !strings.Contains(next.Reply, number) {
							t.Errorf("%q: the answer does not go on with order %s: %s", that, number, next.Reply)
						}
					})
				}
			}
		})
	}
}

// A correction in answer to "why?" that names an item of another order
// (or, in a shop without such a customer, another item of the same order)
// re-targets the return to that item and order, instead of becoming the
// reason (issue 17, point 3): the preview is for the item named last only.
// On the three shops, in both languages.
func TestCorrectionRetargetsTheReturn(t *testing.T) {
	for _, sh := range scenarioShops {
		t.Run(sh.name, func(t *testing.T) {
			_, _, ds := openShop(t, sh)
			r := findRoles(t, ds, sh.clock())
			now := sh.clock()
			returnable := func(o store.Order) bool {
				return o.Status == store.OrderDelivered && o.DeliveredAt != nil && o.DeliveredAt.Add(returnWindow).Sub(now) > 48*time.Hour
			}
			// A customer with two returnable orders, each with a line that
			// naming picks alone, of different products.
			returned := map[string]bool{} // order and SKU in a return
			for _, rt := range ds.Returns {
				for _, it := range rt.Items {
					returned[rt.OrderNumber+" "+it.SKU] = true
				}
			}
			var who string
			var a, b store.Order
			var skuA, skuB string
			custs, by := customersBy(ds, func(os []store.Order) bool { return true })
			for _, c := range custs {
				var rs []store.Order
				var skus []string
				for _, o := range by[c] {
					if !returnable(o) {
						continue
					}
					for _, it := range o.Items {
						if !r.products[it.SKU].FinalSale && !returned[o.Number+" "+it.SKU] && r.distinctIn(o, it.SKU) && (len(skus) == 0 || skus[0] != it.SKU) {
							rs, skus = append(rs, o), append(skus, it.SKU)
							break
						}
					}
				}
				if len(rs) >= 2 {
					who, a, b, skuA, skuB = c, rs[0], rs[1], skus[0], skus[1]
					break
				}
			}
			if who == "" {
				// Else one order with two such lines: the correction names
				// the other item of the same order.
				for _, c := range custs {
					for _, o := range by[c] {
						var skus []string
						for _, it := range o.Items {
							if returnable(o) && !r.products[it.SKU].FinalSale && !returned[o.Number+" "+it.SKU] && r.distinctIn(o, it.SKU) {
								skus = append(skus, it.SKU)
							}
						}
						if who == "" && len(skus) >= 2 {
							who, a, b, skuA, skuB = c, o, o, skus[0], skus[1]
						}
					}
				}
			}
			if who == "" {
				t.Skip("no customer with two returnable lines")
			}
			la, lb := r.line(skuA), r.line(skuB)
			for _, lang := range []string{"en", "zh"} {
				t.Run(lang, func(t *testing.T) {
					s := newShopScenario(t, sh, who)
					says := map[string][3]string{
						"en": {fmt.Sprintf("I'd like to return the %s from order %s", la.nameEN, a.Number), "sorry, I meant the " + lb.nameEN, "it doesn't fit"},
						"zh": {fmt.Sprintf("我想退订单%s里的%s", a.Number, la.nameZH), "不好意思，我说错了，是" + lb.nameZH, "不合适"},
					}[lang]
					s.run(says[0])
					res := s.run(says[1])
					t.Logf("kefu: %s", res.Reply)
					for _, c := range res.Calls {
						if c.Name == "start_return" {
							t.Fatalf("%q became the reason of a return: %s", says[1], res.Reply)
						}
					}
					res = s.run(says[2])
					t.Logf("kefu: %s", res.Reply)
					previewed := false
					for _, c := range res.Calls {
						previewed = previewed || (c.Name == "start_return" && c.Status == "needs_confirmation" &&
							strings.Contains(c.Arguments, b.Number) && strings.Contains(c.Arguments, skuB) && !strings.Contains(c.Arguments, `"`+skuA+`"`))
					}
					if !previewed || !strings.Contains(res.Reply, b.Number) {
						t.Errorf("want a preview of the return of %s from %s: %v %s", lb.sku, b.Number, res.Calls, res.Reply)
					}
				})
			}
		})
	}
}
