package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/kefu-dev/kefu/store"
)

// A batch spanning conversations takes each conversation's seqs in order,
// stores a retried client id once (whether stored before or earlier in the
// batch), and fails whole when one message has no conversation.
func TestAppendMessagesBatch(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open opener) {
		st := open(t)
		ctx := context.Background()
		a, _, _ := st.CreateConversation(ctx, 0, "en")
		b, _, _ := st.CreateConversation(ctx, 0, "zh")
		first := &store.Message{ConversationID: a.ID, Role: store.RoleUser, ClientID: "m1", Text: "hello"}
		if _, err := st.AppendMessage(ctx, first); err != nil || first.Seq != 1 {
			t.Fatalf("first: seq %d, %v", first.Seq, err)
		}
		batch := []*store.Message{
			{ConversationID: a.ID, Role: store.RoleUser, ClientID: "m1", Text: "hello"}, // a retry of a stored one
			{ConversationID: b.ID, Role: store.RoleUser, ClientID: "m1", Text: "你好"},    // same id, other conversation
			{ConversationID: a.ID, Role: store.RoleAssistant, Text: "Hi! How can I help?"},
			{ConversationID: b.ID, Role: store.RoleUser, ClientID: "m1", Text: "你好"}, // a retry within the batch
			{ConversationID: a.ID, Role: store.RoleUser, ClientID: "m2", Text: "where is my order"},
		}
		dups, err := st.AppendMessages(ctx, batch)
		if err != nil {
			t.Fatal(err)
		}
		wantDup := []bool{true, false, false, true, false}
		wantSeq := []int64{1, 1, 2, 1, 3}
		for i, m := range batch {
			if dups[i] != wantDup[i] || m.Seq != wantSeq[i] || m.ID == 0 {
				t.Errorf("message %d: dup %v seq %d id %d, want dup %v seq %d", i, dups[i], m.Seq, m.ID, wantDup[i], wantSeq[i])
			}
		}
		if batch[3].ID != batch[1].ID {
			t.Errorf("the retry within the batch is not its first: ids %d and %d", batch[3].ID, batch[1].ID)
		}
		for _, c := range []struct {
			id   string
			want int
		}{{a.ID, 3}, {b.ID, 1}} {
			ms, err := st.Messages(ctx, c.id, 0, 10)
			if err != nil || len(ms) != c.want {
				t.Errorf("conversation has %d messages (%v), want %d", len(ms), err, c.want)
			}
			conv, _ := st.Conversation(ctx, c.id)
			if conv.LastSeq != int64(c.want) {
				t.Errorf("last_seq %d, want %d", conv.LastSeq, c.want)
			}
		}
		// All or nothing.
		_, err = st.AppendMessages(ctx, []*store.Message{
			{ConversationID: a.ID, Role: store.RoleUser, ClientID: "m3", Text: "lost?"},
			{ConversationID: "no-such-conversation", Role: store.RoleUser, Text: "x"},
		})
		if !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a batch with an unknown conversation: %v", err)
		}
		if ms, _ := st.Messages(ctx, a.ID, 0, 10); len(ms) != 3 {
			t.Errorf("a failed batch stored %d messages", len(ms)-3)
		}
		hits, _ := st.SearchMessages(ctx, "order", 5)
		if len(hits) != 1 || hits[0].Seq != 3 {
			t.Errorf("the batch's messages are not indexed: %+v", hits)
		}
	})
}

// Knowledge-base answers are cached, and an import shows at once.
func TestSearchArticlesCacheSeesImport(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open opener) {
		st := openDemoOn(t, open)
		ctx := context.Background()
		before, err := st.SearchArticles(ctx, "llama wool socks", "en", 3)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range before {
			if h.Slug == "llama-socks" {
				t.Fatalf("found before the import: %+v", h)
			}
		}
		ds := &store.Dataset{Articles: []store.Article{{Slug: "llama-socks", Locale: "en", Title: "Llama wool socks",
			Body: "Our llama wool socks are washable at 30 degrees."}}}
		if _, err := st.Import(ctx, ds); err != nil {
			t.Fatal(err)
		}
		after, err := st.SearchArticles(ctx, "llama wool socks", "en", 3)
		if err != nil || len(after) == 0 || after[0].Slug != "llama-socks" {
			t.Fatalf("after the import: %+v, %v", after, err)
		}
		// The cached copy is the caller's to change.
		after[0].Title = "changed"
		again, _ := st.SearchArticles(ctx, "llama wool socks", "en", 3)
		if again[0].Title != "Llama wool socks" {
			t.Errorf("a caller changed the cache: %q", again[0].Title)
		}
	})
}

// The catalog is cached, but an import shows at once, and a caller that
// changes what it got does not change the cache.
func TestProductsCacheFollowsImport(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open opener) {
		st := openDemoOn(t, open)
		ctx := context.Background()
		before, err := st.Products(ctx)
		if err != nil || len(before) == 0 {
			t.Fatalf("products: %d, %v", len(before), err)
		}
		ds := &store.Dataset{Products: []store.Product{{SKU: "LLAMA-SOCK", Title: "Llama wool socks", Category: "accessories", Price: 1900}}}
		if _, err := st.Import(ctx, ds); err != nil {
			t.Fatal(err)
		}
		after, err := st.Products(ctx)
		if err != nil || len(after) != len(before)+1 {
			t.Fatalf("after the import: %d products (%v), want %d", len(after), err, len(before)+1)
		}
		after[0].Title = "changed"
		again, _ := st.Products(ctx)
		if again[0].Title == "changed" {
			t.Errorf("a caller changed the cache")
		}
	})
}
