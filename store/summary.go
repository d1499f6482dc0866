package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// CustomerSummary is a cached summary of a customer for staff.
type CustomerSummary struct {
	Model     string    `json:"model"`
	Text      string    `json:"text"`
	FactsHash string    `json:"-"`
	CreatedAt time.Time `json:"created_at"`
}

// CachedSummary returns the customer's cached summary.
func (s *Store) CachedSummary(ctx context.Context, customerID int64) (*CustomerSummary, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	var c CustomerSummary
	var at int64
	err := s.r.QueryRowContext(ctx, `SELECT model, text, facts_hash, created_at FROM customer_summaries WHERE customer_id = ?`, customerID).
		Scan(&c.Model, &c.Text, &c.FactsHash, &at)
	if err != nil {
		return nil, notFound(err, "customer summary")
	}
	c.CreatedAt = fromMS(at)
	return &c, nil
}

// SaveSummary caches a customer's summary, replacing the previous one.
func (s *Store) SaveSummary(ctx context.Context, customerID int64, c *CustomerSummary) error {
	c.CreatedAt = s.now()
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO customer_summaries (customer_id, model, text, facts_hash, created_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (customer_id) DO UPDATE SET model = excluded.model, text = excluded.text, facts_hash = excluded.facts_hash,
			created_at = excluded.created_at`, customerID, c.Model, c.Text, c.FactsHash, ms(c.CreatedAt))
		if err != nil {
			return fmt.Errorf("store: unable to save the summary: %w", err)
		}
		return nil
	})
}
