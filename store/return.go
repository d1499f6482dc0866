package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
)

// ReturnRequest is what a confirmed start_return action writes.
type ReturnRequest struct {
	OrderID int64
	Reason  string
	Items   []ReturnLine
}

// ReturnLine is a quantity of one order item.
type ReturnLine struct {
	OrderItemID int64 `json:"order_item_id"`
	Quantity    int   `json:"quantity"`
}

// CreateReturn executes the pending action actionID by issuing a return for
// req with a new RMA number. It checks, in the same transaction, that the
// quantities are still returnable (none returned meanwhile) and returns
// ErrConflict if not. A second call for the same action returns the stored
// action with ErrActionNotPending and creates nothing.
func (s *Store) CreateReturn(ctx context.Context, actionID string, req ReturnRequest) (*Return, *PendingAction, error) {
	var ret *Return
	a, err := s.execAction(ctx, actionID, func(tx *sql.Tx, a *PendingAction) (any, error) {
		if a.OrderID != req.OrderID {
			return nil, fmt.Errorf("store: action %s is for another order", actionID)
		}
		returned, err := returnedQuantities(ctx, tx, req.OrderID)
		if err != nil {
			return nil, err
		}
		var refund Money
		for _, l := range req.Items {
			var qty int
			var price int64
			err := tx.QueryRowContext(ctx, `SELECT quantity, unit_price FROM order_items WHERE id = ? AND order_id = ?`,
				l.OrderItemID, req.OrderID).Scan(&qty, &price)
			if err != nil {
				return nil, notFound(err, "order item")
			}
			if l.Quantity <= 0 || returned[l.OrderItemID]+l.Quantity > qty {
				return nil, ErrConflict
			}
			refund += Money(price) * Money(l.Quantity)
		}
		now := s.now()
		r := &Return{OrderID: req.OrderID, Reason: req.Reason, Status: ReturnOpen, Refund: refund, CreatedAt: now, UpdatedAt: now}
		var id int64
		for attempt := 0; ; attempt++ {
			r.RMA = newRMA()
			res, err := tx.ExecContext(ctx, `
				INSERT INTO returns (rma, order_id, reason, status, refund, action_id, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (rma) DO NOTHING`,
				r.RMA, r.OrderID, r.Reason, r.Status, int64(r.Refund), actionID, ms(now), ms(now))
			if err != nil {
				return nil, fmt.Errorf("store: unable to create return: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 1 {
				id, _ = res.LastInsertId()
				break
			}
			if attempt == 5 {
				return nil, fmt.Errorf("store: unable to allocate an RMA number")
			}
		}
		r.ID = id
		for _, l := range req.Items {
			if _, err := tx.ExecContext(ctx, `INSERT INTO return_items (return_id, order_item_id, quantity) VALUES (?, ?, ?)`,
				id, l.OrderItemID, l.Quantity); err != nil {
				return nil, fmt.Errorf("store: unable to create return item: %w", err)
			}
		}
		ret = r
		return map[string]any{"rma": r.RMA, "refund": r.Refund}, nil
	})
	if err != nil {
		return nil, a, err
	}
	return ret, a, nil
}

// newRMA returns a fresh RMA number such as RMA-7K3Q9XWD: random, so that
// numbers reveal nothing about volume and cannot be guessed in sequence.
func newRMA() string {
	const alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ" // no 0/O, 1/I
	b := make([]byte, 8)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return "RMA-" + string(b)
}

// ReturnedQuantities returns, per order item id, how many units of the
// orders' items are in returns that were not rejected, for all the orders
// in one query.
func (s *Store) ReturnedQuantities(ctx context.Context, orderIDs ...int64) (map[int64]int, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	return returnedQuantities(ctx, s.r, orderIDs...)
}

// querier reads: the read pool (*sql.DB) or a transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func returnedQuantities(ctx context.Context, q querier, orderIDs ...int64) (map[int64]int, error) {
	m := map[int64]int{}
	if len(orderIDs) == 0 {
		return m, nil
	}
	ids, _ := json.Marshal(orderIDs)
	rows, err := q.QueryContext(ctx, `
		SELECT ri.order_item_id, sum(ri.quantity) FROM return_items ri JOIN returns r ON r.id = ri.return_id
		WHERE r.order_id IN (SELECT value FROM json_each(?)) AND r.status <> 'rejected' GROUP BY ri.order_item_id`, string(ids))
	if err != nil {
		return nil, fmt.Errorf("store: unable to count returned items: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("store: unable to count returned items: %w", err)
		}
		m[id] = n
	}
	return m, rows.Err()
}

