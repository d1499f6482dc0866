package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// registerRoutes is the sitemap: every route and its method. Every GET
// route answers HEAD too (get).
func registerRoutes(e *echo.Echo, h *handler) {
	get(e, "/healthz", h.healthz)
	get(e, "/readyz", h.readyz)
	get(e, "/metrics", echo.WrapHandler(promhttp.HandlerFor(h.deps.Gatherer, promhttp.HandlerOpts{})), metricsAuth(h.opts.MetricsToken))

	get(e, "/ws", echo.WrapHandler(http.HandlerFunc(h.deps.Engine.ServeWS)))

	api := e.Group("/api/console", middleware.BodyLimit("64K"), sameOriginWrites)
	api.POST("/login", h.login)
	staff := api.Group("", h.sessionAuth)
	staff.POST("/logout", h.logout)
	staff.POST("/password", h.changePassword)
	get(staff, "/me", h.me)
	get(staff, "/conversations", h.conversations)
	get(staff, "/conversations/:id", h.conversation)
	get(staff, "/conversations/:id/customer", h.customer)
	staff.POST("/conversations/:id/takeover", h.takeover)
	staff.POST("/conversations/:id/reply", h.reply)
	staff.POST("/conversations/:id/note", h.note)
	staff.POST("/conversations/:id/assign", h.assign)
	staff.POST("/conversations/:id/handback", h.handback)
	staff.POST("/conversations/:id/close", h.closeConversation)
	staff.POST("/conversations/:id/typing", h.staffTyping)
	get(staff, "/stats", h.stats)
	get(staff, "/customers/:id", h.customerPage)
	staff.POST("/customers/:id/summary", h.summarise)
	get(staff, "/segments", h.segments)
	get(staff, "/campaigns", h.campaigns)
	staff.POST("/campaigns", h.createCampaign, adminOnly)
	staff.POST("/campaigns/:id/stop", h.stopCampaign, adminOnly)
	staff.POST("/campaigns/redemptions", h.reportRedemption)
	get(staff, "/transcripts", h.transcripts)
	get(staff, "/transcripts/export", h.exportTranscripts)
	staff.POST("/replay", h.replay)
	get(staff, "/photos/:id", h.servePhoto)
	get(staff, "/staff", h.staffList)
	staff.POST("/staff", h.addStaff, adminOnly)
	get(staff, "/settings", h.shopSettings, adminOnly)
	staff.PUT("/settings", h.saveShopSettings, adminOnly)
	get(e, "/ws/console", h.staffSocket, h.sessionAuth)
	e.POST("/api/photos", h.uploadPhoto) // the resume token is the credential; the size is bounded as it is read
	e.POST("/api/photos/:id", h.openPhoto, middleware.BodyLimit("4K"))
	get(e, "/console", h.console)
	get(e, "/api/widget/settings", h.widgetSettings)

	demo := e.Group("/api/demo", middleware.BodyLimit("1K"))
	get(demo, "/customers", h.demoCustomers)
	get(demo, "/identity", h.demoIdentity)
	get(demo, "/products", h.demoProducts)

	get(e, "/", h.index)
	get(e, "/widget.js", h.widget)
	get(e, "/*", h.asset)
}

// router is an *echo.Echo or an *echo.Group.
type router interface {
	Match(methods []string, path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) []*echo.Route
}

// get registers a GET route and its HEAD: the same handler, whose body
// net/http leaves out.
func get(r router, path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) {
	r.Match([]string{http.MethodGet, http.MethodHead}, path, h, m...)
}
