package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Column weights for ranking articles: a query term in the title counts
// more than one in the tags, which counts more than one in the body.
const articleRank = `kefu_bm25(matchinfo(kb_fts, 'pcnalx'), ?, 2.0, 1.5, 1.0)`

// ArticleHit is an article found by a search, with its relevance score and
// the paragraph that best matches the query.
type ArticleHit struct {
	Article
	Score   float64
	Excerpt string
}

// indexArticle (re)writes the search index entry of article id.
func indexArticle(ctx context.Context, tx *sql.Tx, id int64, a Article) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM kb_fts WHERE docid = ?`, id); err != nil {
		return fmt.Errorf("store: unable to index article %q: %w", a.Slug, err)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO kb_fts (docid, title, tags, body) VALUES (?, ?, ?, ?)`,
		id, ftsText(a.Title), ftsText(strings.Join(a.Tags, " ")), ftsText(a.Body))
	if err != nil {
		return fmt.Errorf("store: unable to index article %q: %w", a.Slug, err)
	}
	return nil
}

// SearchArticles returns up to limit knowledge-base articles that best match
// a shopper's free-text query, most relevant first. With a locale it keeps to
// articles in that locale, unless none match there. A query with no
// searchable words returns no hits and no error.
func (s *Store) SearchArticles(ctx context.Context, query, locale string, limit int) ([]ArticleHit, error) {
	match, own := ftsQuery(query)
	if match == "" {
		return nil, nil
	}
	if limit <= 0 {
		limit = 3
	}
	return s.kb.load(articleKey{query, locale, limit}, func() ([]ArticleHit, error) {
		hits, err := s.searchArticles(ctx, match, own, locale, limit)
		if err == nil && len(hits) == 0 && locale != "" {
			hits, err = s.searchArticles(ctx, match, own, "", limit)
		}
		if err != nil {
			return nil, err
		}
		for i := range hits {
			hits[i].Excerpt = excerpt(hits[i].Body, query, 280)
		}
		return hits, nil
	})
}

func (s *Store) searchArticles(ctx context.Context, match string, own int, locale string, limit int) ([]ArticleHit, error) {
	if s.pg {
		return s.searchArticlesPG(ctx, match, own, locale, limit)
	}
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	rows, err := s.r.QueryContext(ctx, `
		SELECT a.id, a.slug, a.locale, a.title, a.body, a.tags, a.updated_at, `+articleRank+` AS score
		FROM kb_fts JOIN kb_articles a ON a.id = kb_fts.docid
		WHERE kb_fts MATCH ? AND (? = '' OR a.locale = ?)
		ORDER BY score DESC, a.id
		LIMIT ?`, own, match, locale, locale, limit)
	if err != nil {
		return nil, fmt.Errorf("store: unable to search articles: %w", err)
	}
	defer rows.Close()
	var hits []ArticleHit
	for rows.Next() {
		var h ArticleHit
		var tags string
		var updated int64
		if err := rows.Scan(&h.ID, &h.Slug, &h.Locale, &h.Title, &h.Body, &tags, &updated, &h.Score); err != nil {
			return nil, fmt.Errorf("store: unable to search articles: %w", err)
		}
		h.Tags = strings.Fields(tags)
		h.UpdatedAt = fromMS(updated)
		hits = append(hits, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: unable to search articles: %w", err)
	}
	return hits, nil
}

// Article returns the article with the given slug and locale.
func (s *Store) Article(ctx context.Context, slug, locale string) (*Article, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	var a Article
	var tags string
	var updated int64
	err := s.r.QueryRowContext(ctx, `
		SELECT id, slug, locale, title, body, tags, updated_at FROM kb_articles
		WHERE slug = ? AND locale = ?`, slug, locale).
		Scan(&a.ID, &a.Slug, &a.Locale, &a.Title, &a.Body, &tags, &updated)
	if err != nil {
		return nil, notFound(err, "article "+slug)
	}
	a.Tags = strings.Fields(tags)
	a.UpdatedAt = fromMS(updated)
	return &a, nil
}
