package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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

// ImportReport counts what an import did, per kind of record.
type ImportReport struct {
	Counts map[string]*ImportCount // keyed by "products", "orders", ...
}

// ImportCount is the outcome of one kind of record.
type ImportCount struct{ Created, Updated, Unchanged int }

func (r *ImportReport) add(kind string, o Outcome) {
	if r.Counts == nil {
		r.Counts = map[string]*ImportCount{}
	}
	c := r.Counts[kind]
	if c == nil {
		c = &ImportCount{}
		r.Counts[kind] = c
	}
	switch o {
	case Created:
		c.Created++
	case Updated:
		c.Updated++
	default:
		c.Unchanged++
	}
}

// String formats the report one kind per line.
func (r ImportReport) String() string {
	kinds := make([]string, 0, len(r.Counts))
	for k := range r.Counts {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	var b strings.Builder
	for _, k := range kinds {
		c := r.Counts[k]
		fmt.Fprintf(&b, "%-16s %4d created %4d updated %4d unchanged\n", k, c.Created, c.Updated, c.Unchanged)
	}
	return b.String()
}

// Import validates ds against itself and the database and, if it is valid,
// writes all of it in one transaction: all or nothing. Records are upserted
// by natural key, so importing the same data again changes nothing. Import
// adds and updates; it never deletes. On invalid data it returns a
// *ValidationError listing every problem.
func (s *Store) Import(ctx context.Context, ds *Dataset) (ImportReport, error) {
	var rep ImportReport
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		im := &importer{tx: tx, ds: ds, now: s.now().UTC(), rep: &rep}
		if err := im.validate(ctx); err != nil {
			return err
		}
		return im.write(ctx)
	})
	if err != nil {
		return ImportReport{}, err
	}
	s.shopChanged()
	return rep, nil
}

type importer struct {
	tx  *sql.Tx
	ds  *Dataset
	now time.Time
	rep *ImportReport

	problems []string

	// What the file defines, by natural key, for reference checks.
	products  map[string]*Product
	customers map[string]bool   // lower-case email
	orders    map[string]*Order // number
}

