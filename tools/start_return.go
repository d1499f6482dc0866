package tools

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/kefu-dev/kefu/store"
)

// StartReturn previews a return and, once the shopper confirms, issues an
// RMA. Policy: delivered orders only, within the return window, no
// final-sale items, nothing returned twice.
type StartReturn struct {
	Store interface {
		orderFinder
		returnCounter
		Order(ctx context.Context, id int64) (*store.Order, error)
		CreatePendingAction(ctx context.Context, a *store.PendingAction) error
		CreateReturn(ctx context.Context, actionID string, req store.ReturnRequest) (*store.Return, *store.PendingAction, error)
		actionCloser
	}
	Policy Policy
}

var _ Tool = (*StartReturn)(nil)

func (*StartReturn) Name() string { return NameStartReturn }
func (*StartReturn) Risk() Risk   { return Change }
func (*StartReturn) kind() string { return NameStartReturn }

func (t *StartReturn) Description() string {
	return "Start a return for items of a delivered order. This only PREVIEWS the return (items, refund, how to send " +
		"them back) and returns an action_id: show the preview and ask the shopper to confirm; nothing happens until " +
		"they do. Returns are accepted within " + t.Policy.withDefaults().days() + " of delivery, never for final-sale items, and an item cannot be " +
		"returned twice: if the result is \"refused\", explain the reason to the shopper. Same access rules as " +
		"lookup_order. Ask which items and why if the shopper has not said."
}

func (*StartReturn) Parameters() map[string]any {
	props := map[string]any{
		"items": map[string]any{
			"type":        "array",
			"description": "The items to return.",
			"minItems":    1,
			"items": schema(map[string]any{
				"item":     str("The item's SKU or its name as shown in the order, e.g. \"blue rain jacket\"."),
				"quantity": map[string]any{"type": "integer", "minimum": 1, "description": "How many; defaults to all not yet returned."},
			}, "item"),
		},
		"reason": str("Why the shopper is returning it, in their words (e.g. \"too small\", \"zipper broke\")."),
	}
	for k, v := range orderProps {
		props[k] = v
	}
	return schema(props, "order_number", "items", "reason")
}

type returnArgs struct {
	OrderNumber string `json:"order_number"`
	Email       string `json:"email"`
	Items       []struct {
		Item     string `json:"item"`
		Quantity int    `json:"quantity"`
	} `json:"items"`
	Reason string `json:"reason"`
}

func (t *StartReturn) Call(ctx context.Context, id Identity, args string) (Result, error) {
	return previewOnOrder(ctx, t.Store, id, args, t.preview)
}

func (a returnArgs) order() orderArgs { return orderArgs{OrderNumber: a.OrderNumber, Email: a.Email} }

// preview checks the return of a's items of the shopper's order o against
// policy and files it as a pending action.
func (t *StartReturn) preview(ctx context.Context, id Identity, o *store.Order, a returnArgs) (Result, error) {
	if len(a.Items) == 0 {
		return needsInfo("items", "Ask the shopper which items of order "+o.Number+" they want to return."), nil
	}
	if strings.TrimSpace(a.Reason) == "" {
		return needsInfo("reason", "Ask the shopper why they are returning it."), nil
	}
	if len(a.Reason) > 500 {
		return invalid(`"reason" is too long; summarise it in under 500 characters`), nil
	}
	policy := t.Policy.withDefaults()
	if r := returnableOrder(o, policy, t.Store.Now()); r != nil {
		return *r, nil
	}
	if r, err := missingPhoto(ctx, t.Store, policy, id, a.Reason); r != nil || err != nil {
		return deref(r), err
	}
	returned, err := t.Store.ReturnedQuantities(ctx, o.ID)
	if err != nil {
		return Result{}, err
	}
	p := ReturnPreview{OrderID: o.ID, OrderNumber: o.Number, Reason: strings.TrimSpace(a.Reason), Currency: o.Currency}
	seen := map[int64]bool{}
	for i, want := range a.Items {
		it, r := matchItem(o, want.Item)
		if r != nil {
			return *r, nil
		}
		if seen[it.ID] {
			return invalid(fmt.Sprintf("items[%d]: %q is listed twice", i, it.Title)), nil
		}
		seen[it.ID] = true
		if it.FinalSale {
			return refused("final_sale", fmt.Sprintf("%q was a final-sale item and cannot be returned.", it.Title)), nil
		}
		left := it.Quantity - returned[it.ID]
		qty := want.Quantity
		switch {
		case left <= 0:
			if rma := openExchangeOf(ctx, t.Store, o.ID, it.ID); rma != "" {
				return refused("exchange_open", fmt.Sprintf("%q is being exchanged (%s); it cannot be returned as well.", it.Title, rma)), nil
			}
			return refused("already_returned", fmt.Sprintf("%q has already been returned.", it.Title)), nil
		case qty < 0:
			return invalid(fmt.Sprintf("items[%d].quantity must be at least 1", i)), nil
		case qty == 0:
			qty = left
		case qty > left:
			return refused("quantity_exceeds", fmt.Sprintf("Only %d of %q can still be returned.", left, it.Title)), nil
		}
		line := ReturnLine{OrderItemID: it.ID, SKU: it.SKU, Title: it.Title, TitleZH: it.TitleZH, Quantity: qty,
			Refund: it.UnitPrice * store.Money(qty)}
		p.Items = append(p.Items, line)
		p.Refund += line.Refund
	}
	p.Shipping, p.HowToReturn = t.Policy.returnShipping(o, p.Reason)

	payload, err := json.Marshal(p)
	if err != nil {
		return Result{}, err
	}
	now := t.Store.Now()
	action := &store.PendingAction{ID: uuid.NewString(), Kind: t.kind(), ConversationID: id.ConversationID,
		CustomerID: id.CustomerID, OrderID: o.ID, Payload: payload, CreatedAt: now, ExpiresAt: now.Add(policy.ConfirmWithin)}
	if err := t.Store.CreatePendingAction(ctx, action); err != nil {
		return Result{}, err
	}
	return Result{Status: StatusNeedsConfirmation,
		Message: "Nothing has been done yet. Show the shopper this return preview and ask them to confirm it.",
		Data:    pending(action, &p)}, nil
}

