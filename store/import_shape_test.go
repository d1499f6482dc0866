package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/kefu-dev/kefu/store"
)

// importFile does what `kefu import` does with a file: write it to disk,
// read it back, decode it and import it into st. It returns the problems
// reported, or nil if the import succeeded; any other error fails the test.
func importFile(t *testing.T, st *store.Store, body string) []string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "shop.json")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := store.DecodeDataset(b)
	if err == nil {
		_, err = st.Import(context.Background(), ds)
	}
	if err == nil {
		return nil
	}
	var verr *store.ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("import: %v (%T), want a *ValidationError", err, err)
	}
	return verr.Problems
}

// checkProblems fails unless got is exactly want, in order.
func checkProblems(t *testing.T, got, want []string) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("problems:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// A file that does not fit the format is refused with every misfit, each
// with its path and line:column, not only the first one encoding/json met.
func TestImportReportsEveryShapeProblem(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open opener) {
		b, err := os.ReadFile(filepath.Join("testdata", "shop_misfit.json"))
		if err != nil {
			t.Fatal(err)
		}
		misfit := string(b)
		for _, c := range []struct {
			name, body string
			want       []string
		}{{
			name: "testdata/shop_misfit.json, the three of docs/import.md",
			body: misfit,
			want: []string{
				`products[1].price: want a number with at most two decimals, got "12,50" (line 4, column 79)`,
				`orders[1].shipments[0].shipped_at: want an RFC 3339 time such as 2026-10-01T09:30:00Z, got "2026-10-02" (line 13, column 103)`,
				`orders[2].items[0]: unknown field "qty" (want one of sku, quantity, unit_price) (line 16, column 34)`,
			},
		}, {
			name: "wrong types of every kind",
			body: `{"products": [
  {"sku": 7, "title": "Mug", "category": "kitchen", "price": 1.234, "tags": "mug", "final_sale": "yes"},
  {"sku": "B", "title": "Bowl", "category": "kitchen", "price": 10000000000000, "tags": ["bowl", 2]}
],
"customers": {"email": "a@example.com"},
"orders": [5, {"number": "A-1", "placed_at": 20261001, "paid_at": "2026-13-01T00:00:00Z",
  "items": [{"sku": "B", "quantity": 1.5}, {"sku": "B", "quantity": 9223372036854775808}]}],
"reviews": [{"rating": "5"}]}`,
			want: []string{
				`products[0].sku: want a string, got 7 (line 2, column 11)`,
				`products[0].price: want a number with at most two decimals, got 1.234 (line 2, column 62)`,
				`products[0].tags: want a list, got "mug" (line 2, column 77)`,
				`products[0].final_sale: want true or false, got "yes" (line 2, column 98)`,
				`products[1].price: 10000000000000 is too large an amount (line 3, column 65)`,
				`products[1].tags[1]: want a string, got 2 (line 3, column 98)`,
				`customers: want a list, got an object (line 5, column 14)`,
				`orders[0]: want an object, got 5 (line 6, column 12)`,
				`orders[1].placed_at: want an RFC 3339 time such as 2026-10-01T09:30:00Z, got 20261001 (line 6, column 46)`,
				`orders[1].paid_at: want an RFC 3339 time such as 2026-10-01T09:30:00Z, got "2026-13-01T00:00:00Z" (month out of range) (line 6, column 67)`,
				`orders[1].items[0].quantity: want a whole number, got 1.5 (line 7, column 38)`,
				`orders[1].items[1].quantity: 9223372036854775808 is out of range (line 7, column 69)`,
				`reviews[0].rating: want a whole number, got "5" (line 8, column 24)`,
			},
		}, {
			name: "unknown fields at every depth",
			body: `{"product": [],
"orders": [{"number": "A-1", "shipments": [{"carrier": "UPS",
  "events": [{"at": "2026-10-02T09:00:00Z", "description": "Picked up"}, {"place": "Reno"}]}]}],
"returns": [{"rma": "R-1", "items": [{"sku": "A", "qty": 1}]}],
"articles": [{"slug": "returns", "lang": "en"}]}`,
			want: []string{
				`top level: unknown field "product" (want one of products, customers, orders, returns, reviews, articles) (line 1, column 2)`,
				`orders[0].shipments[0].events[1]: unknown field "place" (want one of at, location, status, description) (line 3, column 75)`,
				`returns[0].items[0]: unknown field "qty" (want one of sku, quantity) (line 4, column 51)`,
				`articles[0]: unknown field "lang" (want one of slug, locale, title, body, tags, updated_at) (line 5, column 34)`,
			},
		}, {
			// encoding/json matches field names regardless of case and takes
			// null as "not given"; the report agrees, so only the real
			// problem is listed. Columns count characters, not bytes.
			name: "what encoding/json accepts is not reported",
			body: `{"products": [{"SKU": "MUG", "Title": "粗陶马克杯", "category": "kitchen", "tags": null, "price": "x"}],
"orders": [{"number": "A-1", "paid_at": null, "items": null, "shipments": [null]}]}`,
			want: []string{
				`products[0].price: want a number with at most two decimals, got "x" (line 1, column 94)`,
			},
		}, {
			// An amount is read by Money.UnmarshalJSON, which refuses null.
			name: "a null amount",
			body: `{"products":[{"sku":"A","price":null}]}`,
			want: []string{`products[0].price: want a number with at most two decimals, got null (line 1, column 33)`},
		}, {
			name: "the top level is not an object",
			body: "\n  [{\"sku\": \"A\"}]",
			want: []string{`top level: want an object, got a list (line 2, column 3)`},
		}, {
			name: "long values are shortened",
			body: `{"products": [{"sku": "A", "price": "` + strings.Repeat("九", 50) + `"}]}`,
			want: []string{`products[0].price: want a number with at most two decimals, got "九九九九九九九九九九九九九…" (line 1, column 37)`},
		}} {
			t.Run(c.name, func(t *testing.T) {
				st := open(t)
				checkProblems(t, importFile(t, st, c.body), c.want)
				if has, _ := st.HasShopData(context.Background()); has {
					t.Error("a refused import wrote data")
				}
			})
		}
	})
}

