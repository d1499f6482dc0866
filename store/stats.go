package store

import (
	"context"
	"fmt"
	"time"
)

// DayStats are a day's measures of the support the shop gave.
type DayStats struct {
	Day            string  `json:"day"` // YYYY-MM-DD, UTC
	Conversations  int     `json:"conversations"`
	ResolvedByBot  int     `json:"resolved_by_bot"` // closed without a handoff
	Handoffs       int     `json:"handoffs"`
	ResolutionRate float64 `json:"resolution_rate"` // resolved_by_bot / conversations
	HandoffRate    float64 `json:"handoff_rate"`
	FirstResponseS float64 `json:"first_response_seconds"` // mean, to the first answer
	Ratings        int     `json:"ratings"`
	CSAT           float64 `json:"csat"` // share of ratings of 4 or 5
	Coupons        int     `json:"coupons"`
	Clicks         int     `json:"recommendation_clicks"`
	// AssumedResolved are the bot's conversations that ended without a
	// handoff, with the bot's answer last, and the shopper did not come
	// back within 24 hours (no message since, no new conversation of the
	// same customer): resolved, as far as anyone can tell, but unconfirmed.
	AssumedResolved int     `json:"assumed_resolved"`
	AssumedRate     float64 `json:"assumed_resolution_rate"` // assumed_resolved / conversations
}

// DailyStats measures the conversations started in [from, to), per UTC
// day, optionally in one language.
func (s *Store) DailyStats(ctx context.Context, from, to time.Time, locale string) ([]DayStats, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	quiet := s.now().Add(-assumedAfter) // a conversation quiet since then may be assumed resolved
	rows, err := s.r.QueryContext(ctx, `
		WITH conv AS (
			SELECT c.id, c.state, c.rating, date(c.created_at / 1000, 'unixepoch') AS day,
			       EXISTS (SELECT 1 FROM conversation_events e WHERE e.conversation_id = c.id
			               AND (e.kind = 'handoff_requested' OR e.to_state IN ('queued', 'human'))) AS handed,
			       (SELECT min(m.created_at) FROM messages m WHERE m.conversation_id = c.id AND m.role IN ('assistant', 'staff') AND m.text <> '')
			         - (SELECT min(m.created_at) FROM messages m WHERE m.conversation_id = c.id AND m.role = 'user') AS first_ms,
			       c.customer_id, c.created_at AS created,
			       (SELECT max(m.created_at) FROM messages m WHERE m.conversation_id = c.id) AS last_ms,
			       (SELECT m.role FROM messages m WHERE m.conversation_id = c.id AND m.role IN ('user', 'assistant', 'staff')
			        ORDER BY m.seq DESC LIMIT 1) AS last_role
			FROM conversations c
			WHERE c.created_at >= ? AND c.created_at < ? AND c.last_seq > 0 AND (? = '' OR c.locale = ?)
		), quiet AS (
			SELECT conv.*, EXISTS (SELECT 1 FROM conversations o WHERE conv.customer_id IS NOT NULL AND o.customer_id = conv.customer_id
			               AND o.id <> conv.id AND o.created_at > conv.created AND o.created_at <= conv.last_ms + 86400000) AS came_back
			FROM conv
		)
		SELECT day, count(*), sum(state = 'closed' AND NOT handed), sum(handed), avg(first_ms),
		       count(rating), sum(rating >= 4),
		       sum(state = 'bot' AND NOT handed AND last_role = 'assistant' AND last_ms <= ? AND NOT came_back)
		FROM quiet GROUP BY day ORDER BY day`, ms(from), ms(to), locale, locale, ms(quiet))
	if err != nil {
		return nil, fmt.Errorf("store: unable to compute stats: %w", err)
	}
	var out []DayStats
	byDay := map[string]int{}
	for rows.Next() {
		var d DayStats
		var first *float64
		var happy, assumed *int
		if err := rows.Scan(&d.Day, &d.Conversations, &d.ResolvedByBot, &d.Handoffs, &first, &d.Ratings, &happy, &assumed); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: unable to compute stats: %w", err)
		}
		if first != nil {
			d.FirstResponseS = *first / 1000
		}
		if assumed != nil {
			d.AssumedResolved = *assumed
		}
		if d.Conversations > 0 {
			d.AssumedRate = float64(d.AssumedResolved) / float64(d.Conversations)
			d.ResolutionRate = float64(d.ResolvedByBot) / float64(d.Conversations)
			d.HandoffRate = float64(d.Handoffs) / float64(d.Conversations)
		}
		if d.Ratings > 0 && happy != nil {
			d.CSAT = float64(*happy) / float64(d.Ratings)
		}
		byDay[d.Day] = len(out)
		out = append(out, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Coupons and clicks are counted on the day they happened.
	for _, q := range []struct {
		sql string
		set func(*DayStats, int)
	}{
		{`SELECT date(created_at / 1000, 'unixepoch'), count(*) FROM coupons WHERE created_at >= ? AND created_at < ? GROUP BY 1`,
			func(d *DayStats, n int) { d.Coupons = n }},
		{`SELECT date(created_at / 1000, 'unixepoch'), count(*) FROM conversation_events WHERE kind = 'recommendation_click'
			AND created_at >= ? AND created_at < ? GROUP BY 1`, func(d *DayStats, n int) { d.Clicks = n }},
	} {
		rows, err := s.r.QueryContext(ctx, q.sql, ms(from), ms(to))
		if err != nil {
			return nil, fmt.Errorf("store: unable to compute stats: %w", err)
		}
		for rows.Next() {
			var day string
			var n int
			if rows.Scan(&day, &n) == nil {
				if i, ok := byDay[day]; ok {
					q.set(&out[i], n)
				}
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// assumedAfter is how long a shopper must stay away before the bot's
// conversation counts as an assumed resolution (DESIGN.md, Measures).
const assumedAfter = 24 * time.Hour

// ToolStats counts tool calls by tool and result status in [from, to).
func (s *Store) ToolStats(ctx context.Context, from, to time.Time) (map[string]map[string]int, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	rows, err := s.r.QueryContext(ctx, `
		SELECT author, COALESCE(json_extract(json_extract(tool_result, '$.content'), '$.status'), 'unknown'), count(*)
		FROM messages WHERE role = 'tool' AND created_at >= ? AND created_at < ? GROUP BY 1, 2`, ms(from), ms(to))
	if err != nil {
		return nil, fmt.Errorf("store: unable to count tool calls: %w", err)
	}
	defer rows.Close()
	out := map[string]map[string]int{}
	for rows.Next() {
		var tool, status string
		var n int
		if err := rows.Scan(&tool, &status, &n); err != nil {
			return nil, err
		}
		if out[tool] == nil {
			out[tool] = map[string]int{}
		}
		out[tool][status] = n
	}
	return out, rows.Err()
}
