package store_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/tools/insight"
)

// transcriptFixture writes conversations with known traits:
//
//	a: Alice, en, asked about a parcel, lookup_order, closed by the bot, rated 5
//	b: guest, zh, 退货运费, handed to a person, rated 2
//	c: Alice, en, start_return, still open
func transcriptFixture(t *testing.T, st *store.Store) map[string]string {
	t.Helper()
	ctx := context.Background()
	alice, err := st.CustomerByEmail(ctx, "alice.johnson@example.com")
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	add := func(name string, customer int64, locale string, msgs []store.Message, events []store.Event, rating int) {
		c, _, err := st.CreateConversation(ctx, customer, locale)
		if err != nil {
			t.Fatal(err)
		}
		ids[name] = c.ID
		for i := range msgs {
			m := msgs[i]
			m.ConversationID = c.ID
			if _, err := st.AppendMessage(ctx, &m); err != nil {
				t.Fatal(err)
			}
		}
		for i := range events {
			e := events[i]
			e.ConversationID = c.ID
			var err error
			if e.Kind == store.EventState {
				err = st.ChangeState(ctx, store.StateChange{ConversationID: c.ID, From: e.FromState, To: e.ToState})
			} else {
				err = st.AddEvent(ctx, &e)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		if rating > 0 {
			st.RateConversation(ctx, c.ID, rating, "ok")
		}
	}
	call := func(name string) []byte {
		b, _ := json.Marshal([]map[string]string{{"id": "c1", "name": name, "arguments": "{}"}})
		return b
	}
	add("a", alice.ID, "en", []store.Message{
		{Role: store.RoleUser, Text: "where is my parcel?"},
		{Role: store.RoleAssistant, ToolCalls: call("lookup_order")},
		{Role: store.RoleTool, Author: "lookup_order", ToolResult: []byte(`{"tool_call_id":"c1","name":"lookup_order","content":"{}"}`)},
		{Role: store.RoleAssistant, Text: "It is on its way.", Model: "kefu-builtin-1"},
	}, []store.Event{{Kind: store.EventState, FromState: "bot", ToState: "closed"}}, 5)
	add("b", 0, "zh", []store.Message{
		{Role: store.RoleUser, Text: "退货运费谁出？我要找人工"},
		{Role: store.RoleAssistant, ToolCalls: call("handoff_to_human")},
		{Role: store.RoleAssistant, Text: "已为您转接人工客服。"},
	}, []store.Event{{Kind: store.EventHandoffRequested}, {Kind: store.EventState, FromState: "bot", ToState: "queued"}}, 2)
	add("c", alice.ID, "en", []store.Message{
		{Role: store.RoleUser, Text: "=HYPERLINK(\"http://evil\") I want to return the jacket"},
		{Role: store.RoleAssistant, ToolCalls: call("start_return")},
		{Role: store.RoleAssistant, Text: "Why would you like to return it?"},
	}, nil, 0)
	// An empty conversation (a socket that never sent anything) is not a transcript.
	st.CreateConversation(ctx, 0, "en")
	return ids
}

func TestSearchTranscriptFilters(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open opener) {
		st := openDemoOn(t, open)
		ids := transcriptFixture(t, st)
		ctx := context.Background()
		alice, _ := st.CustomerByEmail(ctx, "alice.johnson@example.com")
		yes, no := true, false
		for _, tc := range []struct {
			name string
			f    store.TranscriptFilter
			want string
		}{
			{"everything", store.TranscriptFilter{}, "abc"},
			{"english text", store.TranscriptFilter{Text: "parcels"}, "a"},
			{"chinese text", store.TranscriptFilter{Text: "运费"}, "b"},
			{"text is not syntax", store.TranscriptFilter{Text: `"parcel* -(`}, "a"},
			{"all words must match", store.TranscriptFilter{Text: "parcel jacket"}, ""},
			{"state", store.TranscriptFilter{State: "closed"}, "a"},
			{"customer", store.TranscriptFilter{CustomerID: alice.ID}, "ac"},
			{"language", store.TranscriptFilter{Locale: "zh"}, "b"},
			{"tool", store.TranscriptFilter{Tool: "start_return"}, "c"},
			{"escalated", store.TranscriptFilter{Escalated: &yes}, "b"},
			{"not escalated", store.TranscriptFilter{Escalated: &no}, "ac"},
			{"rating", store.TranscriptFilter{MinRating: 4}, "a"},
			{"low rating", store.TranscriptFilter{MaxRating: 2, MinRating: 1}, "b"},
			{"resolved by the bot", store.TranscriptFilter{Resolved: &yes}, "a"},
			{"not resolved", store.TranscriptFilter{Resolved: &no}, "bc"},
			{"date range", store.TranscriptFilter{From: testNow.Add(-time.Minute), To: testNow.Add(time.Minute)}, "abc"},
			{"date range before", store.TranscriptFilter{To: testNow.Add(-time.Hour)}, ""},
			{"combined", store.TranscriptFilter{CustomerID: alice.ID, Tool: "lookup_order", Locale: "en"}, "a"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				page, err := st.SearchTranscripts(ctx, tc.f)
				if err != nil {
					t.Fatal(err)
				}
				var names []string
				total := page.Total
				for _, s := range page.Conversations {
					for n, id := range ids {
						if s.ID == id {
							names = append(names, n)
						}
					}
				}
				sorted := strings.Join(sortedStrings(names), "")
				if sorted != tc.want || total != len(tc.want) {
					t.Errorf("got %q (total %d), want %q", sorted, total, tc.want)
				}
			})
		}
		// Paging.
		p1, _ := st.SearchTranscripts(ctx, store.TranscriptFilter{Limit: 2, Sort: "created"})
		p2, _ := st.SearchTranscripts(ctx, store.TranscriptFilter{Limit: 2, Offset: 2, Sort: "created"})
		page, page2 := p1.Conversations, p2.Conversations
		if p1.Total != 3 || p1.More || len(page) != 2 || len(page2) != 1 || page2[0].ID == page[0].ID || page2[0].ID == page[1].ID {
			t.Errorf("paging: %d %d %d", p1.Total, len(page), len(page2))
		}
		if _, err := st.SearchTranscripts(ctx, store.TranscriptFilter{State: "maybe"}); err == nil {
			t.Error("a bad state was accepted")
		}
	})
}

