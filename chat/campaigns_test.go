package chat

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/store"
)

// offerFrame is a server frame with what campaigns add to it.
type offerFrame struct {
	frame
	Offer *Offer `json:"offer"`
}

func (c *client) readOffer(wait time.Duration) (offerFrame, bool) {
	c.t.Helper()
	c.ws.SetReadDeadline(time.Now().Add(wait))
	_, b, err := c.ws.ReadMessage()
	if err != nil {
		return offerFrame{}, false
	}
	var f offerFrame
	if err := json.Unmarshal(b, &f); err != nil {
		c.t.Fatalf("frame %s: %v", b, err)
	}
	return f, true
}

// untilOffer reads frames until a campaign's message.
func (c *client) untilOffer() offerFrame {
	c.t.Helper()
	for {
		f, ok := c.readOffer(5 * time.Second)
		if !ok {
			c.t.Fatal("no offer came")
		}
		if f.Offer != nil {
			return f
		}
	}
}

// noOffer reads what the server sends for a moment and fails on an offer.
// The socket cannot be read after it (gorilla's read timed out).
func (c *client) noOffer() {
	c.t.Helper()
	for {
		f, ok := c.readOffer(400 * time.Millisecond)
		if !ok {
			return
		}
		if f.Offer != nil {
			c.t.Fatalf("an offer was sent: %+v", f)
		}
	}
}

func campaign(name string, seg store.CampaignSegment, code string, now time.Time) *store.Campaign {
	c := &store.Campaign{Name: name, Segment: seg, MessageEN: name + ": 15% off teaware this week", MessageZH: name + "：本周茶具八五折",
		StartsAt: now.Add(-time.Hour), EndsAt: now.Add(7 * 24 * time.Hour)}
	if code != "" {
		exp := time.Now().Add(30 * 24 * time.Hour)
		c.CouponCode, c.CouponPercent, c.CouponExpiresAt = code, 15, &exp
	}
	return c
}

