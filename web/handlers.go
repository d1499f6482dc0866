package web

import (
	"context"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
)

type handler struct {
	opts   Options
	deps   Deps
	assets fs.FS
	logins *loginLimiter

	demoOff atomic.Bool // the demo API found imported customers (and said so in the log)
}

// healthz says the process is up; it checks nothing else, so an
// orchestrator restarts kefu only when kefu itself is stuck.
func (h *handler) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok", "version": h.opts.Version})
}

// readyz says kefu can serve: the database answers.
func (h *handler) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := h.deps.Store.Ping(ctx); err != nil {
		h.deps.Log.Warn("not ready", "err", err)
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "message": "database not reachable"})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}

func (h *handler) console(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-cache")
	// The console shows shopper text: a strict policy keeps any script
	// that slipped into the page from running.
	c.Response().Header().Set("Content-Security-Policy",
		"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'")
	return h.serveFile(c, "console.html")
}

func (h *handler) index(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-cache")
	return h.serveFile(c, "index.html")
}

// widget serves the embeddable script. Shops load it from their own pages,
// so it may be fetched cross-origin.
func (h *handler) widget(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	c.Response().Header().Set("Access-Control-Allow-Origin", "*")
	return h.serveFile(c, "widget.js")
}

func (h *handler) asset(c echo.Context) error {
	name := strings.TrimPrefix(path.Clean("/"+c.Param("*")), "/")
	if name == "" || strings.HasPrefix(name, ".") {
		return echo.NewHTTPError(http.StatusNotFound, "not found")
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	return h.serveFile(c, name)
}

func (h *handler) serveFile(c echo.Context, name string) error {
	b, err := fs.ReadFile(h.assets, name)
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound, "not found")
	}
	ctype := map[string]string{".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
		".css": "text/css; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png", ".json": "application/json"}[path.Ext(name)]
	if ctype == "" {
		ctype = http.DetectContentType(b)
	}
	c.Response().Header().Set("X-Content-Type-Options", "nosniff")
	return c.Blob(http.StatusOK, ctype, b)
}
