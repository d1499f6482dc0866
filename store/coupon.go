package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
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

// Evidence is a fact in the data that can justify a coupon.
type Evidence struct {
	Kind        string    `json:"kind"` // late_delivery, defective_return, repeat_contact
	OrderNumber string    `json:"order_number,omitempty"`
	Detail      string    `json:"detail"`
	At          time.Time `json:"at"`
}

// CouponEvidence finds reasons in the customer's data to offer a coupon,
// as of now: a delivery that came more than a day after its estimate (in
// the last 60 days), a return of a faulty item (90 days), or the same
// order looked up in two or more conversations (14 days).
func (s *Store) CouponEvidence(ctx context.Context, customerID int64) ([]Evidence, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	now := s.now()
	var out []Evidence
	rows, err := s.r.QueryContext(ctx, `
		SELECT o.number, sh.estimated_delivery_at, sh.delivered_at FROM shipments sh JOIN orders o ON o.id = sh.order_id
		WHERE o.customer_id = ? AND sh.delivered_at IS NOT NULL AND sh.estimated_delivery_at IS NOT NULL
		  AND sh.delivered_at > sh.estimated_delivery_at + 86400000 AND sh.delivered_at >= ?`, customerID, ms(now.Add(-60*24*time.Hour)))
	if err != nil {
		return nil, fmt.Errorf("store: unable to look for late deliveries: %w", err)
	}
	for rows.Next() {
		var number string
		var est, del int64
		if err := rows.Scan(&number, &est, &del); err != nil {
			rows.Close()
			return nil, err
		}
		days := float64(del-est) / float64(24*time.Hour/time.Millisecond)
		out = append(out, Evidence{Kind: "late_delivery", OrderNumber: number, Detail: fmt.Sprintf("delivered %.0f day(s) after the estimate", days), At: fromMS(del)})
	}
	rows.Close()

	rows, err = s.r.QueryContext(ctx, `
		SELECT o.number, r.rma, r.reason, r.created_at FROM returns r JOIN orders o ON o.id = r.order_id
		WHERE o.customer_id = ? AND r.status <> 'rejected' AND r.created_at >= ?`, customerID, ms(now.Add(-90*24*time.Hour)))
	if err != nil {
		return nil, fmt.Errorf("store: unable to look for faulty returns: %w", err)
	}
	for rows.Next() {
		var number, rma, reason string
		var at int64
		if err := rows.Scan(&number, &rma, &reason, &at); err != nil {
			rows.Close()
			return nil, err
		}
		if faulty(reason) {
			out = append(out, Evidence{Kind: "defective_return", OrderNumber: number, Detail: rma + ": " + reason, At: fromMS(at)})
		}
	}
	rows.Close()

	rows, err = s.r.QueryContext(ctx, `
		SELECT json_extract(j.value, '$.arguments'), count(DISTINCT m.conversation_id), max(m.created_at)
		FROM messages m JOIN conversations c ON c.id = m.conversation_id, json_each(m.tool_calls) j
		WHERE c.customer_id = ? AND m.tool_calls IS NOT NULL AND m.created_at >= ?
		GROUP BY json_extract(json_extract(j.value, '$.arguments'), '$.order_number')
		HAVING json_extract(json_extract(j.value, '$.arguments'), '$.order_number') IS NOT NULL AND count(DISTINCT m.conversation_id) >= 2`,
		customerID, ms(now.Add(-14*24*time.Hour)))
	if err != nil {
		return nil, fmt.Errorf("store: unable to look for repeated contacts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var args string
		var n int
		var at int64
		if err := rows.Scan(&args, &n, &at); err != nil {
			return nil, err
		}
		var a struct {
			OrderNumber string `json:"order_number"`
		}
		json.Unmarshal([]byte(args), &a)
		out = append(out, Evidence{Kind: "repeat_contact", OrderNumber: a.OrderNumber,
			Detail: fmt.Sprintf("asked about in %d conversations in 14 days", n), At: fromMS(at)})
	}
	return out, rows.Err()
}

var faultyWords = []string{"defect", "broke", "broken", "faulty", "damaged", "cracked", "torn", "stopped working", "doesn't work",
	"not working", "坏", "破", "质量", "故障", "开胶", "瑕疵"}

func faulty(reason string) bool {
	r := Fold(reason)
	for _, w := range faultyWords {
		if strings.Contains(r, w) {
			return true
		}
	}
	return false
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