func sortedStrings(s []string) []string {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return s
}

func TestExport(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open opener) {
		st := openDemoOn(t, open)
		ids := transcriptFixture(t, st)
		ctx := context.Background()
		var buf bytes.Buffer
		n, err := st.ExportJSONL(ctx, store.TranscriptFilter{}, &buf)
		if err != nil || n != 3 {
			t.Fatalf("jsonl: %d, %v", n, err)
		}
		lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
		if len(lines) != 3 {
			t.Fatalf("%d lines", len(lines))
		}
		// The store's clock is fixed, so all three started at the same
		// moment: find conversation a among the lines.
		var first store.TranscriptJSON
		for _, l := range lines {
			var tr store.TranscriptJSON
			if err := json.Unmarshal([]byte(l), &tr); err != nil {
				t.Fatal(err)
			}
			if tr.ID == ids["a"] {
				first = tr
			}
		}
		if first.ID != ids["a"] || len(first.Messages) != 4 || first.Rating != 5 || len(first.Events) < 2 ||
			!strings.Contains(string(first.Messages[1].ToolCalls), "lookup_order") || first.Messages[3].Model != "kefu-builtin-1" {
			t.Fatalf("first transcript = %+v", first)
		}

		buf.Reset()
		n, err = st.ExportCSV(ctx, store.TranscriptFilter{Locale: "en"}, &buf)
		if err != nil || n != 2 {
			t.Fatalf("csv: %d, %v", n, err)
		}
		rows, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1+4+3 || rows[0][0] != "conversation_id" {
			t.Fatalf("%d rows: %v", len(rows), rows[0])
		}
		for _, r := range rows[1:] {
			if strings.HasPrefix(r[9], "=") {
				t.Errorf("a formula was exported as is: %q", r[9])
			}
		}
	})
}

