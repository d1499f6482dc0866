package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Outcome says what an upsert did.
type Outcome int

const (
	Unchanged Outcome = iota
	Created
	Updated
)

// col is a column and the value an upsert wants in it.
type col struct {
	name string
	val  any // int64, string or nil
	// insertOnly columns are written when the row is created and otherwise
	// left alone (e.g. created_at defaulted to now).
	insertOnly bool
}

// upsert makes the row of table identified by the key columns hold the given
// values, touching nothing when it already does, so that importing the same
// data twice changes nothing. Table and column names come from kefu's code,
// never from input.
func upsert(ctx context.Context, tx *sql.Tx, table string, key []col, cols []col) (int64, Outcome, error) {
	var where []string
	var keyArgs []any
	for _, k := range key {
		where = append(where, k.name+" IS ?")
		keyArgs = append(keyArgs, k.val)
	}
	var names []string
	for _, c := range cols {
		if !c.insertOnly {
			names = append(names, c.name)
		}
	}
	sel := "SELECT id"
	if len(names) > 0 {
		sel += ", " + strings.Join(names, ", ")
	}
	sel += " FROM " + table + " WHERE " + strings.Join(where, " AND ")
	cur := make([]any, len(names))
	dest := []any{new(int64)}
	for i := range cur {
		dest = append(dest, &cur[i])
	}
	err := tx.QueryRowContext(ctx, sel, keyArgs...).Scan(dest...)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		all := append(append([]col{}, key...), cols...)
		var ns, qs []string
		var args []any
		for _, c := range all {
			ns = append(ns, c.name)
			qs = append(qs, "?")
			args = append(args, c.val)
		}
		res, err := tx.ExecContext(ctx, "INSERT INTO "+table+" ("+strings.Join(ns, ", ")+") VALUES ("+strings.Join(qs, ", ")+")", args...)
		if err != nil {
			return 0, 0, fmt.Errorf("store: unable to insert into %s: %w", table, err)
		}
		id, err := res.LastInsertId()
		return id, Created, err
	case err != nil:
		return 0, 0, fmt.Errorf("store: unable to read %s: %w", table, err)
	}
	id := *dest[0].(*int64)
	var sets []string
	var args []any
	i := 0
	for _, c := range cols {
		if c.insertOnly {
			continue
		}
		if !sameValue(cur[i], c.val) {
			sets = append(sets, c.name+" = ?")
			args = append(args, c.val)
		}
		i++
	}
	if len(sets) == 0 {
		return id, Unchanged, nil
	}
	args = append(args, id)
	if _, err := tx.ExecContext(ctx, "UPDATE "+table+" SET "+strings.Join(sets, ", ")+" WHERE id = ?", args...); err != nil {
		return 0, 0, fmt.Errorf("store: unable to update %s: %w", table, err)
	}
	return id, Updated, nil
}

// sameValue compares a scanned column with a wanted value.
func sameValue(have, want any) bool {
	if b, ok := have.([]byte); ok {
		have = string(b)
	}
	switch w := want.(type) {
	case int:
		want = int64(w)
	case bool:
		want = int64(0)
		if w {
			want = int64(1)
		}
	}
	return have == want
}
