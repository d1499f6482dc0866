package store_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kefu-dev/kefu/store"
)

// FuzzImport runs `kefu import`'s parser and validator (DecodeDataset, then
// Import) on arbitrary bytes over a real SQLite file that already holds
// testdata/shop.json, so that references into the database are exercised
// too. Whatever the bytes: nothing panics; a refused import returns a
// *ValidationError whose every problem names its place in the file, and
// writes nothing (every table, full-text indexes included, is byte for
// byte as before); an accepted one can be imported again without any
// change (docs/import.md: "Safe to repeat"). The seed corpus is in
// testdata/fuzz/FuzzImport.
func FuzzImport(f *testing.F) {
	ctx := context.Background()
	st := openTemp(f)
	shop, err := os.ReadFile(filepath.Join("testdata", "shop.json"))
	if err != nil {
		f.Fatal(err)
	}
	base, err := store.DecodeDataset(shop)
	if err != nil {
		f.Fatal(err)
	}
	if _, err := st.Import(ctx, base); err != nil {
		f.Fatal(err)
	}
	db, err := sql.Open("sqlite3", st.Path())
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close() })

	f.Add(shop)
	for _, name := range []string{"shop_invalid.json", "shop_misfit.json"} {
		if b, err := os.ReadFile(filepath.Join("testdata", name)); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{
		`{}`,
		`{"products":[{"sku":"MUG-02","title":"Mug","category":"kitchen","price":9.99}]}`,
		`{"products":[{"sku":"MUG-01","title":"Renamed","category":"kitchen","price":18.5}]}`,
		`{"products":[{"sku":"MUG-01","title":"Stoneware Mug","category":"kitchen","price":-1}]}`,
		`{"products":[{"sku":"X'); DROP TABLE products; --","title":"<script>alert(1)</script>","category":"k","price":1}]}`,
		`{"customers":[{"email":"a@example.com","name":"<img src=x onerror=alert(1)>","locale":"zh"}]}`,
		`{"customers":[{"email":"LIN.MEI@example.com","name":"Lin"},{"email":"lin.mei@EXAMPLE.com","name":"Lin 2"}]}`,
		`{"orders":[{"number":"A-5001","customer_email":"sam@example.com","status":"paid","placed_at":"2026-10-01T09:30:00Z","paid_at":"2026-10-01T09:31:00Z","items":[{"sku":"MUG-01","quantity":1}]}]}`,
		`{"orders":[{"number":"B-1","email":"g@example.com","status":"delivered","placed_at":"2026-10-01T09:30:00+08:00","paid_at":"2026-10-01T09:31:00Z","shipped_at":"2026-10-02T00:00:00Z","delivered_at":"2026-10-03T00:00:00Z","items":[{"sku":"TEA-01","quantity":2,"unit_price":"0.01"}]}]}`,
		`{"orders":[{"number":"B-2","email":"g@example.com","status":"paid","placed_at":"0001-01-01T00:00:00Z","paid_at":"9999-12-31T23:59:59Z","items":[{"sku":"MUG-01","quantity":9223372036854775807}]}]}`,
		`{"returns":[{"rma":"RMA-2","order_number":"A-5001","reason":"x","status":"open","created_at":"2026-10-10T10:00:00Z","items":[{"sku":"MUG-01","quantity":5}]}]}`,
		`{"reviews":[{"sku":"TEA-01","customer_email":"sam@example.com","rating":0,"body":"x","created_at":"2026-10-12T09:00:00Z"}]}`,
		`{"articles":[{"slug":"x","locale":"en","title":"NEAR( \"unterminated","body":"docid:1 AND OR NOT *"}]}`,
		`{"products":[{"sku":"A","title":"A","category":"c","price":1e400}]}`,
		`{"products":[{"sku":"A","title":"A","category":"c","price":"12.345"}]}`,
		`{"products":[]} {}`,
		`{"products":` + strings.Repeat("[", 10000),
		"\xef\xbb\xbf{}",
		`null`,
		`{"products":[{"sku":"A","title":"A","category":"c","price":"12,50","tags":"a"}],"orders":[{"number":"A-1","qty":1,"items":{}}]}`,
		`{"orders":[{"number":"A-1","email":"a@example.com","status":"paid","placed_at":"2026-10-01T09:30:00Z","paid_at":"2026-10-01T09:31:00Z","items":[{"sku":"MUG-01","quantity":1},{"sku":"MUG-01","quantity":2}]}]}`,
		`{"returns":[{"rma":"RMA-3","order_number":"A-5001","reason":"x","status":"open","created_at":"2026-10-10T10:00:00Z","items":[{"sku":"MUG-01","quantity":1},{"sku":"MUG-01","quantity":1}]}]}`,
	} {
		f.Add([]byte(s))
	}

	f.Fuzz(func(t *testing.T, b []byte) {
		ds, err := store.DecodeDataset(b)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("DecodeDataset(%q) failed without a message", b)
			}
			// A file that reads as JSON but does not fit the format is
			// refused with every misfit, each with its path and line:column.
			var verr *store.ValidationError
			if errors.As(err, &verr) {
				for _, p := range verr.Problems {
					if path, msg, ok := strings.Cut(p, ": "); !ok || path == "" || msg == "" || !placed.MatchString(msg) {
						t.Fatalf("DecodeDataset(%q): problem %q does not say where it is", b, p)
					}
				}
			}
			return // nothing was handed to the database
		}
		before := fingerprint(t, db)
		rep, err := st.Import(ctx, ds)
		if err != nil {
			var verr *store.ValidationError
			if !errors.As(err, &verr) || len(verr.Problems) == 0 {
				t.Fatalf("Import(%q) = %v (%T), want a *ValidationError listing the problems", b, err, err)
			}
			for _, p := range verr.Problems {
				if path, msg, ok := strings.Cut(p, ": "); !ok || path == "" || msg == "" {
					t.Fatalf("Import(%q): problem %q does not say where it is", b, p)
				}
			}
			if after := fingerprint(t, db); after != before {
				t.Fatalf("Import(%q) was refused (%v) but changed the database", b, err)
			}
			return
		}
		// Accepted: every order's amounts are what its lines say (no
		// overflow), and the same data again changes nothing.
		for _, o := range ds.Orders {
			checkAmounts(t, ctx, st, b, o.Number)
		}
		mid := fingerprint(t, db)
		again, err := st.Import(ctx, ds)
		if err != nil {
			t.Fatalf("Import(%q) accepted once (%v), then refused: %v", b, rep.Counts, err)
		}
		for kind, c := range again.Counts {
			if c.Created != 0 || c.Updated != 0 {
				t.Fatalf("Import(%q) again: %s %+v, want all unchanged", b, kind, c)
			}
		}
		if after := fingerprint(t, db); after != mid {
			t.Fatalf("Import(%q) again changed the database", b)
		}
	})
}

