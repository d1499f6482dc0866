package store

import (
	"context"
	"fmt"
	"math"
	"net/mail"
	"sort"
	"strings"
	"time"
	"unicode"
)

// ValidationError lists every problem found in a Dataset, each prefixed by
// its path in the file, e.g. `orders[3].items[0].sku: unknown product "X"`.
type ValidationError struct {
	Problems []string
}

func (e *ValidationError) Error() string {
	if len(e.Problems) == 1 {
		return "invalid data: " + e.Problems[0]
	}
	return fmt.Sprintf("invalid data (%d problems):\n  %s", len(e.Problems), strings.Join(e.Problems, "\n  "))
}

var (
	orderStatuses    = set(OrderPendingPayment, OrderPaid, OrderShipped, OrderDelivered, OrderCancelled)
	shipmentStatuses = set(ShipmentLabelCreated, ShipmentInTransit, ShipmentOutForDelivery, ShipmentDelivered, ShipmentException)
	returnStatuses   = set(ReturnOpen, ReturnReceived, ReturnRefunded, ReturnRejected)
	locales          = set("en", "zh")
)

func set(vs ...string) map[string]bool {
	m := map[string]bool{}
	for _, v := range vs {
		m[v] = true
	}
	return m
}

func keys(m map[string]bool) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ", ")
}

// seen holds the keys met so far in the file, for the duplicate checks
// that the maps of importer (products, customers, orders) do not cover.
type seen struct {
	externalIDs map[string]bool
	numberKeys  map[string]string // NumberKey → the number as written
	tracking    map[string]bool
	rmas        map[string]bool
	reviews     map[string]bool   // SKU + "\x00" + lower-case email
	articles    map[string]bool   // slug + "\x00" + locale
	variants    map[string]string // group + "\x00" + options → path of the product
}

// validate checks the Dataset against itself and the database, one kind of
// record after the other (each may refer to the kinds before it), and
// returns a *ValidationError listing every problem.
func (im *importer) validate(ctx context.Context) error {
	ds := im.ds
	im.products = map[string]*Product{}
	im.customers = map[string]bool{}
	im.orders = map[string]*Order{}
	im.seen = seen{
		externalIDs: map[string]bool{}, numberKeys: map[string]string{}, tracking: map[string]bool{},
		rmas: map[string]bool{}, reviews: map[string]bool{}, articles: map[string]bool{}, variants: map[string]string{},
	}
	for i := range ds.Products {
		im.checkProduct(at("products", i), &ds.Products[i])
	}
	for i := range ds.Customers {
		im.checkCustomer(ctx, at("customers", i), &ds.Customers[i])
	}
	for i := range ds.Orders {
		im.checkOrder(ctx, at("orders", i), &ds.Orders[i])
	}
	for i := range ds.Returns {
		im.checkReturn(ctx, at("returns", i), &ds.Returns[i])
	}
	for i := range ds.Reviews {
		im.checkReview(ctx, at("reviews", i), &ds.Reviews[i])
	}
	for i := range ds.Articles {
		im.checkArticle(at("articles", i), &ds.Articles[i])
	}
	if len(im.problems) > 0 {
		return &ValidationError{Problems: im.problems}
	}
	return nil
}

// at is the path of the i-th element of a list.
func at(list string, i int) string { return fmt.Sprintf("%s[%d]", list, i) }

func (im *importer) required(path, s string) {
	if strings.TrimSpace(s) == "" {
		im.problem(path, "required")
	}
}

func (im *importer) requiredTime(path string, t time.Time) {
	if t.IsZero() {
		im.problem(path, "required")
	}
}

func (im *importer) checkLocale(path, l string) {
	if l != "" && !locales[l] {
		im.problem(path, "unknown locale %q (want one of %s)", l, keys(locales))
	}
}

func (im *importer) checkStatus(path, s string, statuses map[string]bool) {
	if !statuses[s] {
		im.problem(path, "unknown status %q (want one of %s)", s, keys(statuses))
	}
}

func (im *importer) notNegative(path string, m Money) {
	if m < 0 {
		im.problem(path, "must not be negative")
	}
}

func (im *importer) checkProduct(path string, p *Product) {
	switch {
	case strings.TrimSpace(p.SKU) == "":
		im.problem(path+".sku", "required")
	case im.products[p.SKU] != nil:
		im.problem(path+".sku", "duplicate SKU %q", p.SKU)
	default:
		im.products[p.SKU] = p
	}
	im.required(path+".title", p.Title)
	im.required(path+".category", p.Category)
	im.notNegative(path+".price", p.Price)
	im.checkCurrency(path+".currency", p.Currency)
	im.checkVariant(path, p)
}

