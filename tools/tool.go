// Package tools holds what the agent may do for a shopper: each tool has a
// stable name, a description written for a model, a JSON Schema of its
// arguments, and a Call that receives the shopper's verified identity from
// kefu, never from the model. Authorization and business policy (whose order,
// the return window, final sale, cancel before shipping) are enforced here,
// so no model output can bypass them.
package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/kefu-dev/kefu/store"
)

// Risk says how much harm a tool can do with a wrong call.
type Risk string

const (
	// Read tools only look things up and run at once.
	Read Risk = "read"
	// Change tools alter orders. They are two-phase: a call returns a
	// preview and a pending action; only the shopper's confirmation executes
	// it, exactly once.
	Change Risk = "change"
)

// Identity is who the tools act for, as kefu verified it: a signed-in
// customer (from a signed widget identity) or a guest.
type Identity struct {
	CustomerID     int64  // 0 for a guest
	ConversationID string // the conversation the call belongs to; may be ""
	Locale         string // "en" or "zh"
}

// Guest reports whether the shopper is not signed in.
func (id Identity) Guest() bool { return id.CustomerID == 0 }

// Tool is one capability of the agent.
type Tool interface {
	// Name is the stable snake_case name used in prompts, logs and stored
	// transcripts.
	Name() string
	// Description tells a model what the tool does, when to use it and
	// when not to. Changing it changes the agent's behaviour: review it
	// like an API change.
	Description() string
	// Parameters is the JSON Schema of the arguments object.
	Parameters() map[string]any
	// Risk is the tool's risk class.
	Risk() Risk
	// Call runs the tool with the model's JSON arguments. Problems the model
	// or the shopper can correct (bad arguments, no such order, refused by
	// policy) are a Result with a status other than "ok" and a nil error;
	// an error means the infrastructure failed.
	Call(ctx context.Context, id Identity, args string) (Result, error)
}

// Result statuses.
const (
	StatusOK                = "ok"
	StatusNotFound          = "not_found"
	StatusRefused           = "refused"           // business policy says no; Reason says why
	StatusInvalidArguments  = "invalid_arguments" // the model should correct its call
	StatusNeedsInfo         = "needs_info"        // ask the shopper for Missing
	StatusNeedsConfirmation = "needs_confirmation"
	StatusAlreadyDone       = "already_done"
	StatusError             = "error" // the tool failed; try later or hand off
)

// Result is what a tool returns to the model, as JSON.
type Result struct {
	Status  string `json:"status"`
	Message string `json:"message,omitempty"` // for the model, in English
	Reason  string `json:"reason,omitempty"`  // machine-readable refusal reason
	Missing string `json:"missing,omitempty"` // what to ask the shopper for
	Data    any    `json:"data,omitempty"`
	// Shown is the order the call showed or acted on, set only once kefu
	// checked the shopper may see it. kefu stores it in typed columns
	// beside the result (not in its JSON): what a conversation revealed,
	// and the evidence of contact about an order.
	Shown *Shown `json:"-"`
}

// Shown is an order a tool showed to the shopper it belongs to.
type Shown struct {
	OrderNumber string
	Email       string // the order's email, when a guest gave it; "" for a signed-in shopper
}

// about marks r as showing order o to the shopper id.
func (r Result) about(o *store.Order, id Identity) Result {
	r.Shown = &Shown{OrderNumber: o.Number}
	if id.Guest() {
		r.Shown.Email = o.Email
	}
	return r
}

// JSON encodes r for a tool message.
func (r Result) JSON() string {
	b, err := json.Marshal(r)
	if err != nil {
		return `{"status":"error","message":"result could not be encoded"}`
	}
	return string(b)
}

func ok(data any) Result { return Result{Status: StatusOK, Data: data} }

func invalid(msg string) Result { return Result{Status: StatusInvalidArguments, Message: msg} }

func refused(reason, msg string) Result {
	return Result{Status: StatusRefused, Reason: reason, Message: msg}
}

func needsInfo(missing, msg string) Result {
	return Result{Status: StatusNeedsInfo, Missing: missing, Message: msg}
}

// Policy is the shop's business policy that the change tools enforce.
type Policy struct {
	// ReturnWindow is how long after delivery an item may be returned.
	// Zero value: 30 days.
	ReturnWindow time.Duration
	// ConfirmWithin is how long a previewed change waits for the shopper's
	// confirmation. Zero value: 30 minutes.
	ConfirmWithin time.Duration
	// CouponPercent is the discount offer_coupon gives, capped at 30.
	// Zero value: 10.
	CouponPercent int
	// PhotoForFaulty: a return for a damaged or wrong item (Faulty) needs
	// a photo attached in the conversation first (photo_required.go).
	PhotoForFaulty bool
	// LabelCountry: orders shipped to this country (the ISO code their
	// ship-to ends with) get a prepaid return label; others pay their own
	// return, unless the item is faulty. Empty: every order gets a label.
	LabelCountry string
	// ReturnAddress is where a return the shopper pays for is sent.
	// Empty: the shop sends it with the RMA.
	ReturnAddress string
}

// days is the return window in words, "30 days".
func (p Policy) days() string {
	d := int(p.ReturnWindow.Hours() / 24)
	if d == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", d)
}

func (p Policy) withDefaults() Policy {
	if p.ReturnWindow <= 0 {
		p.ReturnWindow = 30 * 24 * time.Hour
	}
	if p.ConfirmWithin <= 0 {
		p.ConfirmWithin = 30 * time.Minute
	}
	if p.CouponPercent <= 0 {
		p.CouponPercent = 10
	}
	p.CouponPercent = min(p.CouponPercent, 30)
	return p
}
