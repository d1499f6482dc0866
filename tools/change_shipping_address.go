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

// ChangeShippingAddress previews and, once confirmed, changes where an
// order that has not shipped goes. The address must be complete; the old
// one stays in the order's address history.
type ChangeShippingAddress struct {
	Store interface {
		orderFinder
		Order(ctx context.Context, id int64) (*store.Order, error)
		CreatePendingAction(ctx context.Context, a *store.PendingAction) error
		ChangeOrderAddress(ctx context.Context, actionID string, a store.Address) (*store.PendingAction, error)
		actionCloser
	}
	Policy Policy
}

var _ Tool = (*ChangeShippingAddress)(nil)

func (*ChangeShippingAddress) Name() string { return NameChangeAddress }
func (*ChangeShippingAddress) Risk() Risk   { return Change }
func (*ChangeShippingAddress) kind() string { return NameChangeAddress }

func (*ChangeShippingAddress) Description() string {
	return "Change the shipping address of an order that has not shipped yet. This only PREVIEWS the change and returns " +
		"an action_id: show the new address and ask the shopper to confirm; nothing happens until they do. The address " +
		"needs a name, street line, city, postal code and country; the result says what is missing. Orders that have " +
		"shipped cannot be changed (the result says \"refused\" and why). Same access rules as lookup_order."
}

var addressSchema = map[string]any{
	"type": "object", "additionalProperties": false,
	"description": "The new address, every part as the shopper gave it.",
	"properties": map[string]any{
		"name": str("The recipient's name."), "line1": str("Street and number."), "line2": str("Flat, floor, building (optional)."),
		"city": str("City."), "region": str("State or province (optional)."), "postal_code": str("Postal or ZIP code."),
		"country": str("Country, as a name or ISO code (US, CN)."), "phone": str("Phone for the courier (optional)."),
	},
}

func (*ChangeShippingAddress) Parameters() map[string]any {
	props := map[string]any{"address": addressSchema}
	for k, v := range orderProps {
		props[k] = v
	}
	return schema(props, "order_number", "address")
}

type addressArgs struct {
	OrderNumber string         `json:"order_number"`
	Email       string         `json:"email"`
	Address     *addressFields `json:"address"`
}

// addressFields is the address as the model passes it (no "default").
type addressFields struct {
	Name       string `json:"name"`
	Line1      string `json:"line1"`
	Line2      string `json:"line2"`
	City       string `json:"city"`
	Region     string `json:"region"`
	PostalCode string `json:"postal_code"`
	Country    string `json:"country"`
	Phone      string `json:"phone"`
}

func (f addressFields) address() store.Address {
	return store.Address{Name: f.Name, Line1: f.Line1, Line2: f.Line2, City: f.City, Region: f.Region,
		PostalCode: f.PostalCode, Country: f.Country, Phone: f.Phone}.Normalized()
}

func (t *ChangeShippingAddress) Call(ctx context.Context, id Identity, args string) (Result, error) {
	return previewOnOrder(ctx, t.Store, id, args, t.preview)
}

func (a addressArgs) order() orderArgs { return orderArgs{OrderNumber: a.OrderNumber, Email: a.Email} }

func (t *ChangeShippingAddress) preview(ctx context.Context, id Identity, o *store.Order, a addressArgs) (Result, error) {
	// The order's state first: a complete address for an order that
	// shipped would only waste the shopper's typing.
	if r := addressChangeable(o); r != nil {
		return *r, nil
	}
	var addr store.Address
	if a.Address != nil {
		addr = a.Address.address()
	}
	if probs := addr.Problems(); len(probs) > 0 {
		inc := &AddressIncomplete{}
		for _, p := range probs {
			field, why, _ := strings.Cut(p, ": ")
			if why == "required" {
				inc.Missing = append(inc.Missing, field)
			} else {
				inc.Problems = append(inc.Problems, p)
			}
		}
		r := needsInfo("address", "The address is incomplete or malformed ("+strings.Join(probs, "; ")+"); ask the shopper for what is missing.")
		r.Data = inc
		return r, nil
	}
	if o.Address != nil && sameAddress(*o.Address, addr) {
		return refused("same_address", fmt.Sprintf("Order %s already goes to that address.", o.Number)), nil
	}
	p := AddressPreview{OrderNumber: o.Number, Old: o.Address, OldShipTo: o.ShipTo, New: addr}
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
		Message: "Nothing has been done yet. Show the shopper the new address exactly and ask them to confirm.",
		Data:    pending(action, &p)}, nil
}

// addressChangeable applies the policy: only before the order ships.
func addressChangeable(o *store.Order) *Result {
	var r Result
	switch o.Status {
	case store.OrderPendingPayment, store.OrderPaid:
		return nil
	case store.OrderShipped:
		r = refused("already_shipped", fmt.Sprintf("Order %s has already shipped (on %s) to %s, so its address can no longer be changed; "+
			"the carrier may be able to redirect the parcel with its tracking number.", o.Number, day(o.ShippedAt), o.ShipTo))
	case store.OrderDelivered:
		r = refused("already_delivered", fmt.Sprintf("Order %s was already delivered (on %s) to %s.", o.Number, day(o.DeliveredAt), o.ShipTo))
	case store.OrderCancelled:
		r = refused("order_cancelled", fmt.Sprintf("Order %s was cancelled, so it is not going anywhere.", o.Number))
	default:
		r = refused("not_changeable", fmt.Sprintf("Order %s cannot be changed in its state (%s).", o.Number, o.Status))
	}
	return &r
}

func day(t *time.Time) string {
	if t == nil {
		return "an unknown date"
	}
	return t.Format("2006-01-02")
}

func sameAddress(a, b store.Address) bool {
	a, b = a.Trimmed(), b.Trimmed()
	a.Default, b.Default = false, false
	return strings.EqualFold(a.String(), b.String()) && a.Phone == b.Phone
}

func (t *ChangeShippingAddress) confirm(ctx context.Context, id Identity, a *store.PendingAction) (Result, error) {
	p, done, err := openPending[AddressPreview](ctx, t.Store, a, "address change", "This address change expired before it was confirmed; ask again.")
	if done != nil || err != nil {
		return deref(done), err
	}
	stored, err := t.Store.ChangeOrderAddress(ctx, a.ID, p.New)
	switch {
	case errors.Is(err, store.ErrActionNotPending):
		return deref(finished(stored)), nil
	case errors.Is(err, store.ErrConflict):
		o, oerr := t.Store.Order(ctx, a.OrderID)
		if oerr != nil {
			return Result{}, oerr
		}
		r := deref(addressChangeable(o))
		if r.Status == "" {
			r = refused("already_shipped", "The order changed before the address change was confirmed; nothing was done.")
		}
		return r, t.Store.FinishAction(ctx, a.ID, store.ActionFailed, r)
	case err != nil:
		return Result{}, err
	}
	was := p.OldShipTo
	if p.Old != nil {
		was = p.Old.String()
	}
	return Result{Status: StatusOK, Message: "The address is changed. Tell the shopper where the order now goes.",
		Data: &AddressChanged{Kind: NameChangeAddress, OrderNumber: p.OrderNumber, Address: p.New, Previous: was}}, nil
}
