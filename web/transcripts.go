package web

import (
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/kefu-dev/kefu/chat"
	"github.com/kefu-dev/kefu/store"
)

// dateParam is an optional YYYY-MM-DD query parameter and where it goes.
type dateParam struct {
	key string
	dst *time.Time
}

// queryDates reads date query parameters, refusing malformed ones.
func queryDates(c echo.Context, ps ...dateParam) error {
	for _, p := range ps {
		if v := c.QueryParam(p.key); v != "" {
			t, err := time.Parse("2006-01-02", v)
			if err != nil {
				return echo.NewHTTPError(http.StatusBadRequest, p.key+" must be a date like 2026-11-28")
			}
			*p.dst = t
		}
	}
	return nil
}

// transcriptFilter reads the transcript filters from the query string.
func transcriptFilter(c echo.Context) (store.TranscriptFilter, error) {
	q := c.QueryParams()
	f := store.TranscriptFilter{Text: q.Get("q"), State: q.Get("state"), Locale: q.Get("lang"), Tool: q.Get("tool"), Sort: q.Get("sort")}
	bad := func(msg string) (store.TranscriptFilter, error) {
		return f, echo.NewHTTPError(http.StatusBadRequest, msg)
	}
	if err := queryDates(c, dateParam{"from", &f.From}, dateParam{"to", &f.To}); err != nil {
		return f, err
	}
	for _, b := range []struct {
		key string
		dst **bool
	}{{"escalated", &f.Escalated}, {"resolved", &f.Resolved}} {
		if v := q.Get(b.key); v != "" {
			x, err := strconv.ParseBool(v)
			if err != nil {
				return bad(b.key + " must be true or false")
			}
			*b.dst = &x
		}
	}
	for _, n := range []struct {
		key string
		dst *int
	}{{"min_rating", &f.MinRating}, {"max_rating", &f.MaxRating}, {"limit", &f.Limit}, {"offset", &f.Offset}} {
		if v := q.Get(n.key); v != "" {
			x, err := strconv.Atoi(v)
			if err != nil {
				return bad(n.key + " must be a number")
			}
			*n.dst = x
		}
	}
	if v := q.Get("customer"); v != "" {
		x, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return bad("customer must be a customer id")
		}
		f.CustomerID = x
	}
	if err := f.Validate(); err != nil {
		return bad(err.Error())
	}
	return f, nil
}

func (h *handler) transcripts(c echo.Context) error {
	f, err := transcriptFilter(c)
	if err != nil {
		return err
	}
	page, err := h.deps.Store.SearchTranscripts(c.Request().Context(), f)
	if err != nil {
		return err
	}
	out := make([]chat.SummaryJSON, 0, len(page.Conversations))
	for i := range page.Conversations {
		out = append(out, chat.SummaryView(&page.Conversations[i]))
	}
	return c.JSON(http.StatusOK, map[string]any{"total": page.Total, "more": page.More, "conversations": out})
}

// csvBOM starts every CSV download: without it, spreadsheets (Excel)
// read UTF-8 as the system's code page, and Chinese shows as mojibake.
const csvBOM = "\ufeff"

// exportTranscripts streams the matching transcripts as JSONL or CSV.
func (h *handler) exportTranscripts(c echo.Context) error {
	f, err := transcriptFilter(c)
	if err != nil {
		return err
	}
	if id := c.QueryParam("id"); id != "" {
		if _, err := h.deps.Store.ConversationSummary(c.Request().Context(), id); err != nil {
			return err // 404 for an unknown conversation
		}
		f = store.TranscriptFilter{ID: id}
	}
	format := c.QueryParam("format")
	res := c.Response()
	switch format {
	case "", "jsonl":
		res.Header().Set("Content-Type", "application/x-ndjson; charset=utf-8")
		res.Header().Set("Content-Disposition", `attachment; filename="kefu-transcripts.jsonl"`)
		res.WriteHeader(http.StatusOK)
		_, err = h.deps.Store.ExportJSONL(c.Request().Context(), f, res)
	case "csv":
		res.Header().Set("Content-Type", "text/csv; charset=utf-8")
		res.Header().Set("Content-Disposition", `attachment; filename="kefu-transcripts.csv"`)
		res.WriteHeader(http.StatusOK)
		if _, err = io.WriteString(res, csvBOM); err == nil {
			_, err = h.deps.Store.ExportCSV(c.Request().Context(), f, res)
		}
	default:
		return echo.NewHTTPError(http.StatusBadRequest, "format must be jsonl or csv")
	}
	if err != nil {
		// The status is sent; the cut-off body and the log tell the rest.
		h.deps.Log.Error("export failed", "err", err)
	}
	return nil
}

// replay runs the regression replay on up to 20 conversations matching the
// filters and returns the report, as `kefu replay --json` prints it.
func (h *handler) replay(c echo.Context) error {
	if h.deps.Replay == nil {
		return echo.NewHTTPError(http.StatusNotImplemented, "replay is not available on this server")
	}
	f, err := transcriptFilter(c)
	if err != nil {
		return err
	}
	// The first 20 of the list as the console shows it (same sort).
	ctx := c.Request().Context()
	f.Limit, f.Offset = 20, 0
	page, err := h.deps.Store.SearchTranscripts(ctx, f)
	if err != nil {
		return err
	}
	var recorded []*store.TranscriptJSON
	for _, sm := range page.Conversations {
		t, err := h.deps.Store.Transcript(ctx, sm)
		if err != nil {
			return err
		}
		recorded = append(recorded, t)
	}
	results, err := h.deps.Replay(ctx, recorded)
	if err != nil {
		return err
	}
	counts := map[string]int{}
	for _, r := range results {
		counts[r.Verdict]++
	}
	return c.JSON(http.StatusOK, map[string]any{"counts": counts, "results": results})
}
