package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

// BenchmarkAppendMessages measures the group commit the chat writer makes:
// batches of messages across many conversations, one transaction each.
func BenchmarkAppendMessages(b *testing.B) {
	for _, batch := range []int{1, 16, 64} {
		b.Run(fmt.Sprint("batch", batch), func(b *testing.B) {
			ctx := context.Background()
			st, err := Open(ctx, filepath.Join(b.TempDir(), "kefu.db"), Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			var convs []string
			for range 200 {
				c, _, err := st.CreateConversation(ctx, 0, "en")
				if err != nil {
					b.Fatal(err)
				}
				convs = append(convs, c.ID)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i += batch {
				ms := make([]*Message, 0, batch)
				for j := range batch {
					n := i + j
					role, cid := RoleAssistant, ""
					if n%2 == 0 {
						role, cid = RoleUser, fmt.Sprint("c", n)
					}
					ms = append(ms, &Message{ConversationID: convs[n%len(convs)], Role: role, ClientID: cid, Text: "where is my order KF-10031? it has not arrived yet"})
				}
				if _, err := st.AppendMessages(ctx, ms); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
