package web

import (
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
