package store

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// SegmentFilter selects customers by what their data says about them.
// Zero fields do not filter.
type SegmentFilter struct {
	Category     string    // bought in this category
	BoughtAfter  time.Time // last purchase on or after
	BoughtBefore time.Time // last purchase before
	PriceMin     Money     // average price per item bought, at least
	PriceMax     Money
	MinRating    float64 // average chat rating
	MaxRating    float64
	Locale       string
	Limit        int // default 200, at most 5000
	// CustomerID, if set, asks whether that one customer is in the
	// segment (a campaign's check as a shopper opens the widget): the
	// figures are computed for one row, not the whole shop.
	CustomerID int64
}

// SegmentCustomer is a customer in a segment, with the figures it was
// chosen by.
type SegmentCustomer struct {
	ID           int64      `json:"id"`
	Name         string     `json:"name"`
	Email        string     `json:"email"`
	Locale       string     `json:"locale"`
	LastPurchase *time.Time `json:"last_purchase"`
	Orders       int        `json:"orders"`
	Spent        Money      `json:"spent"`
	AvgItemPrice Money      `json:"avg_item_price"`
	Categories   []string   `json:"categories"`
	AvgRating    float64    `json:"avg_rating"`
}

const segmentSelect = `
	WITH bought AS (
		SELECT o.customer_id, o.id AS order_id, o.placed_at, i.unit_price, i.quantity, p.category
		FROM orders o JOIN order_items i ON i.order_id = o.id JOIN products p ON p.id = i.product_id
		WHERE o.status <> 'cancelled' AND o.customer_id IS NOT NULL
	)
	SELECT cu.id, cu.name, cu.email, cu.locale,
	       (SELECT max(placed_at) FROM bought b WHERE b.customer_id = cu.id),
	       (SELECT count(DISTINCT order_id) FROM bought b WHERE b.customer_id = cu.id),
	       COALESCE((SELECT sum(unit_price * quantity) FROM bought b WHERE b.customer_id = cu.id), 0),
	       COALESCE((SELECT sum(unit_price * quantity) / sum(quantity) FROM bought b WHERE b.customer_id = cu.id), 0),
	       COALESCE((SELECT group_concat(DISTINCT category) FROM bought b WHERE b.customer_id = cu.id), ''),
	       COALESCE((SELECT avg(rating) FROM conversations c WHERE c.customer_id = cu.id AND c.rating IS NOT NULL), 0)
	FROM customers cu`

// Segment lists the customers matching f, most spent first.
func (s *Store) Segment(ctx context.Context, f SegmentFilter) ([]SegmentCustomer, error) {
	if f.Limit <= 0 {
		f.Limit = 200
	}
	f.Limit = min(f.Limit, 5000)
	var conds []string
	var args []any
	if f.Category != "" {
		conds = append(conds, `cu.id IN (SELECT customer_id FROM bought WHERE category = ?)`)
		args = append(args, f.Category)
	}
	if f.Locale != "" {
		conds, args = append(conds, `cu.locale = ?`), append(args, f.Locale)
	}
	if f.CustomerID != 0 {
		conds, args = append(conds, `cu.id = ?`), append(args, f.CustomerID)
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	rows, err := s.r.QueryContext(ctx, segmentSelect+where+` ORDER BY 7 DESC, cu.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: unable to build the segment: %w", err)
	}
	defer rows.Close()
	var out []SegmentCustomer
	for rows.Next() {
		var c SegmentCustomer
		var last *int64
		var cats string
		if err := rows.Scan(&c.ID, &c.Name, &c.Email, &c.Locale, &last, &c.Orders, &c.Spent, &c.AvgItemPrice, &cats, &c.AvgRating); err != nil {
			return nil, fmt.Errorf("store: unable to build the segment: %w", err)
		}
		if last != nil {
			t := fromMS(*last)
			c.LastPurchase = &t
		}
		if cats != "" {
			c.Categories = strings.Split(cats, ",")
		}
		// The remaining filters need the computed figures.
		switch {
		case !f.BoughtAfter.IsZero() && (c.LastPurchase == nil || c.LastPurchase.Before(f.BoughtAfter)),
			!f.BoughtBefore.IsZero() && (c.LastPurchase == nil || !c.LastPurchase.Before(f.BoughtBefore)),
			f.PriceMin > 0 && c.AvgItemPrice < f.PriceMin,
			f.PriceMax > 0 && (c.AvgItemPrice > f.PriceMax || c.Orders == 0),
			f.MinRating > 0 && c.AvgRating < f.MinRating,
			f.MaxRating > 0 && (c.AvgRating == 0 || c.AvgRating > f.MaxRating):
			continue
		}
		out = append(out, c)
		if len(out) == f.Limit {
			break
		}
	}
	return out, rows.Err()
}

// SegmentCSV writes a segment as CSV for a campaign.
func SegmentCSV(w io.Writer, cs []SegmentCustomer) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"id", "name", "email", "locale", "last_purchase", "orders", "spent", "avg_item_price", "categories", "avg_rating"})
	for _, c := range cs {
		last := ""
		if c.LastPurchase != nil {
			last = c.LastPurchase.Format("2006-01-02")
		}
		cw.Write([]string{strconv.FormatInt(c.ID, 10), csvSafe(c.Name), csvSafe(c.Email), c.Locale, last, strconv.Itoa(c.Orders),
			c.Spent.String(), c.AvgItemPrice.String(), strings.Join(c.Categories, " "), strconv.FormatFloat(c.AvgRating, 'f', 1, 64)})
	}
	cw.Flush()
	return cw.Error()
}
