package store

import (
	"context"
	"database/sql"
	"fmt"
)

// resetTables lists every data table, children before parents, so that
// deleting in this order never trips a foreign key.
var resetTables = []string{
	"messages_fts", "kb_fts",
	"customer_summaries", "coupons", "pending_actions", "conversation_events", "conversation_tools", "conversation_orders", "messages", "conversations",
	"return_items", "returns", "reviews", "tracking_events", "shipments", "order_items", "orders",
	"products", "customers", "kb_articles",
}

// Reset deletes all shop data and conversations (staff accounts stay), in
// one transaction, so that `kefu seed --reset` starts from an empty shop.
func (s *Store) Reset(ctx context.Context) error {
	defer s.shopChanged()
	s.ix.mu.Lock()
	defer s.ix.mu.Unlock()
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for _, t := range resetTables {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+t); err != nil {
				return fmt.Errorf("store: unable to empty %s: %w", t, err)
			}
		}
		return lowerIndexWatermark(ctx, tx)
	})
}

// HasShopData reports whether the shop has any products, customers,
// orders or articles: a first start seeds the demo shop only when it has
// none.
func (s *Store) HasShopData(ctx context.Context) (bool, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT
		EXISTS (SELECT 1 FROM products) OR EXISTS (SELECT 1 FROM customers) OR
		EXISTS (SELECT 1 FROM orders) OR EXISTS (SELECT 1 FROM kb_articles)`).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: unable to check for shop data: %w", err)
	}
	return n == 1, nil
}
