package store

import (
	"context"
	"slices"
	"testing"
)

// A text search looks at the newest textWindow conversations with the
// words and says when there are more; an export takes them all.
func TestTranscriptTextWindow(t *testing.T) {
	forEachEngine(t, func(t *testing.T, place func(testing.TB) string) {
		ctx := context.Background()
		st, err := Open(ctx, place(t), Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		defer func(n int) { textWindow = n }(textWindow)
		textWindow = 3
		var ids []string
		for i, text := range []string{"the zipper broke", "zipper stuck", "no match here", "a broken zipper", "zipper again", "ZIPPER!"} {
			c, _, err := st.CreateConversation(ctx, 0, "en")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := st.AppendMessage(ctx, &Message{ConversationID: c.ID, Role: RoleUser, Text: text}); err != nil {
				t.Fatal(err)
			}
			if i != 2 {
				ids = append(ids, c.ID)
			}
		}
		page, err := st.SearchTranscripts(ctx, TranscriptFilter{Text: "zipper", Sort: "created"})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range page.Conversations {
			got = append(got, c.ID)
		}
		want := []string{ids[4], ids[3], ids[2]} // the newest three
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) || page.Total != 3 || !page.More {
			t.Errorf("window search = %v (total %d, more %v), want %v, more", got, page.Total, page.More, want)
		}
		// Fewer matches than the window: exact, no "more".
		page, _ = st.SearchTranscripts(ctx, TranscriptFilter{Text: "stuck"})
		if len(page.Conversations) != 1 || page.Conversations[0].ID != ids[1] || page.Total != 1 || page.More {
			t.Errorf("rare word: %+v", page)
		}
		n := 0
		if err := st.EachTranscript(ctx, TranscriptFilter{Text: "zipper"}, func(Summary) error { n++; return nil }); err != nil || n != 5 {
			t.Errorf("export found %d of 5 (%v)", n, err)
		}
		// The messages' index is keyed by conversation: message search and
		// forgetting still find every message.
		hits, err := st.SearchMessages(ctx, "zipper", 10)
		if err != nil || len(hits) != 5 {
			t.Errorf("message search: %d hits, %v", len(hits), err)
		}
	})
}
