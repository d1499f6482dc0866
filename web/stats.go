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
	if err := queryDates(c, dateParam{"from", &from}, dateParam{"to", &to}); err != nil {
		return err
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
