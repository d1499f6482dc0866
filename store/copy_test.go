package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/store"
)

// A source worth copying: the demo shop, a staff member, and two
// conversations, one in Chinese, with messages the search must find.
func copySource(t *testing.T) (*store.Store, []string) {
	t.Helper()
	ctx := context.Background()
	src := openDemo(t)
	if err := src.CreateStaff(ctx, &store.Staff{Email: "mei@shop.example.com", Name: "Mei", Role: store.RoleAgent, PasswordHash: "x"}); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range [][2]string{{"en", "where is my parcel of walking poles?"}, {"zh", "我想退货，羽绒服太大了"}} {
		c, _, err := src.NewConversation(0, m[0])
		if err != nil {
			t.Fatal(err)
		}
		ms := []*store.Message{
			{ConversationID: c.ID, Role: store.RoleUser, Text: m[1], ClientID: "c1"},
			{ConversationID: c.ID, Role: store.RoleAssistant, Author: "kefu", Text: "Let me look that up.", Model: "builtin"},
		}
		if _, err := src.Write(ctx, []*store.Conversation{c}, ms); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	return src, ids
}

// kefu migrate-to's copy, into a SQLite file and into PostgreSQL: every
// table's rows arrive (CopyTo counts both sides), conversations read back
// the same, both searches work in the target, new rows get new ids, a
// second copy is refused unless it replaces, and replacing gives the same.
func TestCopyToAnotherStore(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		src, convs := copySource(t)
		dst := open(t)
		counts, err := src.CopyTo(ctx, dst, false)
		if err != nil {
			t.Fatal(err)
		}
		rows := map[string]int64{}
		for _, c := range counts {
			rows[c.Table] = c.Rows
		}
		if rows["products"] == 0 || rows["orders"] == 0 || rows["messages"] != 4 || rows["conversations"] != 2 || rows["staff_users"] != 1 {
			t.Fatalf("copied %+v", counts)
		}
		for _, id := range convs {
			a, _ := src.Messages(ctx, id, 0, 10)
			b, err := dst.Messages(ctx, id, 0, 10)
			if err != nil || len(b) != 2 {
				t.Fatalf("messages of %s in the copy: %+v, %v", id, b, err)
			}
			for i := range a {
				a[i].CreatedAt, b[i].CreatedAt = a[i].CreatedAt.UTC(), b[i].CreatedAt.UTC()
			}
			if !reflect.DeepEqual(a, b) {
				t.Errorf("conversation %s:\nsource %+v\ncopy   %+v", id, a, b)
			}
		}
		if hits, err := dst.SearchArticles(ctx, "how do I return an item", "en", 3); err != nil || len(hits) == 0 {
			t.Errorf("articles in the copy: %v, %v", hits, err)
		}
		for text, id := range map[string]string{"walking poles": convs[0], "羽绒服": convs[1]} {
			deadline := time.Now().Add(10 * time.Second)
			for {
				page, err := dst.SearchTranscripts(ctx, store.TranscriptFilter{Text: text})
				if err == nil && len(page.Conversations) == 1 && page.Conversations[0].ID == id {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("search for %q in the copy: %+v, %v", text, page, err)
				}
				time.Sleep(50 * time.Millisecond) // the target's indexer runs on its own ticker
			}
		}
		c, _, err := dst.NewConversation(0, "en")
		if err != nil {
			t.Fatal(err)
		}
		m := &store.Message{ConversationID: c.ID, Role: store.RoleUser, Text: "hello again"}
		if _, err := dst.Write(ctx, []*store.Conversation{c}, []*store.Message{m}); err != nil {
			t.Fatalf("a new conversation in the copy: %v", err)
		}
		old, _ := src.Messages(ctx, convs[1], 0, 10)
		if m.ID <= old[len(old)-1].ID {
			t.Errorf("a new message got id %d, not past the copied ones (%d)", m.ID, old[len(old)-1].ID)
		}

		if _, err := src.CopyTo(ctx, dst, false); !errors.Is(err, store.ErrTargetNotEmpty) {
			t.Fatalf("a second copy without replace: %v", err)
		}
		again, err := src.CopyTo(ctx, dst, true)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(again, counts) {
			t.Errorf("replacing gave %+v, the first copy %+v", again, counts)
		}
	})
}
