package store

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkAppendMessages measures the group commit the chat writer makes:
// batches of messages across many conversations, one transaction each.
func BenchmarkAppendMessages(b *testing.B) {
	for _, batch := range []int{1, 16, 64} {
		b.Run(fmt.Sprint("batch", batch), func(b *testing.B) {
			ctx := context.Background()
			st := openFresh(b)
			convs := newConversations(b, st, 200)
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

// BenchmarkAppendMessagesChurn is the group commit as a live shop makes
// it: 200 conversations open at a time, each closed after 12 messages and
// replaced by a new one, on top of 20,000 earlier conversations. It
// reports the WAL's growth per message: the pages a commit writes.
func BenchmarkAppendMessagesChurn(b *testing.B) {
	const open, perConv, history, batch = 200, 12, 20000, 32
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "kefu.db")
	st := openAt(b, path)
	newConv := func() *Conversation {
		c, _, err := st.NewConversation(0, "en")
		if err != nil {
			b.Fatal(err)
		}
		return c
	}
	// History: conversations with their messages, written in big batches.
	for i := 0; i < history; i += 500 {
		var cs []*Conversation
		var ms []*Message
		for range 500 {
			c := newConv()
			cs = append(cs, c)
			for j := range perConv / 2 {
				ms = append(ms, &Message{ConversationID: c.ID, Role: RoleUser, ClientID: fmt.Sprint("h", j), Text: "where is my order KF-10031? it has not arrived yet"})
			}
		}
		if _, err := st.Write(ctx, cs, ms); err != nil {
			b.Fatal(err)
		}
	}
	st.IndexMessages(ctx)
	type live struct {
		id string
		n  int
	}
	active := make([]live, open)
	for i, id := range newConversations(b, st, open) {
		active[i] = live{id: id}
	}
	framesBefore := walFrames(b, path)
	var frames int64
	b.ResetTimer()
	for i := 0; i < b.N; i += batch {
		var cs []*Conversation
		ms := make([]*Message, 0, batch)
		for j := range batch {
			n := i + j
			a := &active[(n*7)%open]
			role, cid := RoleAssistant, ""
			if a.n%2 == 0 {
				role, cid = RoleUser, fmt.Sprint("c", n)
			}
			ms = append(ms, &Message{ConversationID: a.id, Role: role, ClientID: cid, Text: "where is my order KF-10031? it has not arrived yet"})
			if a.n++; a.n == perConv {
				c := newConv()
				cs = append(cs, c)
				*a = live{id: c.ID}
			}
		}
		if _, err := st.Write(ctx, cs, ms); err != nil {
			b.Fatal(err)
		}
		f := walFrames(b, path)
		if f < framesBefore {
			framesBefore = 0 // the checkpointer reset the WAL
		}
		frames += f - framesBefore
		framesBefore = f
	}
	b.ReportMetric(float64(frames)/float64(b.N), "pages/msg")
}

// walFrames reads the number of frames in the WAL from the WAL index's
// header (mxFrame, at byte 16 of the -shm file, native byte order).
func walFrames(b *testing.B, path string) int64 {
	f, err := os.Open(path + "-shm")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var hdr [20]byte
	if _, err := f.ReadAt(hdr[:], 0); err != nil {
		b.Fatal(err)
	}
	return int64(binary.NativeEndian.Uint32(hdr[16:]))
}
