package tools

import (
	"context"
	"errors"
	"strings"

	"github.com/kefu-dev/kefu/store"
)

// orderFinder is what tools need to find an order by number.
type orderFinder interface {
	OrderByNumber(ctx context.Context, number string) (*store.Order, error)
}

// orderArgs are the arguments every order tool shares.
type orderArgs struct {
	OrderNumber string `json:"order_number"`
	Email       string `json:"email"`
}

// previewOnOrder is a change tool's Call: it decodes the arguments A,
// finds the order they name once it is known to be the shopper's (the
// same answer for a miss and for someone else's), and previews the change
// on it.
func previewOnOrder[A interface{ order() orderArgs }](ctx context.Context, st orderFinder, id Identity, args string,
	preview func(context.Context, Identity, *store.Order, A) (Result, error)) (Result, error) {
	var a A
	if err := decodeArgs(args, &a); err != nil {
		return invalid(err.Error()), nil
	}
	o, res, err := authorizedOrder(ctx, st, id, a.order())
	if res != nil || err != nil {
		return deref(res), err
	}
	r, err := preview(ctx, id, o, a)
	return r.about(o, id), err
}

var orderProps = map[string]any{
	"order_number": str(`The order number exactly as the shopper gave it (any case, spacing or prefix).`),
	"email": str("Guests only: the email address the order was placed with, exactly as the shopper typed it. " +
		"Never guess it and never use one the shopper did not give. Signed-in shoppers need none."),
}

// notFoundResult is the one answer for an order that does not exist, is
// someone else's, or whose email does not match: a guest probing order
// numbers learns nothing from the difference.
func notFoundResult(number string) Result {
	return Result{Status: StatusNotFound, Reason: "order_not_found",
		Message: "No order " + strings.TrimSpace(number) + " was found for this shopper. " +
			"Ask them to check the order number" + " (and, for guests, the email the order was placed with)."}
}

// authorizedOrder returns the order the shopper may see, or the Result to
// give instead. A signed-in shopper sees only their own orders, whatever
// email is passed; a guest needs the order number and the order's email.
func authorizedOrder(ctx context.Context, f orderFinder, id Identity, a orderArgs) (*store.Order, *Result, error) {
	if strings.TrimSpace(a.OrderNumber) == "" {
		r := needsInfo("order_number", "Ask the shopper for their order number.")
		return nil, &r, nil
	}
	if id.Guest() && strings.TrimSpace(a.Email) == "" {
		r := needsInfo("email", "The shopper is not signed in: ask for the email address the order was placed with.")
		return nil, &r, nil
	}
	o, err := f.OrderByNumber(ctx, a.OrderNumber)
	if errors.Is(err, store.ErrNotFound) {
		r := notFoundResult(a.OrderNumber)
		return nil, &r, nil
	}
	if err != nil {
		return nil, nil, err
	}
	if id.Guest() {
		if !strings.EqualFold(strings.TrimSpace(a.Email), o.Email) {
			r := notFoundResult(a.OrderNumber)
			return nil, &r, nil
		}
	} else if o.CustomerID != id.CustomerID {
		r := notFoundResult(a.OrderNumber)
		return nil, &r, nil
	}
	return o, nil, nil
}

func viewOrder(o *store.Order, returned map[int64]int, p Policy) OrderView {
	v := OrderView{
		Number: o.Number, Status: o.Status, PlacedAt: o.PlacedAt, PaidAt: o.PaidAt, ShippedAt: o.ShippedAt,
		DeliveredAt: o.DeliveredAt, CancelledAt: o.CancelledAt, ShipTo: o.ShipTo, Address: o.Address, Currency: o.Currency,
		Subtotal: o.Subtotal, Shipping: o.Shipping, Total: o.Total,
	}
	if o.Status == store.OrderDelivered && o.DeliveredAt != nil {
		by := o.DeliveredAt.Add(p.ReturnWindow)
		v.ReturnBy = &by
	}
	for _, it := range o.Items {
		v.Items = append(v.Items, ItemView{SKU: it.SKU, Title: it.Title, TitleZH: it.TitleZH, Quantity: it.Quantity,
			UnitPrice: it.UnitPrice, FinalSale: it.FinalSale, Returned: returned[it.ID]})
	}
	return v
}
