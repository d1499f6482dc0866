package agents_test

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"testing"
	"unicode"

	_ "github.com/mattn/go-sqlite3"

	"github.com/kefu-dev/kefu/store"
)

// TestNoSubstitutedOrder drives conversations in which a shopper names
// an order kefu cannot resolve, changes their mind, confirms at the
// wrong moment or picks from a list, on every shop, and checks from the
// database that no change ever ran on an order the shopper did not name
// or pick from a list kefu showed (issue 17: "cancel #W… instead" once
// cancelled a different order). Each conversation may also name orders
// that must stay untouched whatever was said.
func TestNoSubstitutedOrder(t *testing.T) {
	for _, sh := range scenarioShops {
		t.Run(sh.name, func(t *testing.T) {
			_, _, ds := openShop(t, sh)
			r := findRoles(t, ds, sh.clock())
			foreign := "#W9999999"
			if strings.HasPrefix(store.NumberKey(r.paid.number), "W") {
				foreign = "#ZQ-99999"
			}
			stranger := r.otherCustomer
			if stranger == r.paid.customer {
				stranger = r.soleShipped.customer
			}
			convs := []struct {
				name      string
				as        string
				says      []string
				untouched []string // orders that must not change
				changed   []string // orders that must change (the control)
			}{
				{name: "a number of the shop's shape it does not have, instead", as: r.paid.customer, says: []string{
					"please cancel order " + r.paid.number + ", I ordered it by mistake",
					"no wait, cancel " + r.unknown + " instead",
					"yes",
					"yes, please cancel it",
				}, untouched: []string{r.paid.number}},
				{name: "a number of another shop's shape, instead", as: r.paid.customer, says: []string{
					"cancel my order " + r.paid.number + " pls, found it cheaper elsewhere",
					"actually cancel " + foreign + " instead",
					"yes",
				}, untouched: []string{r.paid.number}},
				{name: "asked why, the shopper names another shop's number", as: r.paid.customer, says: []string{
					"cancel order " + r.paid.number,
					"no wait, cancel " + foreign + " instead",
					"yes",
				}, untouched: []string{r.paid.number}},
				{name: "asked why, the shopper names a number the shop does not have", as: r.paid.customer, says: []string{
					"I want to cancel order " + r.paid.number,
					"sorry I meant " + r.unknown,
					"yes",
				}, untouched: []string{r.paid.number}},
				{name: "only a number of another shop's shape", as: r.cancelSecond.customer, says: []string{
					"I want to cancel order " + foreign,
					"yes",
					"yes, please cancel it",
				}, untouched: nonEmpty(r.cancelFirst.number, r.cancelSecond.number)},
				{name: "a return of an order of another shop's shape", as: r.returnable.customer, says: []string{
					"I want to return order " + foreign,
					"it doesn't fit",
					"yes",
				}},
				{name: "换成一个不存在的订单号", as: r.paid.customer, says: []string{
					"帮我取消订单" + r.paid.number + "，拍错了",
					"不对，是" + r.unknown + "，取消这个",
					"确认",
					"是的，取消吧",
				}, untouched: []string{r.paid.number}},
				{name: "a yes after a list picks nothing", as: r.cancelSecond.customer, says: []string{
					"I need to cancel an order",
					"yes",
					"yes please",
				}, untouched: nonEmpty(r.cancelFirst.number, r.cancelSecond.number)},
				{name: "列出订单后说确认不算选择", as: r.cancelSecond.customer, says: []string{
					"我想取消订单",
					"确认",
					"好的",
				}, untouched: nonEmpty(r.cancelFirst.number, r.cancelSecond.number)},
				{name: "someone else's order", as: stranger, says: []string{
					"cancel order " + r.paid.number + " right now",
					"yes",
				}, untouched: []string{r.paid.number}},
				{name: "a guest with the wrong email", says: []string{
					"cancel order " + r.guestPaid.number + ", my email is nobody@example.com",
					"yes",
					"确认",
				}, untouched: []string{r.guestPaid.number}},
				{name: "a return for an order the shop does not have", as: r.returnable.customer, says: []string{
					fmt.Sprintf("I'd like to return the %s from order %s", r.returnable.item.nameEN, r.returnable.number),
					"sorry, it was from order " + r.unknown,
					"it doesn't fit",
					"yes",
				}},
				{name: "退货时改成另一个订单号", as: r.returnable.customer, says: []string{
					fmt.Sprintf("我想退订单%s里的%s", r.returnable.number, r.returnable.item.nameZH),
					"不好意思，是订单" + r.unknown + "里的",
					"不想要了",
					"确认",
				}},
				// References back (issue 17): "the other one" and "that one"
				// pick only among orders kefu showed, or ask.
				{name: "that one, among two listed, then yes", as: r.cancelSecond.customer, says: []string{
					"I need to cancel an order",
					"that one",
					"yes",
					"yes please",
				}, untouched: bothIfTwo(r.cancelFirst.number, r.cancelSecond.number)},
				{name: "yes, the other one, at a preview", as: r.cancelSecond.customer, says: []string{
					"can you cancel " + orDefault(r.cancelFirst.number, r.cancelSecond.number) + "? I ordered it by mistake",
					"yes, the other one",
					"yes",
				}, untouched: nonEmpty(r.cancelFirst.number)},
				{name: "预览时说另一个，再说确认", as: r.cancelSecond.customer, says: []string{
					"帮我取消订单" + orDefault(r.cancelFirst.number, r.cancelSecond.number) + "，拍错了",
					"不是这个，另一个",
					"确认",
				}, untouched: nonEmpty(r.cancelFirst.number)},
				{name: "control: the second one of the list", as: r.cancelSecond.customer, says: []string{
					"I need to cancel an order",
					"the second one",
					"I ordered it by mistake",
					"yes",
				}},
				{name: "control: 另一个 after picking one", as: r.cancelSecond.customer, says: []string{
					"我想取消一个订单",
					"第一个",
					"不对，是另一个",
					"拍错了",
					"确认",
				}},
				// The controls: a change the shopper named or picked does run.
				{name: "control: the shopper names the order and says yes", as: r.paid.customer, says: []string{
					"can you cancel " + r.paid.number + "? I ordered it by mistake",
					"yes",
				}, changed: []string{r.paid.number}},
				{name: "control: picked from the list kefu showed", as: r.cancelSecond.customer, says: []string{
					"I need to cancel an order",
					"the " + r.cancelSecond.item.nameEN,
					"I ordered it by mistake",
					"yes",
				}, changed: []string{r.cancelSecond.number}, untouched: nonEmpty(r.cancelFirst.number)},
			}
			for _, c := range convs {
				t.Run(c.name, func(t *testing.T) {
					st, path, ds := openShop(t, sh)
					before := ordersState(t, st, ds)
					s := startConversation(t, st, path, c.as)
					for _, text := range c.says {
						res := s.run(text)
						t.Logf("shopper: %s\n  kefu: %s", text, res.Reply)
					}
					after := ordersState(t, st, ds)
					changed := map[string]bool{}
					for n, b := range before {
						if after[n] != b {
							changed[n] = true
						}
					}
					for n := range executedActions(t, path, s.convID) {
						if !changed[n] {
							t.Errorf("action on %s done, but the order did not change", n)
						}
					}
					allowed := namedOrPicked(t, st, s.convID, ds)
					for n := range changed {
						if !allowed[n] {
							t.Errorf("order %s changed (%s → %s), but the shopper neither named it nor picked it (named or picked: %v)",
								n, before[n], after[n], keys(allowed))
						}
					}
					for _, n := range c.untouched {
						if changed[n] {
							t.Errorf("order %s changed (%s → %s)", n, before[n], after[n])
						}
					}
					for _, n := range c.changed {
						if !changed[n] {
							t.Errorf("order %s did not change (%s)", n, after[n])
						}
					}
				})
			}
		})
	}
}

