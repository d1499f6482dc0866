package web

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/kefu-dev/kefu/chat"
	"github.com/kefu-dev/kefu/store"
)

// DefaultPhotoMaxBytes is the largest photo upload when Options don't say.
const DefaultPhotoMaxBytes = 8 << 20

// photoStore is what the photo handlers read and write (photos.go).
type photoStore interface {
	ConversationByResumeToken(ctx context.Context, token string) (*store.Conversation, error)
	AddPhoto(ctx context.Context, p *store.Photo) error
	Photo(ctx context.Context, id string) (*store.Photo, error)
	PhotosByConversation(ctx context.Context, conversationID string) ([]store.Photo, error)
}

// tokenConversation is the conversation a shopper's resume token opens:
// the token is the credential of the photo routes, looked up, never
// trusted; an unknown or missing one is a 403.
func tokenConversation(ctx context.Context, ps photoStore, token string) (*store.Conversation, error) {
	conv, err := ps.ConversationByResumeToken(ctx, token)
	if errors.Is(err, store.ErrNotFound) || token == "" {
		return nil, echo.NewHTTPError(http.StatusForbidden, "this conversation cannot be found; reload the chat and try again")
	}
	return conv, err
}

// maxPhotosPerConversation bounds what one conversation may upload.
const maxPhotosPerConversation = 20

// photoDecodes bounds the photos decoded at once, in the whole process
// (each may take 160 MB: maxPhotoPixels × 4).
var photoDecodes = make(chan struct{}, 2)

// photoOriginAllowed applies the socket's origin rule to an upload and,
// for an allowed page on another origin, lets it read the answer (the
// multipart POST is a simple request: no preflight; no cookies are used).
func (h *handler) photoOriginAllowed(c echo.Context) bool {
	r := c.Request()
	allowed := chat.SameOrigin(r)
	if e, ok := h.deps.Engine.(interface{ AllowedOrigin(*http.Request) bool }); ok {
		allowed = e.AllowedOrigin(r)
	}
	if o := r.Header.Get("Origin"); allowed && o != "" {
		c.Response().Header().Set("Access-Control-Allow-Origin", o)
		c.Response().Header().Add("Vary", "Origin")
	}
	return allowed
}

// photoTokenHeader carries the conversation's resume token on a raw
// upload; a multipart upload may send it as the resume_token field.
const photoTokenHeader = "X-Kefu-Resume-Token"

// uploadPhoto takes a shopper's photo for the conversation their resume
// token opens: POST /api/photos, the picture as the raw body or as the
// multipart field "photo". The token is looked up in the store, never
// trusted. The picture is checked by its bytes and re-encoded without
// its metadata (cleanPhoto), written to the photo directory under its
// sha256 and recorded; the answer is its id, for a message's attachments.
func (h *handler) uploadPhoto(c echo.Context) error {
	ps, dir := h.photos()
	if ps == nil {
		return echo.NewHTTPError(http.StatusNotFound, "photos are not enabled")
	}
	if !h.photoOriginAllowed(c) {
		return echo.NewHTTPError(http.StatusForbidden, "photos cannot be sent from this page")
	}
	limit := h.photoMaxBytes()
	token, data, err := readPhotoUpload(c.Request(), limit)
	if err != nil {
		return err
	}
	conv, err := tokenConversation(c.Request().Context(), ps, token)
	if err != nil {
		return err
	}
	if have, err := ps.PhotosByConversation(c.Request().Context(), conv.ID); err != nil {
		return err
	} else if len(have) >= maxPhotosPerConversation {
		return echo.NewHTTPError(http.StatusTooManyRequests, fmt.Sprintf("at most %d photos per conversation", maxPhotosPerConversation))
	}
	// Decoding takes up to 4 bytes a pixel: a few at a time, so that
	// many uploads at once cannot take the memory.
	select {
	case photoDecodes <- struct{}{}:
	case <-c.Request().Context().Done():
		return echo.NewHTTPError(http.StatusServiceUnavailable, "busy; try again")
	}
	clean, contentType, width, height, err := cleanPhoto(data)
	<-photoDecodes
	if isPhotoError(err) {
		status := http.StatusUnprocessableEntity
		if errors.Is(err, errPhotoType) {
			status = http.StatusUnsupportedMediaType
		}
		return echo.NewHTTPError(status, err.Error())
	}
	if err != nil {
		return err
	}
	sum := sha256.Sum256(clean)
	p := &store.Photo{ConversationID: conv.ID, SHA256: hex.EncodeToString(sum[:]), ContentType: contentType,
		Width: width, Height: height, Size: int64(len(clean))}
	if err := store.WritePhotoFile(dir, p.SHA256, clean); err != nil {
		return err
	}
	if err := ps.AddPhoto(c.Request().Context(), p); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"id": p.ID, "content_type": p.ContentType, "width": p.Width, "height": p.Height, "size": p.Size})
}

// photos is the store's photo methods and the directory, or nil when
// the server has no photo directory.
func (h *handler) photos() (photoStore, string) {
	ps, ok := h.deps.Store.(photoStore)
	if !ok || h.opts.PhotoDir == "" {
		return nil, ""
	}
	return ps, h.opts.PhotoDir
}

