package tools

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/kefu-dev/kefu/store"
)

// HandoffToHuman records that the conversation should go to a person. The
// gateway acts on the request (queueing it for staff); the tool only writes
// it down. It changes no order, so it is in the read class and runs at once.
type HandoffToHuman struct {
	Events interface {
		AddEvent(ctx context.Context, e *store.Event) error
	}
}

var _ Tool = (*HandoffToHuman)(nil)

func (*HandoffToHuman) Name() string { return NameHandoffToHuman }
func (*HandoffToHuman) Risk() Risk   { return Read }

func (*HandoffToHuman) Description() string {
	return "Hand the conversation to a person on the support team. Use it when the shopper asks for a person, is " +
		"upset, or you could not help after two attempts, or the request needs a human decision (a complaint, an " +
		"exception to policy). Tell the shopper a person will join, and stop trying to solve it yourself."
}

func (*HandoffToHuman) Parameters() map[string]any {
	return schema(map[string]any{
		"reason": str("A short note for the staff member: what the shopper needs and what was tried."),
	}, "reason")
}

func (t *HandoffToHuman) Call(ctx context.Context, id Identity, args string) (Result, error) {
	var a struct {
		Reason string `json:"reason"`
	}
	if err := decodeArgs(args, &a); err != nil {
		return invalid(err.Error()), nil
	}
	reason := strings.TrimSpace(a.Reason)
	if reason == "" {
		return invalid(`"reason" is required: say briefly what the shopper needs`), nil
	}
	if len(reason) > 1000 {
		reason = reason[:1000]
	}
	if id.ConversationID == "" {
		return Result{Status: StatusError, Message: "There is no conversation to hand over."}, nil
	}
	data, _ := json.Marshal(map[string]string{"reason": reason})
	if err := t.Events.AddEvent(ctx, &store.Event{ConversationID: id.ConversationID, Kind: store.EventHandoffRequested, Data: data}); err != nil {
		return Result{}, err
	}
	return Result{Status: StatusOK, Message: "A person has been asked to join. Tell the shopper, briefly, that a member of the support team will take over.",
		Data: &HandoffRequested{Handoff: "requested"}}, nil
}
