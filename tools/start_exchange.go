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

// StartExchange previews an exchange and, once the shopper confirms,
// issues an RMA that sends another variant of the item out. Policy: the
// same product in another size or colour that is in stock, a delivered
// order within the return window, no final-sale item, and one open return
// or exchange per item.
type StartExchange struct {
	Store interface {
		orderFinder
		Order(ctx context.Context, id int64) (*store.Order, error)
		Product(ctx context.Context, sku string) (*store.Product, error)
		Variants(ctx context.Context, sku string) ([]store.Variant, error)
		ReturnsByOrder(ctx context.Context, orderID int64) ([]store.Return, error)
		CreatePendingAction(ctx context.Context, a *store.PendingAction) error
		CreateExchange(ctx context.Context, actionID string, req store.ExchangeRequest) (*store.Return, *store.PendingAction, error)
		actionCloser
	}
	Policy Policy
}

var _ Tool = (*StartExchange)(nil)

func (*StartExchange) Name() string { return NameStartExchange }
func (*StartExchange) Risk() Risk   { return Change }
func (*StartExchange) kind() string { return NameStartExchange }

func (*StartExchange) Description() string {
	return "Exchange an item of a delivered order for the same product in another variant (another size or colour), " +
		"within the return window. This only PREVIEWS the exchange (what goes back, what is sent out, any price " +
		"difference) and returns an action_id: show it and ask the shopper to confirm; nothing happens until they do. " +
		"For a different product, the shopper returns the item and orders the new one. Final-sale items cannot be " +
		"exchanged. Same access rules as lookup_order."
}

func (*StartExchange) Parameters() map[string]any {
	props := map[string]any{
		"item": str("The item to exchange: its SKU or words of its title, as the order lists it."),
		"wanted_variant": str(`The variant the shopper wants instead, in their words or as a SKU: "L", "large", ` +
			`"black", "a size up", "大一号", "黑色".`),
		"reason":   str("Why the shopper wants the exchange, in their words."),
		"quantity": map[string]any{"type": "integer", "minimum": 1, "description": "How many units; default: all of the line not yet returned."},
	}
	for k, v := range orderProps {
		props[k] = v
	}
	return schema(props, "order_number", "item", "wanted_variant", "reason")
}

type exchangeArgs struct {
	OrderNumber string `json:"order_number"`
	Email       string `json:"email"`
	Item        string `json:"item"`
	Wanted      string `json:"wanted_variant"`
	Reason      string `json:"reason"`
	Quantity    int    `json:"quantity"`
}

func (t *StartExchange) Call(ctx context.Context, id Identity, args string) (Result, error) {
	return previewOnOrder(ctx, t.Store, id, args, t.preview)
}

func (a exchangeArgs) order() orderArgs { return orderArgs{OrderNumber: a.OrderNumber, Email: a.Email} }

