package tools

import (
	"context"

	"github.com/kefu-dev/kefu/store"
)

// conversationPhotos is the store method that says which photos a
// conversation has; a store without it never has any.
type conversationPhotos interface {
	PhotosByConversation(ctx context.Context, conversationID string) ([]store.Photo, error)
}

// missingPhoto asks for a photo when the shop wants one for a damaged or
// wrong item (Policy.PhotoForFaulty) and the shopper has attached none in
// this conversation. The rule is here, not in the prompt: the model
// cannot start such a return without the evidence.
func missingPhoto(ctx context.Context, st any, policy Policy, id Identity, reason string) (*Result, error) {
	if !policy.PhotoForFaulty || !Faulty(reason) {
		return nil, nil
	}
	if ps, ok := st.(conversationPhotos); ok && id.ConversationID != "" {
		photos, err := ps.PhotosByConversation(ctx, id.ConversationID)
		if err != nil {
			return nil, err
		}
		for _, p := range photos {
			if p.MessageSeq != 0 {
				return nil, nil
			}
		}
	}
	r := needsInfo("photo", "The shop needs a photo of the damaged or wrong item first. Ask the shopper to attach one with the camera button in the chat, then call this again.")
	return &r, nil
}
