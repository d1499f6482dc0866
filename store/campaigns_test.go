package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/store"
)

// teawareEN is a campaign for English-speaking customers who bought
// teaware, in the tea shop (store/testdata/shop_tea.json): Emma Wilson
// is in it, Wang Fang (zh) is not.
func teawareEN(code string) *store.Campaign {
	exp := testNow.Add(30 * 24 * time.Hour)
	return &store.Campaign{Name: "Teaware friends", Segment: store.CampaignSegment{Category: "teaware", Locale: "en"},
		MessageEN: "10% off your next teapot", MessageZH: "下一把茶壶九折", CouponCode: code, CouponPercent: 10, CouponExpiresAt: &exp,
		StartsAt: testNow.Add(-time.Hour), EndsAt: testNow.Add(7 * 24 * time.Hour)}
}

func TestCampaignLifecycle(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		st := openShopFile("testdata/shop_tea.json")(t, open)
		emma, err := st.CustomerByEmail(ctx, "emma.wilson@example.com")
		if err != nil {
			t.Fatal(err)
		}
		wang, err := st.CustomerByEmail(ctx, "wang.fang@example.com")
		if err != nil {
			t.Fatal(err)
		}
		c := teawareEN("teapot10")
		if err := st.CreateCampaign(ctx, c); err != nil {
			t.Fatal(err)
		}
		if c.CouponCode != "TEAPOT10" {
			t.Fatalf("code %q, want it upper-cased", c.CouponCode)
		}
		for _, tc := range []struct {
			who  *store.Customer
			want bool
		}{{emma, true}, {wang, false}} {
			in, err := st.InSegment(ctx, c, tc.who.ID)
			if err != nil || in != tc.want {
				t.Fatalf("%s in segment: %v, %v; want %v", tc.who.Email, in, err, tc.want)
			}
		}
		offers, err := st.OffersFor(ctx, emma.ID)
		if err != nil || len(offers) != 1 || offers[0].ID != c.ID {
			t.Fatalf("offers for Emma: %+v, %v", offers, err)
		}

		// Eight tabs claim it at once: one wins, in the database.
		conv, _, err := st.CreateConversation(ctx, emma.ID, "en")
		if err != nil {
			t.Fatal(err)
		}
		var wins int
		var mu sync.Mutex
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := st.ClaimOffer(ctx, c.ID, emma.ID, conv.ID)
				if err != nil {
					t.Error(err)
				}
				if ok {
					mu.Lock()
					wins++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if wins != 1 {
			t.Fatalf("%d claims won, want 1", wins)
		}
		if offers, _ := st.OffersFor(ctx, emma.ID); len(offers) != 0 {
			t.Fatalf("offered again after it was shown: %+v", offers)
		}
		for _, r := range []string{store.OfferClicked, store.OfferClicked, store.OfferDismissed} {
			if err := st.RecordOfferResponse(ctx, c.ID, emma.ID, r); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.RecordOfferResponse(ctx, c.ID, wang.ID, store.OfferClicked); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a click on an offer never shown: %v, want ErrNotFound", err)
		}

		// Emma's new order 2001 used the code, imported; 2002 (another
		// code) and a report of 2001 again count nothing more.
		ds := &store.Dataset{Orders: []store.Order{
			{Number: "2001", CustomerEmail: "emma.wilson@example.com", Status: "pending_payment", PlacedAt: testNow, Coupons: []string{"teapot10"},
				Items: []store.OrderItem{{SKU: "LJ-250", Quantity: 1}}},
			{Number: "2002", CustomerEmail: "emma.wilson@example.com", Status: "pending_payment", PlacedAt: testNow, Coupons: []string{"SPRING"},
				Items: []store.OrderItem{{SKU: "PE-357", Quantity: 1}}},
		}}
		if _, err := st.Import(ctx, ds); err != nil {
			t.Fatal(err)
		}
		if _, err := st.ReportRedemption(ctx, "2001", "TEAPOT10"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.ReportRedemption(ctx, "2001", "NOPE"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown code: %v", err)
		}
		figs, err := st.CampaignsWithFigures(ctx)
		if err != nil || len(figs) != 1 {
			t.Fatalf("figures: %+v, %v", figs, err)
		}
		f := figs[0]
		if f.Shown != 1 || f.Clicked != 1 || f.Dismissed != 1 || f.Redeemed != 1 || f.Conversion != 1 || !f.Running {
			t.Fatalf("figures %+v", f)
		}

		// A conversation a person has taken over gets no offer.
		c2 := teawareEN("")
		c2.Name, c2.CouponPercent, c2.CouponExpiresAt = "No coupon", 0, nil
		if err := st.CreateCampaign(ctx, c2); err != nil {
			t.Fatal(err)
		}
		if err := st.ChangeState(ctx, store.StateChange{ConversationID: conv.ID, From: store.StateBot, To: store.StateQueued}); err != nil {
			t.Fatal(err)
		}
		if ok, err := st.ClaimOffer(ctx, c2.ID, emma.ID, conv.ID); ok || err != nil {
			t.Fatalf("claimed in a queued conversation: %v, %v", ok, err)
		}

		// Opting out: no offer, once audited.
		for range 2 {
			if err := st.OptOutOfOffers(ctx, emma.ID, conv.ID); err != nil {
				t.Fatal(err)
			}
		}
		if offers, _ := st.OffersFor(ctx, emma.ID); len(offers) != 0 {
			t.Fatalf("offers after the opt-out: %+v", offers)
		}
		other, _, _ := st.CreateConversation(ctx, emma.ID, "en")
		if ok, _ := st.ClaimOffer(ctx, c2.ID, emma.ID, other.ID); ok {
			t.Fatal("claimed after the opt-out")
		}
		audit, err := st.Audit(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, a := range audit {
			if a.Action == "offers_opt_out" && a.Subject == fmt.Sprintf("customer:%d", emma.ID) {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("%d opt-out audit entries, want 1: %+v", n, audit)
		}

		if err := st.StopCampaign(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		if figs, _ := st.CampaignsWithFigures(ctx); figs[1].Running {
			t.Fatalf("stopped campaign still running: %+v", figs[1])
		}
	})
}

func TestCampaignBounds(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		st := open(t)
		bad := []func(c *store.Campaign){
			func(c *store.Campaign) { c.MessageZH = "" },
			func(c *store.Campaign) { c.MessageEN = strings.Repeat("x", store.MaxCampaignMessage+1) },
			func(c *store.Campaign) { c.EndsAt = c.StartsAt },
			func(c *store.Campaign) { c.CouponCode = "bad code!" },
			func(c *store.Campaign) { c.CouponPercent = 0 },
			func(c *store.Campaign) { c.CouponExpiresAt = nil },
			func(c *store.Campaign) { c.Segment.BoughtAfter = "yesterday" },
		}
		for i, mutate := range bad {
			c := teawareEN(fmt.Sprintf("BAD%d", i))
			mutate(c)
			var ve *store.ValidationError
			if err := st.CreateCampaign(ctx, c); !errors.As(err, &ve) {
				t.Errorf("case %d: %v, want a validation error", i, err)
			}
		}
		for i := range store.MaxActiveCampaigns {
			if err := st.CreateCampaign(ctx, teawareEN(fmt.Sprintf("OK%d", i))); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.CreateCampaign(ctx, teawareEN("ONEMORE")); !errors.Is(err, store.ErrTooManyCampaigns) {
			t.Fatalf("campaign %d: %v, want ErrTooManyCampaigns", store.MaxActiveCampaigns+1, err)
		}
		if err := st.StopCampaign(ctx, 1); err != nil {
			t.Fatal(err)
		}
		if err := st.CreateCampaign(ctx, teawareEN("OK0")); !errors.Is(err, store.ErrCodeTaken) {
			t.Fatalf("a taken code: %v", err)
		}
		if err := st.CreateCampaign(ctx, teawareEN("ONEMORE")); err != nil {
			t.Fatalf("after a stop: %v", err)
		}
	})
}