func (h *handler) photoMaxBytes() int64 { return cmp.Or(h.opts.PhotoMaxBytes, DefaultPhotoMaxBytes) }

// readPhotoUpload reads the token and at most limit bytes of picture.
func readPhotoUpload(r *http.Request, limit int64) (token string, data []byte, err error) {
	tooLarge := echo.NewHTTPError(http.StatusRequestEntityTooLarge, fmt.Sprintf("this picture is larger than %s", sizeText(limit)))
	if r.ContentLength > limit+64<<10 {
		return "", nil, tooLarge
	}
	token = r.Header.Get(photoTokenHeader)
	read := func(rd io.Reader) ([]byte, error) {
		b, err := io.ReadAll(io.LimitReader(rd, limit+1))
		if err == nil && int64(len(b)) > limit {
			return nil, tooLarge
		}
		return b, err
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		data, err = read(r.Body)
		return token, data, err
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return "", nil, echo.NewHTTPError(http.StatusBadRequest, "unreadable upload")
	}
	for data == nil {
		part, err := mr.NextPart()
		if err == io.EOF {
			return "", nil, echo.NewHTTPError(http.StatusBadRequest, `the upload has no "photo" field`)
		}
		if err != nil {
			return "", nil, echo.NewHTTPError(http.StatusBadRequest, "unreadable upload")
		}
		switch part.FormName() {
		case "resume_token":
			if token == "" {
				b, _ := io.ReadAll(io.LimitReader(part, 256))
				token = strings.TrimSpace(string(b))
			}
		case "photo":
			if data, err = read(part); err != nil {
				return "", nil, err
			}
			if data == nil {
				data = []byte{}
			}
		}
	}
	return token, data, nil
}

func sizeText(n int64) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d KB", n>>10)
}

// servePhoto serves a photo to signed-in staff: GET
// /api/console/photos/:id.
func (h *handler) servePhoto(c echo.Context) error {
	ps, dir := h.photos()
	if ps == nil {
		return echo.NewHTTPError(http.StatusNotFound, "photos are not enabled")
	}
	p, err := ps.Photo(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return writePhoto(c, dir, p)
}

// openPhoto serves a shopper their own conversation's photo, for the
// widget's history after a reload: POST /api/photos/:id with the resume
// token as the form field resume_token (or the X-Kefu-Resume-Token
// header). A POST with a form body, not a GET: the token stays out of
// URLs and logs, and the request needs no CORS preflight from the shop's
// page. A photo of another conversation is not found, as a made-up id is.
func (h *handler) openPhoto(c echo.Context) error {
	ps, dir := h.photos()
	if ps == nil {
		return echo.NewHTTPError(http.StatusNotFound, "photos are not enabled")
	}
	if !h.photoOriginAllowed(c) {
		return echo.NewHTTPError(http.StatusForbidden, "photos cannot be opened from this page")
	}
	token := c.Request().Header.Get(photoTokenHeader)
	if token == "" {
		token = c.FormValue("resume_token")
	}
	ctx := c.Request().Context()
	conv, err := tokenConversation(ctx, ps, token)
	if err != nil {
		return err
	}
	p, err := ps.Photo(ctx, c.Param("id"))
	if errors.Is(err, store.ErrNotFound) || (err == nil && p.ConversationID != conv.ID) {
		return echo.NewHTTPError(http.StatusNotFound, "not found")
	}
	if err != nil {
		return err
	}
	return writePhoto(c, dir, p)
}

// writePhoto sends photo p's file. The type is the one kefu wrote; the
// headers keep a browser from taking it for anything else.
func writePhoto(c echo.Context, dir string, p *store.Photo) error {
	f, err := os.Open(store.PhotoFile(dir, p.SHA256))
	if errors.Is(err, os.ErrNotExist) {
		return echo.NewHTTPError(http.StatusNotFound, "not found")
	}
	if err != nil {
		return err
	}
	defer f.Close()
	hd := c.Response().Header()
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	hd.Set("Cache-Control", "private, max-age=3600")
	hd.Set("Content-Type", p.ContentType)
	http.ServeContent(c.Response(), c.Request(), "", p.CreatedAt, f)
	return nil
}

// photoView is a photo as the console shows it: beside the message (seq)
// that attached it; seq 0 for one uploaded but never sent.
type photoView struct {
	ID     string `json:"id"`
	Seq    int64  `json:"seq"`
	URL    string `json:"url"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
}

// photoViews are the conversation's photos for the console; none when
// photos are not enabled.
func (h *handler) photoViews(ctx context.Context, conversationID string) ([]photoView, error) {
	out := []photoView{}
	ps, _ := h.photos()
	if ps == nil {
		return out, nil
	}
	list, err := ps.PhotosByConversation(ctx, conversationID)
	for _, p := range list {
		out = append(out, photoView{ID: p.ID, Seq: p.MessageSeq, URL: store.PhotoPath(p.ID), Width: p.Width, Height: p.Height})
	}
	return out, err
}
