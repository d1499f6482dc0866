package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/web"
)

// syncBuffer is a log's output, written by the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func getJSON(t *testing.T, url string, out any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode
}

// Demo mode signs the demo shop's customers only: a shop imported next to
// the demo (store/testdata/shop.json) turns demo sign-in off, with a log
// line that says why, and its customers are never listed.
func TestDemoSignsOnlyTheDemoShop(t *testing.T) {
	var logs syncBuffer
	hs, st := newStack(t, func(d *web.Deps) { d.Log = slog.New(slog.NewTextHandler(&logs, nil)) })

	var list []map[string]string
	if code := getJSON(t, hs.URL+"/api/demo/customers", &list); code != 200 || len(list) != 16 {
		t.Fatalf("the demo's customers: %d, %d listed, want 16", code, len(list))
	}
	if code := getJSON(t, hs.URL+"/api/demo/identity?customer_id=cus_1001", nil); code != 200 {
		t.Fatalf("a demo customer's identity: %d", code)
	}

	b, err := os.ReadFile("../store/testdata/shop.json")
	if err != nil {
		t.Fatal(err)
	}
	ds, err := store.DecodeDataset(b)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Import(context.Background(), ds); err != nil {
		t.Fatal(err)
	}

	list = nil
	if code := getJSON(t, hs.URL+"/api/demo/customers", &list); code != 200 {
		t.Fatalf("customers after the import: %d", code)
	}
	for _, c := range list {
		if strings.EqualFold(c["email"], "lin.mei@example.com") || c["email"] == "sam@example.com" || c["external_id"] == "shop-77" {
			t.Errorf("an imported customer is listed: %v", c)
		}
	}
	if len(list) != 0 {
		t.Errorf("%d customers listed with demo sign-in off, want none", len(list))
	}
	for _, id := range []string{"shop-77", "cus_1001"} {
		var out map[string]any
		if code := getJSON(t, hs.URL+"/api/demo/identity?customer_id="+id, &out); code != http.StatusForbidden || out["signature"] != nil {
			t.Errorf("identity of %s after the import: %d %v, want 403", id, code, out)
		}
	}
	if !strings.Contains(logs.String(), "demo sign-in is off: the database holds customers that are not the demo shop's") {
		t.Errorf("no log line says why demo sign-in is off:\n%s", logs.String())
	}
	if n := strings.Count(logs.String(), "demo sign-in is off"); n != 1 {
		t.Errorf("the refusal is logged %d times, want once", n)
	}
}

// An import that takes over a demo customer's email with the shop's own
// id is an imported customer too: not signed, not listed.
func TestDemoRefusesAnImportedDemoEmail(t *testing.T) {
	hs, st := newStack(t)
	ds := &store.Dataset{Customers: []store.Customer{{ExternalID: "alice-real", Email: "alice.johnson@example.com", Name: "Alice J."}}}
	if _, err := st.Import(context.Background(), ds); err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if code := getJSON(t, hs.URL+"/api/demo/identity?customer_id=alice-real", &out); code == 200 || out["signature"] != nil {
		t.Errorf("identity of the imported customer: %d %v", code, out)
	}
	var list []map[string]string
	getJSON(t, hs.URL+"/api/demo/customers", &list)
	for _, c := range list {
		if c["external_id"] == "alice-real" {
			t.Errorf("the imported customer is listed: %v", c)
		}
	}
}
