package store

import (
	"context"
	"sort"
	"testing"
	"time"
)

// BenchmarkPostgresTextIndexes compares, on the transcript benchmark's
// database put on PostgreSQL (KEFU_BENCH_DB=postgres://…), the two ways
// to find the conversations with some words: kefu's token stream (Chinese
// bigrams) as a tsvector with a GIN index, which the store uses, and
// pg_trgm's trigram GIN index over the messages' text (ILIKE). It reports
// each query's median time and the conversations found, and each index's
// size. docs/scale.md has the figures.
func BenchmarkPostgresTextIndexes(b *testing.B) {
	st := benchStore(b)
	if !st.pg {
		b.Skip("set KEFU_BENCH_DB to a postgres:// URL")
	}
	ctx := context.Background()
	if _, err := st.w.ExecContext(ctx, `CREATE EXTENSION IF NOT EXISTS pg_trgm`); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if _, err := st.w.ExecContext(ctx, `CREATE INDEX IF NOT EXISTS messages_text_trgm ON messages USING gin (text gin_trgm_ops)`); err != nil {
		b.Fatal(err)
	}
	b.Logf("trigram index built in %s", time.Since(start).Round(time.Millisecond))
	for _, ix := range []string{"messages_fts_tsv", "messages_text_trgm"} {
		var size string
		st.r.QueryRowContext(ctx, `SELECT pg_size_pretty(pg_relation_size(?::regclass))`, ix).Scan(&size)
		b.Logf("index %s: %s", ix, size)
	}
	for _, q := range []struct{ name, words, like string }{
		{"order_number", "KF-0004321", "%KF-0004321%"},
		{"en_phrase", "zipper broke", "%zipper broke%"},
		{"en_common", "order", "%order%"},
		{"zh", "退货运费", "%退货运费%"},
		{"zh_short", "转人工", "%转人工%"},
	} {
		for _, way := range []struct {
			name, sql string
			arg       string
		}{
			{"tsvector", `SELECT count(DISTINCT docid >> 24) FROM messages_fts WHERE messages_fts MATCH ?`, ftsLiteral(q.words)},
			{"trgm", `SELECT count(DISTINCT conversation_id) FROM messages WHERE text ILIKE ?`, q.like},
		} {
			b.Run(q.name+"/"+way.name, func(b *testing.B) {
				var lat []time.Duration
				var found int
				for i := 0; i < b.N; i++ {
					t0 := time.Now()
					if err := st.r.QueryRowContext(ctx, way.sql, way.arg).Scan(&found); err != nil {
						b.Fatal(err)
					}
					lat = append(lat, time.Since(t0))
				}
				sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "ms-median")
				b.ReportMetric(float64(found), "conversations")
			})
		}
	}
}
