package store

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"
)

// The transcript benchmark runs on a generated database of 100,000
// conversations and 1,000,000 messages (KEFU_BENCH_CONVERSATIONS changes
// the size), built once per test binary run in a temporary directory, or
// kept at KEFU_BENCH_DB and reused (migrated, if need be) on later runs.

var (
	benchOnce sync.Once
	benchDB   *Store
	benchErr  error
)

var benchPhrases = []string{
	"where is my order", "I want to return the blue jacket", "how long does shipping to Canada take",
	"my parcel has not arrived yet", "can I cancel my order please", "the zipper broke after two weeks",
	"do you ship to Germany", "I need a bigger size", "thanks for your help", "talk to a person",
	"我的快递到哪了", "退货运费谁出", "这件外套太大了想换小一码", "帮我取消订单", "转人工客服", "礼品卡可以退吗",
	"Your parcel is on its way. Estimated delivery: Dec 2.", "Here's the return for order KF-10031.",
	"From our help article “Returns policy”: You can return most items within 30 days of delivery.",
	"已为您转接人工客服，工作人员会尽快在这里回复您。", "订单 KF-10036 还在运输途中，暂时不能退货。",
}

var benchTools = []string{"lookup_order", "track_shipment", "search_knowledge_base", "start_return", "cancel_order", "recommend_products"}

func benchStore(b *testing.B) *Store {
	benchOnce.Do(func() {
		n := 100000
		if v := os.Getenv("KEFU_BENCH_CONVERSATIONS"); v != "" {
			fmt.Sscan(v, &n)
		}
		path := os.Getenv("KEFU_BENCH_DB")
		if path == "" {
			dir, err := os.MkdirTemp("", "kefu-bench-")
			if err != nil {
				benchErr = err
				return
			}
			path = filepath.Join(dir, "bench.db")
		}
		_, statErr := os.Stat(path)
		ctx := context.Background()
		start := time.Now()
		st, err := Open(ctx, path, Options{})
		if err != nil {
			benchErr = err
			return
		}
		benchDB = st
		if IsPostgresURL(path) { // reused when it has the conversations
			var n int
			st.r.QueryRowContext(ctx, `SELECT count(*) FROM conversations`).Scan(&n)
			if statErr = nil; n == 0 {
				statErr = os.ErrNotExist
			}
		}
		if statErr == nil {
			fmt.Fprintf(os.Stderr, "reusing %s (opened in %s)\n", path, time.Since(start).Round(time.Millisecond))
			return
		}
		start = time.Now()
		benchErr = generate(ctx, st, n, 10)
		fmt.Fprintf(os.Stderr, "generated %d conversations, %d messages in %s\n", n, n*10, time.Since(start).Round(time.Second))
		benchDB = st
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchDB
}

// generate writes n conversations of per messages each, in batches.
func generate(ctx context.Context, st *Store, n, per int) error {
	// A batch takes longer than inTx's default limit on PostgreSQL, where
	// each statement is a round trip.
	ctx, cancel := context.WithTimeout(ctx, time.Hour)
	defer cancel()
	rng := rand.New(rand.NewSource(1))
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const batch = 5000
	for from := 0; from < n; from += batch {
		err := st.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			conv, _ := tx.PrepareContext(ctx, `INSERT INTO conversations (num, id, customer_id, resume_token_hash, state, locale, last_seq, rating, created_at, updated_at) VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, ?)`)
			msg, _ := tx.PrepareContext(ctx, `INSERT INTO messages (conversation_id, seq, role, text, tool_calls, model, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`)
			ev, _ := tx.PrepareContext(ctx, `INSERT INTO conversation_events (conversation_id, kind, to_state, created_at) VALUES (?, ?, ?, ?)`)
			tl, _ := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO conversation_tools (conversation_id, tool) VALUES (?, ?)`)
			defer tl.Close()
			defer conv.Close()
			defer msg.Close()
			defer ev.Close()
			for i := from; i < min(from+batch, n); i++ {
				id := fmt.Sprintf("conv-%07d", i)
				at := base.Add(time.Duration(i) * 5 * time.Minute)
				locale := "en"
				if i%3 == 0 {
					locale = "zh"
				}
				state := []string{"bot", "closed", "closed", "queued", "human"}[i%5]
				var rating any
				if state == "closed" {
					rating = 1 + i%5
				}
				if _, err := conv.ExecContext(ctx, i+1, id, id, state, locale, per, rating, ms(at), ms(at.Add(time.Hour))); err != nil {
					return err
				}
				for seq := 1; seq <= per; seq++ {
					role, text, calls, model := "user", benchPhrases[rng.Intn(11)+10*(i%3/2)], any(nil), ""
					if seq == 1 {
						// Every conversation names its own order: the rare
						// term staff search for most.
						text += fmt.Sprintf(" KF-%07d", i)
					}
					if seq%2 == 0 {
						role, model = "assistant", "kefu-builtin-1"
						text = benchPhrases[16+rng.Intn(5)]
						if seq%4 == 2 {
							tool := benchTools[rng.Intn(len(benchTools))]
							calls = fmt.Sprintf(`[{"id":"c%d","name":%q,"arguments":"{}"}]`, seq, tool)
							if _, err := tl.ExecContext(ctx, id, tool); err != nil {
								return err
							}
						}
					}
					if _, err := msg.ExecContext(ctx, id, seq, role, text, calls, model, ms(at.Add(time.Duration(seq)*time.Second))); err != nil {
						return err
					}
				}
				if state == "queued" || state == "human" {
					if _, err := ev.ExecContext(ctx, id, "handoff_requested", nil, ms(at)); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	if _, err := st.IndexMessages(ctx); err != nil {
		return err
	}
	_, err := st.w.ExecContext(ctx, `ANALYZE`)
	return err
}

func BenchmarkTranscriptSearch(b *testing.B) {
	st := benchStore(b)
	ctx := context.Background()
	yes := true
	for _, bc := range []struct {
		name string
		f    TranscriptFilter
	}{
		{"text_order_number", TranscriptFilter{Text: "KF-0054321"}},
		{"text_en_phrase", TranscriptFilter{Text: "zipper broke"}},
		{"text_en_common", TranscriptFilter{Text: "order"}},
		{"text_zh", TranscriptFilter{Text: "退货运费"}},
		{"state", TranscriptFilter{State: "queued"}},
		{"tool", TranscriptFilter{Tool: "cancel_order"}},
		{"escalated_zh", TranscriptFilter{Escalated: &yes, Locale: "zh"}},
		{"rating_date", TranscriptFilter{MinRating: 4, From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)}},
		{"text_and_filters", TranscriptFilter{Text: "return", Locale: "en", State: "closed", MinRating: 3}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var lat []time.Duration
			for i := 0; i < b.N; i++ {
				start := time.Now()
				if _, err := st.SearchTranscripts(ctx, bc.f); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
			}
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "ms-median")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "ms-p99")
		})
	}
}

func BenchmarkExportJSONL(b *testing.B) {
	st := benchStore(b)
	ctx := context.Background()
	f := TranscriptFilter{From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)} // 4,032 conversations
	var convs int
	start := time.Now()
	for i := 0; i < b.N; i++ {
		n, err := st.ExportJSONL(ctx, f, io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		convs += n
	}
	b.ReportMetric(float64(convs)/time.Since(start).Seconds(), "conversations/s")
}
