package tools

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/kefu-dev/kefu/store"
)

// Evidence is a fact in the shop's data that can justify a coupon.
type Evidence struct {
	Kind        string    `json:"kind"` // late_delivery, defective_return, repeat_contact
	OrderNumber string    `json:"order_number,omitempty"`
	Detail      string    `json:"detail"`
	At          time.Time `json:"at"`
}

// What counts as evidence, and for how long.
const (
	lateBy              = 24 * time.Hour      // a delivery this much past its estimate is late
	lateWithin          = 60 * 24 * time.Hour // late deliveries count this long
	faultyReturnWithin  = 90 * 24 * time.Hour // returns of faulty items count this long
	repeatContactWithin = 14 * 24 * time.Hour // the same order asked about again within this
)

// evidenceSource is the store as the coupon evidence reads it.
type evidenceSource interface {
	LateDeliveries(ctx context.Context, customerID int64, since time.Time, late time.Duration) ([]store.LateDelivery, error)
	ReturnsByCustomer(ctx context.Context, customerID int64, since time.Time) ([]store.Return, error)
	OrderContacts(ctx context.Context, customerID int64, since time.Time) ([]store.OrderContact, error)
}

// couponEvidence finds reasons in the customer's data to offer a coupon,
// as of now: a delivery that came more than a day after its estimate, a
// return of a faulty item, or the same order shown to them in two or more
// conversations. Only what kefu itself recorded counts: an order is
// contact evidence once a tool showed it to this customer, never because
// a tool call named it.
func couponEvidence(ctx context.Context, src evidenceSource, customerID int64, now time.Time) ([]Evidence, error) {
	var out []Evidence
	late, err := src.LateDeliveries(ctx, customerID, now.Add(-lateWithin), lateBy)
	if err != nil {
		return nil, err
	}
	for _, d := range late {
		days := d.DeliveredAt.Sub(d.EstimatedAt).Hours() / 24
		out = append(out, Evidence{Kind: "late_delivery", OrderNumber: d.OrderNumber,
			Detail: fmt.Sprintf("delivered %.0f day(s) after the estimate", days), At: d.DeliveredAt})
	}
	returns, err := src.ReturnsByCustomer(ctx, customerID, now.Add(-faultyReturnWithin))
	if err != nil {
		return nil, err
	}
	for _, r := range returns {
		if Faulty(r.Reason) {
			out = append(out, Evidence{Kind: "defective_return", OrderNumber: r.OrderNumber, Detail: r.RMA + ": " + r.Reason, At: r.CreatedAt})
		}
	}
	contacts, err := src.OrderContacts(ctx, customerID, now.Add(-repeatContactWithin))
	if err != nil {
		return nil, err
	}
	for _, c := range contacts {
		if c.Conversations >= 2 {
			out = append(out, Evidence{Kind: "repeat_contact", OrderNumber: c.OrderNumber,
				Detail: fmt.Sprintf("asked about in %d conversations in 14 days", c.Conversations), At: c.LastAt})
		}
	}
	return out, nil
}

// faultyWords mark a reason that says the item is faulty or not what was
// ordered: the shop then pays the return parcel, and the return is
// evidence for a coupon. One list, for both.
var faultyWords = []string{"defect", "broke", "broken", "damage", "faulty", "cracked", "torn", "ripped",
	"stopped working", "doesn't work", "does not work", "not working",
	"wrong item", "wrong size sent", "wrong colour sent", "wrong color sent",
	"坏", "破", "质量", "故障", "开胶", "瑕疵", "发错", "寄错", "不能用"}

// Faulty reports whether a return reason says the item is faulty or the
// wrong one.
func Faulty(reason string) bool {
	r := store.Fold(reason)
	for _, w := range faultyWords {
		if strings.Contains(r, w) {
			return true
		}
	}
	return false
}