func TestForgetCustomer(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open opener) {
		st := openDemoOn(t, open)
		ids := transcriptFixture(t, st)
		ctx := context.Background()
		alice, _ := st.CustomerByEmail(ctx, "alice.johnson@example.com")
		rep, err := st.ForgetCustomer(ctx, alice.ID, "cli:tester")
		if err != nil || rep.Conversations != 2 || rep.Messages != 7 || rep.Orders == 0 {
			t.Fatalf("forget = %+v, %v", rep, err)
		}
		if _, err := st.Conversation(ctx, ids["a"]); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("conversation a still there: %v", err)
		}
		if hits, _ := st.SearchMessages(ctx, "parcel", 10); len(hits) != 0 {
			t.Errorf("search still finds the forgotten messages: %+v", hits)
		}
		if _, err := st.CustomerByEmail(ctx, "alice.johnson@example.com"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the email is still there: %v", err)
		}
		c, _ := st.Customer(ctx, alice.ID)
		if c.Name != "Forgotten customer" || c.ExternalID != "" {
			t.Errorf("customer = %+v", c)
		}
		o, _ := st.OrderByNumber(ctx, "KF-10045")
		if o.Email == "alice.johnson@example.com" || o.ShipTo != "" {
			t.Errorf("order still has personal data: %+v", o)
		}
		// The guest's conversation is untouched; the audit log says who.
		if _, err := st.Conversation(ctx, ids["b"]); err != nil {
			t.Errorf("another conversation was removed: %v", err)
		}
		audit, _ := st.Audit(ctx)
		if len(audit) != 1 || audit[0].Actor != "cli:tester" || audit[0].Action != "forget_customer" || strings.Contains(string(audit[0].Data), "alice") {
			t.Errorf("audit = %+v", audit)
		}
		if res, _ := st.IntegrityCheck(ctx); res != "ok" {
			t.Errorf("integrity %s", res)
		}
	})
}

func TestDailyStats(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open opener) {
		st := openDemoOn(t, open)
		transcriptFixture(t, st)
		ctx := context.Background()
		days, err := st.DailyStats(ctx, testNow.Add(-24*time.Hour), testNow.Add(24*time.Hour), "")
		if err != nil {
			t.Fatal(err)
		}
		if len(days) != 1 {
			t.Fatalf("days = %+v", days)
		}
		d := days[0]
		// a: closed by the bot (resolved); b: handed off; c: open.
		if d.Conversations != 3 || d.ResolvedByBot != 1 || d.Handoffs != 1 || d.Ratings != 2 || d.CSAT != 0.5 {
			t.Fatalf("stats = %+v", d)
		}
		zh, _ := st.DailyStats(ctx, testNow.Add(-24*time.Hour), testNow.Add(24*time.Hour), "zh")
		if len(zh) != 1 || zh[0].Conversations != 1 || zh[0].HandoffRate != 1 {
			t.Fatalf("zh stats = %+v", zh)
		}
		tools, err := st.ToolStats(ctx, testNow.Add(-time.Hour), testNow.Add(time.Hour))
		if err != nil || tools["lookup_order"]["unknown"] != 1 {
			t.Fatalf("tool stats = %v, %v", tools, err)
		}
	})
}

// A JSONL export imported into a database without those conversations
// reproduces them exactly, and importing it again changes nothing.
func TestExportImportRoundTrip(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open opener) {
		src := openDemoOn(t, open)
		transcriptFixture(t, src)
		ctx := context.Background()
		var first bytes.Buffer
		if _, err := src.ExportJSONL(ctx, store.TranscriptFilter{}, &first); err != nil {
			t.Fatal(err)
		}
		dst := openDemoOn(t, open) // the same shop, no conversations
		rep, err := dst.ImportTranscripts(ctx, bytes.NewReader(first.Bytes()))
		if err != nil || rep.Imported != 3 || rep.Skipped != 0 {
			t.Fatalf("import: %+v, %v", rep, err)
		}
		var second bytes.Buffer
		if _, err := dst.ExportJSONL(ctx, store.TranscriptFilter{}, &second); err != nil {
			t.Fatal(err)
		}
		if first.String() != second.String() {
			t.Fatalf("round trip differs:\n%s\n---\n%s", first.String(), second.String())
		}
		// The imported conversations are searchable and filterable like any.
		got, err := dst.SearchTranscripts(ctx, store.TranscriptFilter{Text: "运费", Tool: "handoff_to_human"})
		if err != nil || len(got.Conversations) != 1 {
			t.Fatalf("search after import: %+v, %v", got, err)
		}
		again, err := dst.ImportTranscripts(ctx, bytes.NewReader(first.Bytes()))
		if err != nil || again.Imported != 0 || again.Skipped != 3 {
			t.Fatalf("re-import: %+v, %v", again, err)
		}
		if _, err := dst.ImportTranscripts(ctx, strings.NewReader("{not json\n")); err == nil || !strings.Contains(err.Error(), "line 1") {
			t.Fatalf("bad line: %v", err)
		}
	})
}

