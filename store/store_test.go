package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	_ "github.com/mattn/go-sqlite3"

	"github.com/kefu-dev/kefu/store"
)

func TestOpenMigratesAndReopens(t *testing.T) {
	forEachEngineAt(t, func(t *testing.T, path string) {
		ctx := context.Background()
		st, err := store.Open(ctx, path, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Ping(ctx); err != nil {
			t.Fatal(err)
		}
		st.Close()
		st, err = store.Open(ctx, path, store.Options{}) // migrations are not re-applied
		if err != nil {
			t.Fatal(err)
		}
		if res, err := st.IntegrityCheck(ctx); err != nil || res != "ok" {
			t.Errorf("integrity check = %q, %v", res, err)
		}
		st.Close()

		db := rawDB(t, path)
		if !store.IsPostgresURL(path) {
			var mode string
			db.QueryRow(`PRAGMA journal_mode`).Scan(&mode)
			if mode != "wal" {
				t.Errorf("journal_mode = %q, want wal", mode)
			}
		}
		var version int
		db.QueryRow(`SELECT version FROM schema_version`).Scan(&version)
		if version != store.SchemaVersion() || version < 1 {
			t.Errorf("schema version = %d, want %d", version, store.SchemaVersion())
		}
	})
}

func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	driver := "sqlite3"
	if store.IsPostgresURL(path) {
		driver = "pgx"
	}
	db, err := sql.Open(driver, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	forEachEngineAt(t, func(t *testing.T, path string) {
		ctx := context.Background()
		st, err := store.Open(ctx, path, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		st.Close()
		if _, err := rawDB(t, path).Exec(`UPDATE schema_version SET version = version + 1`); err != nil {
			t.Fatal(err)
		}
		_, err = store.Open(ctx, path, store.Options{})
		if !errors.Is(err, store.ErrSchemaTooNew) {
			t.Fatalf("Open = %v, want ErrSchemaTooNew", err)
		}
	})
}

// Foreign keys are enforced: a message for a conversation that does not
// exist is refused.
func TestForeignKeysOn(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open opener) {
		st := open(t)
		_, err := st.AppendMessage(context.Background(), &store.Message{ConversationID: "nope", Role: store.RoleUser, Text: "hi"})
		if !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("AppendMessage to a missing conversation = %v, want ErrNotFound", err)
		}
	})
}

func TestNotFound(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open opener) {
		st := open(t)
		ctx := context.Background()
		_, err1 := st.OrderByNumber(ctx, "KF-1")
		_, err2 := st.Customer(ctx, 42)
		_, err3 := st.Article(ctx, "nope", "en")
		_, err4 := st.ReturnByRMA(ctx, "RMA-NOPE")
		_, err5 := st.Conversation(ctx, "nope")
		for i, err := range []error{err1, err2, err3, err4, err5} {
			if !errors.Is(err, store.ErrNotFound) || !errors.Is(err, sql.ErrNoRows) {
				t.Errorf("%d: err = %v, want ErrNotFound", i+1, err)
			}
		}
	})
}

func readDataset(t *testing.T, name string) *store.Dataset {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	ds, err := store.DecodeDataset(b)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func TestImport(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open opener) {
		st := open(t)
		ctx := context.Background()
		rep, err := st.Import(ctx, readDataset(t, "shop.json"))
		if err != nil {
			t.Fatal(err)
		}
		for kind, want := range map[string]int{"products": 2, "customers": 2, "orders": 2, "returns": 1, "reviews": 1, "articles": 2} {
			if c := rep.Counts[kind]; c == nil || c.Created != want {
				t.Errorf("%s: %+v, want %d created", kind, c, want)
			}
		}

		o, err := st.OrderByNumber(ctx, "a5001")
		if err != nil {
			t.Fatal(err)
		}
		// 2 × 18.50 + 1 × 10.00 (the order's own price) + 4.95 shipping.
		if o.Subtotal != 4700 || o.Total != 5195 || o.CustomerEmail != "lin.mei@example.com" || len(o.Items) != 2 {
			t.Errorf("order = %+v", o)
		}
		shs, err := st.Shipments(ctx, o.ID)
		if err != nil || len(shs) != 1 || len(shs[0].Events) != 2 || shs[0].Events[1].Location != "杭州" {
			t.Errorf("shipments = %+v, %v", shs, err)
		}
		ret, err := st.ReturnByRMA(ctx, "rma-import1")
		if err != nil || ret.Refund != 1850 || len(ret.Items) != 1 || ret.Items[0].SKU != "MUG-01" {
			t.Errorf("return = %+v, %v", ret, err)
		}
		c, err := st.CustomerByExternalID(ctx, "shop-77")
		if err != nil || c.Name != "林美" || c.Locale != "zh" {
			t.Errorf("customer = %+v, %v", c, err)
		}
		guest, err := st.OrderByNumber(ctx, "A-5002")
		if err != nil || guest.CustomerID != 0 || guest.Email != "guest.buyer@example.com" {
			t.Errorf("guest order = %+v, %v", guest, err)
		}
		hits, err := st.SearchArticles(ctx, "能退货吗", "zh", 3)
		if err != nil || len(hits) == 0 || hits[0].Slug != "returns" || hits[0].Locale != "zh" {
			t.Errorf("search = %+v, %v", hits, err)
		}
	})
}