func (im *importer) problem(path, format string, args ...any) {
	im.problems = append(im.problems, path+": "+fmt.Sprintf(format, args...))
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

func (im *importer) validate(ctx context.Context) error {
	ds := im.ds
	im.products = map[string]*Product{}
	im.customers = map[string]bool{}
	im.orders = map[string]*Order{}

	for i := range ds.Products {
		p := &ds.Products[i]
		path := fmt.Sprintf("products[%d]", i)
		switch {
		case strings.TrimSpace(p.SKU) == "":
			im.problem(path+".sku", "required")
		case im.products[p.SKU] != nil:
			im.problem(path+".sku", "duplicate SKU %q", p.SKU)
		default:
			im.products[p.SKU] = p
		}
		if strings.TrimSpace(p.Title) == "" {
			im.problem(path+".title", "required")
		}
		if strings.TrimSpace(p.Category) == "" {
			im.problem(path+".category", "required")
		}
		if p.Price < 0 {
			im.problem(path+".price", "must not be negative")
		}
		im.checkCurrency(path+".currency", p.Currency)
	}

	externalIDs := map[string]bool{}
	for i, c := range ds.Customers {
		path := fmt.Sprintf("customers[%d]", i)
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
			var other string
			switch {
			case externalIDs[c.ExternalID]:
				im.problem(path+".external_id", "duplicate external id %q", c.ExternalID)
			case im.tx.QueryRowContext(ctx, `SELECT email FROM customers WHERE external_id = ? AND email != ?`, c.ExternalID, email).Scan(&other) == nil:
				im.problem(path+".external_id", "external id %q belongs to the shop's existing customer %q", c.ExternalID, other)
			}
			externalIDs[c.ExternalID] = true
		}
		if strings.TrimSpace(c.Name) == "" {
			im.problem(path+".name", "required")
		}
		if c.Locale != "" && !locales[c.Locale] {
			im.problem(path+".locale", "unknown locale %q (want one of %s)", c.Locale, keys(locales))
		}
	}

	numberKeys := map[string]string{}
	tracking := map[string]bool{}
	for i := range ds.Orders {
		o := &ds.Orders[i]
		path := fmt.Sprintf("orders[%d]", i)
		key := NumberKey(o.Number)
		switch {
		case key == "":
			im.problem(path+".number", "required")
		case numberKeys[key] != "":
			im.problem(path+".number", "duplicate order number %q (same as %q)", o.Number, numberKeys[key])
		case im.otherOrder(ctx, o.Number, key) != "":
			// Order numbers are looked up without case and punctuation:
			// "kf 10031" and "KF-10031" are the same order.
			im.problem(path+".number", "order number %q is the same as the shop's existing order %q", o.Number, im.otherOrder(ctx, o.Number, key))
		default:
			numberKeys[key] = o.Number
			im.orders[o.Number] = o
		}
		if o.CustomerEmail != "" && !im.customerKnown(ctx, o.CustomerEmail) {
			im.problem(path+".customer_email", "unknown customer %q", o.CustomerEmail)
		}
		if o.CustomerEmail == "" && o.Email == "" {
			im.problem(path+".email", "required for a guest order (no customer_email)")
		}
		if o.Email != "" && !validEmail(o.Email) {
			im.problem(path+".email", "invalid email address %q", o.Email)
		}
		if !orderStatuses[o.Status] {
			im.problem(path+".status", "unknown status %q (want one of %s)", o.Status, keys(orderStatuses))
		}
		if o.PlacedAt.IsZero() {
			im.problem(path+".placed_at", "required")
		}
		need := map[string]*time.Time{}
		switch o.Status {
		case OrderPaid:
			need["paid_at"] = o.PaidAt
		case OrderShipped:
			need["paid_at"], need["shipped_at"] = o.PaidAt, o.ShippedAt
		case OrderDelivered:
			need["paid_at"], need["shipped_at"], need["delivered_at"] = o.PaidAt, o.ShippedAt, o.DeliveredAt
		case OrderCancelled:
			need["cancelled_at"] = o.CancelledAt
		}
		for name, t := range need {
			if t == nil || t.IsZero() {
				im.problem(path+"."+name, "required for status %q", o.Status)
			}
		}
		im.checkCurrency(path+".currency", o.Currency)
		if o.Shipping < 0 {
			im.problem(path+".shipping", "must not be negative")
		}
		if len(o.Items) == 0 {
			im.problem(path+".items", "an order needs at least one item")
		}
		skus := map[string]bool{}
		total := float64(o.Shipping) // an estimate, to refuse totals int64 cents cannot hold
		for j, it := range o.Items {
			ipath := fmt.Sprintf("%s.items[%d]", path, j)
			if !im.productKnown(ctx, it.SKU) {
				im.problem(ipath+".sku", "unknown product %q", it.SKU)
			}
			if skus[it.SKU] {
				im.problem(ipath+".sku", "product %q listed twice; use quantity", it.SKU)
			}
			skus[it.SKU] = true
			if it.Quantity <= 0 {
				im.problem(ipath+".quantity", "must be at least 1")
			}
			if it.UnitPrice < 0 {
				im.problem(ipath+".unit_price", "must not be negative")
			}
			price := it.UnitPrice
			if price == 0 {
				if p := im.products[it.SKU]; p != nil {
					price = p.Price
				} else {
					price = im.productPrice(ctx, it.SKU)
				}
			}
			total += float64(price) * float64(it.Quantity)
		}
		if total > maxOrderTotal {
			im.problem(path+".items", "the order's total is over %s", Money(maxOrderTotal))
		}
		for j, sh := range o.Shipments {
			spath := fmt.Sprintf("%s.shipments[%d]", path, j)
			if strings.TrimSpace(sh.Carrier) == "" {
				im.problem(spath+".carrier", "required")
			}
			switch {
			case strings.TrimSpace(sh.TrackingNumber) == "":
				im.problem(spath+".tracking_number", "required")
			case tracking[sh.TrackingNumber]:
				im.problem(spath+".tracking_number", "duplicate tracking number %q", sh.TrackingNumber)
			}
			tracking[sh.TrackingNumber] = true
			if !shipmentStatuses[sh.Status] {
				im.problem(spath+".status", "unknown status %q (want one of %s)", sh.Status, keys(shipmentStatuses))
			}
			for k, ev := range sh.Events {
				epath := fmt.Sprintf("%s.events[%d]", spath, k)
				if ev.At.IsZero() {
					im.problem(epath+".at", "required")
				}
				if strings.TrimSpace(ev.Description) == "" {
					im.problem(epath+".description", "required")
				}
			}
		}
	}

	rmas := map[string]bool{}
	for i, r := range ds.Returns {
		path := fmt.Sprintf("returns[%d]", i)
		switch {
		case strings.TrimSpace(r.RMA) == "":
			im.problem(path+".rma", "required")
		case rmas[r.RMA]:
			im.problem(path+".rma", "duplicate RMA %q", r.RMA)
		}
		rmas[r.RMA] = true
		if !returnStatuses[r.Status] {
			im.problem(path+".status", "unknown status %q (want one of %s)", r.Status, keys(returnStatuses))
		}
		if strings.TrimSpace(r.Reason) == "" {
			im.problem(path+".reason", "required")
		}
		if r.CreatedAt.IsZero() {
			im.problem(path+".created_at", "required")
		}
		ordered, ok := im.orderQuantities(ctx, r.OrderNumber)
		if !ok {
			im.problem(path+".order_number", "unknown order %q", r.OrderNumber)
			continue
		}
		if len(r.Items) == 0 {
			im.problem(path+".items", "a return needs at least one item")
		}
		for j, it := range r.Items {
			ipath := fmt.Sprintf("%s.items[%d]", path, j)
			q, ok := ordered[it.SKU]
			switch {
			case !ok:
				im.problem(ipath+".sku", "product %q is not in order %q", it.SKU, r.OrderNumber)
			case it.Quantity <= 0:
				im.problem(ipath+".quantity", "must be at least 1")
			case it.Quantity > q:
				im.problem(ipath+".quantity", "%d is more than the %d ordered", it.Quantity, q)
			}
		}
	}

	reviewed := map[string]bool{}
	for i, rv := range ds.Reviews {
		path := fmt.Sprintf("reviews[%d]", i)
		if !im.productKnown(ctx, rv.SKU) {
			im.problem(path+".sku", "unknown product %q", rv.SKU)
		}
		if !im.customerKnown(ctx, rv.CustomerEmail) {
			im.problem(path+".customer_email", "unknown customer %q", rv.CustomerEmail)
		}
		k := rv.SKU + "\x00" + strings.ToLower(rv.CustomerEmail)
		if reviewed[k] {
			im.problem(path, "a second review of %q by %q", rv.SKU, rv.CustomerEmail)
		}
		reviewed[k] = true
		if rv.Rating < 1 || rv.Rating > 5 {
			im.problem(path+".rating", "%d is not between 1 and 5", rv.Rating)
		}
		if strings.TrimSpace(rv.Body) == "" {
			im.problem(path+".body", "required")
		}
		if rv.Locale != "" && !locales[rv.Locale] {
			im.problem(path+".locale", "unknown locale %q (want one of %s)", rv.Locale, keys(locales))
		}
		if rv.CreatedAt.IsZero() {
			im.problem(path+".created_at", "required")
		}
	}

	articles := map[string]bool{}
	for i, a := range ds.Articles {
		path := fmt.Sprintf("articles[%d]", i)
		if strings.TrimSpace(a.Slug) == "" {
			im.problem(path+".slug", "required")
		}
		if !locales[a.Locale] {
			im.problem(path+".locale", "unknown locale %q (want one of %s)", a.Locale, keys(locales))
		}
		if articles[a.Slug+"\x00"+a.Locale] {
			im.problem(path, "duplicate article %q in locale %q", a.Slug, a.Locale)
		}
		articles[a.Slug+"\x00"+a.Locale] = true
		if strings.TrimSpace(a.Title) == "" {
			im.problem(path+".title", "required")
		}
		if strings.TrimSpace(a.Body) == "" {
			im.problem(path+".body", "required")
		}
	}

	if len(im.problems) > 0 {
		return &ValidationError{Problems: im.problems}
	}
	return nil
}

