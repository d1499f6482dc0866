package web

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// stats serves the dashboard's measures: per day, conversations,
// resolution and handoff rates, first-response time, CSAT and coupons,
// and tool calls by tool and outcome; optionally for one language.
func (h *handler) stats(c echo.Context) error {
	to := h.deps.Now().UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)
	from := to.Add(-30 * 24 * time.Hour)
	for _, d := range []struct {
		key string
		dst *time.Time
	}{{"from", &from}, {"to", &to}} {
		if v := c.QueryParam(d.key); v != "" {
			t, err := time.Parse("2006-01-02", v)
			if err != nil {
				return echo.NewHTTPError(http.StatusBadRequest, d.key+" must be a date like 2026-11-28")
			}
			*d.dst = t
		}
	}
	lang := c.QueryParam("lang")
	if lang != "" && lang != "en" && lang != "zh" {
		return echo.NewHTTPError(http.StatusBadRequest, "lang must be en or zh")
	}
	days, err := h.deps.Store.DailyStats(c.Request().Context(), from, to, lang)
	if err != nil {
		return err
	}
	tools, err := h.deps.Store.ToolStats(c.Request().Context(), from, to)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"from": from, "to": to, "days": days, "tools": tools})
}
