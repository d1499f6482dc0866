package chat

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/kefu-dev/kefu/store"
)

// photoAttacher is the store method that links uploaded photos to the
// message that lists them (web's POST /api/photos stored them). A store
// without it (a test's) takes no attachments.
type photoAttacher interface {
	AttachPhotos(ctx context.Context, conversationID string, seq int64, ids []string) (int, error)
}

// checkAttachments refuses a message frame whose attachments are not a
// short list of photo ids.
func checkAttachments(f *inFrame) error {
	if len(f.Attachments) > store.MaxAttachments {
		return &protocolError{Code: CodeInvalidMessage, Message: fmt.Sprintf("at most %d photos per message", store.MaxAttachments), ClientID: f.ClientID}
	}
	for _, id := range f.Attachments {
		if !store.ValidPhotoID(id) {
			return &protocolError{Code: CodeInvalidMessage, Message: "attachments must be photo ids from POST /api/photos", ClientID: f.ClientID}
		}
	}
	return nil
}

// photoLister is the store method that lists a conversation's photos; a
// store without it has none.
type photoLister interface {
	PhotosByConversation(ctx context.Context, conversationID string) ([]store.Photo, error)
}

// photosBySeq are the conversation's attached photos by the seq of the
// message that attached them, for the history a resuming widget gets.
func (e *Engine) photosBySeq(ctx context.Context, conversationID string) map[int64][]string {
	ps, ok := e.store.(photoLister)
	if !ok {
		return nil
	}
	list, err := ps.PhotosByConversation(ctx, conversationID)
	if err != nil {
		e.log.Warn("photos not read", "conversation_id", conversationID, "err", err)
		return nil
	}
	var out map[int64][]string
	for _, p := range list {
		if p.MessageSeq == 0 {
			continue
		}
		if out == nil {
			out = map[int64][]string{}
		}
		out[p.MessageSeq] = append(out[p.MessageSeq], p.ID)
	}
	return out
}

// ownPhotos are those of ids that are the conversation's own photos not
// yet attached: what the message may show before it is stored (the staff
// watching see it live). nil when there are none or the store can't say.
func (e *Engine) ownPhotos(ctx context.Context, conversationID string, ids []string) []string {
	ps, ok := e.store.(photoLister)
	if len(ids) == 0 || !ok {
		return nil
	}
	have, err := ps.PhotosByConversation(ctx, conversationID)
	if err != nil {
		e.log.Warn("photos not read", "conversation_id", conversationID, "err", err)
		return nil
	}
	var own []string
	for _, id := range ids {
		for _, p := range have {
			if p.ID == id && p.MessageSeq == 0 && !slices.Contains(own, id) {
				own = append(own, id)
			}
		}
	}
	return own
}

// attachPhotos links the message seq to the photos it lists. Only the
// conversation's own photos are taken (the store checks): an id from
// another conversation is ignored and logged.
func (e *Engine) attachPhotos(ctx context.Context, conversationID string, seq int64, ids []string) {
	a, ok := e.store.(photoAttacher)
	if len(ids) == 0 || !ok {
		return
	}
	n, err := a.AttachPhotos(ctx, conversationID, seq, ids)
	if err != nil || n != len(ids) {
		e.log.Warn("photos not attached", "conversation_id", conversationID, "seq", seq, "listed", len(ids), "attached", n, "err", err)
	}
}

// AllowedOrigin reports whether a browser request comes from a page that
// may use the widget (kefu's own host or KEFU_ALLOWED_ORIGINS), as the
// socket allows: photo uploads (web) follow the same rule.
func (e *Engine) AllowedOrigin(r *http.Request) bool { return e.checkOrigin(r) }
