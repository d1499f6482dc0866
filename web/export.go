package web

import (
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/kefu-dev/kefu/store"
)

// csvBOM starts every CSV download: without it, spreadsheets (Excel)
// read UTF-8 as the system's code page, and Chinese shows as mojibake.
const csvBOM = "\ufeff"

// exportTranscripts streams the matching transcripts as JSONL or CSV,
// under the streaming deadlines (stream.go): a download of any size
// reaches a reader who keeps reading.
func (h *handler) exportTranscripts(c echo.Context) error {
	f, err := transcriptFilter(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if id := c.QueryParam("id"); id != "" {
		if _, err := h.deps.Store.ConversationSummary(ctx, id); err != nil {
			return err // 404 for an unknown conversation
		}
		f = store.TranscriptFilter{ID: id}
	}
	var export func(w io.Writer) error
	res := c.Response()
	switch c.QueryParam("format") {
	case "", "jsonl":
		res.Header().Set("Content-Type", "application/x-ndjson; charset=utf-8")
		res.Header().Set("Content-Disposition", `attachment; filename="kefu-transcripts.jsonl"`)
		export = func(w io.Writer) error {
			_, err := h.deps.Store.ExportJSONL(ctx, f, w)
			return err
		}
	case "csv":
		res.Header().Set("Content-Type", "text/csv; charset=utf-8")
		res.Header().Set("Content-Disposition", `attachment; filename="kefu-transcripts.csv"`)
		export = func(w io.Writer) error {
			if _, err := io.WriteString(w, csvBOM); err != nil {
				return err
			}
			_, err := h.deps.Store.ExportCSV(ctx, f, w)
			return err
		}
	default:
		return echo.NewHTTPError(http.StatusBadRequest, "format must be jsonl or csv")
	}
	return h.download(c, export)
}

// download streams a file: the headers at once, then what write writes.
// HEAD gets the headers only, without making the file.
func (h *handler) download(c echo.Context, write func(w io.Writer) error) error {
	w, err := h.stream(c, http.StatusOK)
	if err != nil {
		return err
	}
	if c.Request().Method == http.MethodHead {
		return nil
	}
	if err := write(w); err != nil {
		// The status is sent; the cut-off body and the log tell the rest.
		h.deps.Log.Error("download cut off", "uri", c.Request().RequestURI, "err", err)
	}
	return nil
}