// preview checks the exchange a of the shopper's order o against policy
// and files it as a pending action.
func (t *StartExchange) preview(ctx context.Context, id Identity, o *store.Order, a exchangeArgs) (Result, error) {
	if strings.TrimSpace(a.Item) == "" {
		return needsInfo("item", "Ask the shopper which item of order "+o.Number+" they want to exchange."), nil
	}
	if len(a.Reason) > 500 || len(a.Wanted) > 200 {
		return invalid(`"reason" and "wanted_variant" must be short; summarise them`), nil
	}
	policy := t.Policy.withDefaults()
	if r := returnableOrder(o, policy, t.Store.Now()); r != nil {
		return exchangeWording(*r), nil
	}
	it, r := matchItem(o, a.Item)
	if r != nil {
		return *r, nil
	}
	if it.FinalSale {
		return refused("final_sale", fmt.Sprintf("%q was a final-sale item and cannot be exchanged.", it.Title)), nil
	}
	returns, err := t.Store.ReturnsByOrder(ctx, o.ID)
	if err != nil {
		return Result{}, err
	}
	left := it.Quantity
	for _, ret := range returns {
		for _, ri := range ret.Items {
			if ri.OrderItemID != it.ID || ret.Status == store.ReturnRejected {
				continue
			}
			if ret.Status == store.ReturnOpen {
				what := "a return"
				if ret.Kind == store.ReturnKindExchange {
					what = "an exchange"
				}
				return refused("already_open", fmt.Sprintf("%q already has %s under way (%s); one return or exchange per item at a time.",
					it.Title, what, ret.RMA)), nil
			}
			left -= ri.Quantity
		}
	}
	if left <= 0 {
		return refused("already_returned", fmt.Sprintf("%q has already been returned.", it.Title)), nil
	}
	qty := a.Quantity
	switch {
	case qty < 0:
		return invalid("quantity must be at least 1"), nil
	case qty == 0:
		qty = left
	case qty > left:
		return refused("quantity_exceeds", fmt.Sprintf("Only %d of %q can still be exchanged.", left, it.Title)), nil
	}
	variants, err := t.Store.Variants(ctx, it.SKU)
	if err != nil {
		return Result{}, err
	}
	have := variants[0]
	opts := exchangeOptions(it, variants, qty)
	if len(variants) < 2 {
		r := refused("no_variants", fmt.Sprintf("%q comes in only one variant, so it can be returned but not exchanged.", it.Title))
		return r, nil
	}
	if strings.TrimSpace(a.Wanted) == "" {
		r := needsInfo("wanted_variant", fmt.Sprintf("Ask the shopper which variant of %q they want; it comes in: %s.", it.Title, variantList(opts.Variants)))
		r.Data = opts
		return r, nil
	}
	want, cands := wantedVariant(have, variants, a.Wanted)
	if want == nil {
		if len(cands) > 1 && len(cands) < len(variants)-1 {
			r := needsInfo("wanted_variant", fmt.Sprintf("%q matches several variants (%s); ask the shopper which one.", a.Wanted, variantList(variantViews(cands, qty))))
			r.Data = opts
			return r, nil
		}
		if p, err := t.Store.Product(ctx, strings.TrimSpace(a.Wanted)); err == nil {
			r := refused("other_product", fmt.Sprintf("%s (%s) is another product, not a variant of %q: an exchange swaps the size or colour "+
				"of the same product. The shopper can return the item and order the other product.", p.Title, p.SKU, it.Title))
			r.Data = opts
			return r, nil
		} else if !errors.Is(err, store.ErrNotFound) {
			return Result{}, err
		}
		if !namesSomeVariant(a.Wanted) {
			r := needsInfo("wanted_variant", fmt.Sprintf("Ask the shopper which size or colour of %q they want; it comes in: %s.", it.Title, variantList(opts.Variants)))
			r.Data = opts
			return r, nil
		}
		r := refused("variant_not_found", fmt.Sprintf("%q is not a variant of %q; an exchange swaps the size or colour of the same product. "+
			"It comes in: %s.", a.Wanted, it.Title, variantList(opts.Variants)))
		r.Data = opts
		return r, nil
	}
	if !want.InStock(qty) {
		r := refused("out_of_stock", fmt.Sprintf("%s (%s) is out of stock. In stock: %s.", want.Title, want.Options.Values(), variantList(inStock(opts.Variants))))
		r.Data = opts
		return r, nil
	}
	if strings.TrimSpace(a.Reason) == "" {
		return needsInfo("reason", "Ask the shopper why they want to exchange it (for example: too small)."), nil
	}
	// An exchange for a damaged or wrong item sends a new one out: the
	// same evidence as a return is asked for.
	if r, err := missingPhoto(ctx, t.Store, policy, id, a.Reason); r != nil || err != nil {
		return deref(r), err
	}
	line := ExchangeLine{OrderItemID: it.ID, SKU: it.SKU, Title: it.Title, TitleZH: it.TitleZH, Options: have.Options,
		Quantity: qty, UnitPrice: it.UnitPrice, Replacement: variantView(*want, qty), ReplacementProductID: want.ProductID}
	p := ExchangePreview{OrderID: o.ID, OrderNumber: o.Number, Items: []ExchangeLine{line}, Reason: strings.TrimSpace(a.Reason),
		Currency: o.Currency, PriceDifference: (want.Price - it.UnitPrice) * store.Money(qty)}
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
		Message: "Nothing has been done yet. Show the shopper what goes back, what is sent out and the price difference, and ask them to confirm.",
		Data:    pending(action, &p)}, nil
}

// exchangeWording turns a return refusal of the order's state into the
// same refusal for an exchange.
func exchangeWording(r Result) Result {
	r.Message = strings.ReplaceAll(strings.ReplaceAll(r.Message, "returns must be started", "exchanges must be started"),
		"a return can be started", "an exchange can be started")
	return r
}

