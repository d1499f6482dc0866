package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kefu-dev/kefu/agents"
)

// Environment variables, all under one prefix.
const (
	envPrefix           = "KEFU_"
	envDB               = "KEFU_DB"
	envReturnWindowDays = "KEFU_RETURN_WINDOW_DAYS"
	envLogLevel         = "KEFU_LOG_LEVEL"
	envLogFormat        = "KEFU_LOG_FORMAT"
	envLLM              = "KEFU_LLM"
	envLLMBaseURL       = "KEFU_LLM_BASE_URL"
	envLLMAPIKey        = "KEFU_LLM_API_KEY"
	envLLMAPIKeyFile    = "KEFU_LLM_API_KEY_FILE"
	envLLMModel         = "KEFU_LLM_MODEL"
	envLLMTimeout       = "KEFU_LLM_TIMEOUT"
	envLLMMaxSteps      = "KEFU_LLM_MAX_STEPS"
	envAddr             = "KEFU_ADDR"
	envAllowedOrigins   = "KEFU_ALLOWED_ORIGINS"
	envIdentitySecret   = "KEFU_IDENTITY_SECRET"
	envIdentitySecretF  = "KEFU_IDENTITY_SECRET_FILE"
	envDemo             = "KEFU_DEMO"
	envStaticDir        = "KEFU_STATIC_DIR"
	envShutdownTimeout  = "KEFU_SHUTDOWN_TIMEOUT"
	envCouponPercent    = "KEFU_COUPON_PERCENT"
	envAdminEmail       = "KEFU_ADMIN_EMAIL"
	envAdminPassword    = "KEFU_ADMIN_PASSWORD"
	envMessageRate      = "KEFU_MESSAGE_RATE"
	envMessageBurst     = "KEFU_MESSAGE_BURST"
	envIPRate           = "KEFU_IP_RATE"
	envIPBurst          = "KEFU_IP_BURST"
	envDebugAddr        = "KEFU_DEBUG_ADDR"
)

// knownEnv lists every variable kefu reads, so a typo in one (KEFU_DATABASE)
// is reported instead of silently falling back to a default.
var knownEnv = map[string]bool{envDB: true, envReturnWindowDays: true, envLogLevel: true, envLogFormat: true,
	envLLM: true, envLLMBaseURL: true, envLLMAPIKey: true, envLLMAPIKeyFile: true, envLLMModel: true,
	envLLMTimeout: true, envLLMMaxSteps: true, envAddr: true, envAllowedOrigins: true, envIdentitySecret: true,
	envIdentitySecretF: true, envDemo: true, envStaticDir: true, envShutdownTimeout: true, envAdminEmail: true, envAdminPassword: true, envCouponPercent: true,
	envMessageRate: true, envMessageBurst: true, envIPRate: true, envIPBurst: true, envDebugAddr: true}

// Config is kefu's configuration, read from the environment once at start
// and passed down explicitly.
type Config struct {
	DB              string        // SQLite file; default kefu.db in the working directory
	ReturnWindow    time.Duration // how long after delivery returns are accepted; default 30 days
	CouponPercent   int           // the discount offer_coupon gives; default 10, at most 30
	LogLevel        slog.Level    // default info
	LogFormat       string        // text or json; default text
	LLM             agents.ProviderConfig
	LLMTimeout      time.Duration // per model call; default 30s
	LLMMaxSteps     int           // model calls per turn; default 6
	Addr            string        // listen address; default :8080
	AllowedOrigins  []string      // origins besides kefu's own that may open sockets
	IdentitySecret  []byte        // verifies signed shopper identities; default: a random one per start
	SecretGenerated bool          // IdentitySecret was generated, not configured
	Demo            bool          // serve the demo API; default: on when no secret is configured
	StaticDir       string        // serve front-end files from here instead of the binary
	ShutdownTimeout time.Duration // default 10s
	AdminEmail      string        // the first admin, created on a start with no staff
	AdminPassword   string
	MessageRate     float64  // shopper messages per second per socket; default 5
	MessageBurst    int      // default 10
	IPRate          float64  // shopper messages per second per client address; default 20
	IPBurst         int      // default 60
	DebugAddr       string   // serves Go's profiler (net/http/pprof) here; default: off
	Unknown         []string // KEFU_ variables kefu does not know
}

