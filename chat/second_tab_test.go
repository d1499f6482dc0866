package chat

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/store"
)

// A shopper's second tab gets every answer, while the first tab sends
// messages as fast as the shopper types them. (The focused form of the
// lost-answer bug TestKillUnderLoad's skipped subtest finds.)
func TestSecondTabGetsEveryAnswer(t *testing.T) {
	ts := newTestServer(t, func(c *Config) { c.MessageRate, c.MessageBurst, c.IPRate, c.IPBurst = 1e9, 1e9, 1e9, 1e9 })
	ctx := context.Background()
	for round := range 10 {
		a := ts.dial(nil)
		w := a.hello(nil)
		b := ts.dial(nil)
		if wb := b.hello(map[string]any{"resume_token": w.ResumeToken}); wb.ConversationID != w.ConversationID {
			t.Fatalf("the second tab opened %s, not %s", wb.ConversationID, w.ConversationID)
		}
		const messages = 10
		for i := range messages {
			a.send(map[string]any{"type": "message", "client_id": fmt.Sprint("m", i), "text": "how long does shipping to Canada take"})
			time.Sleep(time.Duration(i%3) * time.Millisecond)
		}
		// Every message answered in the database.
		var answers []int64
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			ms, err := ts.st.Messages(ctx, w.ConversationID, 0, 1000)
			if err != nil {
				t.Fatal(err)
			}
			users := 0
			answers = answers[:0]
			for _, m := range ms {
				switch {
				case m.Role == store.RoleUser:
					users++
				case m.Role == store.RoleAssistant && len(m.ToolCalls) == 0 && m.Text != "":
					answers = append(answers, m.Seq)
				}
			}
			if users == messages && len(answers) == users {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("round %d: %d messages, %d answers stored", round, users, len(answers))
			}
		}
		// The second tab has them all, each once.
		got := map[int64]int{}
		missing := func() []int64 {
			var out []int64
			for _, seq := range answers {
				if got[seq] == 0 {
					out = append(out, seq)
				}
			}
			return out
		}
		for len(missing()) > 0 {
			b.ws.SetReadDeadline(time.Now().Add(3 * time.Second))
			var f frame
			if err := b.ws.ReadJSON(&f); err != nil {
				t.Errorf("round %d: the second tab never got answers %v (%v)", round, missing(), err)
				break
			}
			if f.Type == "message" && f.Role == store.RoleAssistant {
				if got[f.Seq]++; got[f.Seq] > 1 {
					t.Errorf("round %d: the second tab got answer %d twice", round, f.Seq)
				}
			}
		}
		a.ws.Close()
		b.ws.Close()
	}
}
