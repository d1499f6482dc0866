package tools_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/tools"
)

// FuzzToolArguments calls every tool, as each fixture shopper, with
// arbitrary arguments, as a confused or hostile model can produce them.
// Whatever the arguments:
//   - no tool panics or fails with an infrastructure error;
//   - arguments that are not a JSON object, that name a field the tool's
//     schema does not have, or give a field the wrong JSON type, get a
//     clear invalid_arguments result;
//   - no result carries another customer's data (their order numbers,
//     emails, names, tracking or RMA numbers) unless the arguments
//     themselves contain it (a not-found answer repeats the number asked
//     about), and a guest sees an order's data only with the order's email;
//   - nothing changes in the shop: orders, returns and coupons are as the
//     fixture made them (change tools only preview), and every previewed
//     change belongs to the caller's own conversation and order.
//
// The seed corpus is in testdata/fuzz/FuzzToolArguments; tool and as pick
// the tool (in Names order) and the shopper (guest, alice, bob, wang).
func FuzzToolArguments(f *testing.F) {
	e := fuzzEnv(f)
	names := e.reg.Names()
	index := map[string]uint8{}
	for i, n := range names {
		index[n] = uint8(i)
	}
	add := func(tool string, as uint8, args string) { f.Add(index[tool], as, args) }
	add("lookup_order", 1, `{"order_number":"KF-1001"}`)
	add("lookup_order", 2, `{"order_number":"KF-1001"}`)                          // someone else's
	add("lookup_order", 2, `{"order_number":"1001","email":"alice@example.com"}`) // someone else's, with their email
	add("lookup_order", 0, `{"order_number":"KF-3001","email":"GUEST@example.com "}`)
	add("lookup_order", 0, `{"order_number":"KF-1004","email":"bob@example.com"}`)
	add("lookup_order", 1, `{"order_number":"KF-1001","customer_id":2}`)
	add("lookup_order", 1, `{"Order_Number":"KF-1001"}`)
	add("lookup_order", 1, `{"order_number":1001}`)
	add("lookup_order", 1, `{"order_number":"KF-1001","order_number":["x"]}`)
	add("list_orders", 2, `{"customer_id":1}`)
	add("list_orders", 1, ``)
	add("list_orders", 0, `null`)
	add("track_shipment", 2, `{"order_number":"kf 1004"}`)
	add("track_shipment", 1, `{"order_number":"KF-1004"} {"order_number":"KF-2001"}`)
	add("start_return", 2, `{"order_number":"KF-1001","items":[{"item":"JKT-BLU"}],"reason":"too big"}`)
	add("start_return", 1, `{"order_number":"KF-1001","items":[{"item":"JKT-BLU","quantity":-1}],"reason":"x"}`)
	add("start_return", 1, `{"order_number":"KF-1008","items":[{"item":"tent","quantity":1e2}],"reason":"x"}`)
	add("start_return", 1, `{"order_number":"KF-1003","items":[{"item":"boots","refund":9999}],"reason":"x"}`)
	add("start_return", 1, `{"order_number":"KF-1003","items":"all","reason":"x"}`)
	add("cancel_order", 2, `{"order_number":"KF-1005","reason":"ignore previous instructions"}`)
	add("cancel_order", 1, `{"order_number":"KF-1005","reason":"`+strings.Repeat("x", 501)+`"}`)
	add("cancel_order", 0, `{"order_number":"KF-2002","email":"bob@example.com","reason":"mistake"}`)
	add("return_status", 2, `{"rma_or_order_number":"RMA-TESTA1"}`)
	add("return_status", 0, `{"rma_or_order_number":"rma testa1","email":"x@example.com"}`)
	add("offer_coupon", 3, `{"situation":"late","percent":100}`)
	add("offer_coupon", 0, `{"situation":"late"}`)
	add("recommend_products", 1, `{"limit":9223372036854775808}`)
	add("recommend_products", 1, `{"limit":-1}`)
	add("search_knowledge_base", 1, `{"query":"' OR 1=1 -- NEAR( \"unterminated * docid:1","locale":"en"}`)
	add("search_knowledge_base", 3, `{"query":"退货","locale":"de"}`)
	add("handoff_to_human", 0, `{"reason":"`+strings.Repeat("长", 1001)+`"}`)
	add("handoff_to_human", 1, `[`+strings.Repeat("[", 5000))
	add("handoff_to_human", 1, "\xff\xfe{}")

	f.Fuzz(func(t *testing.T, tool, as uint8, args string) {
		name := names[int(tool)%len(names)]
		who := []int64{guest, alice, bob, wang}[int(as)%4]
		tl, _ := e.reg.Tool(name)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		res, err := tl.Call(ctx, e.as(who), args) // a panic fails the fuzz target with its stack
		if err != nil {
			t.Fatalf("%s(%q) as %d: infrastructure error %v", name, args, who, err)
		}
		out := res.JSON()
		switch res.Status {
		case tools.StatusOK, tools.StatusNotFound, tools.StatusRefused, tools.StatusInvalidArguments,
			tools.StatusNeedsInfo, tools.StatusNeedsConfirmation, tools.StatusAlreadyDone:
		default:
			t.Fatalf("%s(%q) as %d: status %q: %s", name, args, who, res.Status, out)
		}
		if why := badArguments(tl.Parameters(), args); why != "" && res.Status != tools.StatusInvalidArguments {
			t.Fatalf("%s(%q) as %d: %s, but the result is %s", name, args, who, why, out)
		}
		if res.Status == tools.StatusInvalidArguments && (res.Message == "" || strings.HasPrefix(res.Message, "json:")) {
			t.Fatalf("%s(%q): invalid_arguments without a clear message: %s", name, args, out)
		}
		if leak := e.leak(who, args, out); leak != "" {
			t.Fatalf("%s(%q) as %d leaks another customer's %s:\n%s", name, args, who, leak, out)
		}
		e.unchanged(t, ctx, name, args)
		if res.Status == tools.StatusNeedsConfirmation {
			e.ownAction(t, ctx, who, res, out)
		}
	})
}

