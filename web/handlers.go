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
	opts    Options
	deps    Deps
	assets  fs.FS
	logins  *loginLimiter
	replays *replayGate

	demoOff atomic.Bool // the demo API found imported customers (and said so in the log)
}

// healthz says the process is up; it checks nothing else, so an
// orchestrator restarts kefu only when kefu itself is stuck.
func (h *handler) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok", "version": h.opts.Version})
}

// readyz says kefu can serve: the database answers reads, and the
// writer's commits are not failing (a full disk, a lock held by another
// process). A commit refused less than writeFailingFor ago makes kefu
// not ready until one succeeds; after that long with no commit at all
// (traffic went elsewhere), readiness is given back, and the next failed
// commit takes it away again.
func (h *handler) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := h.deps.Store.Ping(ctx); err != nil {
		h.deps.Log.Warn("not ready", "err", err)
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "message": "database not reachable"})
	}
	if at, err := h.deps.Engine.Writer().Failing(); err != nil && time.Since(at) < writeFailingFor {
		h.deps.Log.Warn("not ready: writes are failing", "err", err, "failed_at", at)
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "message": "writes to the database are failing"})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}

// writeFailingFor is how long a refused commit keeps kefu not ready.
const writeFailingFor = time.Minute

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
