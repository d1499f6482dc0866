package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

const orderColumns = `o.id, o.number, COALESCE(c.email, ''), COALESCE(o.customer_id, 0), o.email, o.status,
	o.currency, o.shipping, o.ship_to, o.address, o.placed_at, o.paid_at, o.shipped_at, o.delivered_at, o.cancelled_at`

const orderFrom = ` FROM orders o LEFT JOIN customers c ON c.id = o.customer_id `

func scanOrder(row interface{ Scan(...any) error }) (*Order, error) {
	var o Order
	var placed int64
	var paid, shipped, delivered, cancelled sql.NullInt64
	var address string
	err := row.Scan(&o.ID, &o.Number, &o.CustomerEmail, &o.CustomerID, &o.Email, &o.Status,
		&o.Currency, &o.Shipping, &o.ShipTo, &address, &placed, &paid, &shipped, &delivered, &cancelled)
	if err != nil {
		return nil, err
	}
	o.Address = parseAddress(address)
	o.PlacedAt = fromMS(placed)
	o.PaidAt, o.ShippedAt, o.DeliveredAt, o.CancelledAt = fromNullMS(paid), fromNullMS(shipped), fromNullMS(delivered), fromNullMS(cancelled)
	return &o, nil
}

// OrderByNumber returns the order with the given number, with its items and
// totals, matching the number loosely: case, spaces, '#', '-' and
// full-width forms do not matter, and digits alone ("10042") find
// "KF-10042" when only one order has them.
func (s *Store) OrderByNumber(ctx context.Context, number string) (*Order, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	key := NumberKey(number)
	what := fmt.Sprintf("order %q", number)
	if key == "" {
		return nil, fmt.Errorf("store: %s: %w", what, ErrNotFound)
	}
	o, err := scanOrder(s.r.QueryRowContext(ctx, `SELECT `+orderColumns+orderFrom+`WHERE o.number_key = ?`, key))
	if errors.Is(err, sql.ErrNoRows) && key == digits(key) {
		o, err = s.orderByDigits(ctx, key)
	}
	if err != nil {
		return nil, notFound(err, what)
	}
	if err := s.fillItems(ctx, o); err != nil {
		return nil, err
	}
	return o, nil
}

func (s *Store) orderByDigits(ctx context.Context, d string) (*Order, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+orderColumns+orderFrom+`WHERE o.number_digits = ? LIMIT 2`, d)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var found []*Order
	for rows.Next() {
		o, err := scanOrder(rows)
		if err != nil {
			return nil, err
		}
		found = append(found, o)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(found) != 1 { // none, or ambiguous
		return nil, sql.ErrNoRows
	}
	return found[0], nil
}

// Order returns the order with the given id, with its items and totals.
func (s *Store) Order(ctx context.Context, id int64) (*Order, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	o, err := scanOrder(s.r.QueryRowContext(ctx, `SELECT `+orderColumns+orderFrom+`WHERE o.id = ?`, id))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("order %d", id))
	}
	if err := s.fillItems(ctx, o); err != nil {
		return nil, err
	}
	return o, nil
}

