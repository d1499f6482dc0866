package chat

import (
	"context"
	"fmt"
	"net/http"

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
