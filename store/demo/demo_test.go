package demo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/kefu-dev/kefu/store"
)

// The demo must hold at any date, so check it as of today and as of a date
// years away.
func TestDataset(t *testing.T) {
	for _, now := range []time.Time{
		time.Now(),
		time.Date(2031, time.March, 1, 0, 30, 0, 0, time.FixedZone("CST", 8*3600)),
	} {
		t.Run(now.Format(time.RFC3339), func(t *testing.T) {
			ds := Dataset(now)
			now := now.UTC().Truncate(time.Second) // as Dataset sees it
			c := newChecker(t, ds, now)
			c.products()
			c.customers()
			c.orders()
			c.returns()
			c.reviews()
			c.timestamps()
		})
	}
}

func TestJSONRoundTrip(t *testing.T) {
	want, err := json.Marshal(Dataset(time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	ds, err := store.DecodeDataset(want)
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(ds)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("the demo dataset changes when written to JSON and read back")
	}
}

// documented is what docs/demo.md promises about the orders it suggests
// trying: who owns each, its state, and how long ago it was delivered.
var documented = []struct {
	number, customer, kind string
	deliveredAgo           time.Duration
}{
	{"KF-10031", hannah, "delivered", 5 * day},
	{"KF-10022", grace, "delivered", 30*day - time.Hour},
	{"KF-10018", frank, "delivered", 40 * day},
	{"KF-10029", liuYang, "delivered", 7 * day},
	{"KF-10045", alice, "shipped in_transit", 0},
	{"KF-10042", hannah, "shipped in_transit", 0},
	{"KF-10036", zhangMin, "shipped in_transit", 0},
	{"KF-10044", david, "shipped out_for_delivery", 0},
	{"KF-10041", isaac, "split shipment", 0},
	{"KF-10054", chloe, "paid", 0},
	{"KF-10050", wangFang, "paid", 0},
	{"KF-10046", ben, "shipped in_transit", 0},
	{"KF-10055", liWei, "pending_payment", 0},
	{"KF-10027", chloe, "delivered", 15 * day},
	{"KF-10016", ben, "delivered", 45 * day},
	{"KF-10025", huangLi, "delivered", 20 * day},
	{"KF-10015", david, "delivered", 55 * day},
	{"KF-10001", alice, "delivered", 150 * day},
	{"KF-10024", david, "cancelled", 0},
	{"KF-10037", frank, "cancelled", 0},
	{"KF-10043", zhangMin, "cancelled", 0},
	{"KF-10032", liuYang, "cancelled unpaid", 0},
}

func TestDocumentedOrders(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	orders := map[string]store.Order{}
	for _, o := range Dataset(now).Orders {
		orders[o.Number] = o
	}
	for _, d := range documented {
		o := orders[d.number]
		if o.CustomerEmail != d.customer || kind(o) != d.kind {
			t.Errorf("%s: %s order of %s, docs/demo.md says %s of %s", d.number, kind(o), o.CustomerEmail, d.kind, d.customer)
		}
		if d.deliveredAgo > 0 && (o.DeliveredAt == nil || now.Sub(*o.DeliveredAt) != d.deliveredAgo) {
			t.Errorf("%s: delivered at %v, docs/demo.md says %s ago", d.number, o.DeliveredAt, d.deliveredAgo)
		}
	}
}

type checker struct {
	*testing.T
	ds       *store.Dataset
	now      time.Time
	bySKU    map[string]store.Product
	byEmail  map[string]store.Customer
	byNumber map[string]store.Order
}

func newChecker(t *testing.T, ds *store.Dataset, now time.Time) *checker {
	c := &checker{T: t, ds: ds, now: now,
		bySKU: map[string]store.Product{}, byEmail: map[string]store.Customer{}, byNumber: map[string]store.Order{}}
	for _, p := range ds.Products {
		if _, dup := c.bySKU[p.SKU]; dup {
			t.Errorf("duplicate SKU %s", p.SKU)
		}
		c.bySKU[p.SKU] = p
	}
	for _, cu := range ds.Customers {
		if _, dup := c.byEmail[cu.Email]; dup {
			t.Errorf("duplicate customer %s", cu.Email)
		}
		c.byEmail[cu.Email] = cu
	}
	for _, o := range ds.Orders {
		if _, dup := c.byNumber[o.Number]; dup {
			t.Errorf("duplicate order %s", o.Number)
		}
		c.byNumber[o.Number] = o
	}
	return c
}

var (
	skuRE      = regexp.MustCompile(`^[A-Z]{3}(-[A-Z0-9]+)+$`)
	slugRE     = regexp.MustCompile(`^[a-z]+(-[a-z]+)*$`)
	externalRE = regexp.MustCompile(`^cus_[0-9]{4}$`)
	emailRE    = regexp.MustCompile(`^[a-z]+\.[a-z]+@example\.com$`)
	numberRE   = regexp.MustCompile(`^KF-[0-9]{5}$`)
	rmaRE      = regexp.MustCompile(`^RMA-[0-9A-Z]{6}$`)
)

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

func (c *checker) products() {
	if n := len(c.ds.Products); n < 44 {
		c.Errorf("%d products, want at least 44", n)
	}
	categories := map[string]int{}
	finals := 0
	blueJacket := false
	for _, p := range c.ds.Products {
		categories[p.Category]++
		if p.FinalSale {
			finals++
		}
		if !skuRE.MatchString(p.SKU) {
			c.Errorf("SKU %q is not like JKT-RAIN-BLU-M", p.SKU)
		}
		if !slugRE.MatchString(p.Category) {
			c.Errorf("%s: category %q is not a lowercase slug", p.SKU, p.Category)
		}
		if p.Title == "" || p.Description == "" || !hasHan(p.TitleZH) {
			c.Errorf("%s: want a title, a Chinese title and a description", p.SKU)
		}
		if p.Price <= 0 || p.Currency != "USD" {
			c.Errorf("%s: price %s %s", p.SKU, p.Price, p.Currency)
		}
		if len(p.Tags) == 0 {
			c.Errorf("%s: no tags", p.SKU)
		}
		for _, tag := range p.Tags {
			if tag != strings.ToLower(tag) || strings.ContainsAny(tag, " ,") {
				c.Errorf("%s: tag %q is not one lowercase word", p.SKU, tag)
			}
		}
		if p.Category == "outerwear" && strings.Contains(p.Title, "Jacket") && strings.Contains(p.Title, "Blue") {
			blueJacket = true
		}
	}
	if len(categories) < 6 {
		c.Errorf("%d categories, want at least 6: %v", len(categories), categories)
	}
	if finals < 4 || finals > 6 {
		c.Errorf("%d final-sale products, want 4 to 6", finals)
	}
	if !blueJacket {
		c.Error("no blue jacket in the catalog")
	}
	for sku := range finalSale {
		if _, ok := c.bySKU[sku]; !ok {
			c.Errorf("final-sale list names unknown SKU %s", sku)
		}
	}
}

func (c *checker) customers() {
	if n := len(c.ds.Customers); n < 14 {
		c.Errorf("%d customers, want at least 14", n)
	}
	ids := map[string]bool{}
	zh := 0
	for _, cu := range c.ds.Customers {
		if !externalRE.MatchString(cu.ExternalID) || ids[cu.ExternalID] {
			c.Errorf("%s: external id %q is malformed or taken", cu.Email, cu.ExternalID)
		}
		ids[cu.ExternalID] = true
		if !emailRE.MatchString(cu.Email) {
			c.Errorf("email %q is not like alice.johnson@example.com", cu.Email)
		}
		switch cu.Locale {
		case "zh":
			zh++
			if !hasHan(cu.Name) {
				c.Errorf("%s: Chinese-speaking customer without a Chinese name", cu.Email)
			}
		case "en":
			if hasHan(cu.Name) {
				c.Errorf("%s: Chinese name with locale en", cu.Email)
			}
		default:
			c.Errorf("%s: locale %q", cu.Email, cu.Locale)
		}
		if cu.CreatedAt.After(c.now.Add(-60 * day)) {
			c.Errorf("%s: created %s, want months ago", cu.Email, cu.CreatedAt)
		}
	}
	if zh < 5 {
		c.Errorf("%d Chinese-speaking customers, want at least 5", zh)
	}
}

// kind classifies an order by the state a tester would name.
func kind(o store.Order) string {
	switch {
	case o.Status == store.OrderCancelled && o.PaidAt == nil:
		return "cancelled unpaid"
	case o.Status == store.OrderShipped && len(o.Shipments) > 1:
		return "split shipment"
	case o.Status == store.OrderShipped && len(o.Shipments) == 1:
		return "shipped " + o.Shipments[0].Status
	}
	return o.Status
}

func (c *checker) orders() {
	if n := len(c.ds.Orders); n < 44 {
		c.Errorf("%d orders, want at least 44", n)
	}
	kinds := map[string]int{}
	perCustomer := map[string]int{}
	tracking := map[string]bool{}
	var prev store.Order
	for i, o := range c.ds.Orders {
		kinds[kind(o)]++
		perCustomer[o.CustomerEmail]++
		if !numberRE.MatchString(o.Number) || o.Number != fmt.Sprintf("KF-%d", 10001+i) {
			c.Errorf("order %d is numbered %q", i, o.Number)
		}
		// Numbers are handed out at checkout.
		if i > 0 && !o.PlacedAt.After(prev.PlacedAt) {
			c.Errorf("%s placed %s, not after %s placed %s", o.Number, o.PlacedAt, prev.Number, prev.PlacedAt)
		}
		prev = o
		if _, ok := c.byEmail[o.CustomerEmail]; !ok {
			c.Errorf("%s: unknown customer %q", o.Number, o.CustomerEmail)
		} else if cu := c.byEmail[o.CustomerEmail]; !cu.CreatedAt.Before(o.PlacedAt) {
			c.Errorf("%s placed before %s signed up", o.Number, cu.Email)
		}
		if o.Currency != "USD" || !strings.Contains(o.ShipTo, ", ") {
			c.Errorf("%s: currency %q, ship to %q", o.Number, o.Currency, o.ShipTo)
		}
		c.items(o)
		c.lifecycle(o)
		for _, s := range o.Shipments {
			if tracking[s.TrackingNumber] {
				c.Errorf("%s: tracking number %s used twice", o.Number, s.TrackingNumber)
			}
			tracking[s.TrackingNumber] = true
			c.shipment(o, s)
		}
	}

	for _, cu := range c.ds.Customers {
		want := 2
		if cu.Locale == "zh" {
			want = 3
		}
		if perCustomer[cu.Email] < want {
			c.Errorf("%s has %d orders, want at least %d", cu.Email, perCustomer[cu.Email], want)
		}
	}
	for k, want := range map[string]int{
		"pending_payment":          3,
		"paid":                     3,
		"shipped in_transit":       3,
		"shipped out_for_delivery": 1,
		"split shipment":           1,
		"delivered":                15,
		"cancelled":                2,
		"cancelled unpaid":         1,
	} {
		if kinds[k] < want {
			c.Errorf("%d orders %s, want at least %d (have %v)", kinds[k], k, want, kinds)
		}
	}

	// The return window's edges, as docs/demo.md promises them.
	deliveredAgo := map[time.Duration]string{}
	for _, o := range c.ds.Orders {
		if o.Status == store.OrderDelivered {
			deliveredAgo[c.now.Sub(*o.DeliveredAt)] = o.Number
		}
	}
	for _, ago := range []time.Duration{2 * day, 5 * day, 12 * day, 20 * day, 30*day - time.Hour, 35 * day, 45 * day, 90 * day} {
		if deliveredAgo[ago] == "" {
			c.Errorf("no order delivered %s ago", ago)
		}
	}
	if !c.some(func(o store.Order) bool {
		return o.Status == store.OrderDelivered && c.now.Sub(*o.DeliveredAt) < 30*day &&
			c.hasFinalSale(o, true) && c.hasFinalSale(o, false)
	}) {
		c.Error("no order delivered within 30 days with both a final-sale and a returnable item")
	}
}

func (c *checker) some(f func(store.Order) bool) bool {
	for _, o := range c.ds.Orders {
		if f(o) {
			return true
		}
	}
	return false
}

func (c *checker) hasFinalSale(o store.Order, final bool) bool {
	for _, it := range o.Items {
		if c.bySKU[it.SKU].FinalSale == final {
			return true
		}
	}
	return false
}

func (c *checker) items(o store.Order) {
	if len(o.Items) == 0 {
		c.Errorf("%s has no items", o.Number)
	}
	seen := map[string]bool{}
	var subtotal store.Money
	for _, it := range o.Items {
		p, ok := c.bySKU[it.SKU]
		if !ok {
			c.Errorf("%s: unknown SKU %q", o.Number, it.SKU)
		}
		// Returns name lines by SKU, so a SKU appears once per order.
		if seen[it.SKU] {
			c.Errorf("%s: SKU %s on two lines", o.Number, it.SKU)
		}
		seen[it.SKU] = true
		if it.Quantity <= 0 || it.UnitPrice < 0 || it.UnitPrice > p.Price {
			c.Errorf("%s: %s quantity %d at %s", o.Number, it.SKU, it.Quantity, it.UnitPrice)
		}
		price := it.UnitPrice
		if price == 0 {
			price = p.Price
		}
		subtotal += price * store.Money(it.Quantity)
	}
	// As the shipping articles say: US $5.95, free from $75; elsewhere
	// $19.95, free from $150.
	fee, freeFrom := store.Money(1995), store.Money(15000)
	if strings.HasSuffix(o.ShipTo, ", US") {
		fee, freeFrom = 595, 7500
	}
	if want := map[bool]store.Money{true: 0, false: fee}[subtotal >= freeFrom]; o.Shipping != want {
		c.Errorf("%s to %s: shipping %s on a subtotal of %s, want %s", o.Number, o.ShipTo, o.Shipping, subtotal, want)
	}
}

// lifecycle checks that the order's timestamps fit its status and come in
// the right order.
func (c *checker) lifecycle(o store.Order) {
	is := func(t *time.Time) bool { return t != nil }
	want := map[string][5]bool{ // paid, shipped, delivered, cancelled, shipments
		store.OrderPendingPayment: {false, false, false, false, false},
		store.OrderPaid:           {true, false, false, false, false},
		store.OrderShipped:        {true, true, false, false, true},
		store.OrderDelivered:      {true, true, true, false, true},
	}
	if o.Status == store.OrderCancelled {
		if !is(o.CancelledAt) || is(o.ShippedAt) || is(o.DeliveredAt) || len(o.Shipments) > 0 {
			c.Errorf("%s: cancelled order with the wrong timestamps", o.Number)
		}
		if is(o.CancelledAt) && (!o.CancelledAt.After(o.PlacedAt) || is(o.PaidAt) && !o.CancelledAt.After(*o.PaidAt)) {
			c.Errorf("%s: cancelled before it was placed or paid", o.Number)
		}
	} else if w, ok := want[o.Status]; !ok {
		c.Errorf("%s: status %q", o.Number, o.Status)
	} else if got := [5]bool{is(o.PaidAt), is(o.ShippedAt), is(o.DeliveredAt), is(o.CancelledAt), len(o.Shipments) > 0}; got != w {
		c.Errorf("%s: %s order has paid/shipped/delivered/cancelled/shipments %v, want %v", o.Number, o.Status, got, w)
	}

	// Unpaid orders are cancelled automatically after 48 hours.
	if o.Status == store.OrderPendingPayment && c.now.Sub(o.PlacedAt) >= 48*time.Hour {
		c.Errorf("%s: pending payment since %s", o.Number, o.PlacedAt)
	}

	steps := []*time.Time{&o.PlacedAt, o.PaidAt, o.ShippedAt, o.DeliveredAt}
	last := steps[0]
	for _, t := range steps[1:] {
		if t == nil {
			continue
		}
		if !t.After(*last) {
			c.Errorf("%s: placed/paid/shipped/delivered out of order: %v", o.Number, steps)
		}
		last = t
	}

	// The order's shipped and delivered times are its parcels'.
	var first, lastDelivered *time.Time
	delivered := 0
	for _, s := range o.Shipments {
		if first == nil || s.ShippedAt != nil && s.ShippedAt.Before(*first) {
			first = s.ShippedAt
		}
		if s.Status == store.ShipmentDelivered {
			delivered++
			if lastDelivered == nil || s.DeliveredAt.After(*lastDelivered) {
				lastDelivered = s.DeliveredAt
			}
		}
	}
	if len(o.Shipments) > 0 {
		if !equal(first, o.ShippedAt) {
			c.Errorf("%s: shipped at %v, its first parcel at %v", o.Number, o.ShippedAt, first)
		}
		if (o.Status == store.OrderDelivered) != (delivered == len(o.Shipments)) {
			c.Errorf("%s: %s with %d of %d parcels delivered", o.Number, o.Status, delivered, len(o.Shipments))
		}
		if o.Status == store.OrderDelivered && !equal(lastDelivered, o.DeliveredAt) {
			c.Errorf("%s: delivered at %v, its last parcel at %v", o.Number, o.DeliveredAt, lastDelivered)
		}
	}
}

func equal(a, b *time.Time) bool { return a != nil && b != nil && a.Equal(*b) }

// carriers by destination country, as the shipping articles name them.
var carriers = map[string]map[string]bool{
	"US": {"UPS": true, "USPS": true},
	"CN": {"SF Express": true}, // the last-mile number
	"":   {"UPS": true, "DHL": true},
}

func (c *checker) shipment(o store.Order, s store.Shipment) {
	where := o.Number + " " + s.TrackingNumber
	if s.TrackingNumber == "" || s.ShippedAt == nil {
		c.Errorf("%s: no tracking number or shipping date", where)
		return
	}
	ok, known := carriers[country(o.ShipTo)]
	if !known {
		ok = carriers[""]
	}
	if !ok[s.Carrier] {
		c.Errorf("%s: %s to %s", where, s.Carrier, o.ShipTo)
	}
	if !s.ShippedAt.After(*o.PaidAt) {
		c.Errorf("%s: shipped before the order was paid", where)
	}
	if len(s.Events) < 3 || len(s.Events) > 6 {
		c.Errorf("%s: %d tracking events, want 3 to 6", where, len(s.Events))
	}
	for i, e := range s.Events {
		if e.Location == "" || e.Description == "" || hasHan(e.Location+e.Description) {
			c.Errorf("%s: event %d wants an English location and description", where, i)
		}
		if i > 0 && !e.At.After(s.Events[i-1].At) {
			c.Errorf("%s: events out of order", where)
		}
		if e.At.Before(*o.PaidAt) {
			c.Errorf("%s: scanned before the order was paid", where)
		}
	}
	if n := len(s.Events); n > 0 && s.Events[n-1].Status != s.Status {
		c.Errorf("%s: status %s, latest scan %s", where, s.Status, s.Events[n-1].Status)
	}
	switch s.Status {
	case store.ShipmentDelivered:
		if s.DeliveredAt == nil || !s.DeliveredAt.After(*s.ShippedAt) || !s.Events[len(s.Events)-1].At.Equal(*s.DeliveredAt) {
			c.Errorf("%s: delivered shipment without a matching delivered scan", where)
		}
	case store.ShipmentInTransit, store.ShipmentOutForDelivery:
		if s.DeliveredAt != nil || s.EstimatedDeliveryAt == nil || !s.EstimatedDeliveryAt.After(c.now) {
			c.Errorf("%s: on its way, want an estimated delivery in the future", where)
		}
	default:
		c.Errorf("%s: status %q", where, s.Status)
	}
}

func (c *checker) returns() {
	rmas := map[string]bool{}
	returned := map[string]int{} // order number + SKU → quantity
	partial := map[string]bool{} // return status → seen on a partly returned order
	for _, r := range c.ds.Returns {
		if !rmaRE.MatchString(r.RMA) || rmas[r.RMA] {
			c.Errorf("RMA %q is malformed or used twice", r.RMA)
		}
		rmas[r.RMA] = true
		o, ok := c.byNumber[r.OrderNumber]
		if !ok {
			c.Errorf("%s: unknown order %q", r.RMA, r.OrderNumber)
			continue
		}
		if o.Status != store.OrderDelivered {
			c.Errorf("%s: return for %s order %s", r.RMA, o.Status, o.Number)
			continue
		}
		if !r.CreatedAt.After(*o.DeliveredAt) || r.CreatedAt.Sub(*o.DeliveredAt) > 30*day || r.UpdatedAt.Before(r.CreatedAt) {
			c.Errorf("%s: opened %s, updated %s, for an order delivered %s", r.RMA, r.CreatedAt, r.UpdatedAt, o.DeliveredAt)
		}
		if r.Reason == "" {
			c.Errorf("%s: no reason", r.RMA)
		}
		switch r.Status {
		case store.ReturnOpen, store.ReturnReceived, store.ReturnRefunded, store.ReturnRejected:
		default:
			c.Errorf("%s: status %q", r.RMA, r.Status)
		}
		for _, it := range r.Items {
			if c.bySKU[it.SKU].FinalSale && r.Status != store.ReturnRejected {
				c.Errorf("%s: final-sale %s, want the return rejected", r.RMA, it.SKU)
			}
		}
		ordered := map[string]int{}
		for _, it := range o.Items {
			ordered[it.SKU] = it.Quantity
		}
		units := 0
		for _, it := range r.Items {
			key := o.Number + " " + it.SKU
			returned[key] += it.Quantity
			units += it.Quantity
			if it.Quantity <= 0 || returned[key] > ordered[it.SKU] {
				c.Errorf("%s: returns %d of %s, %d ordered", r.RMA, returned[key], key, ordered[it.SKU])
			}
		}
		total := 0
		for _, q := range ordered {
			total += q
		}
		if len(o.Items) >= 2 && units < total {
			partial[r.Status] = true
		}
	}
	for _, status := range []string{store.ReturnOpen, store.ReturnRefunded} {
		if !partial[status] {
			c.Errorf("no partly returned order with a %s return", status)
		}
	}
}

func (c *checker) reviews() {
	if n := len(c.ds.Reviews); n < 36 {
		c.Errorf("%d reviews, want at least 36", n)
	}
	seen := map[string]bool{}
	ratings := map[int]int{}
	zh := 0
	for _, r := range c.ds.Reviews {
		key := r.SKU + " " + r.CustomerEmail
		if seen[key] {
			c.Errorf("two reviews of %s", key)
		}
		seen[key] = true
		ratings[r.Rating]++
		cu, ok := c.byEmail[r.CustomerEmail]
		if _, known := c.bySKU[r.SKU]; !ok || !known {
			c.Errorf("review of unknown product or by unknown customer: %s", key)
			continue
		}
		if r.Rating < 1 || r.Rating > 5 || r.Title == "" || r.Body == "" {
			c.Errorf("%s: rating %d, title %q", key, r.Rating, r.Title)
		}
		if r.Locale != cu.Locale || hasHan(r.Body) != (cu.Locale == "zh") {
			c.Errorf("%s: review in locale %q by a %q customer", key, r.Locale, cu.Locale)
		}
		if r.Locale == "zh" {
			zh++
		}
		if !c.some(func(o store.Order) bool {
			if o.CustomerEmail != r.CustomerEmail || o.Status != store.OrderDelivered || !o.DeliveredAt.Before(r.CreatedAt) {
				return false
			}
			for _, it := range o.Items {
				if it.SKU == r.SKU {
					return true
				}
			}
			return false
		}) {
			c.Errorf("%s: reviewed %s, before any delivered order of it", key, r.CreatedAt)
		}
	}
	if zh < 5 {
		c.Errorf("%d Chinese reviews, want at least 5", zh)
	}
	if ratings[1]+ratings[2] < 3 {
		c.Errorf("ratings %v: want at least three 1- or 2-star reviews", ratings)
	}
}

// timestamps checks that every time is in the past (bar estimated
// deliveries) and in whole seconds, as a database would keep it.
func (c *checker) timestamps() {
	oldest := c.now
	add := func(what string, t *time.Time) {
		switch {
		case t == nil:
		case t.IsZero() || t.After(c.now) || !t.Equal(t.Truncate(time.Second)):
			c.Errorf("%s at %s: want a whole second in the past", what, t)
		case t.Before(oldest):
			oldest = *t
		}
	}
	for _, cu := range c.ds.Customers {
		add(cu.Email+" created", &cu.CreatedAt)
	}
	for _, o := range c.ds.Orders {
		add(o.Number+" placed", &o.PlacedAt)
		add(o.Number+" paid", o.PaidAt)
		add(o.Number+" shipped", o.ShippedAt)
		add(o.Number+" delivered", o.DeliveredAt)
		add(o.Number+" cancelled", o.CancelledAt)
		for _, s := range o.Shipments {
			add(s.TrackingNumber+" shipped", s.ShippedAt)
			add(s.TrackingNumber+" delivered", s.DeliveredAt)
			for _, e := range s.Events {
				add(s.TrackingNumber+" "+e.Description, &e.At)
			}
		}
	}
	for _, r := range c.ds.Returns {
		add(r.RMA+" created", &r.CreatedAt)
		add(r.RMA+" updated", &r.UpdatedAt)
	}
	for _, r := range c.ds.Reviews {
		add(r.SKU+" reviewed by "+r.CustomerEmail, &r.CreatedAt)
	}
	if c.now.Sub(oldest) > 2*365*day {
		c.Errorf("oldest timestamp %s: the shop is not that old", oldest)
	}
}
