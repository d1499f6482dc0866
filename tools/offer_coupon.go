package tools

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/kefu-dev/kefu/store"
)

// OfferCoupon offers a signed-in customer a discount, only on evidence in
// the data: a late delivery, a faulty item returned, or the same order
// asked about in two conversations. The amount is the shop's, never the
// model's, and a customer gets at most one coupon per 30 days.
type OfferCoupon struct {
	Store interface {
		orderFinder
		evidenceSource
		LastCoupon(ctx context.Context, customerID int64) (*store.Coupon, error)
		CreatePendingAction(ctx context.Context, a *store.PendingAction) error
		IssueCoupon(ctx context.Context, actionID string, c store.Coupon, every time.Duration) (*store.Coupon, *store.PendingAction, error)
		actionCloser
	}
	Policy Policy
}

var _ Tool = (*OfferCoupon)(nil)

// couponEvery is how often a customer may get a coupon.
const couponEvery = 30 * 24 * time.Hour

func (*OfferCoupon) Name() string { return NameOfferCoupon }
func (*OfferCoupon) Risk() Risk   { return Change }
func (*OfferCoupon) kind() string { return NameOfferCoupon }

func (*OfferCoupon) Description() string {
	return "Offer a signed-in shopper a discount coupon for their next order, as an apology when something went wrong. " +
		"Only works when the shop's data shows a reason (a late delivery, a faulty item returned, or the same problem " +
		"raised twice); otherwise it is refused and you must not promise anything. The amount is fixed by the shop. " +
		"Like other changes it returns a preview: ask the shopper whether they want it."
}

func (*OfferCoupon) Parameters() map[string]any {
	return schema(map[string]any{
		"situation": str("One sentence on what went wrong, for the record (e.g. \"parcel arrived a week late\")."),
	}, "situation")
}

func (t *OfferCoupon) Call(ctx context.Context, id Identity, args string) (Result, error) {
	var a struct {
		Situation string `json:"situation"`
	}
	if err := decodeArgs(args, &a); err != nil {
		return invalid(err.Error()), nil
	}
	if id.Guest() {
		return refused("not_signed_in", "Coupons are for signed-in customers; a guest gets none."), nil
	}
	p := t.Policy.withDefaults()
	if last, err := t.Store.LastCoupon(ctx, id.CustomerID); err == nil && t.Store.Now().Sub(last.CreatedAt) < couponEvery {
		return refused("recent_coupon", fmt.Sprintf("This customer already got a coupon on %s; at most one per 30 days.", last.CreatedAt.Format("2006-01-02"))), nil
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		return Result{}, err
	}
	evidence, err := couponEvidence(ctx, t.Store, id.CustomerID, t.Store.Now())
	if err != nil {
		return Result{}, err
	}
	if len(evidence) == 0 {
		return refused("no_evidence", "Nothing in the shop's data justifies a coupon (no late delivery, faulty return or repeated problem). Do not offer one."), nil
	}
	payload := CouponOffer{Percent: p.CouponPercent, Reason: evidence[0].Kind, Evidence: evidence, Note: clipText(a.Situation, 300)}
	b, _ := json.Marshal(payload)
	// The pending change is filed under the order the evidence is about.
	o, err := t.Store.OrderByNumber(ctx, evidence[0].OrderNumber)
	if err != nil {
		return Result{}, err
	}
	now := t.Store.Now()
	action := &store.PendingAction{ID: uuid.NewString(), Kind: t.kind(), ConversationID: id.ConversationID, CustomerID: id.CustomerID,
		OrderID: o.ID, Payload: b, CreatedAt: now, ExpiresAt: now.Add(p.ConfirmWithin)}
	if err := t.Store.CreatePendingAction(ctx, action); err != nil {
		return Result{}, err
	}
	return Result{Status: StatusNeedsConfirmation,
		Message: fmt.Sprintf("Offer the shopper a %d%% coupon for their next order, because: %s. Ask whether they want it.", p.CouponPercent, evidence[0].Detail),
		Data:    pending(action, &payload)}, nil
}

func (t *OfferCoupon) confirm(ctx context.Context, id Identity, a *store.PendingAction) (Result, error) {
	p, done, err := openPending[CouponOffer](ctx, t.Store, a, "coupon", "This offer expired before it was accepted.")
	if done != nil || err != nil {
		return deref(done), err
	}
	evidence, _ := json.Marshal(p.Evidence)
	c, stored, err := t.Store.IssueCoupon(ctx, a.ID, store.Coupon{CustomerID: a.CustomerID, Percent: p.Percent, Reason: p.Reason,
		Evidence: evidence, ExpiresAt: t.Store.Now().Add(90 * 24 * time.Hour)}, couponEvery)
	switch {
	case errors.Is(err, store.ErrActionNotPending):
		return deref(finished(stored)), nil
	case errors.Is(err, store.ErrConflict):
		r := refused("recent_coupon", "A coupon was issued to this customer meanwhile; at most one per 30 days.")
		return r, t.Store.FinishAction(ctx, a.ID, store.ActionFailed, r)
	case err != nil:
		return Result{}, err
	}
	return Result{Status: StatusOK, Message: "Give the shopper the code and say how much it takes off and until when.",
		Data: &CouponIssued{Kind: NameOfferCoupon, Code: c.Code, Percent: c.Percent, ExpiresAt: c.ExpiresAt}}, nil
}

func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
