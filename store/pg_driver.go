package store

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/stdlib"
)

// The store's SQL is written for SQLite. On PostgreSQL it runs through a
// database/sql connector that wraps pgx's and rewrites each statement
// once (the result is cached) into PostgreSQL's dialect:
//
//   - each ? becomes its argument, written as a literal (see pgConn);
//   - INSERT OR IGNORE becomes INSERT … ON CONFLICT DO NOTHING;
//   - an INSERT into a table with an id gets RETURNING id, so that
//     LastInsertId works (pgx has none);
//   - "x IN (SELECT value FROM json_each(?))" becomes "x = ANY(?)", and the
//     JSON array passed for it an ARRAY[…];
//   - "t MATCH ?" becomes "t.tsv @@ kefu_match(?)": the FTS4 expression
//     is parsed into a tsquery by kefu_match (migrations_pg/0001);
//   - "x IS ?" (SQLite's null-safe equality) becomes IS NOT DISTINCT FROM;
//   - sum becomes kefu_sum, which adds integers into an integer (not a
//     numeric) and counts true comparisons, as SQLite's sum does;
//   - a new conversation's num comes from a sequence, and a read marked
//     /*FOR UPDATE*/ locks its rows (/*FOR UPDATE SKIP LOCKED*/: those
//     not locked already);
//   - booleans are written, and read back, as 0 and 1, as SQLite has them.
//
// What cannot be rewritten this way (ranking, SELECT DISTINCT … ORDER BY)
// has a PostgreSQL variant next to the SQLite one (pg_search.go); the few
// SQLite functions the SQL uses (scalar max/min, date(…, 'unixepoch'),
// json_extract, json_each, group_concat) are defined in PostgreSQL by the first
// migration. So every query file stays one SQL text, and the store's
// tests run on both engines.

// pgConnector opens pgx connections that rewrite statements.
type pgConnector struct{ inner driver.Connector }

func newPGConnector(dsn string) (driver.Connector, error) {
	dsn = withSimpleProtocol(dsn)
	inner, err := stdlib.GetDefaultDriver().(driver.DriverContext).OpenConnector(dsn)
	if err != nil {
		return nil, err
	}
	return pgConnector{inner}, nil
}

// withSimpleProtocol sends every statement over the simple query
// protocol (see pgConn).
func withSimpleProtocol(dsn string) string {
	if strings.Contains(dsn, "default_query_exec_mode=") {
		return dsn
	}
	if IsPostgresURL(dsn) {
		if strings.Contains(dsn, "?") {
			return dsn + "&default_query_exec_mode=simple_protocol"
		}
		return dsn + "?default_query_exec_mode=simple_protocol"
	}
	return dsn + " default_query_exec_mode=simple_protocol"
}

func (c pgConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &pgConn{conn.(*stdlib.Conn)}, nil
}

func (c pgConnector) Driver() driver.Driver { return c.inner.Driver() }

// pgConn is a pgx connection whose statements are rewritten. Arguments
// are written into the statement as literals (pgLiteral), as SQLite binds
// them: an integer is an integer and a string is an untyped literal whose
// type comes from where it is used (a citext column compares it without
// case; an untyped CASE takes its branch's type). With placeholders the
// server would fix one type per placeholder when it prepares, and refuse
// "? IS NULL" or a CASE of parameters. The statement then goes over the
// simple query protocol: one round trip, no prepared-statement cache to
// fill with one-off texts.
type pgConn struct{ *stdlib.Conn }

var (
	_ driver.ExecerContext      = (*pgConn)(nil)
	_ driver.QueryerContext     = (*pgConn)(nil)
	_ driver.ConnPrepareContext = (*pgConn)(nil)
	_ driver.NamedValueChecker  = (*pgConn)(nil)
	_ driver.SessionResetter    = (*pgConn)(nil)
	_ driver.ConnBeginTx        = (*pgConn)(nil)
)

