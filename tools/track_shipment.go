package tools

import (
	"context"

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

func (*TrackShipment) Name() string { return NameTrackShipment }
func (*TrackShipment) Risk() Risk   { return Read }

func (*TrackShipment) Description() string {
	return "Track an order's parcels: carrier, tracking number, status, scan events and the estimated delivery. " +
		"Same access rules as lookup_order (guests need the order's email). An order that has not shipped yet has " +
		"no tracking; say when it is expected to ship instead of inventing a parcel."
}

func (*TrackShipment) Parameters() map[string]any { return schema(orderProps, "order_number") }

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
	data := &Tracking{OrderNumber: o.Number, OrderStatus: o.Status, Shipments: make([]ShipmentView, 0, len(shs))}
	if len(shs) == 0 {
		msg := "This order has not shipped yet, so there is no tracking."
		if o.Status == store.OrderCancelled {
			msg = "This order was cancelled and will not ship."
		}
		return Result{Status: StatusOK, Message: msg, Data: data}.about(o, id), nil
	}
	for _, sh := range shs {
		data.Shipments = append(data.Shipments, ShipmentView{Carrier: sh.Carrier, TrackingNumber: sh.TrackingNumber, Status: sh.Status,
			ShippedAt: sh.ShippedAt, EstimatedDeliveryAt: sh.EstimatedDeliveryAt, DeliveredAt: sh.DeliveredAt, Events: sh.Events})
	}
	return ok(data).about(o, id), nil
}
