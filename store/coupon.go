package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// Coupon is a discount offered to a customer.
type Coupon struct {
	ID         int64
	Code       string
	CustomerID int64
	Percent    int
	Reason     string
	Evidence   json.RawMessage
	CreatedAt  time.Time
	ExpiresAt  time.Time
}

// LateDelivery is a parcel delivered after its estimate.
type LateDelivery struct {
	OrderNumber string
	EstimatedAt time.Time
	DeliveredAt time.Time
}

// LateDeliveries returns the customer's parcels delivered since since more
// than late after their estimated delivery.
func (s *Store) LateDeliveries(ctx context.Context, customerID int64, since time.Time, late time.Duration) ([]LateDelivery, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	rows, err := s.r.QueryContext(ctx, `
		SELECT o.number, sh.estimated_delivery_at, sh.delivered_at FROM shipments sh JOIN orders o ON o.id = sh.order_id
		WHERE o.customer_id = ? AND sh.delivered_at IS NOT NULL AND sh.estimated_delivery_at IS NOT NULL
		  AND sh.delivered_at > sh.estimated_delivery_at + ? AND sh.delivered_at >= ?
		ORDER BY sh.delivered_at`, customerID, late.Milliseconds(), ms(since))
	if err != nil {
		return nil, fmt.Errorf("store: unable to look for late deliveries: %w", err)
	}
	defer rows.Close()
	var out []LateDelivery
	for rows.Next() {
		var d LateDelivery
		var est, del int64
		if err := rows.Scan(&d.OrderNumber, &est, &del); err != nil {
			return nil, fmt.Errorf("store: unable to look for late deliveries: %w", err)
		}
		d.EstimatedAt, d.DeliveredAt = fromMS(est), fromMS(del)
		out = append(out, d)
	}
	return out, rows.Err()
}

// ReturnsByCustomer returns the customer's returns not rejected, started
// since since, oldest first (without their items).
func (s *Store) ReturnsByCustomer(ctx context.Context, customerID int64, since time.Time) ([]Return, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	rows, err := s.r.QueryContext(ctx, `
		SELECT o.number, r.rma, r.reason, r.status, r.created_at FROM returns r JOIN orders o ON o.id = r.order_id
		WHERE o.customer_id = ? AND r.status <> 'rejected' AND r.created_at >= ? ORDER BY r.created_at`, customerID, ms(since))
	if err != nil {
		return nil, fmt.Errorf("store: unable to fetch the customer's returns: %w", err)
	}
	defer rows.Close()
	var out []Return
	for rows.Next() {
		var r Return
		var at int64
		if err := rows.Scan(&r.OrderNumber, &r.RMA, &r.Reason, &r.Status, &at); err != nil {
			return nil, fmt.Errorf("store: unable to fetch the customer's returns: %w", err)
		}
		r.CreatedAt = fromMS(at)
		out = append(out, r)
	}
	return out, rows.Err()
}

// OrderContact is how many of a customer's conversations were shown one
// of their orders.
type OrderContact struct {
	OrderNumber   string
	Conversations int
	LastAt        time.Time
}

// OrderContacts returns, for each of the customer's orders that kefu
// showed them since since, in how many conversations (see OrdersShown).
func (s *Store) OrderContacts(ctx context.Context, customerID int64, since time.Time) ([]OrderContact, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	rows, err := s.r.QueryContext(ctx, `
		SELECT co.order_number, count(DISTINCT co.conversation_id), max(co.last_at)
		FROM conversation_orders co JOIN conversations c ON c.id = co.conversation_id
		WHERE c.customer_id = ? AND co.last_at >= ?
		GROUP BY co.order_number ORDER BY co.order_number`, customerID, ms(since))
	if err != nil {
		return nil, fmt.Errorf("store: unable to count contacts about orders: %w", err)
	}
	defer rows.Close()
	var out []OrderContact
	for rows.Next() {
		var c OrderContact
		var at int64
		if err := rows.Scan(&c.OrderNumber, &c.Conversations, &at); err != nil {
			return nil, fmt.Errorf("store: unable to count contacts about orders: %w", err)
		}
		c.LastAt = fromMS(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

const couponColumns = `id, code, customer_id, percent, reason, evidence, created_at, expires_at`

func scanCoupon(row interface{ Scan(...any) error }) (*Coupon, error) {
	var c Coupon
	var created, expires int64
	var evidence string
	if err := row.Scan(&c.ID, &c.Code, &c.CustomerID, &c.Percent, &c.Reason, &evidence, &created, &expires); err != nil {
		return nil, err
	}
	c.Evidence, c.CreatedAt, c.ExpiresAt = json.RawMessage(evidence), fromMS(created), fromMS(expires)
	return &c, nil
}

// LastCoupon returns when the customer last got a coupon.
func (s *Store) LastCoupon(ctx context.Context, customerID int64) (*Coupon, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	c, err := scanCoupon(s.r.QueryRowContext(ctx, `SELECT `+couponColumns+` FROM coupons WHERE customer_id = ? ORDER BY created_at DESC LIMIT 1`, customerID))
	if err != nil {
		return nil, notFound(err, "coupon")
	}
	return c, nil
}

// CouponsByCustomer returns a customer's coupons, newest first.
func (s *Store) CouponsByCustomer(ctx context.Context, customerID int64) ([]Coupon, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	rows, err := s.r.QueryContext(ctx, `SELECT `+couponColumns+` FROM coupons WHERE customer_id = ? ORDER BY created_at DESC`, customerID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list coupons: %w", err)
	}
	defer rows.Close()
	var out []Coupon
	for rows.Next() {
		c, err := scanCoupon(rows)
		if err != nil {
			return nil, fmt.Errorf("store: unable to list coupons: %w", err)
		}
		out = append(out, *c)
	}
	return out, rows.Err()
}

// IssueCoupon executes the pending action actionID by issuing a coupon
// with a new unique code, unless the customer got one within the last
// `every` (checked in the same transaction: ErrConflict). A second call
// for the same action returns ErrActionNotPending with the stored action.
func (s *Store) IssueCoupon(ctx context.Context, actionID string, c Coupon, every time.Duration) (*Coupon, *PendingAction, error) {
	var out *Coupon
	a, err := s.execAction(ctx, actionID, func(tx *sql.Tx, a *PendingAction) (any, error) {
		now := s.now()
		var recent int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM coupons WHERE customer_id = ? AND created_at > ?`,
			c.CustomerID, ms(now.Add(-every))).Scan(&recent); err != nil {
			return nil, err
		}
		if recent > 0 {
			return nil, ErrConflict
		}
		c.CreatedAt = now
		for attempt := 0; ; attempt++ {
			c.Code = newCouponCode()
			res, err := tx.ExecContext(ctx, `INSERT INTO coupons (code, customer_id, percent, reason, evidence, conversation_id, action_id, created_at, expires_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO NOTHING`,
				c.Code, c.CustomerID, c.Percent, c.Reason, string(c.Evidence), nullString(a.ConversationID), actionID, ms(now), ms(c.ExpiresAt))
			if err != nil {
				return nil, fmt.Errorf("store: unable to issue coupon: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 1 {
				c.ID, _ = res.LastInsertId()
				break
			}
			if attempt == 5 {
				return nil, fmt.Errorf("store: unable to allocate a coupon code")
			}
		}
		out = &c
		return map[string]any{"code": c.Code, "percent": c.Percent, "expires_at": c.ExpiresAt}, nil
	})
	if err != nil {
		return nil, a, err
	}
	return out, a, nil
}

func newCouponCode() string {
	const alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
	b := make([]byte, 10)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return "SORRY-" + string(b)
}
