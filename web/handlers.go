package web

import (
	"context"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/kefu-dev/kefu/chat"
	"github.com/kefu-dev/kefu/store"
)

type handler struct {
	opts   Options
	deps   Deps
	assets fs.FS
	logins *loginLimiter
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

// The demo API lets the demo shop page act as any demo customer. It signs
// identities with the server's secret, so it is served only in demo mode.

type demoCustomer struct {
	ExternalID string `json:"external_id"`
	Name       string `json:"name"`
	Email      string `json:"email"`
	Locale     string `json:"locale"`
}

func (h *handler) demoCustomers(c echo.Context) error {
	if !h.opts.Demo {
		return echo.NewHTTPError(http.StatusNotFound, "not found")
	}
	cs, err := h.deps.Store.Customers(c.Request().Context())
	if err != nil {
		return err
	}
	out := make([]demoCustomer, 0, len(cs))
	for _, cu := range cs {
		if cu.ExternalID != "" {
			out = append(out, demoCustomer{ExternalID: cu.ExternalID, Name: cu.Name, Email: cu.Email, Locale: cu.Locale})
		}
	}
	return c.JSON(http.StatusOK, out)
}

func (h *handler) demoIdentity(c echo.Context) error {
	if !h.opts.Demo {
		return echo.NewHTTPError(http.StatusNotFound, "not found")
	}
	ext := c.QueryParam("customer_id")
	if _, err := h.deps.Store.CustomerByExternalID(c.Request().Context(), ext); err != nil {
		return err
	}
	expires := h.deps.Now().Add(12 * time.Hour).Unix()
	return c.JSON(http.StatusOK, chat.Identity{CustomerID: ext, Expires: expires, Signature: chat.Sign(h.opts.DemoSecret, ext, expires)})
}

type demoProduct struct {
	SKU      string `json:"sku"`
	Title    string `json:"title"`
	TitleZH  string `json:"title_zh"`
	Category string `json:"category"`
	Price    string `json:"price"`
	Currency string `json:"currency"`
}

func (h *handler) demoProducts(c echo.Context) error {
	if !h.opts.Demo {
		return echo.NewHTTPError(http.StatusNotFound, "not found")
	}
	limit, _ := strconv.Atoi(c.QueryParam("limit"))
	if limit <= 0 || limit > 100 {
		limit = 12
	}
	ps, err := h.deps.Store.Products(c.Request().Context())
	if err != nil {
		return err
	}
	// Best sellers first, one of a kind per title stem, like a shop's
	// front page.
	var out []demoProduct
	seen := map[string]bool{}
	for _, p := range bestFirst(ps) {
		stem, _, _ := strings.Cut(p.Title, ",")
		if seen[stem] || p.Category == "gift-cards" {
			continue
		}
		seen[stem] = true
		out = append(out, demoProduct{SKU: p.SKU, Title: p.Title, TitleZH: p.TitleZH, Category: p.Category,
			Price: p.Price.String(), Currency: p.Currency})
		if len(out) == limit {
			break
		}
	}
	return c.JSON(http.StatusOK, out)
}

func bestFirst(ps []store.ProductStats) []store.ProductStats {
	out := append([]store.ProductStats(nil), ps...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Sold > out[j].Sold })
	return out
}