// ReturnByRMA returns the return with the given RMA number (any case).
func (s *Store) ReturnByRMA(ctx context.Context, rma string) (*Return, error) {
	rs, err := s.returnsWhere(ctx, `r.rma = ?`, strings.ToUpper(strings.TrimSpace(rma)))
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, fmt.Errorf("store: return %q: %w", rma, ErrNotFound)
	}
	return &rs[0], nil
}

// ReturnsByOrder returns an order's returns, oldest first.
func (s *Store) ReturnsByOrder(ctx context.Context, orderID int64) ([]Return, error) {
	return s.returnsWhere(ctx, `r.order_id = ?`, orderID)
}

func (s *Store) returnsWhere(ctx context.Context, where string, arg any) ([]Return, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	rows, err := s.r.QueryContext(ctx, `
		SELECT r.id, r.rma, o.number, r.order_id, r.reason, r.status, r.refund, r.created_at, r.updated_at,
		       r.kind, r.price_difference
		FROM returns r JOIN orders o ON o.id = r.order_id
		WHERE `+where+` ORDER BY r.created_at, r.id`, arg)
	if err != nil {
		return nil, fmt.Errorf("store: unable to fetch returns: %w", err)
	}
	var rs []Return
	for rows.Next() {
		var r Return
		var created, updated int64
		if err := rows.Scan(&r.ID, &r.RMA, &r.OrderNumber, &r.OrderID, &r.Reason, &r.Status, &r.Refund, &created, &updated,
			&r.Kind, &r.PriceDifference); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: unable to fetch returns: %w", err)
		}
		r.CreatedAt, r.UpdatedAt = fromMS(created), fromMS(updated)
		rs = append(rs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: unable to fetch returns: %w", err)
	}
	for i := range rs {
		items, err := s.returnItems(ctx, rs[i].ID)
		if err != nil {
			return nil, err
		}
		rs[i].Items = items
	}
	return rs, nil
}

func (s *Store) returnItems(ctx context.Context, returnID int64) ([]ReturnItem, error) {
	rows, err := s.r.QueryContext(ctx, `
		SELECT p.sku, ri.quantity, ri.order_item_id, p.title, p.title_zh,
		       COALESCE(x.sku, ''), COALESCE(x.title, ''), COALESCE(x.title_zh, ''), COALESCE(x.options, '')
		FROM return_items ri JOIN order_items i ON i.id = ri.order_item_id JOIN products p ON p.id = i.product_id
		LEFT JOIN products x ON x.id = ri.replacement_product_id
		WHERE ri.return_id = ? ORDER BY ri.order_item_id`, returnID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to fetch return items: %w", err)
	}
	defer rows.Close()
	var items []ReturnItem
	for rows.Next() {
		var it ReturnItem
		var options string
		if err := rows.Scan(&it.SKU, &it.Quantity, &it.OrderItemID, &it.Title, &it.TitleZH,
			&it.Replacement, &it.ReplacementTitle, &it.ReplacementTitleZH, &options); err != nil {
			return nil, fmt.Errorf("store: unable to fetch return items: %w", err)
		}
		it.ReplacementOptions = parseOptions(options)
		items = append(items, it)
	}
	return items, rows.Err()
}

// CancelOrder executes the pending action actionID by cancelling its order,
// provided, in the same transaction, that the order has not shipped; if it
// has, it returns ErrConflict. A second call for the same action returns
// the stored action with ErrActionNotPending.
func (s *Store) CancelOrder(ctx context.Context, actionID string, reason string) (*PendingAction, error) {
	return s.execAction(ctx, actionID, func(tx *sql.Tx, a *PendingAction) (any, error) {
		now := s.now()
		res, err := tx.ExecContext(ctx, `UPDATE orders SET status = 'cancelled', cancelled_at = ?
			WHERE id = ? AND status IN ('pending_payment', 'paid')`, ms(now), a.OrderID)
		if err != nil {
			return nil, fmt.Errorf("store: unable to cancel order: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return nil, ErrConflict
		}
		return map[string]any{"cancelled_at": now, "reason": reason}, nil
	})
}