// maxOrderTotal bounds an order's total, in minor units (as ParseMoney
// bounds one amount), so that sums of its lines never overflow.
const maxOrderTotal = 1e14

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

func (im *importer) write(ctx context.Context) error {
	ds := im.ds
	for _, p := range ds.Products {
		_, o, err := upsert(ctx, im.tx, "products", []col{{name: "sku", val: p.SKU}}, []col{
			{name: "title", val: p.Title},
			{name: "title_zh", val: p.TitleZH},
			{name: "category", val: p.Category},
			{name: "price", val: int64(p.Price)},
			{name: "currency", val: orDefault(p.Currency, "USD")},
			{name: "tags", val: strings.Join(p.Tags, " ")},
			{name: "description", val: p.Description},
			{name: "final_sale", val: boolInt(p.FinalSale)},
		})
		if err != nil {
			return fmt.Errorf("product %q: %w", p.SKU, err)
		}
		im.rep.add("products", o)
	}
	for _, c := range ds.Customers {
		created := c.CreatedAt
		_, o, err := upsert(ctx, im.tx, "customers", []col{{name: "email", val: strings.ToLower(c.Email)}}, []col{
			{name: "external_id", val: nullString(c.ExternalID)},
			{name: "name", val: c.Name},
			{name: "locale", val: orDefault(c.Locale, "en")},
			{name: "created_at", val: ms(orNow(created, im.now)), insertOnly: created.IsZero()},
		})
		if err != nil {
			return fmt.Errorf("customer %q: %w", c.Email, err)
		}
		im.rep.add("customers", o)
	}
	for _, o := range ds.Orders {
		if err := im.writeOrder(ctx, o); err != nil {
			return fmt.Errorf("order %q: %w", o.Number, err)
		}
	}
	for _, r := range ds.Returns {
		if err := im.writeReturn(ctx, r); err != nil {
			return fmt.Errorf("return %q: %w", r.RMA, err)
		}
	}
	for _, rv := range ds.Reviews {
		key := []col{{name: "product_id", val: im.productID(ctx, rv.SKU)}, {name: "customer_id", val: im.customerID(ctx, rv.CustomerEmail)}}
		_, o, err := upsert(ctx, im.tx, "reviews", key, []col{
			{name: "rating", val: int64(rv.Rating)},
			{name: "title", val: rv.Title},
			{name: "body", val: rv.Body},
			{name: "locale", val: orDefault(rv.Locale, "en")},
			{name: "created_at", val: ms(rv.CreatedAt)},
		})
		if err != nil {
			return fmt.Errorf("review of %q by %q: %w", rv.SKU, rv.CustomerEmail, err)
		}
		im.rep.add("reviews", o)
	}
	for _, a := range ds.Articles {
		id, o, err := upsert(ctx, im.tx, "kb_articles", []col{{name: "slug", val: a.Slug}, {name: "locale", val: a.Locale}}, []col{
			{name: "title", val: a.Title},
			{name: "body", val: a.Body},
			{name: "tags", val: strings.Join(a.Tags, " ")},
			{name: "updated_at", val: ms(orNow(a.UpdatedAt, im.now)), insertOnly: a.UpdatedAt.IsZero()},
		})
		if err != nil {
			return fmt.Errorf("article %q (%s): %w", a.Slug, a.Locale, err)
		}
		if o != Unchanged {
			if err := indexArticle(ctx, im.tx, id, a); err != nil {
				return err
			}
		}
		im.rep.add("articles", o)
	}
	return nil
}