// placed is how a problem found while decoding ends: its line and column.
var placed = regexp.MustCompile(`\(line [1-9][0-9]*, column [1-9][0-9]*\)$`)

// checkAmounts fails unless the stored order's subtotal and total are the
// exact sums of its lines and shipping.
func checkAmounts(t *testing.T, ctx context.Context, st *store.Store, b []byte, number string) {
	t.Helper()
	o, err := st.OrderByNumber(ctx, number)
	if err != nil {
		t.Fatalf("Import(%q) accepted order %q, but it cannot be read: %v", b, number, err)
	}
	sum := new(big.Int)
	for _, it := range o.Items {
		sum.Add(sum, new(big.Int).Mul(big.NewInt(int64(it.UnitPrice)), big.NewInt(int64(it.Quantity))))
	}
	total := new(big.Int).Add(sum, big.NewInt(int64(o.Shipping)))
	if !sum.IsInt64() || sum.Int64() != int64(o.Subtotal) || !total.IsInt64() || total.Int64() != int64(o.Total) {
		t.Fatalf("Import(%q) accepted order %s whose lines sum to %s (total %s), but it reads as subtotal %s, total %s",
			b, number, sum, total, o.Subtotal, o.Total)
	}
}

// fingerprint hashes every row of every table (the full-text indexes'
// shadow tables included), in a stable order.
func fingerprint(t *testing.T, db *sql.DB) string {
	t.Helper()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	h := sha256.New()
	for _, tbl := range tables {
		rows, err := db.Query(`SELECT * FROM "` + tbl + `" ORDER BY rowid`)
		if err != nil {
			t.Fatalf("%s: %v", tbl, err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(h, "%s %v\n", tbl, vals)
		}
		rows.Close()
	}
	return hex.EncodeToString(h.Sum(nil))
}
