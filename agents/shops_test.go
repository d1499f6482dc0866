package agents_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/kefu-dev/kefu/agents"
	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/store/demo"
	"github.com/kefu-dev/kefu/tools"
)

// A testShop is a shop the scenarios run on, loaded through the real
// import path: the demo shop, and two shops written for tests in
// store/testdata that share nothing with it (a Chinese tea shop whose
// order numbers are plain numbers, an electronics shop numbering A-5002).
type testShop struct {
	name string
	// now is the shop's clock: the files' dates are fixed, the demo's are
	// computed from the moment it is seeded (zero: the real clock).
	now  time.Time
	data func(now time.Time) (*store.Dataset, error)
	// kb are questions the shop's own articles answer.
	kb []kbProbe
}

// kbProbe is a question and the title of the article that answers it.
type kbProbe struct{ lang, text, title string }

var (
	demoShop = testShop{name: "demo", data: func(now time.Time) (*store.Dataset, error) { return demo.Dataset(now), nil },
		kb: []kbProbe{
			{"en", "how long does delivery to Canada usually take?", "International shipping, duties and import taxes"},
			{"zh", "退货运费谁出啊", "退货政策"},
		}}
	teaShop = testShop{name: "tea", now: time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC), data: fromFile("shop_tea.json"),
		kb: []kbProbe{
			{"en", "how should I store tea?", "Storing tea"},
			{"zh", "茶叶怎么保存", "茶叶怎么保存"},
			{"en", "what water temperature should I use to brew green tea", "Brewing guide"},
			{"zh", "请问绿茶冲泡用多少度的水", "冲泡指南"},
		}}
	electronicsShop = testShop{name: "electronics", now: time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC), data: fromFile("shop_electronics.json"),
		kb: []kbProbe{
			{"en", "what does the warranty cover?", "Warranty"},
			{"zh", "你们的保修政策是什么", "保修政策"},
			{"en", "which charger do I need for my laptop?", "Which charger do I need?"},
			{"zh", "笔记本电脑要用多大功率的充电器", "充电器怎么选"},
		}}
	scenarioShops = []testShop{demoShop, teaShop, electronicsShop}
)

// fromFile reads a shop written in the import format (docs/import.md).
func fromFile(name string) func(time.Time) (*store.Dataset, error) {
	return func(time.Time) (*store.Dataset, error) {
		b, err := os.ReadFile(filepath.Join("..", "store", "testdata", name))
		if err != nil {
			return nil, err
		}
		return store.DecodeDataset(b)
	}
}

// clock is the shop's time for the store and the roles.
func (sh testShop) clock() time.Time {
	if sh.now.IsZero() {
		return time.Now()
	}
	return sh.now
}

// scenario is one conversation's store and runner.
type scenario struct {
	st     *store.Store
	path   string
	convID string
	run    func(text string) agents.Result
}