func (im *importer) writeOrder(ctx context.Context, o Order) error {
	email := o.Email
	if email == "" {
		email = o.CustomerEmail
	}
	var customer any
	if o.CustomerEmail != "" {
		customer = im.customerID(ctx, o.CustomerEmail)
	}
	orderID, oc, err := upsert(ctx, im.tx, "orders", []col{{name: "number", val: o.Number}}, []col{
		{name: "number_key", val: NumberKey(o.Number)},
		{name: "number_digits", val: digits(o.Number)},
		{name: "customer_id", val: customer},
		{name: "email", val: strings.ToLower(email)},
		{name: "status", val: o.Status},
		{name: "currency", val: orDefault(o.Currency, "USD")},
		{name: "shipping", val: int64(o.Shipping)},
		{name: "ship_to", val: o.ShipTo},
		{name: "placed_at", val: ms(o.PlacedAt)},
		{name: "paid_at", val: msPtr(o.PaidAt)},
		{name: "shipped_at", val: msPtr(o.ShippedAt)},
		{name: "delivered_at", val: msPtr(o.DeliveredAt)},
		{name: "cancelled_at", val: msPtr(o.CancelledAt)},
	})
	if err != nil {
		return err
	}
	for _, it := range o.Items {
		pid := im.productID(ctx, it.SKU)
		price := it.UnitPrice
		if price == 0 {
			price = im.productPrice(ctx, it.SKU)
		}
		_, ic, err := upsert(ctx, im.tx, "order_items", []col{{name: "order_id", val: orderID}, {name: "product_id", val: pid}}, []col{
			{name: "quantity", val: int64(it.Quantity)},
			{name: "unit_price", val: int64(price)},
		})
		if err != nil {
			return err
		}
		oc = merge(oc, ic)
	}
	for _, sh := range o.Shipments {
		shipID, sc, err := upsert(ctx, im.tx, "shipments", []col{{name: "tracking_number", val: sh.TrackingNumber}}, []col{
			{name: "order_id", val: orderID},
			{name: "carrier", val: sh.Carrier},
			{name: "status", val: sh.Status},
			{name: "shipped_at", val: msPtr(sh.ShippedAt)},
			{name: "estimated_delivery_at", val: msPtr(sh.EstimatedDeliveryAt)},
			{name: "delivered_at", val: msPtr(sh.DeliveredAt)},
		})
		if err != nil {
			return err
		}
		oc = merge(oc, sc)
		for _, ev := range sh.Events {
			_, ec, err := upsert(ctx, im.tx, "tracking_events",
				[]col{{name: "shipment_id", val: shipID}, {name: "at", val: ms(ev.At)}, {name: "description", val: ev.Description}},
				[]col{{name: "location", val: ev.Location}, {name: "status", val: ev.Status}})
			if err != nil {
				return err
			}
			oc = merge(oc, ec)
		}
	}
	im.rep.add("orders", oc)
	return nil
}

