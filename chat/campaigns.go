package chat

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/kefu-dev/kefu/store"
)

// Campaigns (issue 18, point 5): a signed-in shopper in a running
// campaign's segment who opens the widget is shown its message once, as a
// proactive assistant message stored in the transcript. Whether they are
// shown it is decided in the database (store.ClaimOffer), so two tabs or
// two nodes do not both show it.

// CampaignAuthor is the author of a stored campaign message; its
// ToolResult holds the Offer it made.
const CampaignAuthor = "campaign"

// Offer is what a campaign message offers: the campaign, and its coupon if
// it has one. Message frames of campaign messages carry it.
type Offer struct {
	CampaignID int64      `json:"campaign_id"`
	Code       string     `json:"code,omitempty"`
	Percent    int        `json:"percent,omitempty"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
}

// offerStore is what campaigns need of the store; *store.Store has it. A
// store without it (a test's) shows no campaigns.
type offerStore interface {
	OffersFor(ctx context.Context, customerID int64) ([]store.Campaign, error)
	InSegment(ctx context.Context, c *store.Campaign, customerID int64) (bool, error)
	ClaimOffer(ctx context.Context, campaignID, customerID int64, conversationID string) (bool, error)
	UnclaimOffer(ctx context.Context, campaignID, customerID int64) error
	RecordOfferResponse(ctx context.Context, campaignID, customerID int64, response string) error
	OptOutOfOffers(ctx context.Context, customerID int64, conversationID string) error
}

// offerOf decodes the offer of a campaign message; nil for any other.
func offerOf(m *store.Message) *Offer {
	if m.Role != store.RoleAssistant || m.Author != CampaignAuthor {
		return nil
	}
	var o Offer
	if json.Unmarshal(m.ToolResult, &o) != nil {
		return nil
	}
	return &o
}

// offer shows the shopper on cn the first running campaign they are in
// and have not been shown, if the conversation is with the bot. At most
// store.MaxActiveCampaigns one-customer segment checks.
func (cn *conn) offer(customerID int64) {
	e, c := cn.e, cn.conv
	os, ok := e.store.(offerStore)
	if !ok || customerID == 0 {
		return
	}
	if state, _ := c.currentState(); state != store.StateBot {
		return // a person has it, or it waits for one
	}
	ctx := cn.ctx
	campaigns, err := os.OffersFor(ctx, customerID)
	if err != nil {
		e.log.Warn("offers not read", "conversation_id", c.id, "err", err)
		return
	}
	now := e.cfg.Now()
	for i := range campaigns {
		camp := &campaigns[i]
		if camp.CouponExpiresAt != nil && !now.Before(*camp.CouponExpiresAt) {
			continue // its coupon has expired: nothing to offer
		}
		in, err := os.InSegment(ctx, camp, customerID)
		if err != nil {
			e.log.Warn("segment not evaluated", "campaign_id", camp.ID, "err", err)
			return
		}
		if !in {
			continue
		}
		claimed, err := os.ClaimOffer(ctx, camp.ID, customerID, c.id)
		if err != nil {
			e.log.Warn("offer not claimed", "campaign_id", camp.ID, "err", err)
			return
		}
		if !claimed {
			continue // another tab or node showed it, or the shopper opted out meanwhile
		}
		o := Offer{CampaignID: camp.ID, Code: camp.CouponCode, Percent: camp.CouponPercent, ExpiresAt: camp.CouponExpiresAt}
		data, _ := json.Marshal(o)
		m := &store.Message{ConversationID: c.id, Role: store.RoleAssistant, Author: CampaignAuthor, Text: camp.Message(cn.locale),
			ToolResult: data, Model: CampaignAuthor, ClientID: "campaign-" + strconv.FormatInt(camp.ID, 10)}
		if _, err := e.appendSaving(ctx, cn.unsaved, []*store.Message{m}, nil); err != nil {
			e.log.Warn("offer not stored", "campaign_id", camp.ID, "conversation_id", c.id, "err", err)
			if err := os.UnclaimOffer(context.WithoutCancel(ctx), camp.ID, customerID); err != nil {
				e.log.Warn("offer claim not taken back", "campaign_id", camp.ID, "err", err)
			}
			return
		}
		e.metrics.OffersShown.Inc()
		return // one offer at a time
	}
}

// offerResponse records a click on or a dismissal of an offer the shopper
// was shown.
func (cn *conn) offerResponse(f *inFrame) {
	e := cn.e
	os, ok := e.store.(offerStore)
	if !ok || cn.conv.customerID == 0 || !cn.limiter.AllowN(e.cfg.Now(), 1) {
		return
	}
	if err := os.RecordOfferResponse(cn.ctx, f.CampaignID, cn.conv.customerID, f.Response); err != nil && !errors.Is(err, store.ErrNotFound) {
		e.log.Warn("offer response not stored", "conversation_id", cn.conv.id, "err", err)
	}
}

// optOut honours a shopper's "no more offers" at once: recorded (with an
// audit entry) before the answer that confirms it, in their language
// (answer: the bot has the conversation; a person answers it otherwise).
func (e *Engine) optOut(ctx context.Context, c *conversation, lang string, answer bool) {
	if os, ok := e.store.(offerStore); ok && c.customerID != 0 {
		if err := os.OptOutOfOffers(ctx, c.customerID, c.id); err != nil {
			e.log.Error("opt-out not stored", "conversation_id", c.id, "err", err)
			return
		}
	}
	if !answer {
		return
	}
	text := "Done: we won't send you any more offers or promotions. You can still ask me anything here."
	if lang == "zh" {
		text = "好的，我们不会再向您推送任何优惠或促销信息。如有其他问题，随时问我。"
	}
	if _, err := e.append(ctx, &store.Message{ConversationID: c.id, Role: store.RoleAssistant, Text: text, Model: optOutModel}); err != nil {
		e.log.Error("opt-out answer not stored", "conversation_id", c.id, "err", err)
	}
}

// optOutModel names, on the answer confirming an opt-out, what wrote it.
const optOutModel = "kefu-optout"