// JSON that is not well formed stops at the place where it breaks: there
// is nothing to go on reading.
func TestDecodeDatasetMalformed(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"{\n  \"products\": [\n    {\"sku\": \"A\",}\n  ]\n}", `line 3, column 17: invalid character '}' looking for beginning of object key string`},
		{"{\"products\": [\n  {\"sku\": \"A\"", "line 2, column 14: the file ends in the middle of a value"},
		{"", "the file is empty"},
		{"  \n ", "the file is empty"},
		{`{"products":[]} {}`, "unexpected data after the top-level object"},
	} {
		_, err := store.DecodeDataset([]byte(c.in))
		var verr *store.ValidationError
		if err == nil || err.Error() != c.want || errors.As(err, &verr) {
			t.Errorf("DecodeDataset(%q) = %v, want %q", c.in, err, c.want)
		}
	}
}

// The problems of a file that reads but does not make sense come in the
// order of the file, the same every time (the times an order's status
// needs were once listed in map order).
func TestImportProblemsInFileOrder(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open opener) {
		st := open(t)
		body := `{"orders": [{"number": "A-1", "email": "a@example.com", "status": "delivered",
	  "placed_at": "2026-10-01T09:30:00Z", "items": [{"sku": "NOPE", "quantity": 1}]}]}`
		want := []string{
			`orders[0].paid_at: required for status "delivered"`,
			`orders[0].shipped_at: required for status "delivered"`,
			`orders[0].delivered_at: required for status "delivered"`,
			`orders[0].items[0].sku: unknown product "NOPE"`,
		}
		for range 10 {
			checkProblems(t, importFile(t, st, body), want)
		}
	})
}
