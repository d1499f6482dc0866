package web

import (
	"io"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/kefu-dev/kefu/store"
)

// segments lists customers by their needs profile, as JSON or (format=csv)
// as a CSV file for a campaign.
func (h *handler) segments(c echo.Context) error {
	q := c.QueryParams()
	f := store.SegmentFilter{Category: q.Get("category"), Locale: q.Get("lang")}
	bad := func(msg string) error { return echo.NewHTTPError(http.StatusBadRequest, msg) }
	if err := queryDates(c, dateParam{"bought_after", &f.BoughtAfter}, dateParam{"bought_before", &f.BoughtBefore}); err != nil {
		return err
	}
	for _, p := range []struct {
		key string
		dst *store.Money
	}{{"price_min", &f.PriceMin}, {"price_max", &f.PriceMax}} {
		if v := q.Get(p.key); v != "" {
			m, err := store.ParseMoney(v)
			if err != nil || m < 0 {
				return bad(p.key + " must be an amount like 49.90")
			}
			*p.dst = m
		}
	}
	for _, r := range []struct {
		key string
		dst *float64
	}{{"min_rating", &f.MinRating}, {"max_rating", &f.MaxRating}} {
		if v := q.Get(r.key); v != "" {
			x, err := strconv.ParseFloat(v, 64)
			if err != nil || x < 0 || x > 5 {
				return bad(r.key + " must be a rating from 1 to 5")
			}
			*r.dst = x
		}
	}
	if v := q.Get("limit"); v != "" {
		f.Limit, _ = strconv.Atoi(v)
	}
	if f.Locale != "" && f.Locale != "en" && f.Locale != "zh" {
		return bad("lang must be en or zh")
	}
	cs, err := h.deps.Store.Segment(c.Request().Context(), f)
	if err != nil {
		return err
	}
	if q.Get("format") == "csv" {
		c.Response().Header().Set("Content-Type", "text/csv; charset=utf-8")
		c.Response().Header().Set("Content-Disposition", `attachment; filename="kefu-segment.csv"`)
		return h.download(c, func(w io.Writer) error {
			if _, err := io.WriteString(w, csvBOM); err != nil {
				return err
			}
			return store.SegmentCSV(w, cs)
		})
	}
	if cs == nil {
		cs = []store.SegmentCustomer{}
	}
	return c.JSON(http.StatusOK, map[string]any{"total": len(cs), "customers": cs})
}
