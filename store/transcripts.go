package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// TranscriptFilter selects conversations for the transcript search, the
// export and the regression replay. Zero fields do not filter.
type TranscriptFilter struct {
	ID         string    // one conversation
	Text       string    // words in any message (English or Chinese)
	From, To   time.Time // conversation started in [From, To)
	State      string
	CustomerID int64
	Locale     string
	Tool       string // a tool the agent called
	Escalated  *bool  // handed to a person, or not
	MinRating  int    // 1–5
	MaxRating  int
	Resolved   *bool  // closed without a handoff (resolved by the bot), or not
	Sort       string // "updated" (default, newest first), "created", "rating"
	Limit      int    // default 50, at most 500
	Offset     int
}

// where builds the SQL condition and arguments of a filter. nums, when
// not empty, is a JSON array of the conversation nums the text matched
// (see textWindow); otherwise the text is matched in full.
func (f TranscriptFilter) where(nums string) (string, []any) {
	conds := []string{"c.last_seq > 0"}
	var args []any
	if f.ID != "" {
		conds, args = append(conds, "c.id = ?"), append(args, f.ID)
	}
	if nums != "" {
		conds, args = append(conds, "c.num IN (SELECT value FROM json_each(?))"), append(args, nums)
	} else if m := ftsLiteral(f.Text); m != "" {
		conds = append(conds, `c.num IN (SELECT docid >> `+seqBitsSQL+` FROM messages_fts WHERE messages_fts MATCH ?)`)
		args = append(args, m)
	}
	if !f.From.IsZero() {
		conds, args = append(conds, "c.created_at >= ?"), append(args, ms(f.From))
	}
	if !f.To.IsZero() {
		conds, args = append(conds, "c.created_at < ?"), append(args, ms(f.To))
	}
	if f.State != "" {
		conds, args = append(conds, "c.state = ?"), append(args, f.State)
	}
	if f.CustomerID != 0 {
		conds, args = append(conds, "c.customer_id = ?"), append(args, f.CustomerID)
	}
	if f.Locale != "" {
		conds, args = append(conds, "c.locale = ?"), append(args, f.Locale)
	}
	if f.Tool != "" {
		conds = append(conds, `c.id IN (SELECT conversation_id FROM conversation_tools WHERE tool = ?)`)
		args = append(args, f.Tool)
	}
	const escalated = `EXISTS (SELECT 1 FROM conversation_events e WHERE e.conversation_id = c.id
		AND (e.kind = 'handoff_requested' OR e.to_state IN ('queued', 'human')))`
	if f.Escalated != nil {
		if *f.Escalated {
			conds = append(conds, escalated)
		} else {
			conds = append(conds, "NOT "+escalated)
		}
	}
	if f.MinRating > 0 {
		conds, args = append(conds, "c.rating >= ?"), append(args, f.MinRating)
	}
	if f.MaxRating > 0 {
		conds, args = append(conds, "c.rating <= ?"), append(args, f.MaxRating)
	}
	if f.Resolved != nil {
		if *f.Resolved {
			conds = append(conds, "c.state = 'closed' AND NOT "+escalated)
		} else {
			conds = append(conds, "NOT (c.state = 'closed' AND NOT "+escalated+")")
		}
	}
	return strings.Join(conds, " AND "), args
}

func (f TranscriptFilter) order() string {
	switch f.Sort {
	case "created":
		return "c.created_at DESC, c.id"
	case "rating":
		return "COALESCE(c.rating, 0) DESC, c.updated_at DESC, c.id"
	}
	return "c.updated_at DESC, c.id"
}

// Validate reports a filter's first problem.
func (f TranscriptFilter) Validate() error {
	switch f.State {
	case "", StateBot, StateQueued, StateHuman, StateClosed:
	default:
		return fmt.Errorf("state must be bot, queued, human or closed")
	}
	switch f.Sort {
	case "", "updated", "created", "rating":
	default:
		return fmt.Errorf("sort must be updated, created or rating")
	}
	if f.MinRating < 0 || f.MinRating > 5 || f.MaxRating < 0 || f.MaxRating > 5 {
		return fmt.Errorf("ratings are 1 to 5")
	}
	if f.Locale != "" && f.Locale != "en" && f.Locale != "zh" {
		return fmt.Errorf("language must be en or zh")
	}
	if f.Limit < 0 || f.Offset < 0 {
		return fmt.Errorf("limit and offset must not be negative")
	}
	return nil
}

// maxCount caps the total SearchTranscripts counts.
const maxCount = 10000

// textWindow bounds the conversations a text search looks at: the newest
// 5,000 that contain the words (FTS4 walks its docids, and so the
// conversations, newest first: "ORDER BY docid DESC", not by the shifted
// value, which it would sort). A common word is in most conversations, and
// sorting and counting all of them would cost every search hundreds of
// milliseconds at a million messages; a person reads the newest pages and
// adds words to look further.
var textWindow = 5000 // a variable for the tests

