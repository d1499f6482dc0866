package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"
)

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

// importTimeout bounds an import whose caller set no deadline.
const importTimeout = 10 * time.Minute

// Import validates ds against itself and the database and, if it is valid,
// writes all of it in one transaction: all or nothing. Records are upserted
// by natural key, so importing the same data again changes nothing. Import
// adds and updates; it never deletes. On invalid data it returns a
// *ValidationError listing every problem.
func (s *Store) Import(ctx context.Context, ds *Dataset) (ImportReport, error) {
	// A whole shop is one transaction of a statement or two a record: on
	// PostgreSQL each is a round trip, and a shop of tens of thousands of
	// orders takes far longer than a query's default limit.
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, importTimeout)
		defer cancel()
	}
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
	seen      seen
}

func (im *importer) problem(path, format string, args ...any) {
	im.problems = append(im.problems, path+": "+fmt.Sprintf(format, args...))
}

func (im *importer) write(ctx context.Context) error {
	ds := im.ds
	for _, p := range ds.Products {
		if err := im.writeProduct(ctx, p); err != nil {
			return fmt.Errorf("product %q: %w", p.SKU, err)
		}
	}
	for _, c := range ds.Customers {
		if err := im.writeCustomer(ctx, c); err != nil {
			return fmt.Errorf("customer %q: %w", c.Email, err)
		}
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
		if err := im.writeReview(ctx, rv); err != nil {
			return fmt.Errorf("review of %q by %q: %w", rv.SKU, rv.CustomerEmail, err)
		}
	}
	for _, a := range ds.Articles {
		if err := im.writeArticle(ctx, a); err != nil {
			return fmt.Errorf("article %q (%s): %w", a.Slug, a.Locale, err)
		}
	}
	return nil
}

func (im *importer) writeProduct(ctx context.Context, p Product) error {
	_, o, err := upsert(ctx, im.tx, "products", []col{{name: "sku", val: p.SKU}}, []col{
		{name: "title", val: p.Title},
		{name: "title_zh", val: p.TitleZH},
		{name: "category", val: p.Category},
		{name: "price", val: int64(p.Price)},
		{name: "currency", val: orDefault(p.Currency, "USD")},
		{name: "tags", val: strings.Join(p.Tags, " ")},
		{name: "description", val: p.Description},
		{name: "final_sale", val: boolInt(p.FinalSale)},
		{name: "variant_group", val: strings.TrimSpace(p.Group)},
		{name: "options", val: optionsJSON(p.Options)},
		{name: "stock", val: stockValue(p.Stock)},
	})
	if err != nil {
		return err
	}
	im.rep.add("products", o)
	return nil
}

func (im *importer) writeCustomer(ctx context.Context, c Customer) error {
	created := c.CreatedAt
	_, o, err := upsert(ctx, im.tx, "customers", []col{{name: "email", val: strings.ToLower(c.Email)}}, []col{
		{name: "external_id", val: nullString(c.ExternalID)},
		{name: "name", val: c.Name},
		{name: "locale", val: orDefault(c.Locale, "en")},
		{name: "addresses", val: customerAddressesJSON(c.Addresses)},
		{name: "created_at", val: ms(orNow(created, im.now)), insertOnly: created.IsZero()},
	})
	if err != nil {
		return err
	}
	im.rep.add("customers", o)
	return nil
}

func (im *importer) writeReview(ctx context.Context, rv Review) error {
	key := []col{{name: "product_id", val: im.productID(ctx, rv.SKU)}, {name: "customer_id", val: im.customerID(ctx, rv.CustomerEmail)}}
	_, o, err := upsert(ctx, im.tx, "reviews", key, []col{
		{name: "rating", val: int64(rv.Rating)},
		{name: "title", val: rv.Title},
		{name: "body", val: rv.Body},
		{name: "locale", val: orDefault(rv.Locale, "en")},
		{name: "created_at", val: ms(rv.CreatedAt)},
	})
	if err != nil {
		return err
	}
	im.rep.add("reviews", o)
	return nil
}

func (im *importer) writeArticle(ctx context.Context, a Article) error {
	id, o, err := upsert(ctx, im.tx, "kb_articles", []col{{name: "slug", val: a.Slug}, {name: "locale", val: a.Locale}}, []col{
		{name: "title", val: a.Title},
		{name: "body", val: a.Body},
		{name: "tags", val: strings.Join(a.Tags, " ")},
		{name: "updated_at", val: ms(orNow(a.UpdatedAt, im.now)), insertOnly: a.UpdatedAt.IsZero()},
	})
	if err != nil {
		return err
	}
	if o != Unchanged {
		if err := indexArticle(ctx, im.tx, id, a); err != nil {
			return err
		}
	}
	im.rep.add("articles", o)
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
		{name: "ship_to", val: orderShipTo(o)},
		{name: "address", val: orderAddressJSON(o.Address)},
		{name: "placed_at", val: ms(o.PlacedAt)},
		{name: "paid_at", val: msPtr(o.PaidAt)},
		{name: "shipped_at", val: msPtr(o.ShippedAt)},
		{name: "delivered_at", val: msPtr(o.DeliveredAt)},
		{name: "cancelled_at", val: msPtr(o.CancelledAt)},
	})
	if err != nil {
		return err
	}
	for _, it := range mergeItems(o.Items) {
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
		sc, err := im.writeShipment(ctx, orderID, sh)
		if err != nil {
			return err
		}
		oc = merge(oc, sc)
	}
	if err := im.redeemCoupons(ctx, orderID, o); err != nil {
		return err
	}
	im.rep.add("orders", oc)
	return nil
}

