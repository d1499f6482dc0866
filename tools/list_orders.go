package tools

import (
	"context"

	"github.com/kefu-dev/kefu/store"
)

// ListOrders lists the signed-in shopper's recent orders.
type ListOrders struct {
	Orders interface {
		OrdersByCustomer(ctx context.Context, customerID int64, limit int) ([]store.Order, error)
	}
	Returns returnCounter
	Policy  Policy
}

type returnCounter interface {
	// ReturnedQuantities returns, per order item id, the units in returns
	// that were not rejected, for all the orders given.
	ReturnedQuantities(ctx context.Context, orderIDs ...int64) (map[int64]int, error)
}

var _ Tool = (*ListOrders)(nil)

func (*ListOrders) Name() string { return NameListOrders }
func (*ListOrders) Risk() Risk   { return Read }

func (*ListOrders) Description() string {
	return "List the signed-in shopper's 10 most recent orders (number, status, dates, items, total). Use it when " +
		"a signed-in shopper refers to an order without its number (\"my last order\", \"the jacket I bought\"). " +
		"Guests have no list: ask them for the order number and email instead."
}

func (*ListOrders) Parameters() map[string]any { return schema(map[string]any{}) }

func (t *ListOrders) Call(ctx context.Context, id Identity, args string) (Result, error) {
	var a struct{}
	if err := decodeArgs(args, &a); err != nil {
		return invalid(err.Error()), nil
	}
	if id.Guest() {
		return Result{Status: StatusNeedsInfo, Reason: "not_signed_in", Missing: "order_number",
			Message: "The shopper is not signed in, so there is no order list. Ask for the order number and the email used for the order."}, nil
	}
	orders, err := t.Orders.OrdersByCustomer(ctx, id.CustomerID, 10)
	if err != nil {
		return Result{}, err
	}
	ids := make([]int64, len(orders))
	for i := range orders {
		ids[i] = orders[i].ID
	}
	// Item ids are unique across orders: one map serves them all.
	returned, err := t.Returns.ReturnedQuantities(ctx, ids...)
	if err != nil {
		return Result{}, err
	}
	views := make([]OrderView, 0, len(orders))
	for i := range orders {
		views = append(views, viewOrder(&orders[i], returned, t.Policy.withDefaults()))
	}
	return ok(&OrderList{Orders: views}), nil
}
