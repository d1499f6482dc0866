package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// registerRoutes is the sitemap: every route and its method.
func registerRoutes(e *echo.Echo, h *handler) {
	e.GET("/healthz", h.healthz)
	e.GET("/readyz", h.readyz)
	e.GET("/metrics", echo.WrapHandler(promhttp.HandlerFor(h.deps.Gatherer, promhttp.HandlerOpts{})))

	e.GET("/ws", echo.WrapHandler(http.HandlerFunc(h.deps.Engine.ServeWS)))

	api := e.Group("/api/console", middleware.BodyLimit("64K"), sameOriginWrites)
	api.POST("/login", h.login)
	staff := api.Group("", h.sessionAuth)
	staff.POST("/logout", h.logout)
	staff.GET("/me", h.me)
	staff.GET("/conversations", h.conversations)
	staff.GET("/conversations/:id", h.conversation)
	staff.GET("/conversations/:id/customer", h.customer)
	staff.POST("/conversations/:id/takeover", h.takeover)
	staff.POST("/conversations/:id/reply", h.reply)
	staff.POST("/conversations/:id/note", h.note)
	staff.POST("/conversations/:id/assign", h.assign)
	staff.POST("/conversations/:id/handback", h.handback)
	staff.POST("/conversations/:id/close", h.closeConversation)
	staff.POST("/conversations/:id/typing", h.staffTyping)
	staff.GET("/stats", h.stats)
	staff.GET("/customers/:id", h.customerPage)
	staff.POST("/customers/:id/summary", h.summarise)
	staff.GET("/segments", h.segments)
	staff.GET("/transcripts", h.transcripts)
	staff.GET("/transcripts/export", h.exportTranscripts)
	staff.POST("/replay", h.replay)
	staff.GET("/staff", h.staffList)
	staff.POST("/staff", h.addStaff, adminOnly)
	e.GET("/ws/console", h.staffSocket, h.sessionAuth)
	e.GET("/console", h.console)

	demo := e.Group("/api/demo", middleware.BodyLimit("1K"))
	demo.GET("/customers", h.demoCustomers)
	demo.GET("/identity", h.demoIdentity)
	demo.GET("/products", h.demoProducts)

	e.GET("/", h.index)
	e.GET("/widget.js", h.widget)
	e.GET("/*", h.asset)
}
