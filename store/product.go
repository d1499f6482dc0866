package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// ProductStats is a product with what the shop knows of its reception.
type ProductStats struct {
	Product
	Sold      int     // units in orders that were not cancelled
	Reviews   int     // number of reviews
	AvgRating float64 // 0 when unreviewed
}

// Products returns the catalog with sales and rating figures, by SKU. The
// figures may be 10 s old (see newProductCache).
func (s *Store) Products(ctx context.Context) ([]ProductStats, error) {
	return s.products.load(struct{}{}, func() ([]ProductStats, error) { return s.readProducts(ctx) })
}

func (s *Store) readProducts(ctx context.Context) ([]ProductStats, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	rows, err := s.r.QueryContext(ctx, `
		SELECT p.id, p.sku, p.title, p.title_zh, p.category, p.price, p.currency, p.tags,
		       p.description, p.final_sale, p.variant_group, p.stock,
		       COALESCE((SELECT sum(i.quantity) FROM order_items i JOIN orders o ON o.id = i.order_id
		                 WHERE i.product_id = p.id AND o.status <> 'cancelled'), 0),
		       (SELECT count(*) FROM reviews r WHERE r.product_id = p.id),
		       COALESCE((SELECT avg(r.rating) FROM reviews r WHERE r.product_id = p.id), 0)
		FROM products p ORDER BY p.sku`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list products: %w", err)
	}
	defer rows.Close()
	var ps []ProductStats
	for rows.Next() {
		var p ProductStats
		var tags string
		var stock sql.NullInt64
		if err := rows.Scan(&p.ID, &p.SKU, &p.Title, &p.TitleZH, &p.Category, &p.Price, &p.Currency, &tags,
			&p.Description, &p.FinalSale, &p.Group, &stock, &p.Sold, &p.Reviews, &p.AvgRating); err != nil {
			return nil, fmt.Errorf("store: unable to list products: %w", err)
		}
		p.Tags = strings.Fields(tags)
		if stock.Valid {
			n := int(stock.Int64)
			p.Stock = &n
		}
		ps = append(ps, p)
	}
	return ps, rows.Err()
}

// Product returns the product with the given SKU.
func (s *Store) Product(ctx context.Context, sku string) (*Product, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	var p Product
	var tags, options string
	var stock sql.NullInt64
	err := s.r.QueryRowContext(ctx, `
		SELECT id, sku, title, title_zh, category, price, currency, tags, description, final_sale, variant_group, options, stock
		FROM products WHERE sku = ?`, sku).
		Scan(&p.ID, &p.SKU, &p.Title, &p.TitleZH, &p.Category, &p.Price, &p.Currency, &tags, &p.Description, &p.FinalSale,
			&p.Group, &options, &stock)
	if err != nil {
		return nil, notFound(err, "product "+sku)
	}
	p.Tags = strings.Fields(tags)
	p.Options = parseOptions(options)
	if stock.Valid {
		n := int(stock.Int64)
		p.Stock = &n
	}
	return &p, nil
}

// ReviewsByCustomer returns a customer's reviews, newest first.
func (s *Store) ReviewsByCustomer(ctx context.Context, customerID int64) ([]Review, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	rows, err := s.r.QueryContext(ctx, `
		SELECT r.id, p.sku, c.email, r.rating, r.title, r.body, r.locale, r.created_at, r.product_id, r.customer_id
		FROM reviews r JOIN products p ON p.id = r.product_id JOIN customers c ON c.id = r.customer_id
		WHERE r.customer_id = ? ORDER BY r.created_at DESC, r.id DESC`, customerID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list reviews: %w", err)
	}
	defer rows.Close()
	var rs []Review
	for rows.Next() {
		var r Review
		var created int64
		if err := rows.Scan(&r.ID, &r.SKU, &r.CustomerEmail, &r.Rating, &r.Title, &r.Body, &r.Locale, &created, &r.ProductID, &r.CustomerID); err != nil {
			return nil, fmt.Errorf("store: unable to list reviews: %w", err)
		}
		r.CreatedAt = fromMS(created)
		rs = append(rs, r)
	}
	return rs, rows.Err()
}