func TestCustomerHistory(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open opener) {
		st := openDemoOn(t, open)
		transcriptFixture(t, st)
		ctx := context.Background()
		alice, _ := st.CustomerByEmail(ctx, "alice.johnson@example.com")
		tl, needs, err := insight.History(ctx, st, alice.ID, st.Now())
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]int{}
		for i, it := range tl {
			kinds[it.Kind]++
			if i > 0 && it.At.After(tl[i-1].At) {
				t.Fatalf("timeline not newest first at %d", i)
			}
		}
		if kinds["order"] < 2 || kinds["review"] == 0 || kinds["conversation"] != 2 {
			t.Errorf("timeline kinds %v", kinds)
		}
		got := map[string]insight.NeedsLine{}
		for _, l := range needs {
			got[l.Aspect] = l
			if len(l.Evidence) == 0 {
				t.Errorf("%s has no evidence", l.Aspect)
			}
		}
		// Alice is a hiker who hated a cheap tent (docs/demo.md).
		if !strings.Contains(got["categories"].Summary, "outdoor") || got["complaints"].Summary == "" ||
			!strings.Contains(strings.Join(got["complaints"].Evidence, " "), "1★") || got["price_band"].Summary == "" {
			t.Errorf("needs = %+v", needs)
		}
		if !strings.Contains(got["contact"].Summary, "2 conversation(s)") || !strings.Contains(got["open_issues"].Summary, "open issue") {
			t.Errorf("contact/open = %+v / %+v", got["contact"], got["open_issues"])
		}
	})
}

func TestSegment(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open opener) {
		st := openDemoOn(t, open)
		ctx := context.Background()
		all, err := st.Segment(ctx, store.SegmentFilter{})
		if err != nil || len(all) < 12 {
			t.Fatalf("all: %d %v", len(all), err)
		}
		outdoor, _ := st.Segment(ctx, store.SegmentFilter{Category: "outdoor-gear"})
		if len(outdoor) == 0 || len(outdoor) >= len(all) {
			t.Fatalf("outdoor: %d of %d", len(outdoor), len(all))
		}
		for _, c := range outdoor {
			if !strings.Contains(strings.Join(c.Categories, ","), "outdoor-gear") {
				t.Errorf("%s bought %v", c.Name, c.Categories)
			}
		}
		premium, _ := st.Segment(ctx, store.SegmentFilter{PriceMin: 15000})
		for _, c := range premium {
			if c.AvgItemPrice < 15000 {
				t.Errorf("%s pays %s", c.Name, c.AvgItemPrice)
			}
		}
		zh, _ := st.Segment(ctx, store.SegmentFilter{Locale: "zh"})
		if len(zh) < 4 {
			t.Errorf("zh: %d", len(zh))
		}
		recent, _ := st.Segment(ctx, store.SegmentFilter{BoughtAfter: testNow.Add(-7 * 24 * time.Hour)})
		for _, c := range recent {
			if c.LastPurchase == nil || c.LastPurchase.Before(testNow.Add(-7*24*time.Hour)) {
				t.Errorf("%s last bought %v", c.Name, c.LastPurchase)
			}
		}
		var b bytes.Buffer
		if err := store.SegmentCSV(&b, zh); err != nil {
			t.Fatal(err)
		}
		rows, _ := csv.NewReader(&b).ReadAll()
		if len(rows) != len(zh)+1 || rows[0][2] != "email" {
			t.Fatalf("csv rows %d", len(rows))
		}
	})
}