func (im *importer) checkCustomer(ctx context.Context, path string, c *Customer) {
	email := strings.ToLower(strings.TrimSpace(c.Email))
	switch {
	case email == "":
		im.problem(path+".email", "required")
	case !validEmail(email):
		im.problem(path+".email", "invalid email address %q", c.Email)
	case im.customers[email]:
		im.problem(path+".email", "duplicate email %q", c.Email)
	default:
		im.customers[email] = true
	}
	if c.ExternalID != "" {
		im.checkExternalID(ctx, path+".external_id", c.ExternalID, email)
	}
	im.required(path+".name", c.Name)
	im.checkLocale(path+".locale", c.Locale)
	im.checkAddresses(path+".addresses", c.Addresses)
}

func (im *importer) checkExternalID(ctx context.Context, path, id, email string) {
	var other string
	switch {
	case im.seen.externalIDs[id]:
		im.problem(path, "duplicate external id %q", id)
	case im.tx.QueryRowContext(ctx, `SELECT email FROM customers WHERE external_id = ? AND email != ?`, id, email).Scan(&other) == nil:
		im.problem(path, "external id %q belongs to the shop's existing customer %q", id, other)
	}
	im.seen.externalIDs[id] = true
}

func (im *importer) checkOrder(ctx context.Context, path string, o *Order) {
	im.checkOrderNumber(ctx, path+".number", o)
	if o.CustomerEmail != "" && !im.customerKnown(ctx, o.CustomerEmail) {
		im.problem(path+".customer_email", "unknown customer %q", o.CustomerEmail)
	}
	if o.CustomerEmail == "" && o.Email == "" {
		im.problem(path+".email", "required for a guest order (no customer_email)")
	}
	if o.Email != "" && !validEmail(o.Email) {
		im.problem(path+".email", "invalid email address %q", o.Email)
	}
	im.checkStatus(path+".status", o.Status, orderStatuses)
	im.requiredTime(path+".placed_at", o.PlacedAt)
	for _, t := range statusTimes(o) {
		if t.at == nil || t.at.IsZero() {
			im.problem(path+"."+t.name, "required for status %q", o.Status)
		}
	}
	im.checkCurrency(path+".currency", o.Currency)
	im.notNegative(path+".shipping", o.Shipping)
	if o.Address != nil {
		im.checkAddress(path+".address", *o.Address)
	}
	im.checkOrderItems(ctx, path, o)
	for j := range o.Shipments {
		im.checkShipment(at(path+".shipments", j), &o.Shipments[j])
	}
}

func (im *importer) checkOrderNumber(ctx context.Context, path string, o *Order) {
	key := NumberKey(o.Number)
	switch {
	case key == "":
		im.problem(path, "required")
	case im.seen.numberKeys[key] != "":
		im.problem(path, "duplicate order number %q (same as %q)", o.Number, im.seen.numberKeys[key])
	case im.otherOrder(ctx, o.Number, key) != "":
		// Order numbers are looked up without case and punctuation:
		// "kf 10031" and "KF-10031" are the same order.
		im.problem(path, "order number %q is the same as the shop's existing order %q", o.Number, im.otherOrder(ctx, o.Number, key))
	default:
		im.seen.numberKeys[key] = o.Number
		im.orders[o.Number] = o
	}
}

// statusTime is a time an order's status needs.
type statusTime struct {
	name string
	at   *time.Time
}

// statusTimes are the times an order's status needs besides placed_at, in
// the order they happen.
func statusTimes(o *Order) []statusTime {
	paid, shipped, delivered := statusTime{"paid_at", o.PaidAt}, statusTime{"shipped_at", o.ShippedAt}, statusTime{"delivered_at", o.DeliveredAt}
	switch o.Status {
	case OrderPaid:
		return []statusTime{paid}
	case OrderShipped:
		return []statusTime{paid, shipped}
	case OrderDelivered:
		return []statusTime{paid, shipped, delivered}
	case OrderCancelled:
		return []statusTime{{"cancelled_at", o.CancelledAt}}
	}
	return nil
}