func exchangeOptions(it *store.OrderItem, variants []store.Variant, qty int) *ExchangeOptions {
	o := &ExchangeOptions{SKU: it.SKU, Title: it.Title, TitleZH: it.TitleZH}
	for _, v := range variants[1:] {
		o.Variants = append(o.Variants, variantView(v, qty))
	}
	return o
}

func variantView(v store.Variant, qty int) VariantView {
	return VariantView{SKU: v.SKU, Title: v.Title, TitleZH: v.TitleZH, Options: v.Options, UnitPrice: v.Price, InStock: v.InStock(qty)}
}

func variantViews(vs []store.Variant, qty int) []VariantView {
	out := make([]VariantView, len(vs))
	for i, v := range vs {
		out[i] = variantView(v, qty)
	}
	return out
}

func inStock(vs []VariantView) []VariantView {
	var out []VariantView
	for _, v := range vs {
		if v.InStock {
			out = append(out, v)
		}
	}
	return out
}

func variantList(vs []VariantView) string {
	if len(vs) == 0 {
		return "none"
	}
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = fmt.Sprintf("%s (%s)", v.Options.Values(), v.SKU)
		if !v.InStock {
			parts[i] += " out of stock"
		}
	}
	return strings.Join(parts, ", ")
}

func (t *StartExchange) confirm(ctx context.Context, id Identity, a *store.PendingAction) (Result, error) {
	p, done, err := openPending[ExchangePreview](ctx, t.Store, a, "exchange", "This exchange preview expired before it was confirmed; start the exchange again.")
	if done != nil || err != nil {
		return deref(done), err
	}
	now := t.Store.Now()
	o, err := t.Store.Order(ctx, a.OrderID)
	if err != nil {
		return Result{}, err
	}
	if r := returnableOrder(o, t.Policy.withDefaults(), now); r != nil {
		r2 := exchangeWording(*r)
		return r2, t.Store.FinishAction(ctx, a.ID, store.ActionFailed, r2)
	}
	req := store.ExchangeRequest{OrderID: o.ID, Reason: p.Reason}
	for _, l := range p.Items {
		req.Items = append(req.Items, store.ExchangeLine{OrderItemID: l.OrderItemID, Quantity: l.Quantity, ReplacementProductID: l.ReplacementProductID})
	}
	ret, stored, err := t.Store.CreateExchange(ctx, a.ID, req)
	switch {
	case errors.Is(err, store.ErrActionNotPending):
		return deref(finished(stored)), nil
	case errors.Is(err, store.ErrOutOfStock):
		r := refused("out_of_stock", "The replacement sold out before the exchange was confirmed; nothing was done.")
		return r, t.Store.FinishAction(ctx, a.ID, store.ActionFailed, r)
	case errors.Is(err, store.ErrConflict):
		r := refused("already_open", "This item has been returned or exchanged meanwhile; nothing more was done.")
		return r, t.Store.FinishAction(ctx, a.ID, store.ActionFailed, r)
	case err != nil:
		return Result{}, err
	}
	return Result{Status: StatusOK, Message: "The exchange is confirmed. Give the shopper the RMA number, what is sent out and how to send the item back.",
		Data: &ExchangeDone{Kind: NameStartExchange, RMA: ret.RMA, OrderNumber: p.OrderNumber, Items: p.Items,
			PriceDifference: ret.PriceDifference, Currency: p.Currency, Shipping: p.Shipping, HowToReturn: p.HowToReturn,
			WhenShipped: "The replacement is reserved and ships as soon as the carrier scans the parcel sent back."}}, nil
}

// openExchangeOf is the RMA of an open exchange of the order item, or ""
// (also when st cannot list returns).
func openExchangeOf(ctx context.Context, st any, orderID, itemID int64) string {
	rs, ok := st.(interface {
		ReturnsByOrder(ctx context.Context, orderID int64) ([]store.Return, error)
	})
	if !ok {
		return ""
	}
	returns, err := rs.ReturnsByOrder(ctx, orderID)
	if err != nil {
		return ""
	}
	for _, r := range returns {
		if r.Kind != store.ReturnKindExchange || r.Status != store.ReturnOpen {
			continue
		}
		for _, it := range r.Items {
			if it.OrderItemID == itemID {
				return r.RMA
			}
		}
	}
	return ""
}