// writeShipment writes a shipment of an order and its tracking events, and
// returns what became of the shipment: created, updated (itself or one of
// its events) or unchanged.
func (im *importer) writeShipment(ctx context.Context, orderID int64, sh Shipment) (Outcome, error) {
	shipID, sc, err := upsert(ctx, im.tx, "shipments", []col{{name: "tracking_number", val: sh.TrackingNumber}}, []col{
		{name: "order_id", val: orderID},
		{name: "carrier", val: sh.Carrier},
		{name: "status", val: sh.Status},
		{name: "shipped_at", val: msPtr(sh.ShippedAt)},
		{name: "estimated_delivery_at", val: msPtr(sh.EstimatedDeliveryAt)},
		{name: "delivered_at", val: msPtr(sh.DeliveredAt)},
	})
	if err != nil {
		return sc, err
	}
	for _, ev := range sh.Events {
		_, ec, err := upsert(ctx, im.tx, "tracking_events",
			[]col{{name: "shipment_id", val: shipID}, {name: "at", val: ms(ev.At)}, {name: "description", val: ev.Description}},
			[]col{{name: "location", val: ev.Location}, {name: "status", val: ev.Status}})
		if err != nil {
			return sc, err
		}
		sc = merge(sc, ec)
	}
	return sc, nil
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
	for _, it := range mergeReturnItems(r.Items) {
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
	var was, kind string
	if err := im.tx.QueryRowContext(ctx, `SELECT status, kind FROM returns WHERE rma = ?`, r.RMA).Scan(&was, &kind); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: unable to read return %s: %w", r.RMA, err)
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
	if kind == ReturnKindExchange && was == ReturnOpen && r.Status == ReturnRejected {
		if err := im.releaseReplacements(ctx, retID); err != nil {
			return err
		}
	}
	im.rep.add("returns", rc)
	return nil
}

// releaseReplacements puts back the stock an exchange reserved for its
// replacements (CreateExchange) when the shop rejects it: nothing will be
// sent out. A product whose stock this file sets is left as the file says:
// the shop's count already leaves the reservation out.
func (im *importer) releaseReplacements(ctx context.Context, returnID int64) error {
	rows, err := im.tx.QueryContext(ctx, `SELECT p.id, p.sku, ri.quantity FROM return_items ri JOIN products p ON p.id = ri.replacement_product_id
		WHERE ri.return_id = ?`, returnID)
	if err != nil {
		return fmt.Errorf("store: unable to read the exchange's replacements: %w", err)
	}
	type line struct {
		id  int64
		qty int
	}
	var lines []line
	for rows.Next() {
		var l line
		var sku string
		if err := rows.Scan(&l.id, &sku, &l.qty); err != nil {
			rows.Close()
			return err
		}
		if im.products[sku] == nil {
			lines = append(lines, l)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, l := range lines {
		if _, err := im.tx.ExecContext(ctx, `UPDATE products SET stock = stock + ? WHERE id = ? AND stock IS NOT NULL`, l.qty, l.id); err != nil {
			return fmt.Errorf("store: unable to release reserved stock: %w", err)
		}
	}
	return nil
}

// mergeItems adds together the lines of an order that name the same
// product, keeping the first line's place and price (validate has checked
// that the lines agree on the price).
func mergeItems(items []OrderItem) []OrderItem {
	return mergeLines(items, func(it OrderItem) string { return it.SKU }, func(into *OrderItem, it OrderItem) { into.Quantity += it.Quantity })
}

// mergeReturnItems adds together the lines of a return that name the same
// product.
func mergeReturnItems(items []ReturnItem) []ReturnItem {
	return mergeLines(items, func(it ReturnItem) string { return it.SKU }, func(into *ReturnItem, it ReturnItem) { into.Quantity += it.Quantity })
}

// mergeLines folds each line into the first one with the same key.
func mergeLines[T any](lines []T, key func(T) string, add func(into *T, l T)) []T {
	var out []T
	first := map[string]int{}
	for _, l := range lines {
		if k, ok := first[key(l)]; ok {
			add(&out[k], l)
			continue
		}
		first[key(l)] = len(out)
		out = append(out, l)
	}
	return out
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

// stockValue is a product's stock as its column holds it: NULL when the
// shop does not track it.
func stockValue(n *int) any {
	if n == nil {
		return nil
	}
	return int64(*n)
}

// customerAddressesJSON stores a customer's addresses trimmed.
func customerAddressesJSON(as []Address) string {
	out := make([]Address, len(as))
	for i, a := range as {
		out[i] = a.Trimmed()
	}
	return addressesJSON(out)
}

func orderAddressJSON(a *Address) string {
	if a == nil {
		return ""
	}
	t := a.Trimmed()
	return addressJSON(&t)
}

// orderShipTo is an order's "City, Country": its own, or its address's.
func orderShipTo(o Order) string {
	if o.ShipTo == "" && o.Address != nil {
		return o.Address.Trimmed().ShipTo()
	}
	return o.ShipTo
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
