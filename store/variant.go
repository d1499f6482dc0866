package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// VariantOptions are how a variant differs from the others of its product, by
// option name: {"colour": "Blue", "size": "M"}. Names are lower case.
type VariantOptions map[string]string

// String lists the options in name order: "colour Blue, size M".
func (o VariantOptions) String() string {
	var parts []string
	for _, k := range o.Names() {
		parts = append(parts, k+" "+o[k])
	}
	return strings.Join(parts, ", ")
}

// Values lists the option values in name order: "Blue / M".
func (o VariantOptions) Values() string {
	var parts []string
	for _, k := range o.Names() {
		parts = append(parts, o[k])
	}
	return strings.Join(parts, " / ")
}

// Names are the option names, sorted.
func (o VariantOptions) Names() []string {
	ks := make([]string, 0, len(o))
	for k := range o {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func optionsJSON(o VariantOptions) string {
	if len(o) == 0 {
		return ""
	}
	norm := VariantOptions{}
	for k, v := range o {
		norm[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
	}
	b, _ := json.Marshal(norm) // maps marshal in key order: the same options, the same text
	return string(b)
}

func parseOptions(s string) VariantOptions {
	if s == "" {
		return nil
	}
	var o VariantOptions
	json.Unmarshal([]byte(s), &o)
	return o
}

// Variant is one SKU of a product that comes in several (sizes, colours),
// with its stock.
type Variant struct {
	ProductID int64
	SKU       string
	Title     string
	TitleZH   string
	Price     Money
	Currency  string
	FinalSale bool
	Options   VariantOptions
	Stock     *int // nil: the shop does not track it
}

// InStock reports whether at least qty units can be sent: always when the
// shop does not track the variant's stock.
func (v Variant) InStock(qty int) bool { return v.Stock == nil || *v.Stock >= qty }

// Variants returns the variants of the product sku belongs to, sku's own
// first, then by SKU: just sku's when its product has no others.
func (s *Store) Variants(ctx context.Context, sku string) ([]Variant, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	rows, err := s.r.QueryContext(ctx, `
		SELECT p.id, p.sku, p.title, p.title_zh, p.price, p.currency, p.final_sale, p.options, p.stock
		FROM products p JOIN products me ON me.sku = ?
		WHERE p.id = me.id OR (me.variant_group <> '' AND p.variant_group = me.variant_group)
		ORDER BY p.id <> me.id, p.sku`, sku)
	if err != nil {
		return nil, fmt.Errorf("store: unable to fetch variants: %w", err)
	}
	defer rows.Close()
	var out []Variant
	for rows.Next() {
		var v Variant
		var opts string
		var stock sql.NullInt64
		if err := rows.Scan(&v.ProductID, &v.SKU, &v.Title, &v.TitleZH, &v.Price, &v.Currency, &v.FinalSale, &opts, &stock); err != nil {
			return nil, fmt.Errorf("store: unable to fetch variants: %w", err)
		}
		v.Options = parseOptions(opts)
		if stock.Valid {
			n := int(stock.Int64)
			v.Stock = &n
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: unable to fetch variants: %w", err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("store: product %q: %w", sku, ErrNotFound)
	}
	return out, nil
}
