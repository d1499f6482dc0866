package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// copyTables are the tables CopyTo moves, parents before children, so that
// every row's references exist when it is inserted. A new table must be
// added here (TestCopyToAnotherStore fails until it is), or to
// copySkipped with the reason.
var copyTables = []string{
	"customers", "products", "kb_articles", "staff_users",
	"orders", "order_items", "shipments", "tracking_events", "returns", "return_items", "reviews", "order_address_changes",
	"conversations", "messages", "conversation_events", "conversation_tools", "conversation_orders",
	"pending_actions", "coupons", "customer_summaries",
	"staff_sessions", "staff_login_addresses", "audit_log", "erasures", "turn_leases", "photos",
	"campaigns", "campaign_deliveries", "campaign_redemptions", "offer_optouts",
	"shop_settings",
}

// copySkipped are the tables CopyTo does not move: the search indexes
// (rebuilt in the target, in its own engine's form) and the bookkeeping
// each store keeps for itself.
var copySkipped = []string{"schema_version", "search_index_state", "kb_fts", "messages_fts"}

// copiedTable, if set (tests), is called after each table is copied.
var copiedTable func(table string)

// TableRows is how many rows a table holds.
type TableRows struct {
	Table string
	Rows  int64
}

// ErrTargetNotEmpty is returned by CopyTo when the target already holds data
// and replace was not asked for.
var ErrTargetNotEmpty = errors.New("store: the target database is not empty")

// CopyTo copies everything s holds into dst (kefu migrate-to): shop data,
// conversations with their ids, seqs and times, staff and their sessions,
// pending changes and the audit log. It runs in one transaction on dst,
// so a failure leaves dst as it was. dst must be empty, or, with replace,
// its data is deleted first (in the same transaction): copying again gives
// the same result. Afterwards every table is counted on both sides and a
// difference is an error. The search indexes are rebuilt in dst: the
// articles' at once, the messages' by dst's indexer, from the first
// message, in the background.
func (s *Store) CopyTo(ctx context.Context, dst *Store, replace bool) ([]TableRows, error) {
	return s.copyTo(ctx, s.r, dst, replace)
}