// ordersState is every order's status and returns, by order number.
func ordersState(t *testing.T, st *store.Store, ds *store.Dataset) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	for _, o := range ds.Orders {
		got, err := st.OrderByNumber(ctx, o.Number)
		if err != nil {
			t.Fatal(err)
		}
		rs, err := st.ReturnsByOrder(ctx, got.ID)
		if err != nil {
			t.Fatal(err)
		}
		var returns []string
		for _, r := range rs {
			for _, it := range r.Items {
				returns = append(returns, fmt.Sprintf("%s×%d", it.SKU, it.Quantity))
			}
		}
		sort.Strings(returns)
		out[o.Number] = got.Status + " returns[" + strings.Join(returns, " ") + "]"
	}
	return out
}

// executedActions are the orders of the changes the conversation
// confirmed, read straight from the database file.
func executedActions(t *testing.T, path, convID string) map[string]bool {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT o.number FROM pending_actions a JOIN orders o ON o.id = a.order_id
		WHERE a.conversation_id = ? AND a.status = 'done'`, convID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[n] = true
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// namedOrPicked are the orders the shopper named in the conversation (by
// number, in any of the ways a number is typed) or picked from a list
// kefu showed (an assistant message listing the order, then a shopper
// message naming one of its items).
func namedOrPicked(t *testing.T, st *store.Store, convID string, ds *store.Dataset) map[string]bool {
	t.Helper()
	msgs, err := st.Messages(context.Background(), convID, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	titles := map[string][]string{} // SKU → titles
	for _, p := range ds.Products {
		titles[p.SKU] = []string{p.Title, p.TitleZH}
	}
	out := map[string]bool{}
	listed := map[string]bool{}
	var lastList []string // the orders of kefu's latest list, in order
	for _, m := range msgs {
		switch m.Role {
		case store.RoleUser:
			// A pick by place or pointer in the list kefu showed last: the
			// first / second one, the other one, that one.
			if pos := pickedPlace(m.Text); pos >= 0 && pos < len(lastList) {
				out[lastList[pos]] = true
			} else if pos == -2 || (pos == -3 && len(lastList) == 1) {
				for _, n := range lastList {
					out[n] = true
				}
			}
			keys := map[string]bool{}
			for _, tok := range strings.FieldsFunc(store.Fold(m.Text), func(r rune) bool {
				return !(r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '#'))
			}) {
				keys[store.NumberKey(tok)] = true
			}
			for _, o := range ds.Orders {
				k := store.NumberKey(o.Number)
				if keys[k] || keys[digitsOnly(k)] && digitsOnly(k) != "" {
					out[o.Number] = true
				}
				if !listed[o.Number] {
					continue
				}
				for _, it := range o.Items {
					if namesTitle(m.Text, titles[it.SKU]) {
						out[o.Number] = true
					}
				}
			}
		case store.RoleAssistant:
			var list []string
			for _, line := range strings.Split(m.Text, "\n") {
				if !strings.HasPrefix(line, "• ") {
					continue
				}
				for _, o := range ds.Orders {
					if strings.HasPrefix(line, "• "+o.Number+":") || strings.HasPrefix(line, "• "+o.Number+" ") {
						listed[o.Number] = true
						list = append(list, o.Number)
					}
				}
			}
			if len(list) > 0 {
				lastList = list
			}
		}
	}
	return out
}

// namesTitle reports whether text has a word of four letters or more of
// an English title, or two Chinese characters of a title in a row.
func namesTitle(text string, titles []string) bool {
	t := strings.ToLower(text)
	for _, title := range titles {
		for _, w := range strings.FieldsFunc(strings.ToLower(title), func(r rune) bool { return !unicode.IsLetter(r) || unicode.Is(unicode.Han, r) }) {
			if len(w) >= 4 && strings.Contains(t, w) {
				return true
			}
		}
		if sharesBigram(title, text) {
			return true
		}
	}
	return false
}

func digitsOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// sharesBigram reports whether b has two Chinese characters in a row
// that a has.
func sharesBigram(a, b string) bool {
	ra := []rune(a)
	for i := 0; i+1 < len(ra); i++ {
		if unicode.Is(unicode.Han, ra[i]) && unicode.Is(unicode.Han, ra[i+1]) && strings.Contains(b, string(ra[i:i+2])) {
			return true
		}
	}
	return false
}

// pickedPlace reads a shopper's pick from a list: its place (0 the first),
// -2 for "the other one" (any order of the list), -3 for "that one" (the
// list's only order), -1 for none. Written apart from the model's own
// cues, as a shopper's words.
func pickedPlace(text string) int {
	t := strings.ToLower(text)
	for i, words := range [][]string{{"first one", "第一个"}, {"second one", "第二个"}, {"third one", "第三个"}} {
		for _, w := range words {
			if strings.Contains(t, w) {
				return i
			}
		}
	}
	for _, w := range []string{"other one", "另一个"} {
		if strings.Contains(t, w) {
			return -2
		}
	}
	for _, w := range []string{"that one", "this one", "这个", "那个"} {
		if strings.Contains(t, w) {
			return -3
		}
	}
	return -1
}

// bothIfTwo are the two orders when there are two (a list of two where
// "that one" picks neither), none when there is one (it picks the one).
func bothIfTwo(first, second string) []string {
	if first == "" {
		return nil
	}
	return []string{first, second}
}
