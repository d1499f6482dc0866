package chat

import (
	"context"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/store"
)

// A new conversation's row is stored in the transaction of its first
// message: the first turn costs the writer no more commits than the next
// one (it was one more, the conversation's own), and the transcript has
// the conversation and the message, acknowledged after that commit.
func TestFirstMessageStoresItsConversationInOneCommit(t *testing.T) {
	ts := newTestServer(t, nil)
	c := ts.dial(nil)
	w := c.hello(map[string]any{"identity": identity("cus_1001", time.Now().Add(time.Hour))})
	if _, err := ts.st.Conversation(context.Background(), w.ConversationID); err == nil {
		t.Fatal("the conversation was stored at hello, before anything was said")
	}
	commits := func() uint64 { n, _ := writeBatches(t, ts.engine); return n }
	turn := func(cid string) (uint64, frame) {
		before := commits()
		c.send(map[string]any{"type": "message", "client_id": cid, "text": "how long does shipping to Canada take?"})
		ack, _ := c.until(isType("ack"))
		c.until(answer)
		return commits() - before, ack
	}
	first, ack := turn("m1")
	second, _ := turn("m2")
	if first != second {
		t.Fatalf("the first turn took %d commits, the second %d: the conversation's row had a commit of its own", first, second)
	}
	conv, err := ts.st.Conversation(context.Background(), w.ConversationID)
	if err != nil {
		t.Fatalf("the conversation is not stored: %v", err)
	}
	if conv.CustomerID == 0 {
		t.Errorf("the stored conversation has no customer: %+v", conv)
	}
	ms, err := ts.st.Messages(context.Background(), w.ConversationID, 0, 10)
	if err != nil || len(ms) == 0 || ms[0].Role != store.RoleUser || ms[0].ClientID != "m1" || ms[0].Seq != ack.Seq {
		t.Fatalf("the transcript does not start with the acknowledged message (ack seq %d): %+v, %v", ack.Seq, ms, err)
	}
}