// Importing the same file again changes nothing, not even row ids; a
// changed field is reported as one update.
func TestImportTwice(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open opener) {
		st := open(t)
		ctx := context.Background()
		ds := readDataset(t, "shop.json")
		if _, err := st.Import(ctx, ds); err != nil {
			t.Fatal(err)
		}
		before := dump(t, st.Path())
		rep, err := st.Import(ctx, readDataset(t, "shop.json"))
		if err != nil {
			t.Fatal(err)
		}
		for kind, c := range rep.Counts {
			if c.Created != 0 || c.Updated != 0 {
				t.Errorf("re-import %s: %+v, want all unchanged", kind, c)
			}
		}
		if after := dump(t, st.Path()); after != before {
			t.Errorf("re-import changed the database:\nbefore:\n%s\nafter:\n%s", before, after)
		}

		ds = readDataset(t, "shop.json")
		ds.Products[0].Price = 1990
		rep, err = st.Import(ctx, ds)
		if err != nil {
			t.Fatal(err)
		}
		if c := rep.Counts["products"]; c.Updated != 1 || c.Unchanged != 1 {
			t.Errorf("products after a price change: %+v", c)
		}
		if p, _ := st.Product(ctx, "MUG-01"); p.Price != 1990 {
			t.Errorf("price = %v", p.Price)
		}
	})
}

// dump returns every row of every table, in a stable order.
func dump(t *testing.T, path string) string {
	t.Helper()
	if store.IsPostgresURL(path) {
		return dumpPostgres(t, path)
	}
	db := rawDB(t, path)
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%fts_%' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	var b strings.Builder
	for _, tbl := range tables {
		rows, err := db.Query(`SELECT * FROM ` + tbl + ` ORDER BY rowid`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			rows.Scan(ptrs...)
			fmt.Fprintf(&b, "%s %v\n", tbl, vals)
		}
		rows.Close()
	}
	return b.String()
}

func TestImportReportsEveryProblem(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open opener) {
		st := open(t)
		ctx := context.Background()
		_, err := st.Import(ctx, readDataset(t, "shop_invalid.json"))
		var verr *store.ValidationError
		if !errors.As(err, &verr) {
			t.Fatalf("Import = %v, want a ValidationError", err)
		}
		got := strings.Join(verr.Problems, "\n")
		for _, want := range []string{
			`products[1].sku: duplicate SKU "MUG-01"`,
			`products[1].currency: invalid currency "usd"`,
			`products[2].sku: required`,
			`products[2].title: required`,
			`products[2].price: must not be negative`,
			`customers[0].email: invalid email address "not-an-email"`,
			`customers[1].locale: unknown locale "fr"`,
			`orders[0].customer_email: unknown customer "ghost@example.com"`,
			`orders[0].status: unknown status "shipping"`,
			`orders[0].items[0].sku: unknown product "X"`,
			`orders[0].items[0].quantity: must be at least 1`,
			`orders[1].number: duplicate order number "a 5001" (same as "A-5001")`,
			`orders[1].paid_at: required for status "delivered"`,
			`orders[1].items: an order needs at least one item`,
			`returns[0].order_number: unknown order "A-9999"`,
			`reviews[0].rating: 6 is not between 1 and 5`,
			`reviews[0].body: required`,
			`articles[0].locale: unknown locale "de"`,
		} {
			if !strings.Contains(got, want) {
				t.Errorf("missing problem %q", want)
			}
		}
		if has, _ := st.HasShopData(ctx); has {
			t.Error("an invalid import wrote data")
		}
	})
}