// TranscriptPage is one page of a transcript search.
type TranscriptPage struct {
	Conversations []Summary
	Total         int  // how many match, counted up to 10,000
	More          bool // Total is a lower bound: more match than were counted
}

// SearchTranscripts returns one page of the conversations matching f, and
// how many match in all. A text search looks at the newest 5,000
// conversations with the words; when there are more, More is set.
func (s *Store) SearchTranscripts(ctx context.Context, f TranscriptFilter) (*TranscriptPage, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, 500)
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	page := &TranscriptPage{}
	var nums string
	if m := ftsLiteral(f.Text); m != "" {
		s.catchUpIndex(ctx)
		var n int
		window := `SELECT count(*), COALESCE(json_group_array(n), '[]') FROM (
				SELECT DISTINCT docid >> ` + seqBitsSQL + ` AS n FROM messages_fts WHERE messages_fts MATCH ? ORDER BY docid DESC LIMIT ?)`
		if s.pg {
			window = pgTextWindow
		}
		err := s.r.QueryRowContext(ctx, window, m, textWindow).Scan(&n, &nums)
		if err != nil {
			return nil, fmt.Errorf("store: unable to search transcripts: %w", err)
		}
		if n == 0 {
			return page, nil
		}
		page.More = n >= textWindow
	}
	where, args := f.where(nums)
	// One pass finds the page's ids and the total (counted up to
	// maxCount: beyond that, "10,000+" is all a person needs); only the
	// page's rows then get their summaries.
	rows, err := s.r.QueryContext(ctx, `SELECT id, total FROM (
			SELECT c.id, c.updated_at, c.created_at, c.rating, count(*) OVER () AS total
			FROM conversations c WHERE `+where+` ORDER BY `+f.order()+` LIMIT ?
		) t LIMIT ? OFFSET ?`, append(args, maxCount, f.Limit, f.Offset)...)
	if err != nil {
		return nil, fmt.Errorf("store: unable to search transcripts: %w", err)
	}
	var ids []any
	for rows.Next() {
		var id string
		if err := rows.Scan(&id, &page.Total); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: unable to search transcripts: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: unable to search transcripts: %w", err)
	}
	if len(ids) == 0 {
		if f.Offset > 0 { // past the end: the total still counts
			s.r.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM conversations c WHERE `+where+` LIMIT ?) t`, append(args, maxCount)...).Scan(&page.Total)
		}
		return page, nil
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")
	rows, err = s.r.QueryContext(ctx, summarySelect+` WHERE c.id IN (`+marks+`) ORDER BY `+f.order(), ids...)
	if err != nil {
		return nil, fmt.Errorf("store: unable to search transcripts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		sm, err := scanSummary(rows)
		if err != nil {
			return nil, fmt.Errorf("store: unable to search transcripts: %w", err)
		}
		page.Conversations = append(page.Conversations, *sm)
	}
	page.More = page.More || page.Total >= maxCount
	return page, rows.Err()
}

// EachTranscript calls fn for every conversation matching f, oldest
// first, a page at a time with keyset paging (conversations started during
// the export neither shift nor repeat anything), so that an export of any
// size runs in constant memory. It stops at the first error fn returns.
func (s *Store) EachTranscript(ctx context.Context, f TranscriptFilter, fn func(Summary) error) error {
	if err := f.Validate(); err != nil {
		return err
	}
	if ftsLiteral(f.Text) != "" {
		s.catchUpIndex(ctx)
	}
	where, args := f.where("")
	const page = 200
	var afterAt int64 = -1
	afterID := ""
	for {
		qctx, cancel := withTimeout(ctx)
		rows, err := s.r.QueryContext(qctx, summarySelect+` WHERE `+where+` AND (c.created_at > ? OR (c.created_at = ? AND c.id > ?))
			ORDER BY c.created_at, c.id LIMIT ?`, append(args, afterAt, afterAt, afterID, page)...)
		if err != nil {
			cancel()
			return fmt.Errorf("store: unable to list transcripts: %w", err)
		}
		var batch []Summary
		for rows.Next() {
			sm, err := scanSummary(rows)
			if err != nil {
				rows.Close()
				cancel()
				return fmt.Errorf("store: unable to list transcripts: %w", err)
			}
			batch = append(batch, *sm)
		}
		err = rows.Err()
		rows.Close()
		cancel()
		if err != nil {
			return fmt.Errorf("store: unable to list transcripts: %w", err)
		}
		for _, sm := range batch {
			if err := fn(sm); err != nil {
				return err
			}
		}
		if len(batch) < page {
			return nil
		}
		last := batch[len(batch)-1]
		afterAt, afterID = ms(last.CreatedAt), last.ID
	}
}