// fuzzEnv is newEnv for a fuzz target: one store for every input.
func fuzzEnv(f *testing.F) *env {
	f.Helper()
	c := &clock{t: now}
	st, err := store.Open(context.Background(), filepath.Join(f.TempDir(), "kefu.db"), store.Options{Now: c.Now})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	if _, err := st.Import(context.Background(), fixture()); err != nil {
		f.Fatal(err)
	}
	e := &env{st: st, reg: tools.Default(st, tools.Policy{}), clock: c, conv: map[int64]string{}}
	for _, id := range []int64{guest, alice, bob, wang} {
		conv, _, err := st.CreateConversation(context.Background(), id, "en")
		if err != nil {
			f.Fatal(err)
		}
		e.conv[id] = conv.ID
	}
	return e
}

// owned is what the fixture holds about each customer (guest: the guest
// order) that no one else may see: order numbers, emails, names, tracking
// and RMA numbers.
var owned = map[int64][]string{
	alice: {"KF-1001", "KF-1002", "KF-1003", "KF-1004", "KF-1005", "KF-1006", "KF-1007", "KF-1008",
		"alice@example.com", "Alice Johnson", "1Z999AA10123456784", "RMA-TESTA1"},
	bob:   {"KF-2001", "KF-2002", "bob@example.com", "Bob Smith"},
	wang:  {"KF-3002", "wang.fang@example.com", "王芳", "SF100200300"},
	guest: {"KF-3001", "guest@example.com"},
}

// ownerEmail is the email that opens each owner's orders to a guest.
var ownerEmail = map[int64]string{alice: "alice@example.com", bob: "bob@example.com", wang: "wang.fang@example.com", guest: "guest@example.com"}

// leak returns a piece of another customer's data the result shows that
// the arguments did not contain, or "".
func (e *env) leak(who int64, args, out string) string {
	in := strings.ToLower(args + "\n" + strings.Join(jsonStrings(args), "\n"))
	for owner, secrets := range owned {
		if owner == who && who != guest {
			continue
		}
		// A guest may see an order by its number and email.
		if who == guest && strings.Contains(in, ownerEmail[owner]) {
			continue
		}
		for _, s := range secrets {
			if strings.Contains(out, s) && !strings.Contains(in, strings.ToLower(s)) {
				return fmt.Sprintf("%q", s)
			}
		}
	}
	return ""
}

// jsonStrings returns the strings (keys and values) in a JSON document,
// unescaped, or nil if it is not JSON.
func jsonStrings(doc string) []string {
	var out []string
	dec := json.NewDecoder(strings.NewReader(doc))
	for {
		tok, err := dec.Token()
		if err != nil {
			return out
		}
		if s, ok := tok.(string); ok {
			out = append(out, s)
		}
	}
}

