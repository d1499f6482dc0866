package tools

import (
	"context"
)

// LookupOrder shows one order the shopper may see.
type LookupOrder struct {
	Orders  orderFinder
	Returns returnCounter
	Policy  Policy
}

var _ Tool = (*LookupOrder)(nil)

func (*LookupOrder) Name() string { return NameLookupOrder }
func (*LookupOrder) Risk() Risk   { return Read }

func (*LookupOrder) Description() string {
	return "Look up one order: status, items, totals, dates and, once delivered, the last day to start a return. " +
		"Signed-in shoppers can see only their own orders. Guests must give the order number and the email the order " +
		"was placed with; if they have not, ask for it rather than calling. Report only what the result says; never " +
		"guess order facts. For the parcel's whereabouts use track_shipment."
}

func (*LookupOrder) Parameters() map[string]any { return schema(orderProps, "order_number") }

func (t *LookupOrder) Call(ctx context.Context, id Identity, args string) (Result, error) {
	var a orderArgs
	if err := decodeArgs(args, &a); err != nil {
		return invalid(err.Error()), nil
	}
	o, res, err := authorizedOrder(ctx, t.Orders, id, a)
	if res != nil || err != nil {
		return deref(res), err
	}
	returned, err := t.Returns.ReturnedQuantities(ctx, o.ID)
	if err != nil {
		return Result{}, err
	}
	return ok(&OrderLookup{Order: viewOrder(o, returned, t.Policy.withDefaults())}).about(o, id), nil
}

func deref(r *Result) Result {
	if r == nil {
		return Result{}
	}
	return *r
}