// copyTo reads the source from src: the read pool, or one transaction for
// a copy of one moment (a snapshot of PostgreSQL).
func (s *Store) copyTo(ctx context.Context, src querier, dst *Store, replace bool) ([]TableRows, error) {
	tables, err := s.presentTables(ctx, src)
	if err != nil {
		return nil, err
	}
	if err := s.holds(ctx, src); err != nil {
		return nil, err
	}
	dst.ix.mu.Lock() // the indexer waits until the copy is in
	defer dst.ix.mu.Unlock()
	tx, err := dst.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: unable to begin the copy: %w", err)
	}
	defer tx.Rollback()
	if err := dst.emptyFor(ctx, tx, tables, replace); err != nil {
		return nil, err
	}
	if dst.pg {
		// Messages keep their ids (conversation_tools and the index refer
		// to them): the trigger that numbers new ones stands aside.
		if _, err := tx.ExecContext(ctx, `ALTER TABLE messages DISABLE TRIGGER messages_ordered_id`); err != nil {
			return nil, fmt.Errorf("store: unable to keep message ids: %w", err)
		}
	}
	for _, t := range tables {
		if err := s.copyTable(ctx, src, tx, t); err != nil {
			return nil, err
		}
		if copiedTable != nil {
			copiedTable(t)
		}
	}
	if dst.pg {
		if _, err := tx.ExecContext(ctx, `ALTER TABLE messages ENABLE TRIGGER messages_ordered_id`); err != nil {
			return nil, err
		}
		if err := resetSequences(ctx, tx, tables); err != nil {
			return nil, err
		}
	}
	if err := reindexArticles(ctx, tx); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE search_index_state SET indexed_through = 0 WHERE id = 1`); err != nil {
		return nil, fmt.Errorf("store: unable to restart the message index: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("store: unable to commit the copy: %w", err)
	}
	dst.shopChanged()
	return compareCounts(ctx, src, dst, tables)
}

// presentTables is copyTables as far as this database has them (an older
// schema may lack the newest), refusing a table copyTables does not know.
func (s *Store) presentTables(ctx context.Context, src querier) ([]string, error) {
	have, err := s.tableNames(ctx, src)
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, t := range append(copyTables[:len(copyTables):len(copyTables)], copySkipped...) {
		known[t] = true
	}
	for t := range have {
		if !known[t] && !isFTSShadow(t) {
			return nil, fmt.Errorf("store: the copy does not know table %s", t)
		}
	}
	var out []string
	for _, t := range copyTables {
		if have[t] {
			out = append(out, t)
		}
	}
	return out, nil
}

// isFTSShadow reports whether t is one of the tables SQLite keeps for an
// FTS4 index (kb_fts_content, messages_fts_segdir, …).
func isFTSShadow(t string) bool {
	for _, fts := range []string{"kb_fts_", "messages_fts_"} {
		if strings.HasPrefix(t, fts) {
			return true
		}
	}
	return false
}

// tableNames are the database's tables.
func (s *Store) tableNames(ctx context.Context, src querier) (map[string]bool, error) {
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if s.pg {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	rows, err := src.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list tables: %w", err)
	}
	defer rows.Close()
	names := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names[n] = true
	}
	return names, rows.Err()
}

// holds checks that the source is a whole database: something to copy,
// and its integrity intact.
func (s *Store) holds(ctx context.Context, src querier) error {
	if !s.pg {
		var ok string
		if err := src.QueryRowContext(ctx, `PRAGMA quick_check`).Scan(&ok); err != nil || ok != "ok" {
			return fmt.Errorf("store: the source database fails its integrity check (%s): %v", ok, err)
		}
	}
	return nil
}

// emptyFor makes sure the target holds no data, deleting it (children
// first) when replace is set.
func (s *Store) emptyFor(ctx context.Context, tx *sql.Tx, tables []string, replace bool) error {
	for _, t := range tables {
		var n int64
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+t).Scan(&n); err != nil {
			return fmt.Errorf("store: the target has no table %s (an older kefu?): %w", t, err)
		}
		if n > 0 && !replace {
			return fmt.Errorf("%w: %s holds %d rows (use --replace to overwrite it)", ErrTargetNotEmpty, t, n)
		}
	}
	if !replace {
		return nil
	}
	del := append([]string{"messages_fts", "kb_fts"}, reversed(tables)...)
	for _, t := range del {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+t); err != nil {
			return fmt.Errorf("store: unable to empty %s: %w", t, err)
		}
	}
	return nil
}

func reversed(ts []string) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[len(ts)-1-i] = t
	}
	return out
}

// copyBatch is the rows one INSERT carries.
const copyBatch = 100

// copyTable copies table t's rows, with their columns as the source has
// them, in batches of copyBatch.
func (s *Store) copyTable(ctx context.Context, src querier, tx *sql.Tx, t string) error {
	order := ` ORDER BY rowid`
	if s.pg {
		order = "" // no rowid; the ids keep the rows' identity
	}
	rows, err := src.QueryContext(ctx, `SELECT * FROM `+t+order)
	if err != nil {
		return fmt.Errorf("store: unable to read %s: %w", t, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	head := `INSERT INTO ` + t + ` (` + strings.Join(cols, ", ") + `) VALUES `
	var args []any
	n := 0
	flush := func() error {
		if n == 0 {
			return nil
		}
		q := head + strings.TrimSuffix(strings.Repeat(one+", ", n), ", ")
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("store: unable to copy into %s: %w", t, err)
		}
		args, n = args[:0], 0
		return nil
	}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("store: unable to read %s: %w", t, err)
		}
		args = append(args, vals...)
		if n++; n == copyBatch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: unable to read %s: %w", t, err)
	}
	return flush()
}

// resetSequences moves each PostgreSQL sequence past the ids the copy
// wrote, so that the next row gets a new one.
func resetSequences(ctx context.Context, tx *sql.Tx, tables []string) error {
	withID := map[string]bool{}
	rows, err := tx.QueryContext(ctx, `SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema() AND column_name = 'id'`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return err
		}
		withID[t] = true
	}
	rows.Close()
	for _, t := range tables {
		if !withID[t] {
			continue
		}
		var seq sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT pg_get_serial_sequence(?, 'id')`, t).Scan(&seq); err != nil {
			return fmt.Errorf("store: unable to find %s's ids: %w", t, err)
		}
		if seq.Valid {
			if _, err := tx.ExecContext(ctx, `SELECT setval(?, COALESCE((SELECT max(id) FROM `+t+`), 0) + 1, false)`, seq.String); err != nil {
				return fmt.Errorf("store: unable to move %s's ids on: %w", t, err)
			}
		}
	}
	// The two sequences kefu numbers with itself. (The next value is read
	// first: the dialect rewrites the SQL of a new conversation's num.)
	for seq, q := range map[string]string{
		"messages_id":       `SELECT max(id) FROM messages`,
		"conversations_num": `SELECT max(num) FROM conversations`,
	} {
		var last sql.NullInt64
		if err := tx.QueryRowContext(ctx, q).Scan(&last); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `SELECT setval(?, ?, false)`, seq, last.Int64+1); err != nil {
			return fmt.Errorf("store: unable to move %s on: %w", seq, err)
		}
	}
	return nil
}

// reindexArticles writes every article's search entry again.
func reindexArticles(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM kb_fts`); err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, slug, title, tags, body FROM kb_articles`)
	if err != nil {
		return fmt.Errorf("store: unable to read the articles: %w", err)
	}
	type row struct {
		id int64
		a  Article
	}
	var all []row
	for rows.Next() {
		var r row
		var tags string
		if err := rows.Scan(&r.id, &r.a.Slug, &r.a.Title, &tags, &r.a.Body); err != nil {
			rows.Close()
			return err
		}
		r.a.Tags = strings.Fields(tags)
		all = append(all, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, r := range all {
		if err := indexArticle(ctx, tx, r.id, r.a); err != nil {
			return err
		}
	}
	return nil
}

// compareCounts counts every copied table on both sides.
func compareCounts(ctx context.Context, src querier, dst *Store, tables []string) ([]TableRows, error) {
	var out []TableRows
	var diffs []string
	for _, t := range tables {
		var a, b int64
		if err := src.QueryRowContext(ctx, `SELECT count(*) FROM `+t).Scan(&a); err != nil {
			return nil, err
		}
		if err := dst.r.QueryRowContext(ctx, `SELECT count(*) FROM `+t).Scan(&b); err != nil {
			return nil, err
		}
		if a != b {
			diffs = append(diffs, fmt.Sprintf("%s: %d rows here, %d there", t, a, b))
		}
		out = append(out, TableRows{Table: t, Rows: b})
	}
	if len(diffs) > 0 {
		return out, fmt.Errorf("store: the copy differs from its source: %s", strings.Join(diffs, "; "))
	}
	return out, nil
}