// Over real sockets on the tea shop (not the demo): a signed-in shopper in
// a campaign's segment is shown it once (not on a second tab, not again
// on a reload, where it is in the history as it was), one outside the
// segment is not, a queued or taken-over conversation gets none, clicks
// are recorded, and an opt-out in either language is answered in it and
// stops every campaign.
func TestCampaignOverTheSocket(t *testing.T) {
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	ts := newShopServer(t, "shop_tea.json", now)
	ctx := context.Background()
	emma, _ := ts.st.CustomerByExternalID(ctx, "cha-202") // en, bought teaware
	li, _ := ts.st.CustomerByExternalID(ctx, "cha-203")   // zh
	wang, _ := ts.st.CustomerByExternalID(ctx, "cha-201") // zh, bought teaware
	c1 := campaign("Teaware", store.CampaignSegment{Category: "teaware", Locale: "en"}, "TEA15", now)
	if err := ts.st.CreateCampaign(ctx, c1); err != nil {
		t.Fatal(err)
	}

	// Wang, outside it, asks for a person: queued.
	w1 := ts.dial(nil)
	wWelcome := w1.hello(map[string]any{"identity": identity("cha-201", time.Now().Add(time.Hour)), "locale": "zh"})
	w1.send(map[string]any{"type": "message", "client_id": "h", "text": "我要找人工客服"})
	if st, _ := w1.until(isType("state")); st.State != store.StateQueued {
		t.Fatalf("state %+v", st)
	}
	w1.ws.Close()
	// A campaign for every Chinese speaker starts; Wang's queued and then
	// taken-over conversation is shown none.
	c2 := campaign("中文", store.CampaignSegment{Locale: "zh"}, "", now)
	if err := ts.st.CreateCampaign(ctx, c2); err != nil {
		t.Fatal(err)
	}
	for _, state := range []string{store.StateQueued, store.StateHuman} {
		if state == store.StateHuman {
			mei := &store.Staff{Email: "mei@example.com", Name: "Mei", Role: store.RoleAgent, PasswordHash: "x"}
			if err := ts.st.CreateStaff(ctx, mei); err != nil {
				t.Fatal(err)
			}
			if err := ts.engine.SetState(ctx, wWelcome.ConversationID, store.StateHuman, StaffMember{ID: mei.ID, Name: "Mei"}); err != nil {
				t.Fatal(err)
			}
		}
		w := ts.dial(nil)
		w.hello(map[string]any{"identity": identity("cha-201", time.Now().Add(time.Hour)), "resume_token": wWelcome.ResumeToken,
			"last_seq": 100, "locale": "zh"})
		w.noOffer()
		w.ws.Close()
	}
	if figs, _ := ts.st.CampaignsWithFigures(ctx); figs[0].Shown != 0 {
		t.Fatalf("shown in a conversation with a person: %+v", figs[0])
	}

	// Emma is shown the teaware campaign, with its coupon, once.
	e1 := ts.dial(nil)
	eWelcome := e1.hello(map[string]any{"identity": identity("cha-202", time.Now().Add(time.Hour))})
	got := e1.untilOffer()
	if got.Role != store.RoleAssistant || got.Text != c1.MessageEN || got.Offer.CampaignID != c1.ID || got.Offer.Code != "TEA15" || got.Offer.Percent != 15 {
		t.Fatalf("offer %+v %+v", got, got.Offer)
	}
	e2 := ts.dial(nil) // a second tab, a new conversation
	e2.hello(map[string]any{"identity": identity("cha-202", time.Now().Add(time.Hour))})
	e2.noOffer()
	// A reload resumes: the offer is in the history, not new.
	e3 := ts.dial(nil)
	e3.hello(map[string]any{"identity": identity("cha-202", time.Now().Add(time.Hour)), "resume_token": eWelcome.ResumeToken})
	if h := e3.untilOffer(); h.Seq != got.Seq || h.Offer.Code != "TEA15" {
		t.Fatalf("history's offer %+v, want seq %d", h, got.Seq)
	}
	e3.noOffer()
	e4 := ts.dial(nil)
	e4.hello(map[string]any{"identity": identity("cha-202", time.Now().Add(time.Hour)), "resume_token": eWelcome.ResumeToken, "last_seq": got.Seq})
	e4.noOffer()
	ms, _ := ts.st.Messages(ctx, eWelcome.ConversationID, 0, 100)
	if len(ms) != 1 || ms[0].Author != CampaignAuthor || ms[0].Role != store.RoleAssistant {
		t.Fatalf("stored %+v", ms)
	}
	e1.send(map[string]any{"type": "offer", "campaign_id": c1.ID, "response": "click"})
	e1.send(map[string]any{"type": "offer", "campaign_id": c2.ID, "response": "click"}) // not shown to her: not counted
	// Li is shown the Chinese campaign, in Chinese.
	l1 := ts.dial(nil)
	l1.hello(map[string]any{"identity": identity("cha-203", time.Now().Add(time.Hour)), "locale": "zh"})
	if o := l1.untilOffer(); o.Text != c2.MessageZH || o.Offer.Code != "" {
		t.Fatalf("Li's offer %+v", o)
	}
	l1.send(map[string]any{"type": "offer", "campaign_id": c2.ID, "response": "dismiss"})

	// Both opt out, each in their language, answered in it.
	for _, o := range []struct {
		c        *client
		text     string
		customer *store.Customer
		want     string
	}{{e1, "Please stop sending me offers", emma, "won't send you any more offers"}, {l1, "别给我发广告了", li, "不会再向您推送"}} {
		o.c.send(map[string]any{"type": "message", "client_id": "out", "text": o.text})
		a, _ := o.c.until(answer)
		if !strings.Contains(a.Text, o.want) {
			t.Fatalf("answer to %q: %q", o.text, a.Text)
		}
		if out, _ := ts.st.OptedOutOfOffers(ctx, o.customer.ID); !out {
			t.Fatalf("%s not opted out", o.customer.Email)
		}
	}
	// A new campaign for everyone: neither is shown it, Wang (opted in,
	// on a new conversation with the bot) is.
	c3 := campaign("Everyone", store.CampaignSegment{}, "", now)
	if err := ts.st.CreateCampaign(ctx, c3); err != nil {
		t.Fatal(err)
	}
	for _, ext := range []string{"cha-202", "cha-203"} {
		c := ts.dial(nil)
		c.hello(map[string]any{"identity": identity(ext, time.Now().Add(time.Hour))})
		c.noOffer()
	}
	w := ts.dial(nil)
	w.hello(map[string]any{"identity": identity("cha-201", time.Now().Add(time.Hour)), "locale": "zh"})
	if o := w.untilOffer(); o.Offer.CampaignID != c2.ID {
		t.Fatalf("Wang's offer %+v, want the oldest running one (%d)", o.Offer, c2.ID)
	}
	// A guest is never shown one.
	g := ts.dial(nil)
	g.hello(nil)
	g.noOffer()

	figs, err := ts.st.CampaignsWithFigures(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int64]store.CampaignFigures{}
	for _, f := range figs {
		byID[f.ID] = f
	}
	if f := byID[c1.ID]; f.Shown != 1 || f.Clicked != 1 || f.Dismissed != 0 {
		t.Fatalf("teaware figures %+v", f)
	}
	if f := byID[c2.ID]; f.Shown != 2 || f.Clicked != 0 || f.Dismissed != 1 {
		t.Fatalf("zh figures %+v", f)
	}
	if f := byID[c3.ID]; f.Shown != 0 {
		t.Fatalf("everyone figures %+v", f)
	}
	_ = wang
}