// checkOrderItems checks an order's lines. Lines of the same product are
// added together when written (mergeItems), so they must agree on the
// price and their quantities must add up without overflow.
func (im *importer) checkOrderItems(ctx context.Context, path string, o *Order) {
	if len(o.Items) == 0 {
		im.problem(path+".items", "an order needs at least one item")
	}
	first := map[string]int{}    // SKU → index of its first line
	price := map[string]Money{}  // SKU → unit price of its first line
	quantity := map[string]int{} // SKU → quantity of its lines so far
	total := float64(o.Shipping) // an estimate, to refuse totals int64 cents cannot hold
	for j := range o.Items {
		it := &o.Items[j]
		ipath := at(path+".items", j)
		p := im.checkItem(ctx, ipath, it)
		if k, ok := first[it.SKU]; !ok {
			first[it.SKU], price[it.SKU] = j, p
		} else if p != price[it.SKU] {
			im.problem(ipath+".unit_price", "%s, but items[%d] has product %q at %s; lines of the same product are added together and need the same price", p, k, it.SKU, price[it.SKU])
		}
		if it.Quantity > 0 && quantity[it.SKU] > math.MaxInt-it.Quantity {
			im.problem(ipath+".quantity", "the quantities of product %q add up to more than %d", it.SKU, math.MaxInt)
		}
		if it.Quantity > 0 {
			quantity[it.SKU] += it.Quantity
		}
		total += float64(p) * float64(it.Quantity)
	}
	if total > maxOrderTotal {
		im.problem(path+".items", "the order's total is over %s", Money(maxOrderTotal))
	}
}

// checkItem checks one order line and returns its unit price: its own, or
// failing that its product's.
func (im *importer) checkItem(ctx context.Context, path string, it *OrderItem) Money {
	if !im.productKnown(ctx, it.SKU) {
		im.problem(path+".sku", "unknown product %q", it.SKU)
	}
	if it.Quantity <= 0 {
		im.problem(path+".quantity", "must be at least 1")
	}
	im.notNegative(path+".unit_price", it.UnitPrice)
	return im.unitPrice(ctx, *it)
}

// unitPrice is what one unit of an order line costs: its own price or,
// when it gives none, its product's (from the file or the database).
func (im *importer) unitPrice(ctx context.Context, it OrderItem) Money {
	switch {
	case it.UnitPrice != 0:
		return it.UnitPrice
	case im.products[it.SKU] != nil:
		return im.products[it.SKU].Price
	}
	return im.productPrice(ctx, it.SKU)
}

// maxOrderTotal bounds an order's total, in minor units (as ParseMoney
// bounds one amount), so that sums of its lines never overflow.
const maxOrderTotal = 1e14

func (im *importer) checkShipment(path string, sh *Shipment) {
	im.required(path+".carrier", sh.Carrier)
	switch {
	case strings.TrimSpace(sh.TrackingNumber) == "":
		im.problem(path+".tracking_number", "required")
	case im.seen.tracking[sh.TrackingNumber]:
		im.problem(path+".tracking_number", "duplicate tracking number %q", sh.TrackingNumber)
	}
	im.seen.tracking[sh.TrackingNumber] = true
	im.checkStatus(path+".status", sh.Status, shipmentStatuses)
	for k := range sh.Events {
		im.checkEvent(at(path+".events", k), &sh.Events[k])
	}
}

func (im *importer) checkEvent(path string, ev *TrackingEvent) {
	im.requiredTime(path+".at", ev.At)
	im.required(path+".description", ev.Description)
}

func (im *importer) checkReturn(ctx context.Context, path string, r *Return) {
	switch {
	case strings.TrimSpace(r.RMA) == "":
		im.problem(path+".rma", "required")
	case im.seen.rmas[r.RMA]:
		im.problem(path+".rma", "duplicate RMA %q", r.RMA)
	}
	im.seen.rmas[r.RMA] = true
	im.checkStatus(path+".status", r.Status, returnStatuses)
	im.required(path+".reason", r.Reason)
	im.requiredTime(path+".created_at", r.CreatedAt)
	ordered, ok := im.orderQuantities(ctx, r.OrderNumber)
	if !ok {
		im.problem(path+".order_number", "unknown order %q", r.OrderNumber)
		return
	}
	if len(r.Items) == 0 {
		im.problem(path+".items", "a return needs at least one item")
	}
	im.checkReturnItems(path, r, ordered)
}