// pending is the preview of action for the model and the shopper.
func pending(a *store.PendingAction, p preview) *Pending {
	return &Pending{ActionID: a.ID, ExpiresAt: a.ExpiresAt, Summary: p.summary(), Preview: p}
}

// returnableOrder applies the order-level return policy at time now.
func returnableOrder(o *store.Order, p Policy, now time.Time) *Result {
	var r Result
	switch o.Status {
	case store.OrderDelivered:
		by := o.DeliveredAt.Add(p.ReturnWindow)
		if now.After(by) {
			r = refused("outside_return_window", fmt.Sprintf(
				"Order %s was delivered on %s; returns must be started within %d days of delivery, by %s.",
				o.Number, o.DeliveredAt.Format("2006-01-02"), int(p.ReturnWindow.Hours()/24), by.Format("2006-01-02")))
			r.Data = map[string]any{"delivered_at": o.DeliveredAt, "return_by": by}
			return &r
		}
		return nil
	case store.OrderShipped:
		r = refused("not_delivered", "Order "+o.Number+" is on its way and has not been delivered yet; a return can be started once it arrives.")
	case store.OrderCancelled:
		r = refused("order_cancelled", "Order "+o.Number+" was cancelled, so there is nothing to return.")
	default:
		r = refused("not_shipped", "Order "+o.Number+" has not shipped yet; it can be cancelled instead of returned.")
	}
	return &r
}