func (c *pgConn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

// PrepareContext returns a statement that runs as ExecContext and
// QueryContext do: the store prepares nothing itself.
func (c *pgConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return &pgStmt{c, query}, nil
}

// CheckNamedValue takes every argument as it is; pgLiteral refuses the
// types it cannot write.
func (c *pgConn) CheckNamedValue(v *driver.NamedValue) error {
	if valuer, ok := v.Value.(driver.Valuer); ok {
		val, err := valuer.Value()
		if err != nil {
			return err
		}
		v.Value = val
	}
	return nil
}

func (c *pgConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if len(args) == 0 && strings.HasPrefix(query, pgRawPrefix) {
		return c.Conn.ExecContext(ctx, query, nil) // a migration: several statements, no rewriting
	}
	q := pgRewrite(query)
	text, err := q.bind(args)
	if err != nil {
		return nil, err
	}
	if !q.returningID {
		return c.Conn.ExecContext(ctx, text, nil)
	}
	rows, err := c.Conn.QueryContext(ctx, text, nil)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var res pgResult
	dest := make([]driver.Value, 1)
	for rows.Next(dest) == nil {
		res.rows++
		if id, ok := dest[0].(int64); ok {
			res.id = id
		}
	}
	return res, nil
}

func (c *pgConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	q := pgRewrite(query)
	text, err := q.bind(args)
	if err != nil {
		return nil, err
	}
	rows, err := c.Conn.QueryContext(ctx, text, nil)
	if err != nil {
		return nil, err
	}
	return pgRows{rows}, nil
}

// pgRows returns booleans (EXISTS, comparisons) as 0 and 1, as SQLite
// does, so that they scan into integers as well as into bools.
type pgRows struct{ driver.Rows }

func (r pgRows) Next(dest []driver.Value) error {
	if err := r.Rows.Next(dest); err != nil {
		return err
	}
	for i, v := range dest {
		if b, ok := v.(bool); ok {
			dest[i] = int64(0)
			if b {
				dest[i] = int64(1)
			}
		}
	}
	return nil
}

type pgStmt struct {
	c     *pgConn
	query string
}

func (s *pgStmt) Close() error  { return nil }
func (s *pgStmt) NumInput() int { return -1 }
func (s *pgStmt) Exec(args []driver.Value) (driver.Result, error) {
	return s.ExecContext(context.Background(), named(args))
}
func (s *pgStmt) Query(args []driver.Value) (driver.Rows, error) {
	return s.QueryContext(context.Background(), named(args))
}
func (s *pgStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	return s.c.ExecContext(ctx, s.query, args)
}
func (s *pgStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	return s.c.QueryContext(ctx, s.query, args)
}

func named(args []driver.Value) []driver.NamedValue {
	out := make([]driver.NamedValue, len(args))
	for i, a := range args {
		out[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
	}
	return out
}

// pgRawPrefix starts a statement that goes to PostgreSQL as written.
const pgRawPrefix = "-- postgres\n"

type pgResult struct{ id, rows int64 }

func (r pgResult) LastInsertId() (int64, error) { return r.id, nil }
func (r pgResult) RowsAffected() (int64, error) { return r.rows, nil }

// pgStatement is a statement rewritten for PostgreSQL: the text around
// its placeholders.
type pgStatement struct {
	parts       []string // len(parts) = placeholders + 1
	returningID bool
	arrayArgs   map[int]bool // 1-based placeholders that take a JSON array, written as a PostgreSQL array
}

// bind writes the arguments into the statement.
func (q *pgStatement) bind(args []driver.NamedValue) (string, error) {
	if len(args) != len(q.parts)-1 {
		return "", fmt.Errorf("store: statement has %d placeholders, got %d arguments", len(q.parts)-1, len(args))
	}
	var b strings.Builder
	b.WriteString(q.parts[0])
	for i, a := range args {
		v := a.Value
		if q.arrayArgs[i+1] {
			arr, err := pgArray(v)
			if err != nil {
				return "", fmt.Errorf("store: argument %d: %w", i+1, err)
			}
			v = arr
		}
		if err := pgLiteral(&b, v); err != nil {
			return "", fmt.Errorf("store: argument %d: %w", i+1, err)
		}
		b.WriteString(q.parts[i+1])
	}
	return b.String(), nil
}

// pgLiteral writes v as a PostgreSQL literal. Strings are quoted with
// their quotes doubled, which is the whole escaping there is with
// standard_conforming_strings on (openPostgres checks it); PostgreSQL
// refuses a NUL in text, so a string with one is refused here.
func pgLiteral(b *strings.Builder, v any) error {
	switch v := v.(type) {
	case nil:
		b.WriteString("NULL")
	case int64:
		b.WriteString("(" + strconv.FormatInt(v, 10) + ")") // parenthesised: "x - -1" would start a comment
	case int:
		b.WriteString("(" + strconv.Itoa(v) + ")")
	case bool:
		if v {
			b.WriteString("1")
		} else {
			b.WriteString("0")
		}
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("cannot store %v", v)
		}
		b.WriteString("(" + strconv.FormatFloat(v, 'g', -1, 64) + "::float8)")
	case string:
		return pgQuote(b, v)
	case []byte:
		return pgQuote(b, string(v))
	case time.Time:
		return pgQuote(b, v.UTC().Format(time.RFC3339Nano))
	case []int64:
		if len(v) == 0 {
			b.WriteString("'{}'")
			return nil
		}
		b.WriteString("ARRAY[")
		for i, n := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.FormatInt(n, 10))
		}
		b.WriteString("]::bigint[]")
	case []string:
		if len(v) == 0 {
			b.WriteString("'{}'")
			return nil
		}
		b.WriteString("ARRAY[")
		for i, s := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := pgQuote(b, s); err != nil {
				return err
			}
		}
		b.WriteString("]::text[]")
	default:
		return fmt.Errorf("unsupported argument type %T", v)
	}
	return nil
}

func pgQuote(b *strings.Builder, s string) error {
	if strings.IndexByte(s, 0) >= 0 {
		return errors.New("text with a NUL character")
	}
	b.WriteByte('\'')
	b.WriteString(strings.ReplaceAll(s, "'", "''"))
	b.WriteByte('\'')
	return nil
}

