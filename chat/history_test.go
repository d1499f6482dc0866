package chat

import (
	"context"
	"fmt"
	"github.com/kefu-dev/kefu/store"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The live conversation's history is the same as the database's, turn
// after turn, past the model's window and the cache's size.
func TestHistoryCacheMatchesStore(t *testing.T) {
	ts := newTestServer(t, func(c *Config) { c.MessageRate, c.MessageBurst = 1e6, 1e6 })
	c := ts.dial(nil)
	id := c.hello(map[string]any{"identity": identity("cus_1001", time.Now().Add(time.Hour))}).ConversationID
	ctx := context.Background()
	texts := []string{"hello", "where is my order?", "how long does shipping to Canada take?", "thanks", "我的订单到哪了", "recommend a tent"}
	for i := range 40 {
		c.send(map[string]any{"type": "message", "client_id": fmt.Sprint("h", i), "text": texts[i%len(texts)]})
		c.until(answer)
		if i%7 != 6 {
			continue
		}
		for _, n := range []int{1, 40, historyCap} {
			got, gotBefore, err := ts.engine.lastMessages(ctx, id, n)
			want, wantBefore, err2 := ts.st.LastMessages(ctx, id, n)
			if err != nil || err2 != nil || gotBefore != wantBefore || !reflect.DeepEqual(seqs(got), seqs(want)) {
				t.Fatalf("turn %d, last %d: cache %v (before %d), store %v (before %d) %v %v", i, n, seqs(got), gotBefore, seqs(want), wantBefore, err, err2)
			}
			for j := range got {
				if got[j].Text != want[j].Text || got[j].Role != want[j].Role || string(got[j].ToolCalls) != string(want[j].ToolCalls) {
					t.Fatalf("turn %d: message seq %d differs: %+v vs %+v", i, got[j].Seq, got[j], want[j])
				}
			}
			if len(got) > 0 {
				gt, _ := ts.engine.shopperTexts(ctx, id, got[0].Seq, 12)
				wt, _ := ts.st.ShopperTexts(ctx, id, got[0].Seq, 12)
				if !reflect.DeepEqual(gt, wt) {
					t.Fatalf("turn %d: shopper texts %q, store %q", i, gt, wt)
				}
			}
		}
	}
	ts.engine.mu.Lock()
	live := ts.engine.convs[id]
	ts.engine.mu.Unlock()
	live.mu.Lock()
	loaded, n := live.hist.loaded, len(live.hist.msgs)
	live.mu.Unlock()
	if !loaded || n != historyCap {
		t.Errorf("the cache is not in use: loaded %v with %d messages", loaded, n)
	}
}

func seqs(ms []store.Message) []int64 {
	var out []int64
	for _, m := range ms {
		out = append(out, m.Seq)
	}
	return out
}

// A shopper message stored without an answer (kefu stopped after the ack)
// is answered when the shopper comes back.
func TestResumeAnswersLeftoverMessage(t *testing.T) {
	ts := newTestServer(t, nil)
	c := ts.dial(nil)
	w := c.hello(map[string]any{"identity": identity("cus_1001", time.Now().Add(time.Hour))})
	// The conversation is stored (as with a first message, which would be
	// answered).
	if err := ts.engine.saveConversation(context.Background(), w.ConversationID); err != nil {
		t.Fatal(err)
	}
	c.ws.Close()
	// The socket is gone and the engine forgets the conversation.
	for deadline := time.Now().Add(5 * time.Second); ts.engine.live(w.ConversationID) != nil; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the conversation stayed live")
		}
	}
	m := &store.Message{ConversationID: w.ConversationID, Role: store.RoleUser, ClientID: "left", Text: "where is my order KF-10045?"}
	if _, err := ts.st.AppendMessage(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	c2 := ts.dial(nil)
	c2.hello(map[string]any{"resume_token": w.ResumeToken, "last_seq": m.Seq, "identity": identity("cus_1001", time.Now().Add(time.Hour))})
	reply, _ := c2.until(answer)
	if reply.Seq <= m.Seq || !strings.Contains(reply.Text, "UPS") {
		t.Fatalf("answer = %+v", reply)
	}
	// Once: a second resume finds it answered.
	c3 := ts.dial(nil)
	c3.hello(map[string]any{"resume_token": w.ResumeToken, "last_seq": reply.Seq, "identity": identity("cus_1001", time.Now().Add(time.Hour))})
	c3.send(map[string]any{"type": "message", "client_id": "next", "text": "thanks"})
	c3.until(answer)
	ms, _ := ts.st.Messages(context.Background(), w.ConversationID, 0, 50)
	answers := 0
	for _, x := range ms {
		if x.Role == store.RoleAssistant && x.Text != "" {
			answers++
		}
	}
	if answers != 2 {
		t.Errorf("%d answers stored, want 2", answers)
	}
}

// A hello whose resume token opens nothing starts a new conversation, and
// the last_seq it carried (from the old one) hides none of the new one's
// messages.
func TestNewConversationIgnoresStaleLastSeq(t *testing.T) {
	ts := newTestServer(t, nil)
	c := ts.dial(nil)
	if w := c.hello(map[string]any{"resume_token": "not-a-token", "last_seq": 40}); w.Resumed {
		t.Fatalf("welcome = %+v", w)
	}
	c.send(map[string]any{"type": "message", "client_id": "m1", "text": "thanks"})
	if reply, _ := c.until(answer); reply.Seq != 2 {
		t.Errorf("answer = %+v", reply)
	}
}
