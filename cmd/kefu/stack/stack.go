// Package stack is the wiring of cmd/kefu: one constructor, New, builds
// kefu's store, tools, agent, chat engine and web server from its
// configuration. It is exported so that the end-to-end tests run the same
// kefu the binary runs; nothing in the product imports it.
package stack

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"golang.org/x/time/rate"

	"github.com/kefu-dev/kefu/agents"
	"github.com/kefu-dev/kefu/agents/builtin"
	"github.com/kefu-dev/kefu/agents/voice"
	"github.com/kefu-dev/kefu/chat"
	"github.com/kefu-dev/kefu/chat/mail"
	"github.com/kefu-dev/kefu/chat/natsbus"
	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/store/demo"
	"github.com/kefu-dev/kefu/tools"
	"github.com/kefu-dev/kefu/web"
)

// Config is kefu's configuration. cmd/kefu reads it from the environment
// through its table of settings, which gives each field's variable and
// default. DB is required; New passes the other fields to the packages it
// wires, which read a zero value as documented there: for the limits,
// time-outs and policy, the same defaults as the settings'; an empty
// IdentitySecret refuses every signed identity.
type Config struct {
	DB              string        // SQLite file
	DatabaseURL     string        // a PostgreSQL server; when set, used instead of DB
	NatsURL         string        // NATS servers carrying events between nodes; empty: one node
	TrustedProxies  []*net.IPNet  // reverse proxies whose X-Forwarded-For names the client
	Sync            store.Sync    // the writer's synchronous pragma; zero: full
	ReturnWindow    time.Duration // how long after delivery returns are accepted
	CouponPercent   int           // the discount offer_coupon gives
	LogLevel        slog.Level
	LogFormat       string // text or json
	LLM             agents.ProviderConfig
	LLMTimeout      time.Duration // per model call
	LLMMaxSteps     int           // model calls per turn
	Addr            string        // listen address
	AllowedOrigins  []string      // origins besides kefu's own that may open sockets
	IdentitySecret  []byte        // verifies signed shopper identities
	SecretGenerated bool          // IdentitySecret was generated, not configured
	Demo            bool          // serve the demo API that signs demo identities
	StaticDir       string        // serve front-end files from here instead of the binary
	MetricsToken    string        // asked for on /metrics; empty: open
	ShutdownTimeout time.Duration
	AdminEmail      string // the first admin, created on a start with no staff
	AdminPassword   string
	MessageRate     float64 // shopper messages per second per socket
	MessageBurst    int
	IPRate          float64 // shopper messages per second per client address
	IPBurst         int
	// SocketsPerAddress, DescriptorReserve, HelloRate and HelloBurst are
	// chat.Config's.
	SocketsPerAddress int
	DescriptorReserve int
	HelloRate         float64
	HelloBurst        int
	DebugAddr         string // serves Go's profiler here; empty: off
	// PhotoDir holds the photos shoppers attach; empty: beside DB.
	// PhotoMaxBytes bounds one; zero: web.DefaultPhotoMaxBytes.
	PhotoDir      string
	PhotoMaxBytes int64
	// ReturnPhotoRequired: a return for a damaged or wrong item needs a
	// photo first (tools.Policy.PhotoForFaulty).
	ReturnPhotoRequired bool
	ReturnLabelCountry  string // orders shipped there get a prepaid return label; empty: every order
	ReturnAddress       string // where shopper-paid returns go
	// Voice is the shop's voice and hours from the environment; what an
	// admin saves in the console overrides it (voice.Live).
	Voice voice.Settings
	// SMTP sends staff replies to shoppers who left, at the email they
	// left outside hours; Host empty: no email. PublicURL is the shop page
	// the email's link opens the widget on.
	SMTP      mail.Config
	PublicURL string
}

// Options are what a caller adds to the configuration.
type Options struct {
	Log     *slog.Logger // nil: slog.Default()
	Version string       // the build, shown by the server
	// Seed loads the demo shop into the database if it has no shop data,
	// before the agent reads the catalog.
	Seed bool
	// Chat, if set, adjusts the engine's configuration made from Config
	// (tests shorten its timings).
	Chat func(*chat.Config)
	// Deps, if set, adjusts the web server's dependencies (tests replace
	// the summary model).
	Deps func(*web.Deps)
}

