package tools

import (
	"context"
	"errors"
	"strings"

	"github.com/kefu-dev/kefu/store"
)

// ReturnStatus reports on a shopper's returns, by RMA or order number.
type ReturnStatus struct {
	Orders interface {
		orderFinder
		Order(ctx context.Context, id int64) (*store.Order, error)
	}
	Returns interface {
		ReturnByRMA(ctx context.Context, rma string) (*store.Return, error)
		ReturnsByOrder(ctx context.Context, orderID int64) ([]store.Return, error)
	}
}

var _ Tool = (*ReturnStatus)(nil)

func (*ReturnStatus) Name() string { return NameReturnStatus }
func (*ReturnStatus) Risk() Risk   { return Read }

func (*ReturnStatus) Description() string {
	return "Check the status of a return or an exchange (open: waiting for the parcel; received; refunded; rejected), " +
		"its refund and, for an exchange, the replacement sent out, " +
		"by RMA number (e.g. \"RMA-7K3Q9XWD\") or by order number. Same access rules as lookup_order."
}

func (*ReturnStatus) Parameters() map[string]any {
	return schema(map[string]any{
		"rma_or_order_number": str("The RMA number or the order number the shopper gave."),
		"email":               orderProps["email"],
	}, "rma_or_order_number")
}

func (t *ReturnStatus) Call(ctx context.Context, id Identity, args string) (Result, error) {
	var a struct {
		Ref   string `json:"rma_or_order_number"`
		Email string `json:"email"`
	}
	if err := decodeArgs(args, &a); err != nil {
		return invalid(err.Error()), nil
	}
	ref := strings.TrimSpace(a.Ref)
	if ref == "" {
		return needsInfo("rma_or_order_number", "Ask the shopper for the RMA number or the order number."), nil
	}
	var returns []store.Return
	number := ref
	// A shop's own return numbers take any shape (RT-88012, TR-3001), so
	// the ref is looked up as an RMA first, then as an order number;
	// kefu's own (RMA-…) are only ever RMAs.
	r, err := t.Returns.ReturnByRMA(ctx, ref)
	switch {
	case err == nil:
		number = r.OrderNumber
		returns = []store.Return{*r}
	case !errors.Is(err, store.ErrNotFound):
		return Result{}, err
	case strings.HasPrefix(store.NumberKey(ref), "RMA"):
		return Result{Status: StatusNotFound, Reason: "return_not_found",
			Message: "No return " + ref + " was found for this shopper. Ask them to check the RMA number."}, nil
	}
	o, res, err := authorizedOrder(ctx, t.Orders, id, orderArgs{OrderNumber: number, Email: a.Email})
	if res != nil || err != nil {
		if res != nil && res.Status == StatusNotFound && returns != nil {
			// Someone else's RMA: the same answer as a missing one.
			return Result{Status: StatusNotFound, Reason: "return_not_found",
				Message: "No return " + ref + " was found for this shopper. Ask them to check the RMA number."}, nil
		}
		return deref(res), err
	}
	if returns == nil {
		if returns, err = t.Returns.ReturnsByOrder(ctx, o.ID); err != nil {
			return Result{}, err
		}
	}
	views := make([]ReturnView, 0, len(returns))
	for _, r := range returns {
		v := ReturnView{RMA: r.RMA, OrderNumber: r.OrderNumber, Status: r.Status, Reason: r.Reason,
			Refund: r.Refund, Currency: o.Currency, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
			Kind: r.Kind, PriceDifference: r.PriceDifference}
		for _, it := range r.Items {
			iv := ReturnItemView{SKU: it.SKU, Title: it.Title, TitleZH: it.TitleZH, Quantity: it.Quantity}
			if it.Replacement != "" {
				iv.Replacement = &VariantView{SKU: it.Replacement, Title: it.ReplacementTitle, TitleZH: it.ReplacementTitleZH,
					Options: it.ReplacementOptions, InStock: true}
			}
			v.Items = append(v.Items, iv)
		}
		views = append(views, v)
	}
	res2 := ok(&ReturnList{OrderNumber: o.Number, Returns: views})
	if len(views) == 0 {
		res2.Message = "Order " + o.Number + " has no returns."
	}
	return res2.about(o, id), nil
}