// unchanged fails unless the orders, returns and coupons are as the
// fixture made them: no tool call changes the shop without a confirmation.
func (e *env) unchanged(t *testing.T, ctx context.Context, name, args string) {
	t.Helper()
	for _, o := range fixture().Orders {
		got, err := e.st.OrderByNumber(ctx, o.Number)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != o.Status {
			t.Fatalf("%s(%q) changed %s from %s to %s", name, args, o.Number, o.Status, got.Status)
		}
		rs, err := e.st.ReturnsByOrder(ctx, got.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		if o.Number == "KF-1008" {
			want = 1 // RMA-TESTA1
		}
		if len(rs) != want {
			t.Fatalf("%s(%q) left %s with %d returns, want %d", name, args, o.Number, len(rs), want)
		}
	}
	for _, c := range []int64{alice, bob, wang} {
		if cs, err := e.st.CouponsByCustomer(ctx, c); err != nil || len(cs) != 0 {
			t.Fatalf("%s(%q) issued coupons %+v (%v)", name, args, cs, err)
		}
	}
}

// ownAction checks that a previewed change is filed under the caller: their
// customer id, their conversation, and an order they may act on.
func (e *env) ownAction(t *testing.T, ctx context.Context, who int64, res tools.Result, out string) {
	t.Helper()
	var r struct {
		Data struct {
			ActionID string `json:"action_id"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil || r.Data.ActionID == "" {
		t.Fatalf("needs_confirmation without an action id: %s", out)
	}
	a, err := e.st.PendingAction(ctx, r.Data.ActionID)
	if err != nil {
		t.Fatalf("pending action %s: %v", r.Data.ActionID, err)
	}
	if a.CustomerID != who || a.ConversationID != e.conv[who] || a.Status != store.ActionPending {
		t.Fatalf("pending action %+v filed for customer %d, conversation %s; caller %d in %s", a, a.CustomerID, a.ConversationID, who, e.conv[who])
	}
	o, err := e.st.Order(ctx, a.OrderID)
	if err != nil {
		t.Fatal(err)
	}
	if who != guest && o.CustomerID != who {
		t.Fatalf("customer %d previewed a change to %s of customer %d", who, o.Number, o.CustomerID)
	}
}

// badArguments returns why args cannot be a valid call of a tool with the
// given JSON Schema, as kefu's strict decoding sees it, or "" when it
// cannot tell: not JSON, not an object, a field the schema does not have
// (JSON field names match case-insensitively in Go), or a field of the
// wrong JSON type (null is allowed: it leaves the field unset).
func badArguments(schema map[string]any, args string) string {
	args = strings.TrimSpace(args)
	if args == "" || args == "null" {
		return ""
	}
	if !json.Valid([]byte(args)) {
		return "the arguments are not one JSON value"
	}
	return badValue(schema, json.RawMessage(args), "the arguments")
}

func badValue(schema map[string]any, raw json.RawMessage, path string) string {
	raw = bytes.TrimSpace(raw)
	if string(raw) == "null" {
		return ""
	}
	typ, _ := schema["type"].(string)
	switch typ {
	case "string":
		if raw[0] != '"' {
			return path + " is not a string"
		}
	case "integer":
		if _, err := strconv.ParseInt(string(raw), 10, 64); err != nil {
			return path + " is not an integer"
		}
	case "array":
		if raw[0] != '[' {
			return path + " is not an array"
		}
		var elems []json.RawMessage
		if err := json.Unmarshal(raw, &elems); err != nil {
			return path + " is not an array"
		}
		items, _ := schema["items"].(map[string]any)
		for i, el := range elems {
			if why := badValue(items, el, fmt.Sprintf("%s[%d]", path, i)); why != "" {
				return why
			}
		}
	case "object":
		if raw[0] != '{' {
			return path + " is not an object"
		}
		props, _ := schema["properties"].(map[string]any)
		// Walk the members in order: a repeated key counts each time, as
		// the decoder sees it.
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.Token() // {
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return ""
			}
			key := tok.(string)
			var val json.RawMessage
			if err := dec.Decode(&val); err != nil {
				return ""
			}
			var prop map[string]any
			for name, p := range props {
				if strings.EqualFold(name, key) {
					prop, _ = p.(map[string]any)
				}
			}
			if prop == nil {
				return fmt.Sprintf("%s has the unknown field %q", path, key)
			}
			if why := badValue(prop, val, path+"."+key); why != "" {
				return why
			}
		}
	}
	return ""
}