// Stack is one kefu: its parts, wired together.
type Stack struct {
	Config  Config
	Store   *store.Store
	Runner  *agents.Runner
	Engine  *chat.Engine
	Server  *web.Server
	Metrics *prometheus.Registry // Go, process, engine and agent metrics, served on /metrics
	Voice   *voice.Live          // the shop's voice and hours: the environment's, overlaid with the console's
	log     *slog.Logger
	bus     *natsbus.Bus // nil: one node
	mail    *mail.Sender // nil: no SMTP
}

// Database is what the store opens: DatabaseURL when set, else the DB file.
func (c Config) Database() string {
	if c.DatabaseURL != "" {
		return c.DatabaseURL
	}
	return c.DB
}

// New opens the database cfg.Database() names (applying its migrations) and builds
// the tools, the agent, the chat engine and the web server over it. The
// server is not listening: serve it with Server.Serve, or mount
// Server.Handler. Shutdown undoes New.
func New(ctx context.Context, cfg Config, o Options) (_ *Stack, err error) {
	log := o.Log
	if log == nil {
		log = slog.Default()
	}
	go builtin.Warm() // every node has the built-in model, if only as the fallback
	st, err := store.Open(ctx, cfg.Database(), store.Options{Sync: cfg.Sync})
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			st.Close()
		}
	}()
	log.Debug("database open", "path", st.Path(), "schema_version", store.SchemaVersion())
	if o.Seed {
		if err := seedIfEmpty(ctx, st, st.Path(), log); err != nil {
			return nil, fmt.Errorf("seeding the demo shop: %w", err)
		}
	}
	if cfg.ReturnAddress == "" {
		// The shop's own, from its settings, when the operator set none.
		settings, err := st.ShopSettings(ctx)
		if err != nil {
			return nil, err
		}
		cfg.ReturnAddress = settings[ReturnAddressSetting]
	}
	s := &Stack{Config: cfg, Store: st, log: log, Voice: voice.NewLive(cfg.Voice, st, 0)}
	if s.Runner, err = agents.NewRunner(ctx, st, s.agentOptions(cfg.LLM, nil)); err != nil {
		return nil, fmt.Errorf("starting the agent: %w", err)
	}
	// A hosted model, when configured, also writes customer summaries.
	summary, _, err := agents.NewProviderModel(cfg.LLM)
	if err != nil {
		return nil, fmt.Errorf("starting the model provider: %w", err)
	}
	s.Metrics = prometheus.NewRegistry()
	s.Metrics.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	cc := chat.Config{IdentitySecret: cfg.IdentitySecret, AllowedOrigins: cfg.AllowedOrigins, Now: st.Now,
		MessageRate: rate.Limit(cfg.MessageRate), MessageBurst: cfg.MessageBurst, IPRate: rate.Limit(cfg.IPRate), IPBurst: cfg.IPBurst,
		SocketsPerAddress: cfg.SocketsPerAddress, DescriptorReserve: cfg.DescriptorReserve, HelloRate: rate.Limit(cfg.HelloRate), HelloBurst: cfg.HelloBurst}
	clientIP := clientAddress(cfg.TrustedProxies)
	cc.ClientIP = clientIP
	if cfg.NatsURL != "" {
		host, _ := os.Hostname()
		node := nodeName(host)
		bus, err := natsbus.Connect(cfg.NatsURL, natsbus.Options{Name: "kefu " + host, Node: node, Log: log})
		if err != nil {
			return nil, fmt.Errorf("connecting to NATS (KEFU_NATS_URL): %w", err)
		}
		s.bus, cc.Bus = bus, bus
		// Several nodes: one at a time runs a conversation's turns, and
		// the bus tells when a lease's holder has stopped.
		cc.TurnLocks = &chat.TurnLeases{Store: st, Node: node, Liveness: bus, Log: log}
		defer func() {
			if err != nil {
				bus.Close()
			}
		}()
	}
	cc.Voice, cc.PublicURL = s.Voice, cfg.PublicURL
	if cfg.SMTP.Host != "" {
		s.mail = mail.New(cfg.SMTP, log)
		cc.Mail = s.mail
	}
	if o.Chat != nil {
		o.Chat(&cc)
	}
	s.Engine = chat.NewEngine(st, s.Runner, cc, log, s.Metrics)
	deps := web.Deps{Store: st, Engine: s.Engine, Gatherer: s.Metrics, Log: log, Now: st.Now, Summary: summary, Voice: s.Voice,
		Replay: func(ctx context.Context, recorded []*store.TranscriptJSON) ([]agents.ReplayResult, error) {
			return s.Replay(ctx, recorded, cfg.LLM, nil)
		}}
	if o.Deps != nil {
		o.Deps(&deps)
	}
	s.Server = web.New(web.Options{ClientIP: clientIP, Addr: cfg.Addr, StaticDir: cfg.StaticDir, Demo: cfg.Demo, DemoSecret: cfg.IdentitySecret, Version: o.Version, MetricsToken: cfg.MetricsToken,
		PhotoDir: cmp.Or(cfg.PhotoDir, store.PhotoDirBeside(cfg.DB)), PhotoMaxBytes: cfg.PhotoMaxBytes, CouponPercent: cfg.CouponPercent}, deps)
	return s, nil
}