func (im *importer) writeReturn(ctx context.Context, r Return) error {
	var orderID int64
	if err := im.tx.QueryRowContext(ctx, `SELECT id FROM orders WHERE number = ?`, r.OrderNumber).Scan(&orderID); err != nil {
		return notFound(err, "order "+r.OrderNumber)
	}
	type line struct {
		itemID int64
		qty    int
	}
	var lines []line
	var refund Money
	for _, it := range r.Items {
		var itemID, price int64
		err := im.tx.QueryRowContext(ctx, `
			SELECT i.id, i.unit_price FROM order_items i JOIN products p ON p.id = i.product_id
			WHERE i.order_id = ? AND p.sku = ?`, orderID, it.SKU).Scan(&itemID, &price)
		if err != nil {
			return notFound(err, "order item "+it.SKU)
		}
		lines = append(lines, line{itemID, it.Quantity})
		refund += Money(price) * Money(it.Quantity)
	}
	if r.Refund != 0 {
		refund = r.Refund
	}
	updated := r.UpdatedAt
	if updated.IsZero() {
		updated = r.CreatedAt
	}
	retID, rc, err := upsert(ctx, im.tx, "returns", []col{{name: "rma", val: r.RMA}}, []col{
		{name: "order_id", val: orderID},
		{name: "reason", val: r.Reason},
		{name: "status", val: r.Status},
		{name: "refund", val: int64(refund)},
		{name: "created_at", val: ms(r.CreatedAt)},
		{name: "updated_at", val: ms(updated)},
	})
	if err != nil {
		return err
	}
	for _, l := range lines {
		// return_items has no id column; its key is the whole row but quantity.
		var have int64
		err := im.tx.QueryRowContext(ctx, `SELECT quantity FROM return_items WHERE return_id = ? AND order_item_id = ?`, retID, l.itemID).Scan(&have)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			_, err = im.tx.ExecContext(ctx, `INSERT INTO return_items (return_id, order_item_id, quantity) VALUES (?, ?, ?)`, retID, l.itemID, l.qty)
			rc = merge(rc, Updated)
		case err == nil && have != int64(l.qty):
			_, err = im.tx.ExecContext(ctx, `UPDATE return_items SET quantity = ? WHERE return_id = ? AND order_item_id = ?`, l.qty, retID, l.itemID)
			rc = merge(rc, Updated)
		}
		if err != nil {
			return fmt.Errorf("store: unable to write return item: %w", err)
		}
	}
	im.rep.add("returns", rc)
	return nil
}

// merge combines the outcome of a record with that of one of its parts: a
// new record stays created; an unchanged one with a changed part is updated.
func merge(whole, part Outcome) Outcome {
	if whole == Unchanged && part != Unchanged {
		return Updated
	}
	return whole
}

func (im *importer) productID(ctx context.Context, sku string) int64 {
	var id int64
	im.tx.QueryRowContext(ctx, `SELECT id FROM products WHERE sku = ?`, sku).Scan(&id)
	return id
}

func (im *importer) productPrice(ctx context.Context, sku string) Money {
	var p int64
	im.tx.QueryRowContext(ctx, `SELECT price FROM products WHERE sku = ?`, sku).Scan(&p)
	return Money(p)
}

func (im *importer) customerID(ctx context.Context, email string) int64 {
	var id int64
	im.tx.QueryRowContext(ctx, `SELECT id FROM customers WHERE email = ?`, email).Scan(&id)
	return id
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func orNow(t, now time.Time) time.Time {
	if t.IsZero() {
		return now
	}
	return t
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// NumberKey is the form order numbers are matched in: upper-case letters
// and digits only, so "kf 10042", "#KF-10042" and "ＫＦ－１００４２" agree.
func NumberKey(s string) string {
	var b strings.Builder
	for _, r := range Fold(s) {
		switch {
		case r >= '0' && r <= '9', r >= 'a' && r <= 'z':
			b.WriteRune(unicode.ToUpper(r))
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r)
		}
	}
	return b.String()
}

func digits(s string) string {
	var b strings.Builder
	for _, r := range Fold(s) {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