func TestDecodeDataset(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`{"products":[{"sku":"A","titel":"x"}]}`, `unknown field "titel"`},
		{`{"products":[{"sku":"A","price":"12.345"}]}`, "at most two decimals"},
		{`{"orders":[{"number":5}]}`, "orders[0].number: want a string, got 5 (line 1, column 22)"},
		{"{\n\"products\": [\n}", "line 3"},
		{`{"products":[]} {}`, "after the top-level object"},
	} {
		_, err := store.DecodeDataset([]byte(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("DecodeDataset(%s) = %v, want %q", c.in, err, c.want)
		}
	}
}

func TestMoney(t *testing.T) {
	for in, want := range map[string]store.Money{"0": 0, "12": 1200, "12.5": 1250, "12.05": 1205, "-3.10": -310, "1000000.99": 100000099} {
		got, err := store.ParseMoney(in)
		if err != nil || got != want {
			t.Errorf("ParseMoney(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "1.234", "1e3", "abc", "1.2.3", "0x10", ".5"} {
		if _, err := store.ParseMoney(in); err == nil {
			t.Errorf("ParseMoney(%q) succeeded", in)
		}
	}
	if s := store.Money(5195).String(); s != "51.95" {
		t.Errorf("String = %q", s)
	}
}

func TestDemoSeed(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open opener) {
		st := openDemoOn(t, open)
		ctx := context.Background()
		if has, err := st.HasShopData(ctx); err != nil || !has {
			t.Fatalf("HasShopData = %v, %v", has, err)
		}
		if res, err := st.IntegrityCheck(ctx); err != nil || res != "ok" {
			t.Fatalf("integrity = %q, %v", res, err)
		}
		if err := st.Reset(ctx); err != nil {
			t.Fatal(err)
		}
		if has, _ := st.HasShopData(ctx); has {
			t.Fatal("Reset left shop data")
		}
	})
}

func TestMessages(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open opener) {
		st := open(t)
		ctx := context.Background()
		conv, token, err := st.CreateConversation(ctx, 0, "zh")
		if err != nil {
			t.Fatal(err)
		}
		if got, err := st.ConversationByResumeToken(ctx, token); err != nil || got.ID != conv.ID {
			t.Fatalf("resume = %+v, %v", got, err)
		}
		if _, err := st.ConversationByResumeToken(ctx, token+"x"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("forged token = %v", err)
		}
		texts := []string{"我想退货，运费谁出？", "退货运费由顾客承担。", "where is my parcel"}
		for i, text := range texts {
			m := &store.Message{ConversationID: conv.ID, Role: store.RoleUser, Text: text, ClientID: fmt.Sprintf("c%d", i)}
			dup, err := st.AppendMessage(ctx, m)
			if err != nil || dup || m.Seq != int64(i+1) {
				t.Fatalf("append %d: seq %d dup %v err %v", i, m.Seq, dup, err)
			}
		}
		// A retry with the same client id is not stored twice.
		m := &store.Message{ConversationID: conv.ID, Role: store.RoleUser, Text: "where is my parcel", ClientID: "c2"}
		if dup, err := st.AppendMessage(ctx, m); err != nil || !dup || m.Seq != 3 {
			t.Fatalf("retry: seq %d dup %v err %v", m.Seq, dup, err)
		}
		ms, err := st.Messages(ctx, conv.ID, 1, 100)
		if err != nil || len(ms) != 2 || ms[0].Seq != 2 || ms[1].Text != "where is my parcel" {
			t.Fatalf("messages after 1 = %+v, %v", ms, err)
		}
		hits, err := st.SearchMessages(ctx, "运费", 10)
		if err != nil || len(hits) != 2 {
			t.Fatalf("search 运费 = %+v, %v", hits, err)
		}
		hits, err = st.SearchMessages(ctx, "parcels", 10)
		if err != nil || len(hits) != 1 || hits[0].Seq != 3 {
			t.Fatalf("search parcels = %+v, %v", hits, err)
		}
	})
}

// Concurrent appends to one conversation get distinct, gapless seqs.
func TestMessagesConcurrentSeq(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open opener) {
		st := open(t)
		ctx := context.Background()
		conv, _, err := st.CreateConversation(ctx, 0, "en")
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for i := 0; i < 40; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := st.AppendMessage(ctx, &store.Message{ConversationID: conv.ID, Role: store.RoleUser, Text: "hi",
					ClientID: fmt.Sprint(i % 20)}); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		ms, err := st.Messages(ctx, conv.ID, 0, 100)
		if err != nil || len(ms) != 20 {
			t.Fatalf("%d messages, %v; want 20 (one per client id)", len(ms), err)
		}
		for i, m := range ms {
			if m.Seq != int64(i+1) {
				t.Fatalf("seq %d at %d", m.Seq, i)
			}
		}
	})
}
