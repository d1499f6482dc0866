package tools

import (
	"context"
	"time"

	"github.com/kefu-dev/kefu/store"
)

// TrackShipment reports where an order's parcels are.
type TrackShipment struct {
	Orders    orderFinder
	Shipments interface {
		Shipments(ctx context.Context, orderID int64) ([]store.Shipment, error)
	}
}

var _ Tool = (*TrackShipment)(nil)

func (*TrackShipment) Name() string { return "track_shipment" }
func (*TrackShipment) Risk() Risk   { return Read }

func (*TrackShipment) Description() string {
	return "Track an order's parcels: carrier, tracking number, status, scan events and the estimated delivery. " +
		"Same access rules as lookup_order (guests need the order's email). An order that has not shipped yet has " +
		"no tracking; say when it is expected to ship instead of inventing a parcel."
}

func (*TrackShipment) Parameters() map[string]any { return schema(orderProps, "order_number") }

type shipmentView struct {
	Carrier             string                `json:"carrier"`
	TrackingNumber      string                `json:"tracking_number"`
	Status              string                `json:"status"`
	ShippedAt           *time.Time            `json:"shipped_at,omitempty"`
	EstimatedDeliveryAt *time.Time            `json:"estimated_delivery_at,omitempty"`
	DeliveredAt         *time.Time            `json:"delivered_at,omitempty"`
	Events              []store.TrackingEvent `json:"events"`
}

func (t *TrackShipment) Call(ctx context.Context, id Identity, args string) (Result, error) {
	var a orderArgs
	if err := decodeArgs(args, &a); err != nil {
		return invalid(err.Error()), nil
	}
	o, res, err := authorizedOrder(ctx, t.Orders, id, a)
	if res != nil || err != nil {
		return deref(res), err
	}
	shs, err := t.Shipments.Shipments(ctx, o.ID)
	if err != nil {
		return Result{}, err
	}
	data := map[string]any{"order_number": o.Number, "order_status": o.Status}
	if len(shs) == 0 {
		data["shipments"] = []shipmentView{}
		msg := "This order has not shipped yet, so there is no tracking."
		if o.Status == store.OrderCancelled {
			msg = "This order was cancelled and will not ship."
		}
		return Result{Status: StatusOK, Message: msg, Data: data}, nil
	}
	views := make([]shipmentView, 0, len(shs))
	for _, sh := range shs {
		views = append(views, shipmentView{Carrier: sh.Carrier, TrackingNumber: sh.TrackingNumber, Status: sh.Status,
			ShippedAt: sh.ShippedAt, EstimatedDeliveryAt: sh.EstimatedDeliveryAt, DeliveredAt: sh.DeliveredAt, Events: sh.Events})
	}
	data["shipments"] = views
	return ok(data), nil
}