// checkReturnItems checks a return's lines against the quantities ordered.
// Lines of the same product are added together, as an order's are.
func (im *importer) checkReturnItems(path string, r *Return, ordered map[string]int) {
	returned := map[string]int{} // SKU → quantity of its valid lines so far
	for j, it := range r.Items {
		ipath := at(path+".items", j)
		q, ok := ordered[it.SKU]
		switch {
		case !ok:
			im.problem(ipath+".sku", "product %q is not in order %q", it.SKU, r.OrderNumber)
		case it.Quantity <= 0:
			im.problem(ipath+".quantity", "must be at least 1")
		case it.Quantity > q:
			im.problem(ipath+".quantity", "%d is more than the %d ordered", it.Quantity, q)
		case it.Quantity > q-returned[it.SKU]:
			im.problem(ipath+".quantity", "%d, with the %d of the lines above, is more than the %d ordered", it.Quantity, returned[it.SKU], q)
		default:
			returned[it.SKU] += it.Quantity
		}
	}
}

func (im *importer) checkReview(ctx context.Context, path string, rv *Review) {
	if !im.productKnown(ctx, rv.SKU) {
		im.problem(path+".sku", "unknown product %q", rv.SKU)
	}
	if !im.customerKnown(ctx, rv.CustomerEmail) {
		im.problem(path+".customer_email", "unknown customer %q", rv.CustomerEmail)
	}
	k := rv.SKU + "\x00" + strings.ToLower(rv.CustomerEmail)
	if im.seen.reviews[k] {
		im.problem(path, "a second review of %q by %q", rv.SKU, rv.CustomerEmail)
	}
	im.seen.reviews[k] = true
	if rv.Rating < 1 || rv.Rating > 5 {
		im.problem(path+".rating", "%d is not between 1 and 5", rv.Rating)
	}
	im.required(path+".body", rv.Body)
	im.checkLocale(path+".locale", rv.Locale)
	im.requiredTime(path+".created_at", rv.CreatedAt)
}

func (im *importer) checkArticle(path string, a *Article) {
	im.required(path+".slug", a.Slug)
	if !locales[a.Locale] {
		im.problem(path+".locale", "unknown locale %q (want one of %s)", a.Locale, keys(locales))
	}
	k := a.Slug + "\x00" + a.Locale
	if im.seen.articles[k] {
		im.problem(path, "duplicate article %q in locale %q", a.Slug, a.Locale)
	}
	im.seen.articles[k] = true
	im.required(path+".title", a.Title)
	im.required(path+".body", a.Body)
}

func (im *importer) checkCurrency(path, c string) {
	if c == "" {
		return
	}
	if len(c) != 3 || strings.ToUpper(c) != c || strings.IndexFunc(c, func(r rune) bool { return !unicode.IsUpper(r) }) >= 0 {
		im.problem(path, "invalid currency %q (want an ISO 4217 code such as USD)", c)
	}
}

func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && a.Name == ""
}

func (im *importer) productKnown(ctx context.Context, sku string) bool {
	if im.products[sku] != nil {
		return true
	}
	var id int64
	return im.tx.QueryRowContext(ctx, `SELECT id FROM products WHERE sku = ?`, sku).Scan(&id) == nil
}

// otherOrder is the number of a stored order with the same key as number
// but written differently, if there is one.
func (im *importer) otherOrder(ctx context.Context, number, key string) string {
	var other string
	if im.tx.QueryRowContext(ctx, `SELECT number FROM orders WHERE number_key = ? AND number != ?`, key, number).Scan(&other) != nil {
		return ""
	}
	return other
}

func (im *importer) customerKnown(ctx context.Context, email string) bool {
	if im.customers[strings.ToLower(email)] {
		return true
	}
	var id int64
	return im.tx.QueryRowContext(ctx, `SELECT id FROM customers WHERE email = ?`, email).Scan(&id) == nil
}

// orderQuantities returns the quantity ordered per SKU of an order in the
// file or, failing that, in the database.
func (im *importer) orderQuantities(ctx context.Context, number string) (map[string]int, bool) {
	if o := im.orders[number]; o != nil {
		q := map[string]int{}
		for _, it := range o.Items {
			q[it.SKU] += it.Quantity
		}
		return q, true
	}
	rows, err := im.tx.QueryContext(ctx, `
		SELECT p.sku, i.quantity FROM order_items i
		JOIN orders o ON o.id = i.order_id JOIN products p ON p.id = i.product_id
		WHERE o.number = ?`, number)
	if err != nil {
		return nil, false
	}
	defer rows.Close()
	q := map[string]int{}
	for rows.Next() {
		var sku string
		var n int
		if rows.Scan(&sku, &n) == nil {
			q[sku] = n
		}
	}
	return q, len(q) > 0
}