// OrdersByCustomer returns a customer's most recent orders, newest first,
// with items and totals.
func (s *Store) OrdersByCustomer(ctx context.Context, customerID int64, limit int) ([]Order, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	rows, err := s.r.QueryContext(ctx, `SELECT `+orderColumns+orderFrom+`
		WHERE o.customer_id = ? ORDER BY o.placed_at DESC, o.id DESC LIMIT ?`, customerID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list orders: %w", err)
	}
	var os []Order
	for rows.Next() {
		o, err := scanOrder(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: unable to list orders: %w", err)
		}
		os = append(os, *o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: unable to list orders: %w", err)
	}
	ptrs := make([]*Order, len(os))
	for i := range os {
		ptrs[i] = &os[i]
	}
	if err := s.fillItems(ctx, ptrs...); err != nil {
		return nil, err
	}
	return os, nil
}

// fillItems reads the items of orders, all in one query, and sets their
// totals.
func (s *Store) fillItems(ctx context.Context, orders ...*Order) error {
	if len(orders) == 0 {
		return nil
	}
	byID := make(map[int64]*Order, len(orders))
	ids := make([]int64, len(orders))
	for i, o := range orders {
		o.Items, o.Subtotal = nil, 0
		byID[o.ID], ids[i] = o, o.ID
	}
	idsJSON, _ := json.Marshal(ids)
	rows, err := s.r.QueryContext(ctx, `
		SELECT i.order_id, i.id, p.sku, i.quantity, i.unit_price, p.id, p.title, p.title_zh, p.category, p.final_sale
		FROM order_items i JOIN products p ON p.id = i.product_id
		WHERE i.order_id IN (SELECT value FROM json_each(?)) ORDER BY i.order_id, i.id`, string(idsJSON))
	if err != nil {
		return fmt.Errorf("store: unable to fetch order items: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var orderID int64
		var it OrderItem
		if err := rows.Scan(&orderID, &it.ID, &it.SKU, &it.Quantity, &it.UnitPrice, &it.ProductID, &it.Title, &it.TitleZH, &it.Category, &it.FinalSale); err != nil {
			return fmt.Errorf("store: unable to fetch order items: %w", err)
		}
		o := byID[orderID]
		o.Items = append(o.Items, it)
		o.Subtotal += it.UnitPrice * Money(it.Quantity)
	}
	for _, o := range orders {
		o.Total = o.Subtotal + o.Shipping
	}
	return rows.Err()
}

// Shipments returns an order's shipments with their tracking events, oldest
// event first.
func (s *Store) Shipments(ctx context.Context, orderID int64) ([]Shipment, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	rows, err := s.r.QueryContext(ctx, `
		SELECT id, carrier, tracking_number, status, shipped_at, estimated_delivery_at, delivered_at
		FROM shipments WHERE order_id = ? ORDER BY id`, orderID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to fetch shipments: %w", err)
	}
	var shs []Shipment
	for rows.Next() {
		var sh Shipment
		var shipped, est, delivered sql.NullInt64
		if err := rows.Scan(&sh.ID, &sh.Carrier, &sh.TrackingNumber, &sh.Status, &shipped, &est, &delivered); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: unable to fetch shipments: %w", err)
		}
		sh.ShippedAt, sh.EstimatedDeliveryAt, sh.DeliveredAt = fromNullMS(shipped), fromNullMS(est), fromNullMS(delivered)
		shs = append(shs, sh)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: unable to fetch shipments: %w", err)
	}
	for i := range shs {
		evs, err := s.trackingEvents(ctx, shs[i].ID)
		if err != nil {
			return nil, err
		}
		shs[i].Events = evs
	}
	return shs, nil
}

func (s *Store) trackingEvents(ctx context.Context, shipmentID int64) ([]TrackingEvent, error) {
	rows, err := s.r.QueryContext(ctx, `
		SELECT at, location, status, description FROM tracking_events
		WHERE shipment_id = ? ORDER BY at, id`, shipmentID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to fetch tracking events: %w", err)
	}
	defer rows.Close()
	var evs []TrackingEvent
	for rows.Next() {
		var ev TrackingEvent
		var at int64
		if err := rows.Scan(&at, &ev.Location, &ev.Status, &ev.Description); err != nil {
			return nil, fmt.Errorf("store: unable to fetch tracking events: %w", err)
		}
		ev.At = fromMS(at)
		evs = append(evs, ev)
	}
	return evs, rows.Err()
}

// PurchasedItem is a product a customer bought, for recommendations.
type PurchasedItem struct {
	ProductID int64
	SKU       string
	Category  string
	UnitPrice Money
	Quantity  int
	PlacedAt  time.Time
}

// PurchasesByCustomer returns what a customer bought in orders that were
// not cancelled, newest first.
func (s *Store) PurchasesByCustomer(ctx context.Context, customerID int64) ([]PurchasedItem, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	rows, err := s.r.QueryContext(ctx, `
		SELECT p.id, p.sku, p.category, i.unit_price, i.quantity, o.placed_at
		FROM order_items i JOIN orders o ON o.id = i.order_id JOIN products p ON p.id = i.product_id
		WHERE o.customer_id = ? AND o.status <> 'cancelled'
		ORDER BY o.placed_at DESC, i.id`, customerID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list purchases: %w", err)
	}
	defer rows.Close()
	var ps []PurchasedItem
	for rows.Next() {
		var p PurchasedItem
		var placed int64
		if err := rows.Scan(&p.ProductID, &p.SKU, &p.Category, &p.UnitPrice, &p.Quantity, &placed); err != nil {
			return nil, fmt.Errorf("store: unable to list purchases: %w", err)
		}
		p.PlacedAt = fromMS(placed)
		ps = append(ps, p)
	}
	return ps, rows.Err()
}
