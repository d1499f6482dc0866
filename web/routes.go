package web

import (
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// registerRoutes is the sitemap: every route and its method.
func registerRoutes(e *echo.Echo, h *handler) {
	e.GET("/healthz", h.healthz)
	e.GET("/readyz", h.readyz)
	e.GET("/metrics", echo.WrapHandler(promhttp.HandlerFor(h.deps.Gatherer, promhttp.HandlerOpts{})))

	e.GET("/ws", echo.WrapHandler(h.deps.Socket))

	demo := e.Group("/api/demo", middleware.BodyLimit("1K"))
	demo.GET("/customers", h.demoCustomers)
	demo.GET("/identity", h.demoIdentity)
	demo.GET("/products", h.demoProducts)

	e.GET("/", h.index)
	e.GET("/widget.js", h.widget)
	e.GET("/*", h.asset)
}
