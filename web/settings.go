package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/kefu-dev/kefu/agents/voice"
)

// shopSettings shows admins the shop's voice and hours as they apply now.
func (h *handler) shopSettings(c echo.Context) error {
	return c.JSON(http.StatusOK, h.deps.Voice.Get(c.Request().Context()))
}

// saveShopSettings replaces the shop's voice and hours with the admin's:
// every field is sent (a blank one is kefu's own wording), each problem
// is named, and nothing is saved unless all pass.
func (h *handler) saveShopSettings(c echo.Context) error {
	var in voice.Settings
	if err := c.Bind(&in); err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "send the settings as JSON")
	}
	if h.deps.Voice == nil {
		return echo.NewHTTPError(http.StatusServiceUnavailable, "settings cannot be saved on this server")
	}
	s, err := h.deps.Voice.Set(c.Request().Context(), in)
	var fe *voice.FieldError
	if errors.As(err, &fe) {
		problems := map[string]string{}
		for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
			if errors.As(e, &fe) {
				problems[fe.Field] = fe.Problem
			}
		}
		return c.JSON(http.StatusBadRequest, map[string]any{"status": http.StatusBadRequest, "message": err.Error(), "fields": problems})
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s)
}

// widgetSettings is what the widget shows of the shop's voice: public
// and the same for every page, so any origin may read it.
func (h *handler) widgetSettings(c echo.Context) error {
	s := h.deps.Voice.Get(c.Request().Context())
	c.Response().Header().Set("Access-Control-Allow-Origin", "*")
	c.Response().Header().Set("Cache-Control", "no-cache")
	return c.JSON(http.StatusOK, map[string]string{"shop_name": s.ShopName, "assistant_name": s.AssistantName,
		"greeting_en": s.GreetingEN, "greeting_zh": s.GreetingZH, "accent_color": s.Accent})
}