// Redacted returns the configuration as it may be shown or logged.
func (c Config) Redacted() Config {
	if c.LLM.APIKey != "" {
		c.LLM.APIKey = "[redacted]"
	}
	if c.AdminPassword != "" {
		c.AdminPassword = "[redacted]"
	}
	if len(c.IdentitySecret) > 0 {
		c.IdentitySecret = []byte("[redacted]")
	}
	return c
}

// loadConfig reads the configuration from environment entries
// ("NAME=value"), reporting every invalid value at once.
func loadConfig(environ []string) (Config, error) {
	env := map[string]string{}
	for _, kv := range environ {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	cfg := Config{DB: "kefu.db", ReturnWindow: 30 * 24 * time.Hour, LogFormat: "text", LLMTimeout: 30 * time.Second, LLMMaxSteps: 6}
	var errs []error
	if v, ok := env[envDB]; ok {
		cfg.DB = strings.TrimSpace(v)
		if cfg.DB == "" {
			errs = append(errs, fmt.Errorf("%s is set but empty; unset it to use kefu.db", envDB))
		}
	}
	if v, ok := env[envReturnWindowDays]; ok {
		days, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || days < 1 || days > 365 {
			errs = append(errs, fmt.Errorf("%s=%q: want a whole number of days from 1 to 365", envReturnWindowDays, v))
		} else {
			cfg.ReturnWindow = time.Duration(days) * 24 * time.Hour
		}
	}
	cfg.CouponPercent = 10
	if v, ok := env[envCouponPercent]; ok {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 1 || n > 30 {
			errs = append(errs, fmt.Errorf("%s=%q: want a whole percentage from 1 to 30", envCouponPercent, v))
		} else {
			cfg.CouponPercent = n
		}
	}
	if v, ok := env[envLogLevel]; ok {
		if err := cfg.LogLevel.UnmarshalText([]byte(strings.TrimSpace(v))); err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: want debug, info, warn or error", envLogLevel, v))
		}
	}
	if v, ok := env[envLogFormat]; ok {
		switch v = strings.ToLower(strings.TrimSpace(v)); v {
		case "text", "json":
			cfg.LogFormat = v
		default:
			errs = append(errs, fmt.Errorf("%s=%q: want text or json", envLogFormat, v))
		}
	}
	errs = append(errs, loadLLM(env, &cfg), loadServer(env, &cfg))
	for k := range env {
		if strings.HasPrefix(k, envPrefix) && !knownEnv[k] {
			cfg.Unknown = append(cfg.Unknown, k)
		}
	}
	sort.Strings(cfg.Unknown)
	return cfg, errors.Join(errs...)
}

// loadLLM reads the model provider settings, falling back to the usual
// OPENAI_* variables so an existing OpenAI setup works unchanged.
func loadLLM(env map[string]string, cfg *Config) error {
	var errs []error
	first := func(keys ...string) string {
		for _, k := range keys {
			if v := strings.TrimSpace(env[k]); v != "" {
				return v
			}
		}
		return ""
	}
	cfg.LLM.Kind = strings.ToLower(first(envLLM))
	cfg.LLM.BaseURL = first(envLLMBaseURL, "OPENAI_BASE_URL")
	cfg.LLM.Model = first(envLLMModel, "OPENAI_MODEL")
	cfg.LLM.APIKey = first(envLLMAPIKey, "OPENAI_API_KEY")
	if f := first(envLLMAPIKeyFile); f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %v", envLLMAPIKeyFile, err))
		}
		cfg.LLM.APIKey = strings.TrimSpace(string(b))
	}
	if v := first(envLLMTimeout); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second || d > 10*time.Minute {
			errs = append(errs, fmt.Errorf("%s=%q: want a duration from 1s to 10m, such as 30s", envLLMTimeout, v))
		} else {
			cfg.LLMTimeout = d
		}
	}
	if v := first(envLLMMaxSteps); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 20 {
			errs = append(errs, fmt.Errorf("%s=%q: want a number from 1 to 20", envLLMMaxSteps, v))
		} else {
			cfg.LLMMaxSteps = n
		}
	}
	if err := cfg.LLM.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("%s=%s: %w", envLLM, cfg.LLM.Kind, err))
	}
	return errors.Join(errs...)
}

