package store

import (
	"context"
	"database/sql"
	"fmt"
)

// ExchangeRequest is what a confirmed start_exchange action writes.
type ExchangeRequest struct {
	OrderID int64
	Reason  string
	Items   []ExchangeLine
}

// ExchangeLine is a quantity of one order item sent back, and the variant
// sent out instead.
type ExchangeLine struct {
	OrderItemID          int64 `json:"order_item_id"`
	Quantity             int   `json:"quantity"`
	ReplacementProductID int64 `json:"replacement_product_id"`
}

// CreateExchange executes the pending action actionID by issuing an
// exchange: an RMA for the items sent back that names, per line, the
// variant sent out, whose stock it reserves. In the same transaction it
// checks that the items are still open (none returned or exchanged
// meanwhile), that each replacement is another variant of the item's
// product and that its stock covers the quantity, and returns ErrConflict
// if not. The price difference (replacements minus items) is stored with
// it; a cheaper replacement is refunded. A second call for the same
// action returns the stored action with ErrActionNotPending.
func (s *Store) CreateExchange(ctx context.Context, actionID string, req ExchangeRequest) (*Return, *PendingAction, error) {
	var ret *Return
	a, err := s.execAction(ctx, actionID, func(tx *sql.Tx, a *PendingAction) (any, error) {
		if a.OrderID != req.OrderID {
			return nil, fmt.Errorf("store: action %s is for another order", actionID)
		}
		returned, err := returnedQuantities(ctx, tx, req.OrderID)
		if err != nil {
			return nil, err
		}
		var diff Money
		for _, l := range req.Items {
			var qty int
			var price int64
			var group string
			err := tx.QueryRowContext(ctx, `
				SELECT i.quantity, i.unit_price, p.variant_group FROM order_items i JOIN products p ON p.id = i.product_id
				WHERE i.id = ? AND i.order_id = ?`, l.OrderItemID, req.OrderID).Scan(&qty, &price, &group)
			if err != nil {
				return nil, notFound(err, "order item")
			}
			if l.Quantity <= 0 || returned[l.OrderItemID]+l.Quantity > qty {
				return nil, ErrConflict
			}
			var newPrice int64
			if err := tx.QueryRowContext(ctx, `SELECT price FROM products WHERE id = ? AND variant_group = ? AND variant_group <> ''`,
				l.ReplacementProductID, group).Scan(&newPrice); err != nil {
				return nil, ErrConflict // not a variant of the item's product (or no longer)
			}
			// Reserve the stock: the row changes only if it covers the quantity.
			res, err := tx.ExecContext(ctx, `UPDATE products SET stock = stock - ? WHERE id = ? AND stock IS NOT NULL AND stock >= ?`,
				l.Quantity, l.ReplacementProductID, l.Quantity)
			if err != nil {
				return nil, fmt.Errorf("store: unable to reserve stock: %w", err)
			}
			if n, _ := res.RowsAffected(); n != 1 {
				var tracked bool
				tx.QueryRowContext(ctx, `SELECT stock IS NOT NULL FROM products WHERE id = ?`, l.ReplacementProductID).Scan(&tracked)
				if tracked {
					return nil, ErrOutOfStock
				}
			}
			diff += Money(newPrice-price) * Money(l.Quantity)
		}
		now := s.now()
		r := &Return{OrderID: req.OrderID, Reason: req.Reason, Status: ReturnOpen, Kind: ReturnKindExchange,
			PriceDifference: diff, Refund: max(0, -diff), CreatedAt: now, UpdatedAt: now}
		id, err := insertReturn(ctx, tx, r, actionID)
		if err != nil {
			return nil, err
		}
		for _, l := range req.Items {
			if _, err := tx.ExecContext(ctx, `INSERT INTO return_items (return_id, order_item_id, quantity, replacement_product_id) VALUES (?, ?, ?, ?)`,
				id, l.OrderItemID, l.Quantity, l.ReplacementProductID); err != nil {
				return nil, fmt.Errorf("store: unable to create exchange item: %w", err)
			}
		}
		ret = r
		return map[string]any{"kind": a.Kind, "rma": r.RMA, "price_difference": r.PriceDifference}, nil
	})
	if err != nil {
		return nil, a, err
	}
	return ret, a, nil
}

// ErrOutOfStock is returned when a replacement's stock no longer covers an
// exchange.
var ErrOutOfStock = fmt.Errorf("store: out of stock")

// insertReturn writes r with a new RMA number and sets its id and RMA.
func insertReturn(ctx context.Context, tx *sql.Tx, r *Return, actionID string) (int64, error) {
	kind := r.Kind
	if kind == "" {
		kind = ReturnKindReturn
	}
	for attempt := 0; ; attempt++ {
		r.RMA = newRMA()
		res, err := tx.ExecContext(ctx, `
			INSERT INTO returns (rma, order_id, reason, status, refund, action_id, created_at, updated_at, kind, price_difference)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (rma) DO NOTHING`,
			r.RMA, r.OrderID, r.Reason, r.Status, int64(r.Refund), actionID, ms(r.CreatedAt), ms(r.UpdatedAt), kind, int64(r.PriceDifference))
		if err != nil {
			return 0, fmt.Errorf("store: unable to create return: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			r.ID, _ = res.LastInsertId()
			return r.ID, nil
		}
		if attempt == 5 {
			return 0, fmt.Errorf("store: unable to allocate an RMA number")
		}
	}
}
