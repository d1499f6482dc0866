package tools

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/kefu-dev/kefu/store"
)

// CancelOrder previews and, once confirmed, cancels an order that has not
// shipped.
type CancelOrder struct {
	Store interface {
		orderFinder
		CreatePendingAction(ctx context.Context, a *store.PendingAction) error
		CancelOrder(ctx context.Context, actionID, reason string) (*store.PendingAction, error)
		actionCloser
	}
	Policy Policy
}

var _ Tool = (*CancelOrder)(nil)

func (*CancelOrder) Name() string { return NameCancelOrder }
func (*CancelOrder) Risk() Risk   { return Change }
func (*CancelOrder) kind() string { return NameCancelOrder }

func (*CancelOrder) Description() string {
	return "Cancel an order that has not shipped yet. This only PREVIEWS the cancellation and returns an action_id: " +
		"show it and ask the shopper to confirm; nothing happens until they do. Orders that have shipped cannot be " +
		"cancelled (the result says \"refused\"; offer a return after delivery). Same access rules as lookup_order."
}

func (*CancelOrder) Parameters() map[string]any {
	props := map[string]any{"reason": str("Why the shopper wants to cancel, in their words.")}
	for k, v := range orderProps {
		props[k] = v
	}
	return schema(props, "order_number", "reason")
}

func (t *CancelOrder) Call(ctx context.Context, id Identity, args string) (Result, error) {
	return previewOnOrder(ctx, t.Store, id, args, t.preview)
}

func (a cancelArgs) order() orderArgs { return orderArgs{OrderNumber: a.OrderNumber, Email: a.Email} }

type cancelArgs struct {
	OrderNumber string `json:"order_number"`
	Email       string `json:"email"`
	Reason      string `json:"reason"`
}

// preview checks that the shopper's order o can be cancelled and files
// the cancellation as a pending action.
func (t *CancelOrder) preview(ctx context.Context, id Identity, o *store.Order, a cancelArgs) (Result, error) {
	if r := cancellable(o, t.Policy.withDefaults()); r != nil {
		return *r, nil
	}
	if strings.TrimSpace(a.Reason) == "" {
		return needsInfo("reason", "Ask the shopper why they want to cancel the order."), nil
	}
	if len(a.Reason) > 500 {
		return invalid(`"reason" is too long; summarise it in under 500 characters`), nil
	}
	p := CancelPreview{OrderNumber: o.Number, Reason: strings.TrimSpace(a.Reason), Currency: o.Currency}
	if o.Status == store.OrderPaid {
		p.Refund = o.Total
	}
	p.Items = viewOrder(o, nil, t.Policy.withDefaults()).Items
	payload, err := json.Marshal(p)
	if err != nil {
		return Result{}, err
	}
	now := t.Store.Now()
	action := &store.PendingAction{ID: uuid.NewString(), Kind: t.kind(), ConversationID: id.ConversationID,
		CustomerID: id.CustomerID, OrderID: o.ID, Payload: payload, CreatedAt: now,
		ExpiresAt: now.Add(t.Policy.withDefaults().ConfirmWithin)}
	if err := t.Store.CreatePendingAction(ctx, action); err != nil {
		return Result{}, err
	}
	return Result{Status: StatusNeedsConfirmation,
		Message: "Nothing has been done yet. Show the shopper what will be cancelled and refunded and ask them to confirm.",
		Data:    pending(action, &p)}, nil
}

// cancellable applies the cancellation policy: only before shipping.
func cancellable(o *store.Order, p Policy) *Result {
	var r Result
	switch o.Status {
	case store.OrderPendingPayment, store.OrderPaid:
		return nil
	case store.OrderCancelled:
		r = refused("already_cancelled", fmt.Sprintf("Order %s is already cancelled.", o.Number))
	case store.OrderShipped:
		r = refused("already_shipped", fmt.Sprintf("Order %s has already shipped, so it can no longer be cancelled. "+
			"Once it is delivered the shopper can return it within %s.", o.Number, p.days()))
	default:
		r = refused("already_shipped", fmt.Sprintf("Order %s was already delivered, so it cannot be cancelled; "+
			"offer a return instead.", o.Number))
	}
	return &r
}

func (t *CancelOrder) confirm(ctx context.Context, id Identity, a *store.PendingAction) (Result, error) {
	p, done, err := openPending[CancelPreview](ctx, t.Store, a, "cancellation", "This cancellation preview expired before it was confirmed; ask again.")
	if done != nil || err != nil {
		return deref(done), err
	}
	stored, err := t.Store.CancelOrder(ctx, a.ID, p.Reason)
	switch {
	case errors.Is(err, store.ErrActionNotPending):
		return deref(finished(stored)), nil
	case errors.Is(err, store.ErrConflict):
		r := refused("already_shipped", fmt.Sprintf("Order %s shipped before the cancellation was confirmed, so it "+
			"could not be cancelled. It can be returned after delivery.", p.OrderNumber))
		return r, t.Store.FinishAction(ctx, a.ID, store.ActionFailed, r)
	case err != nil:
		return Result{}, err
	}
	return Result{Status: StatusOK, Message: "The order is cancelled. Tell the shopper and mention the refund if any.",
		Data: &CancelDone{Kind: NameCancelOrder, OrderNumber: p.OrderNumber, Status: store.OrderCancelled, Refund: p.Refund,
			Currency: p.Currency, RefundTiming: "Refunds reach the original payment method within 5–7 business days."}}, nil
}