// matchItem finds the order line a shopper or model means by s: its SKU,
// or its English or Chinese title (every word of s in the title).
func matchItem(o *store.Order, s string) (*store.OrderItem, *Result) {
	key := store.NumberKey(s)
	words := strings.Fields(store.Fold(s))
	var found []*store.OrderItem
	for i := range o.Items {
		it := &o.Items[i]
		if key != "" && store.NumberKey(it.SKU) == key {
			return it, nil
		}
		title := store.Fold(it.Title)
		all := len(words) > 0
		for _, w := range words {
			if !strings.Contains(title, w) {
				all = false
				break
			}
		}
		if all || (it.TitleZH != "" && strings.TrimSpace(s) != "" && strings.Contains(it.TitleZH, strings.TrimSpace(s))) {
			found = append(found, it)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		r := invalid(fmt.Sprintf("order %s has no item matching %q; its items are: %s", o.Number, s, itemList(o.Items)))
		return nil, &r
	default:
		var cands []store.OrderItem
		for _, f := range found {
			cands = append(cands, *f)
		}
		r := needsInfo("items", fmt.Sprintf("%q matches several items (%s); ask the shopper which one.", s, itemList(cands)))
		return nil, &r
	}
}

func itemList(items []store.OrderItem) string {
	var parts []string
	for _, it := range items {
		parts = append(parts, fmt.Sprintf("%s (%s)", it.Title, it.SKU))
	}
	return strings.Join(parts, ", ")
}

// returnShipping says who pays the return parcel: a prepaid label for
// orders shipped to the shop's label country and for faulty or wrong
// items anywhere, the shopper otherwise.
func (p Policy) returnShipping(o *store.Order, reason string) (string, string) {
	if p.LabelCountry == "" || strings.HasSuffix(strings.TrimSpace(o.ShipTo), p.LabelCountry) || o.ShipTo == "" || Faulty(reason) {
		return "prepaid_label", "A prepaid return label is emailed to " + o.Email +
			" once the return is confirmed. Pack the items unworn with tags, write the RMA number on the parcel and drop it at any carrier location within 14 days."
	}
	to := "to the return address the shop sends with the RMA"
	if p.ReturnAddress != "" {
		to = "to " + p.ReturnAddress
	}
	return "customer_paid", "Send the items unworn with tags, with the RMA number on the parcel, by a tracked service at your own cost " +
		to + ", within 14 days."
}

func (t *StartReturn) confirm(ctx context.Context, id Identity, a *store.PendingAction) (Result, error) {
	p, done, err := openPending[ReturnPreview](ctx, t.Store, a, "return", "This return preview expired before it was confirmed; start the return again.")
	if done != nil || err != nil {
		return deref(done), err
	}
	now := t.Store.Now()
	// Check policy again: time has passed since the preview.
	o, err := t.Store.Order(ctx, a.OrderID)
	if err != nil {
		return Result{}, err
	}
	if r := returnableOrder(o, t.Policy.withDefaults(), now); r != nil {
		return *r, t.Store.FinishAction(ctx, a.ID, store.ActionFailed, *r)
	}
	req := store.ReturnRequest{OrderID: o.ID, Reason: p.Reason}
	for _, l := range p.Items {
		req.Items = append(req.Items, store.ReturnLine{OrderItemID: l.OrderItemID, Quantity: l.Quantity})
	}
	ret, stored, err := t.Store.CreateReturn(ctx, a.ID, req)
	switch {
	case errors.Is(err, store.ErrActionNotPending):
		return deref(finished(stored)), nil
	case errors.Is(err, store.ErrConflict):
		r := refused("already_returned", "These items have been returned meanwhile; nothing more was done.")
		return r, t.Store.FinishAction(ctx, a.ID, store.ActionFailed, r)
	case err != nil:
		return Result{}, err
	}
	return Result{Status: StatusOK, Message: "The return is confirmed. Give the shopper the RMA number and the instructions.",
		Data: &ReturnDone{Kind: NameStartReturn, RMA: ret.RMA, OrderNumber: p.OrderNumber, Items: p.Items, Refund: ret.Refund,
			Currency: p.Currency, Shipping: p.Shipping, HowToReturn: p.HowToReturn,
			RefundTiming: "Refunded to the original payment method within 5–7 business days after the parcel reaches the warehouse."}}, nil
}

// actionCloser records how a pending action ended, and tells the time.
type actionCloser interface {
	Now() time.Time
	FinishAction(ctx context.Context, id, status string, result any) error
}

// openPending reads the preview P of a pending change being confirmed.
// When the change can no longer run (it already ran, failed or expired:
// an expired one is recorded as such, and the shopper is told expired),
// done is the answer instead.
func openPending[P any](ctx context.Context, st actionCloser, a *store.PendingAction, what, expired string) (p P, done *Result, err error) {
	if r := finished(a); r != nil {
		return p, r, nil
	}
	if err := json.Unmarshal(a.Payload, &p); err != nil {
		return p, nil, fmt.Errorf("tools: pending %s %s: %w", what, a.ID, err)
	}
	if st.Now().After(a.ExpiresAt) {
		r := refused("confirmation_expired", expired)
		return p, &r, st.FinishAction(ctx, a.ID, store.ActionExpired, r)
	}
	return p, nil, nil
}

// finished is the answer for an action confirmed again after it already
// ran, failed or expired, or nil if it is still pending.
func finished(a *store.PendingAction) *Result {
	if a == nil {
		return &Result{Status: StatusNotFound, Reason: "action_not_found", Message: "There is no pending change with that id."}
	}
	var r Result
	switch a.Status {
	case store.ActionPending:
		return nil
	case store.ActionDone:
		r = Result{Status: StatusAlreadyDone, Message: "This change was already confirmed and done; nothing more was done."}
		if json.Valid(a.Result) {
			r.Data = json.RawMessage(a.Result)
		}
	default:
		if json.Unmarshal(a.Result, &r) != nil || r.Status == "" {
			r = refused("action_"+a.Status, "This change can no longer be confirmed; start again.")
		}
	}
	return &r
}
