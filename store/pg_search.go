package store

import (
	"context"
	"encoding/binary"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Full-text search on PostgreSQL. The index holds the same token stream as
// on SQLite (fts.go: words, and Chinese runs as character bigrams), as a
// tsvector of verbatim lexemes (migrations_pg/0001: kefu_lexemes, English
// words stemmed with the Snowball stemmer as FTS4's porter tokenizer
// stems them), matched with @@ through a GIN index. docs/scale.md has the
// measurements against pg_trgm.

// pgMessageRank is SearchMessages' ranking subquery on PostgreSQL:
// ts_rank, normalised by the message's length (1: divided by 1 + log of
// it), in place of FTS4's matchinfo and kefu_bm25. Every term is required,
// so the two rank the same messages, in nearly the same order. Its
// arguments: the match twice, then the limit.
const pgMessageRank = `SELECT docid, ts_rank(tsv, kefu_match(?), 1) AS score
	FROM messages_fts WHERE messages_fts MATCH ? ORDER BY score DESC, docid DESC LIMIT ?`

// pgTextWindow is SearchTranscripts' window of the newest conversations
// with the words: SQLite walks the index newest first with SELECT DISTINCT
// … ORDER BY docid, which PostgreSQL does not allow; num grows with each
// new conversation, so the newest are the highest nums.
const pgTextWindow = `SELECT count(*), COALESCE(json_agg(n), '[]') FROM (
	SELECT docid >> ` + seqBitsSQL + ` AS n FROM messages_fts WHERE messages_fts MATCH ?
	GROUP BY 1 ORDER BY 1 DESC LIMIT ?) t`

// searchArticlesPG ranks articles as searchArticles does on SQLite, with
// the same kefu_bm25, fed the statistics FTS4's matchinfo('pcnalx') would
// give: the candidates (the articles with any query term) are read with
// their index terms, and the counts are made here. A knowledge base is
// small enough for this (hundreds of articles, not millions).
func (s *Store) searchArticlesPG(ctx context.Context, match string, own int, locale string, limit int) ([]ArticleHit, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	phrases, err := s.pgPhrases(ctx, match)
	if err != nil || len(phrases) == 0 {
		return nil, err
	}
	const cols = 3 // title, tags, body
	var n, lenSum [cols]int64
	if err := s.r.QueryRowContext(ctx, `SELECT count(*), COALESCE(sum(title_len), 0), COALESCE(sum(tags_len), 0),
		COALESCE(sum(body_len), 0) FROM kb_fts`).Scan(&n[0], &lenSum[0], &lenSum[1], &lenSum[2]); err != nil {
		return nil, fmt.Errorf("store: unable to search articles: %w", err)
	}
	rows, err := s.r.QueryContext(ctx, `
		SELECT a.id, a.slug, a.locale, a.title, a.body, a.tags, a.updated_at, f.title, f.tags, f.body
		FROM kb_fts f JOIN kb_articles a ON a.id = f.docid
		WHERE f MATCH ?`, match)
	if err != nil {
		return nil, fmt.Errorf("store: unable to search articles: %w", err)
	}
	defer rows.Close()
	type candidate struct {
		hit ArticleHit
		tf  [][cols]uint32 // per phrase and column
		len [cols]uint32
	}
	var cands []candidate
	for rows.Next() {
		var c candidate
		var tags string
		var updated int64
		var terms [cols]string
		if err := rows.Scan(&c.hit.ID, &c.hit.Slug, &c.hit.Locale, &c.hit.Title, &c.hit.Body, &tags, &updated,
			&terms[0], &terms[1], &terms[2]); err != nil {
			return nil, fmt.Errorf("store: unable to search articles: %w", err)
		}
		c.hit.Tags = strings.Fields(tags)
		c.hit.UpdatedAt = fromMS(updated)
		c.tf = make([][cols]uint32, len(phrases))
		for j, col := range terms {
			toks := strings.Fields(col)
			c.len[j] = uint32(len(toks))
			for _, tok := range toks {
				for i, p := range phrases {
					if tok == p {
						c.tf[i][j]++
					}
				}
			}
		}
		cands = append(cands, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: unable to search articles: %w", err)
	}
	// Over every candidate, as FTS4 counts over the whole table (before
	// the locale filter): the phrase's hits in a column, and the rows with one.
	hits := make([][cols]uint32, len(phrases))
	docs := make([][cols]uint32, len(phrases))
	for _, c := range cands {
		for i := range phrases {
			for j := 0; j < cols; j++ {
				hits[i][j] += c.tf[i][j]
				if c.tf[i][j] > 0 {
					docs[i][j]++
				}
			}
		}
	}
	var out []ArticleHit
	for _, c := range cands {
		if locale != "" && c.hit.Locale != locale {
			continue
		}
		// matchinfo 'pcnalx': p, c, n, a[c], l[c], x[p][c][3].
		v := []uint32{uint32(len(phrases)), cols, uint32(n[0])}
		for j := 0; j < cols; j++ {
			avg := uint32(0)
			if n[0] > 0 {
				avg = uint32((lenSum[j] + n[0]/2) / n[0])
			}
			v = append(v, avg)
		}
		v = append(v, c.len[:]...)
		for i := range phrases {
			for j := 0; j < cols; j++ {
				v = append(v, c.tf[i][j], hits[i][j], docs[i][j])
			}
		}
		info := make([]byte, 4*len(v))
		for i, x := range v {
			binary.NativeEndian.PutUint32(info[4*i:], x)
		}
		h := c.hit
		h.Score = bm25(info, own, 2.0, 1.5, 1.0)
		out = append(out, h)
	}
	slices.SortStableFunc(out, func(a, b ArticleHit) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return int(a.ID - b.ID)
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

var reQuoted = regexp.MustCompile(`"([^"]*)"`)

// pgPhrases returns the index terms of an FTS4 expression's phrases, in
// order (each phrase is one token of ftsTokens).
func (s *Store) pgPhrases(ctx context.Context, match string) ([]string, error) {
	var raw []string
	for _, m := range reQuoted.FindAllStringSubmatch(match, -1) {
		if m[1] != "" {
			raw = append(raw, m[1])
		}
	}
	if len(raw) == 0 {
		return nil, nil
	}
	var terms string
	if err := s.r.QueryRowContext(ctx, `SELECT array_to_string(kefu_lexemes(?), ' ')`, strings.Join(raw, " ")).Scan(&terms); err != nil {
		return nil, fmt.Errorf("store: unable to search articles: %w", err)
	}
	return strings.Fields(terms), nil
}