// loadServer reads the gateway's settings.
func loadServer(env map[string]string, cfg *Config) error {
	var errs []error
	cfg.Addr = ":8080"
	cfg.ShutdownTimeout = 10 * time.Second
	if v := strings.TrimSpace(env[envAddr]); v != "" {
		if _, _, err := net.SplitHostPort(v); err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: want host:port or :port, such as :8080", envAddr, v))
		}
		cfg.Addr = v
	}
	for _, o := range strings.Split(env[envAllowedOrigins], ",") {
		o = strings.TrimRight(strings.TrimSpace(o), "/")
		if o == "" {
			continue
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" {
			errs = append(errs, fmt.Errorf("%s: %q is not an origin such as https://shop.example.com", envAllowedOrigins, o))
			continue
		}
		cfg.AllowedOrigins = append(cfg.AllowedOrigins, o)
	}
	secret := env[envIdentitySecret]
	if f := strings.TrimSpace(env[envIdentitySecretF]); f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %v", envIdentitySecretF, err))
		}
		secret = strings.TrimSpace(string(b))
	}
	switch {
	case secret == "":
		b := make([]byte, 32)
		rand.Read(b)
		cfg.IdentitySecret, cfg.SecretGenerated = b, true
	case len(secret) < 32:
		errs = append(errs, fmt.Errorf("%s must be at least 32 characters (use a random value, e.g. openssl rand -hex 32)", envIdentitySecret))
	default:
		cfg.IdentitySecret = []byte(secret)
	}
	cfg.Demo = cfg.SecretGenerated
	if v := strings.TrimSpace(env[envDemo]); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: want true or false", envDemo, v))
		}
		cfg.Demo = b
	}
	cfg.StaticDir = strings.TrimSpace(env[envStaticDir])
	if v := strings.TrimSpace(env[envDebugAddr]); v != "" {
		if _, _, err := net.SplitHostPort(v); err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: want host:port, such as 127.0.0.1:6060", envDebugAddr, v))
		}
		cfg.DebugAddr = v
	}
	cfg.AdminEmail, cfg.AdminPassword = strings.TrimSpace(env[envAdminEmail]), env[envAdminPassword]
	for _, r := range []struct {
		name string
		rate *float64
		def  float64
	}{{envMessageRate, &cfg.MessageRate, 5}, {envIPRate, &cfg.IPRate, 20}} {
		*r.rate = r.def
		if v := strings.TrimSpace(env[r.name]); v != "" {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f <= 0 || f > 1e6 {
				errs = append(errs, fmt.Errorf("%s=%q: want messages per second, more than 0 and at most 1000000", r.name, v))
			}
			*r.rate = f
		}
	}
	for _, b := range []struct {
		name  string
		burst *int
		def   int
	}{{envMessageBurst, &cfg.MessageBurst, 10}, {envIPBurst, &cfg.IPBurst, 60}} {
		*b.burst = b.def
		if v := strings.TrimSpace(env[b.name]); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 1e6 {
				errs = append(errs, fmt.Errorf("%s=%q: want a whole number of messages from 1 to 1000000", b.name, v))
			}
			*b.burst = n
		}
	}
	if v := strings.TrimSpace(env[envShutdownTimeout]); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second || d > 5*time.Minute {
			errs = append(errs, fmt.Errorf("%s=%q: want a duration from 1s to 5m", envShutdownTimeout, v))
		} else {
			cfg.ShutdownTimeout = d
		}
	}
	return errors.Join(errs...)
}
