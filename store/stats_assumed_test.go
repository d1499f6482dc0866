package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/store"
)

// A bot conversation that ended with the bot's answer, without a handoff,
// and that the shopper did not come back to within 24 hours counts as an
// assumed resolution beside the confirmed ones (DESIGN.md, Measures;
// issue 17, point 6): not one quiet for less than a day, not one whose
// customer started another conversation within the day, not one handed
// to a person, not one ending with the shopper's message.
func TestAssumedResolution(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 11, 20, 0, 30, 0, 0, time.UTC) // every conversation starts on the same UTC day
	var mu sync.Mutex
	clock := t0
	at := func(d time.Duration) { mu.Lock(); clock = t0.Add(d); mu.Unlock() }
	st, err := store.Open(ctx, t.TempDir()+"/kefu.db", store.Options{Now: func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Import(ctx, &store.Dataset{Customers: []store.Customer{{ExternalID: "cus_1", Email: "a@example.com", Name: "A", Locale: "en"}}}); err != nil {
		t.Fatal(err)
	}
	c, err := st.CustomerByEmail(ctx, "a@example.com")
	if err != nil {
		t.Fatal(err)
	}
	chat := func(customer int64, lastRole string) *store.Conversation {
		t.Helper()
		conv, _, err := st.CreateConversation(ctx, customer, "en")
		if err != nil {
			t.Fatal(err)
		}
		for _, role := range []string{store.RoleUser, store.RoleAssistant, lastRole} {
			if role == "" {
				continue
			}
			if _, err := st.AppendMessage(ctx, &store.Message{ConversationID: conv.ID, Role: role, Text: "x"}); err != nil {
				t.Fatal(err)
			}
		}
		return conv
	}
	at(0)
	chat(0, "")             // quiet for 25 hours: assumed
	chat(0, store.RoleUser) // the shopper wrote last: not
	chat(c.ID, "")          // its customer came back an hour later: not
	handed := chat(0, "")
	if err := st.AddEvent(ctx, &store.Event{ConversationID: handed.ID, Kind: "handoff_requested"}); err != nil {
		t.Fatal(err)
	}
	at(time.Hour)
	chat(c.ID, "") // quiet for 24 hours exactly: assumed
	at(20 * time.Hour)
	chat(0, "") // quiet for 5 hours: not
	at(25 * time.Hour)
	days, err := st.DailyStats(ctx, t0.Add(-time.Hour), t0.Add(48*time.Hour), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(days) != 1 || days[0].Conversations != 6 || days[0].AssumedResolved != 2 || days[0].ResolvedByBot != 0 {
		t.Fatalf("stats %+v, want 6 conversations, 2 assumed resolutions, none confirmed", days)
	}
}