// pgArray turns a JSON array of integers or strings into a Go slice.
func pgArray(v any) (any, error) {
	var raw []byte
	switch v := v.(type) {
	case string:
		raw = []byte(v)
	case []byte:
		raw = v
	default:
		return nil, fmt.Errorf("want a JSON array, got %T", v)
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, err
	}
	if len(items) > 0 && items[0][0] == '"' {
		strs := make([]string, len(items))
		for i, it := range items {
			if err := json.Unmarshal(it, &strs[i]); err != nil {
				return nil, err
			}
		}
		return strs, nil
	}
	nums := make([]int64, len(items))
	for i, it := range items {
		if err := json.Unmarshal(it, &nums[i]); err != nil {
			return nil, err
		}
	}
	return nums, nil
}

var pgRewrites sync.Map // SQLite text → *pgStatement

// pgRewrite returns the PostgreSQL form of a statement written for SQLite.
func pgRewrite(query string) *pgStatement {
	if q, ok := pgRewrites.Load(query); ok {
		return q.(*pgStatement)
	}
	q := rewriteForPG(query)
	pgRewrites.Store(query, q)
	return q
}

// pgIDTables are the tables whose INTEGER PRIMARY KEY id an INSERT reads
// back through LastInsertId.
var pgIDTables = map[string]bool{
	"customers": true, "products": true, "orders": true, "order_items": true, "shipments": true,
	"tracking_events": true, "returns": true, "reviews": true, "kb_articles": true, "staff_users": true,
	"messages": true, "conversation_events": true, "audit_log": true, "coupons": true, "erasures": true, "order_address_changes": true, "campaigns": true,
}

var (
	reInsertOrIgnore = regexp.MustCompile(`(?i)^\s*INSERT\s+OR\s+IGNORE\s+INTO`)
	reInsertInto     = regexp.MustCompile(`(?i)^\s*INSERT\s+INTO\s+(\w+)`)
	reJSONEachIn     = regexp.MustCompile(`(?i)\s+IN\s+\(\s*SELECT\s+value\s+FROM\s+json_each\(\?\)\s*\)`)
	reMatch          = regexp.MustCompile(`(?i)\b(\w+)\s+MATCH\s+\?`)
	reReturning      = regexp.MustCompile(`(?i)\bRETURNING\b`)
	reIsParam        = regexp.MustCompile(`(?i)\bIS\s+\?`)
	reSum            = regexp.MustCompile(`(?i)\bsum\(`)
)

func rewriteForPG(query string) *pgStatement {
	q := &pgStatement{}
	s := query
	if reInsertOrIgnore.MatchString(s) {
		s = reInsertOrIgnore.ReplaceAllString(s, "INSERT INTO")
		if !strings.Contains(strings.ToUpper(s), "ON CONFLICT") {
			s = strings.TrimRight(strings.TrimSpace(s), ";") + " ON CONFLICT DO NOTHING"
		}
	}
	if m := reInsertInto.FindStringSubmatch(s); m != nil && pgIDTables[strings.ToLower(m[1])] && !reReturning.MatchString(s) {
		s = strings.TrimRight(strings.TrimSpace(s), ";") + " RETURNING id"
		q.returningID = true
	}
	// A new conversation's num comes from a sequence: max(num)+1 would
	// give two nodes the same one.
	s = strings.ReplaceAll(s, nextNum, "nextval('conversations_num')")
	// SQLite's writer is alone; here a read that an update depends on
	// locks its rows.
	s = strings.ReplaceAll(s, "/*FOR UPDATE*/", "FOR UPDATE")
	s = strings.ReplaceAll(s, "/*FOR UPDATE SKIP LOCKED*/", "FOR UPDATE SKIP LOCKED")
	// Mark the array placeholders before numbering: "= ANY(?\x00)".
	s = reJSONEachIn.ReplaceAllString(s, " = ANY(?\x00)")
	s = reMatch.ReplaceAllString(s, "$1.tsv @@ kefu_match(?)")
	s = reIsParam.ReplaceAllString(s, "IS NOT DISTINCT FROM ?")
	s = reSum.ReplaceAllString(s, "kefu_sum(")
	splitPlaceholders(s, q)
	return q
}

// splitPlaceholders cuts s at each ? outside string literals, quoted
// identifiers and comments, and records the array ones (marked by a NUL).
func splitPlaceholders(s string, q *pgStatement) {
	var b strings.Builder
	n := 0
	var quote byte
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case quote != 0:
			if ch == quote {
				quote = 0
			}
			b.WriteByte(ch)
		case ch == '\'' || ch == '"':
			quote = ch
			b.WriteByte(ch)
		case ch == '-' && i+1 < len(s) && s[i+1] == '-':
			end := strings.IndexByte(s[i:], '\n')
			if end < 0 {
				end = len(s) - i
			}
			b.WriteString(s[i : i+end])
			i += end - 1
		case ch == '?':
			n++
			q.parts = append(q.parts, b.String())
			b.Reset()
			if i+1 < len(s) && s[i+1] == 0 {
				if q.arrayArgs == nil {
					q.arrayArgs = map[int]bool{}
				}
				q.arrayArgs[n] = true
				i++
			}
		default:
			b.WriteByte(ch)
		}
	}
	q.parts = append(q.parts, b.String())
}
