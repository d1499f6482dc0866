package store

import (
	"context"
	"fmt"
	"strings"
)

// Vocabulary is what a shopper may name of this shop, read from the shop's
// own data for the built-in model: its order and return numbers (from
// which the model learns their shapes), its products and its help
// articles. Nothing in it is specific to the demo shop.
type Vocabulary struct {
	// OrderNumbers are the shop's order numbers as it prints them, the
	// most recent first; at most MaxVocabularyNumbers of them.
	OrderNumbers []string
	// RMAs are the return numbers issued so far, the most recent first;
	// at most MaxVocabularyNumbers.
	RMAs     []string
	Products []VocabularyProduct
	Articles []VocabularyArticle
}

// VocabularyProduct is a product as shoppers name it.
type VocabularyProduct struct {
	SKU, Title, TitleZH, Category string
	Tags                          []string
}

// VocabularyArticle is a help article as shoppers ask for it.
type VocabularyArticle struct {
	Slug, Locale, Title string
	Tags                []string
}

// MaxVocabularyNumbers bounds the order and return numbers a vocabulary
// holds: enough to learn their shapes and to recognise recent ones, small
// enough to read in a few milliseconds for a shop of any size.
const MaxVocabularyNumbers = 20000

// Vocabulary reads the shop's vocabulary. It is a few plain reads; callers
// keep the result and read it again when ShopVersion changes (or after a
// while, for changes made by another process).
func (s *Store) Vocabulary(ctx context.Context) (*Vocabulary, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	v := &Vocabulary{}
	var err error
	if v.OrderNumbers, err = s.column(ctx, `SELECT number FROM orders ORDER BY placed_at DESC, id DESC LIMIT ?`, MaxVocabularyNumbers); err != nil {
		return nil, fmt.Errorf("store: unable to read the shop's vocabulary: %w", err)
	}
	if v.RMAs, err = s.column(ctx, `SELECT rma FROM returns ORDER BY created_at DESC, id DESC LIMIT ?`, MaxVocabularyNumbers); err != nil {
		return nil, fmt.Errorf("store: unable to read the shop's vocabulary: %w", err)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT sku, title, title_zh, category, tags FROM products ORDER BY sku`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read the shop's vocabulary: %w", err)
	}
	for rows.Next() {
		var p VocabularyProduct
		var tags string
		if err := rows.Scan(&p.SKU, &p.Title, &p.TitleZH, &p.Category, &tags); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: unable to read the shop's vocabulary: %w", err)
		}
		p.Tags = splitTags(tags)
		v.Products = append(v.Products, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: unable to read the shop's vocabulary: %w", err)
	}
	rows, err = s.r.QueryContext(ctx, `SELECT slug, locale, title, tags FROM kb_articles ORDER BY slug, locale`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read the shop's vocabulary: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var a VocabularyArticle
		var tags string
		if err := rows.Scan(&a.Slug, &a.Locale, &a.Title, &tags); err != nil {
			return nil, fmt.Errorf("store: unable to read the shop's vocabulary: %w", err)
		}
		a.Tags = splitTags(tags)
		v.Articles = append(v.Articles, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: unable to read the shop's vocabulary: %w", err)
	}
	return v, nil
}

// splitTags reads a stored tag list. Tags are stored space-separated, so a
// tag of two words ("power bank") comes back as two.
func splitTags(s string) []string { return strings.Fields(s) }

func (s *Store) column(ctx context.Context, query string, args ...any) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// ShopVersion changes whenever an import or reset in this process changes
// the shop's data (the same moment the shop caches are cleared); it is
// cheap enough to read on every turn. A change made by another process
// does not move it.
func (s *Store) ShopVersion() uint64 { return s.products.generation() }

func (c *shopCache[K, E]) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}