// agentOptions are the agent's options from the configuration, with the
// model provider and the tools to leave out.
func (s *Stack) agentOptions(provider agents.ProviderConfig, disable []string) agents.Options {
	return agents.Options{Provider: provider, DisableTools: disable, Logger: s.log,
		Policy: tools.Policy{ReturnWindow: s.Config.ReturnWindow, CouponPercent: s.Config.CouponPercent, PhotoForFaulty: s.Config.ReturnPhotoRequired,
			LabelCountry: s.Config.ReturnLabelCountry, ReturnAddress: s.Config.ReturnAddress},
		Config: agents.Config{MaxSteps: s.Config.LLMMaxSteps, ModelTimeout: s.Config.LLMTimeout}, Voice: s.Voice}
}

// Replay re-runs recorded conversations against an agent built like the
// stack's but with provider and without the disabled tools, on a
// throwaway copy of the database, so that no real order is touched.
func (s *Stack) Replay(ctx context.Context, recorded []*store.TranscriptJSON, provider agents.ProviderConfig, disable []string) ([]agents.ReplayResult, error) {
	return agents.ReplayOnSnapshot(ctx, s.Store, recorded, s.agentOptions(provider, disable))
}

// Shutdown closes the engine's sockets, waits for the turns in flight
// (cancelling them when ctx ends) and the writer's last commits, then
// closes the database. The web server, if it was serving, must have been
// shut down first.
func (s *Stack) Shutdown(ctx context.Context) error {
	err := s.Engine.Shutdown(ctx)
	if s.mail != nil {
		// Replies queued for email go out before kefu stops, while ctx lasts.
		s.mail.Close(ctx)
	}
	if s.bus != nil {
		s.bus.Close()
	}
	return errors.Join(err, s.Store.Close())
}

// seedIfEmpty loads the demo shop into a database with no shop data.
// ReturnAddressSetting is the shop setting that holds where returns the
// shopper pays for are sent, when KEFU_RETURN_ADDRESS is unset.
const ReturnAddressSetting = "return_address"

func seedIfEmpty(ctx context.Context, st *store.Store, path string, log *slog.Logger) error {
	has, err := st.HasShopData(ctx)
	if err != nil || has {
		return err
	}
	if _, err := st.Import(ctx, demo.Dataset(st.Now())); err != nil {
		return err
	}
	if err := st.CreateCampaign(ctx, demo.Campaign(st.Now())); err != nil {
		return err
	}
	if err := st.SetShopSettings(ctx, map[string]string{ReturnAddressSetting: demo.ReturnAddress}); err != nil {
		return err
	}
	log.Info("seeded the demo shop into an empty database", "path", path)
	return nil
}

// nodeName names this process among the nodes sharing the database: its
// host, its pid and a random part (a restarted node is a new holder).
func nodeName(host string) string {
	var b [4]byte
	rand.Read(b[:])
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

// clientAddress reads a request's client address: the connection's, or,
// when it comes from one of the trusted proxies, the address they put in
// X-Forwarded-For (the nearest one no trusted proxy added). Echo's
// extractor trusts private and loopback ranges by default; here only the
// operator's ranges are trusted.
func clientAddress(trusted []*net.IPNet) func(*http.Request) string {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range trusted {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}