// openShop imports the shop into a new database and returns the store,
// its path and the dataset as read (for the roles).
func openShop(t *testing.T, sh testShop) (*store.Store, string, *store.Dataset) {
	t.Helper()
	ctx := context.Background()
	now := sh.clock()
	path := filepath.Join(t.TempDir(), "kefu.db")
	opts := store.Options{}
	if !sh.now.IsZero() {
		opts.Now = func() time.Time { return now }
	}
	st, err := store.Open(ctx, path, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ds, err := sh.data(now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Import(ctx, ds); err != nil {
		t.Fatal(err)
	}
	again, err := sh.data(now)
	if err != nil {
		t.Fatal(err)
	}
	return st, path, again
}

// newShopScenario opens the shop and returns a function that sends one
// shopper message through the runner, as the gateway does: store the
// message, then run the turn. email is the signed-in customer, or "" for a
// guest.
func newShopScenario(t *testing.T, sh testShop, email string) *scenario {
	t.Helper()
	st, path, _ := openShop(t, sh)
	return startConversation(t, st, path, email)
}

func startConversation(t *testing.T, st *store.Store, path, email string) *scenario {
	t.Helper()
	return converse(t, st, path, newRunner(t, st), email)
}

func newRunner(t *testing.T, st *store.Store) *agents.Runner {
	t.Helper()
	r, err := agents.NewRunner(context.Background(), st, agents.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// converse starts a conversation with runner r.
func converse(t *testing.T, st *store.Store, path string, r *agents.Runner, email string) *scenario {
	t.Helper()
	ctx := context.Background()
	id := tools.Identity{Locale: "en"}
	if email != "" {
		c, err := st.CustomerByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		id.CustomerID, id.Locale = c.ID, c.Locale
	}
	conv, _, err := st.CreateConversation(ctx, id.CustomerID, id.Locale)
	if err != nil {
		t.Fatal(err)
	}
	id.ConversationID = conv.ID
	sc := &scenario{st: st, path: path, convID: conv.ID}
	sc.run = func(text string) agents.Result {
		t.Helper()
		if _, err := st.AppendMessage(ctx, &store.Message{ConversationID: conv.ID, Role: store.RoleUser, Text: text}); err != nil {
			t.Fatal(err)
		}
		var streamed strings.Builder
		res, err := r.Turn(ctx, agents.Turn{ConversationID: conv.ID, Identity: id, Text: text},
			agents.Events{Delta: func(s string) { streamed.WriteString(s) }})
		if err != nil {
			t.Fatalf("turn %q: %v", text, err)
		}
		if streamed.String() != res.Reply {
			t.Errorf("streamed %q, replied %q", streamed.String(), res.Reply)
		}
		return res
	}
	return sc
}

// newScenario is a conversation on the demo shop (the other tests of this
// package use it).
func newScenario(t *testing.T, email string) (*store.Store, func(string) agents.Result) {
	t.Helper()
	sc := newShopScenario(t, demoShop, email)
	return sc.st, sc.run
}

func returnsOf(t *testing.T, st *store.Store, number string) []store.Return {
	t.Helper()
	o, err := st.OrderByNumber(context.Background(), number)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := st.ReturnsByOrder(context.Background(), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// An orderRole is an order of the shop that plays a part in a scenario,
// found in the shop's own data.
type orderRole struct {
	number   string
	customer string // the customer's email; "" for a guest order
	email    string // the email the order was placed with
	currency string
	item     line // the line the scenario is about
	rma      string
	returns  int    // returns the shop's data gives the order
	status   string // as imported
	carrier  string
	tracking string
}

// line is an order line with what a shopper would call it.
type line struct {
	sku, titleEN, titleZH string
	nameEN, nameZH        string // the title as a shopper types it
}

// roles are the parts the scenarios need, each found in the shop's data:
// the tests name no order, customer or item of their own.
type roles struct {
	shipped      orderRole // a parcel in transit, of a signed-in customer
	soleShipped  orderRole // the customer's only order under way is this parcel
	guestShipped orderRole // a parcel in transit, looked up as a guest
	paid         orderRole // not shipped yet: can be cancelled
	guestPaid    orderRole
	pending      orderRole // waiting for payment
	returnable   orderRole // delivered inside the return window; item can be returned
	finalSale    orderRole // delivered inside the window; item is final sale
	outside      orderRole // delivered outside the window
	withReturn   orderRole // has a return (rma)
	// Two orders of one customer that can both be cancelled (or one,
	// cancelSecond, for a shop without such a customer); the scenario
	// picks the second from the list kefu shows.
	cancelFirst, cancelSecond orderRole
	// otherCustomer is a customer other than soleShipped's, for asking
	// about an order that is not theirs.
	otherCustomer string
	// unknown is a number of the shop's own shape that no order has.
	unknown string
	// products are the catalog, by SKU.
	products map[string]store.Product
}

const returnWindow = 30 * 24 * time.Hour

func findRoles(t *testing.T, ds *store.Dataset, now time.Time) roles {
	t.Helper()
	r := roles{products: map[string]store.Product{}}
	for _, p := range ds.Products {
		r.products[p.SKU] = p
	}
	returned := map[string]map[string]bool{} // order → SKUs in a return not rejected
	rmaOf := map[string]string{}
	returnCount := map[string]int{}
	for _, rt := range ds.Returns {
		if returned[rt.OrderNumber] == nil {
			returned[rt.OrderNumber] = map[string]bool{}
		}
		if rt.Status != store.ReturnRejected {
			for _, it := range rt.Items {
				returned[rt.OrderNumber][it.SKU] = true
			}
		}
		if rmaOf[rt.OrderNumber] == "" {
			rmaOf[rt.OrderNumber] = rt.RMA
		}
		returnCount[rt.OrderNumber]++
	}
	active := map[string]int{} // customer → orders under way
	cancellable := map[string][]store.Order{}
	for _, o := range ds.Orders {
		switch o.Status {
		case store.OrderPendingPayment, store.OrderPaid, store.OrderShipped:
			active[strings.ToLower(o.CustomerEmail)]++
		}
		if o.CustomerEmail != "" && (o.Status == store.OrderPaid || o.Status == store.OrderPendingPayment) {
			c := strings.ToLower(o.CustomerEmail)
			cancellable[c] = append(cancellable[c], o)
		}
	}
	// Orders in the order of their numbers, so that the roles do not
	// depend on the file's order.
	orders := append([]store.Order(nil), ds.Orders...)
	sort.Slice(orders, func(i, j int) bool { return orders[i].Number < orders[j].Number })
	role := func(o store.Order, l store.OrderItem) orderRole {
		or := orderRole{number: o.Number, customer: strings.ToLower(o.CustomerEmail), email: strings.ToLower(o.Email),
			currency: orDefault(o.Currency, "USD"), item: r.line(l.SKU), rma: rmaOf[o.Number],
			returns: returnCount[o.Number], status: o.Status}
		if or.email == "" {
			or.email = or.customer
		}
		if len(o.Shipments) > 0 {
			or.carrier, or.tracking = o.Shipments[0].Carrier, o.Shipments[0].TrackingNumber
		}
		return or
	}
	cleanShipped := func(o store.Order) bool {
		return o.Status == store.OrderShipped && len(o.Shipments) == 1 && o.Shipments[0].Status == store.ShipmentInTransit
	}
	within := func(o store.Order) bool {
		return o.DeliveredAt != nil && o.DeliveredAt.Add(returnWindow).Sub(now) > 48*time.Hour
	}
	distinct := func(o store.Order, l store.OrderItem) bool { return r.distinctIn(o, l.SKU) }
	// Guests first: a guest order plays the guest's parts when the shop
	// has one.
	for _, o := range orders {
		switch {
		case o.CustomerEmail != "":
		case cleanShipped(o) && r.guestShipped.number == "":
			r.guestShipped = role(o, o.Items[0])
		case o.Status == store.OrderPaid && r.guestPaid.number == "":
			r.guestPaid = role(o, o.Items[0])
		}
	}
	for _, o := range orders {
		c := strings.ToLower(o.CustomerEmail)
		switch {
		case cleanShipped(o):
			if c != "" && r.shipped.number == "" {
				r.shipped = role(o, o.Items[0])
			}
			if c != "" && active[c] == 1 && r.soleShipped.number == "" {
				r.soleShipped = role(o, o.Items[0])
			}
			if r.guestShipped.number == "" && (c == "" || r.shipped.number != o.Number) {
				r.guestShipped = role(o, o.Items[0])
			}
		case o.Status == store.OrderPaid:
			if c != "" && r.paid.number == "" {
				r.paid = role(o, o.Items[0])
			}
			if r.guestPaid.number == "" && (c == "" || r.paid.number != o.Number) {
				r.guestPaid = role(o, o.Items[0])
			}
		case o.Status == store.OrderPendingPayment:
			if c != "" && r.pending.number == "" {
				r.pending = role(o, o.Items[0])
			}
		case o.Status == store.OrderDelivered && c != "":
			for _, l := range o.Items {
				if returned[o.Number][l.SKU] || !distinct(o, l) {
					continue
				}
				fs := r.products[l.SKU].FinalSale
				switch {
				case within(o) && !fs && r.returnable.number == "":
					r.returnable = role(o, l)
				case within(o) && fs && r.finalSale.number == "":
					r.finalSale = role(o, l)
				case o.DeliveredAt != nil && now.Sub(*o.DeliveredAt) > returnWindow+48*time.Hour && !fs && r.outside.number == "":
					r.outside = role(o, l)
				}
			}
		}
		if rmaOf[o.Number] != "" && c != "" && r.withReturn.number == "" {
			r.withReturn = role(o, o.Items[0])
		}
	}
	var customers []string
	for c := range cancellable {
		customers = append(customers, c)
	}
	sort.Strings(customers)
	for _, c := range customers {
		os := cancellable[c]
		sort.Slice(os, func(i, j int) bool { return os[i].Number < os[j].Number })
		if len(os) < 2 {
			continue
		}
		a, b := os[0], os[1]
		if r.distinctAcross(a, b) {
			r.cancelFirst, r.cancelSecond = role(a, a.Items[0]), role(b, b.Items[0])
			break
		}
	}
	if r.cancelSecond.number == "" {
		// No customer with two: one that kefu lists alone.
		for _, c := range customers {
			o := cancellable[c][0]
			r.cancelSecond = role(o, o.Items[0])
			break
		}
	}
	for _, c := range ds.Customers {
		if e := strings.ToLower(c.Email); e != r.soleShipped.customer && r.otherCustomer == "" {
			r.otherCustomer = e
		}
	}
	r.unknown = unusedNumber(ds, r.shipped.number)
	for name, o := range map[string]orderRole{"shipped": r.shipped, "sole shipped": r.soleShipped, "guest shipped": r.guestShipped,
		"paid": r.paid, "guest paid": r.guestPaid, "pending": r.pending, "returnable": r.returnable, "final sale": r.finalSale,
		"outside the window": r.outside, "with a return": r.withReturn, "two cancellable": r.cancelSecond} {
		if o.number == "" {
			t.Fatalf("the shop has no %s order for the scenarios", name)
		}
	}
	return r
}

// line describes one product as shoppers name it: the title up to its
// first comma in English ("Harbor Waterproof Rain Jacket"), its longest
// run of Chinese in Chinese ("港湾防水夹克" of "港湾防水夹克 蓝色 M码"), the
// English one where the shop has no Chinese title.
func (r roles) line(sku string) line {
	p := r.products[sku]
	l := line{sku: sku, titleEN: p.Title, titleZH: orDefault(p.TitleZH, p.Title)}
	l.nameEN, _, _ = strings.Cut(p.Title, ",")
	l.nameZH = l.nameEN
	var run []rune
	for _, c := range l.titleZH + " " {
		if unicode.Is(unicode.Han, c) {
			run = append(run, c)
			continue
		}
		if len(run) > 1 && (!han(l.nameZH) || len(run) > len([]rune(l.nameZH))) {
			l.nameZH = string(run)
		}
		run = run[:0]
	}
	return l
}

// distinctIn reports whether the line's names each have a word (in
// Chinese, a pair of characters) that no other line of the order has, so
// that naming it picks it alone.
func (r roles) distinctIn(o store.Order, sku string) bool {
	var others []string
	for _, it := range o.Items {
		if it.SKU != sku {
			others = append(others, r.line(it.SKU).titleEN, r.line(it.SKU).titleZH)
		}
	}
	return r.distinctFrom(sku, strings.Join(others, " "))
}

// distinctAcross reports whether naming the first item of b cannot pick
// an item of a.
func (r roles) distinctAcross(a, b store.Order) bool {
	var others []string
	for _, it := range a.Items {
		others = append(others, r.line(it.SKU).titleEN, r.line(it.SKU).titleZH)
	}
	return r.distinctFrom(b.Items[0].SKU, strings.Join(others, " "))
}

func (r roles) distinctFrom(sku, others string) bool {
	l := r.line(sku)
	return uniqueWord(l.nameEN, others) && (!han(l.nameZH) || uniqueBigram(l.nameZH, others))
}

func uniqueWord(name, others string) bool {
	words := map[string]bool{}
	split := func(r rune) bool { return !unicode.IsLetter(r) || unicode.Is(unicode.Han, r) }
	for _, w := range strings.FieldsFunc(strings.ToLower(others), split) {
		words[w] = true
	}
	for _, w := range strings.FieldsFunc(strings.ToLower(name), split) {
		if len(w) > 2 && !words[w] {
			return true
		}
	}
	return false
}

func uniqueBigram(name, others string) bool {
	ra := []rune(name)
	for i := 0; i+1 < len(ra); i++ {
		if unicode.Is(unicode.Han, ra[i]) && unicode.Is(unicode.Han, ra[i+1]) && !strings.Contains(others, string(ra[i:i+2])) {
			return true
		}
	}
	return false
}

func han(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// unusedNumber is a number of like's shape that no order of the shop
// has: its digits turned into nines, then eights…
func unusedNumber(ds *store.Dataset, like string) string {
	used := map[string]bool{}
	for _, o := range ds.Orders {
		used[store.NumberKey(o.Number)] = true
	}
	for _, d := range "98765" {
		cand := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return d
			}
			return r
		}, like)
		if !used[store.NumberKey(cand)] {
			return cand
		}
	}
	return like + "9"
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// symbol is how kefu writes the currency of an amount (tools.Amount).
func symbol(currency string) string {
	a := tools.Amount(0, currency)
	return strings.TrimSpace(strings.Trim(a, "0."))
}
