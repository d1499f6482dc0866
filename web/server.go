// Package web is kefu's HTTP face: the Echo server and its routes (the
// demo shop page, the widget, the shopper socket, health, readiness and
// metrics, the demo API), the embedded static assets, and the error
// handler. It holds no conversation logic: the socket is chat's.
package web

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/kefu-dev/kefu/agents"
	"github.com/kefu-dev/kefu/agents/voice"
	"github.com/kefu-dev/kefu/store"
)

// Options configure the server.
type Options struct {
	// ClientIP reads a request's client address (sign-in limits, logs):
	// behind trusted proxies, from their header. Nil: the connection's.
	ClientIP   func(*http.Request) string
	Addr       string
	StaticDir  string // serve assets from here instead of the embedded copy
	Demo       bool   // serve the demo API that signs any demo customer's identity
	DemoSecret []byte // the identity secret the demo API signs with
	Version    string
	// MetricsToken, if set, is asked for as "Authorization: Bearer
	// <token>" on /metrics; empty: /metrics is open.
	MetricsToken string
	// ReadTimeout and WriteTimeout are the server's, for answers written
	// at once; zero: 15 s and 30 s. Streaming answers and replays set
	// deadlines of their own (stream.go, replay.go).
	ReadTimeout, WriteTimeout time.Duration
	// StreamIdleTimeout cuts a download whose reader has taken nothing for
	// that long; zero: 30 s.
	StreamIdleTimeout time.Duration
	// ReplayTimeout bounds a regression replay; zero: 5 minutes.
	// ReplayMaxMessages bounds the messages of the conversations it
	// replays; zero: 2,000.
	ReplayTimeout     time.Duration
	ReplayMaxMessages int
	// PhotoDir is where shoppers' photos are stored (photos.go); empty:
	// no uploads. PhotoMaxBytes bounds one; zero: DefaultPhotoMaxBytes.
	PhotoDir      string
	PhotoMaxBytes int64
	// CouponPercent is the shop's fixed coupon percentage (tools.Policy),
	// which a campaign's coupon may take; zero: 10.
	CouponPercent int
}

// Deps are what the handlers use.
type Deps struct {
	Store    Store
	Engine   Engine // the shopper socket and the staff actions
	Gatherer prometheus.Gatherer
	Log      *slog.Logger
	// Replay re-runs recorded conversations against the current agent on
	// a snapshot of the database (kefu replay); nil: not offered.
	Replay func(ctx context.Context, recorded []*store.TranscriptJSON) ([]agents.ReplayResult, error)
	// Summary is the hosted model that writes customer summaries; zero
	// value with the built-in model, whose needs profile is the summary.
	Summary agents.Model
	Now     func() time.Time
	// Voice is the shop's voice and hours, which admins change in the
	// console; nil: kefu's own wording, not changeable.
	Voice *voice.Live
}

// Server is kefu's HTTP server.
type Server struct {
	echo *echo.Echo
	http *http.Server
	log  *slog.Logger
}

// New builds the server; Start runs it.
func New(o Options, d Deps) *Server {
	if d.Now == nil {
		d.Now = time.Now
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	// Client addresses come from the connection, not from headers a client
	// can forge (X-Forwarded-For), so the sign-in limit cannot be dodged;
	// only the proxies the operator trusts may name another (ClientIP).
	e.IPExtractor = echo.ExtractIPDirect()
	if o.ClientIP != nil {
		e.IPExtractor = o.ClientIP
	}
	e.HTTPErrorHandler = errorHandler(d.Log)
	e.Use(recoverMiddleware(d.Log), conditional())
	h := &handler{opts: o, deps: d, assets: assets(o.StaticDir), logins: newLoginLimiter(loginKeys), replays: newReplayGate()}
	registerRoutes(e, h)
	return &Server{echo: e, log: d.Log, http: &http.Server{
		Addr:              o.Addr,
		Handler:           e,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       cmp.Or(o.ReadTimeout, 15*time.Second),
		WriteTimeout:      cmp.Or(o.WriteTimeout, 30*time.Second), // gorilla clears deadlines on upgrade, so sockets are unaffected
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}}
}

// Handler is the server's root handler, for tests.
func (s *Server) Handler() http.Handler { return s.echo }

// ListenAndServe serves until Shutdown; it returns nil after a shutdown.
func (s *Server) ListenAndServe() error {
	if err := s.http.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Serve serves on an existing listener (tests, socket activation).
func (s *Server) Serve(l net.Listener) error {
	if err := s.http.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Shutdown stops accepting connections and waits for requests in flight.
// Hijacked WebSockets are not waited for: the chat engine closes them.
func (s *Server) Shutdown(ctx context.Context) error { return s.http.Shutdown(ctx) }
