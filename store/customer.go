package store

import (
	"context"
	"fmt"
)

const customerColumns = `id, COALESCE(external_id, ''), email, name, locale, created_at, addresses`

func scanCustomer(row interface{ Scan(...any) error }) (*Customer, error) {
	var c Customer
	var created int64
	var addresses string
	if err := row.Scan(&c.ID, &c.ExternalID, &c.Email, &c.Name, &c.Locale, &created, &addresses); err != nil {
		return nil, err
	}
	c.CreatedAt = fromMS(created)
	c.Addresses = parseAddresses(addresses)
	return &c, nil
}

// Customer returns the customer with the given id.
func (s *Store) Customer(ctx context.Context, id int64) (*Customer, error) {
	return s.customerWhere(ctx, `id = ?`, id, fmt.Sprintf("customer %d", id))
}

// CustomerByExternalID returns the customer with the shop's id ext, the id
// a signed widget identity carries.
func (s *Store) CustomerByExternalID(ctx context.Context, ext string) (*Customer, error) {
	return s.customerWhere(ctx, `external_id = ?`, ext, "customer "+ext)
}

// CustomerByEmail returns the customer with the given email (any case).
func (s *Store) CustomerByEmail(ctx context.Context, email string) (*Customer, error) {
	return s.customerWhere(ctx, `email = ?`, email, "customer "+email)
}

func (s *Store) customerWhere(ctx context.Context, where string, arg any, what string) (*Customer, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	c, err := scanCustomer(s.r.QueryRowContext(ctx, `SELECT `+customerColumns+` FROM customers WHERE `+where, arg))
	if err != nil {
		return nil, notFound(err, what)
	}
	return c, nil
}

// Customers returns every customer, by id.
func (s *Store) Customers(ctx context.Context) ([]Customer, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	rows, err := s.r.QueryContext(ctx, `SELECT `+customerColumns+` FROM customers ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list customers: %w", err)
	}
	defer rows.Close()
	var cs []Customer
	for rows.Next() {
		c, err := scanCustomer(rows)
		if err != nil {
			return nil, fmt.Errorf("store: unable to list customers: %w", err)
		}
		cs = append(cs, *c)
	}
	return cs, rows.Err()
}
