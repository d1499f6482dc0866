package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kefu-dev/kefu/agents"
	"github.com/kefu-dev/kefu/agents/voice"
	"github.com/kefu-dev/kefu/chat/mail"
	"github.com/kefu-dev/kefu/cmd/kefu/stack"
	"github.com/kefu-dev/kefu/store"
)

// envPrefix is the prefix of every setting.
const envPrefix = "KEFU_"

// Config is kefu's configuration, read from the environment once at start
// and passed down explicitly.
type Config struct {
	stack.Config
	Unknown []string // KEFU_ variables that are not settings
}

// setting is one environment variable kefu reads. The table of them,
// settings, is the only list: the parsing, the check for unknown
// variables, `kefu help` and the README's table all come from it.
type setting struct {
	name string
	// def is the default as help and the README show it: either a value,
	// which parse reads when the variable is unset, or "(a description)"
	// of a default that depends on other settings, which unset applies.
	def  string
	help string // one line; `code` in backticks
	// secret: the value may instead be in the file that name_FILE names
	// (Docker secrets), and no message shows it.
	secret bool
	raw    bool // the value is used as given, not trimmed of white space
	strict bool // set but blank is refused; otherwise blank means unset
	// aliases are variables read when this one is unset or blank, by
	// provider (KEFU_LLM): OPENAI_* for openai (and builtin, so that
	// `kefu replay --model openai` finds them), ANTHROPIC_API_KEY for
	// anthropic, so that one vendor's key never goes to the other.
	aliases map[string]string
	parse   func(cfg *Config, v string) error
	unset   func(cfg *Config) // applies a described default; runs in table order
}

var settings = []setting{
	{name: "KEFU_DB", def: "kefu.db", help: "SQLite database file", strict: true,
		parse: func(cfg *Config, v string) error { cfg.DB = v; return nil }},
	{name: "KEFU_DATABASE_URL", def: "(unset: the SQLite file)", help: "a PostgreSQL server instead of `KEFU_DB`, such as `postgres://kefu:secret@db:5432/kefu`, for several kefu nodes on one database (docs/scale.md)", secret: true,
		parse: func(cfg *Config, v string) error {
			if u, err := url.Parse(v); err != nil || !store.IsPostgresURL(v) || u.Host == "" && u.Query().Get("host") == "" {
				return errors.New("want a postgres:// URL with a host, such as postgres://kefu:secret@db:5432/kefu")
			}
			cfg.DatabaseURL = v
			return nil
		}},
	{name: "KEFU_TRUSTED_PROXIES", def: "(none)", help: "addresses or CIDR ranges of the reverse proxies in front of kefu (comma-separated, e.g. `10.0.0.0/8`): from them, the client's address is read from `X-Forwarded-For` for the per-address limits and logs; from anyone else that header is ignored",
		parse: func(cfg *Config, v string) error {
			for _, s := range strings.Split(v, ",") {
				s = strings.TrimSpace(s)
				if !strings.Contains(s, "/") {
					if ip := net.ParseIP(s); ip != nil {
						bits := 128
						if ip.To4() != nil {
							bits = 32
						}
						s = fmt.Sprintf("%s/%d", ip, bits)
					}
				}
				_, n, err := net.ParseCIDR(s)
				if err != nil {
					return fmt.Errorf("want addresses or CIDR ranges such as 10.0.0.0/8, not %q", s)
				}
				cfg.TrustedProxies = append(cfg.TrustedProxies, n)
			}
			return nil
		}},
	{name: "KEFU_NATS_URL", def: "(unset: one node)", help: "NATS servers (comma-separated `nats://host:4222`) that carry live events between kefu nodes (docs/scale.md)", secret: true,
		parse: func(cfg *Config, v string) error {
			for _, s := range strings.Split(v, ",") {
				if u, err := url.Parse(strings.TrimSpace(s)); err != nil || (u.Scheme != "nats" && u.Scheme != "tls") || u.Host == "" {
					return errors.New("want nats:// URLs, such as nats://nats:4222")
				}
			}
			cfg.NatsURL = v
			return nil
		}},
	{name: "KEFU_SYNC", def: "full", help: "`full`: every commit waits for the disk, so an acknowledged message survives a power cut; `normal`: faster commits, the last ones may be lost if the machine (not kefu) crashes (docs/durability.md)", strict: true,
		parse: func(cfg *Config, v string) error {
			switch y := store.Sync(strings.ToLower(v)); y {
			case store.SyncFull, store.SyncNormal:
				cfg.Sync = y
				return nil
			}
			return errors.New("want full or normal")
		}},
	{name: "KEFU_RETURN_WINDOW_DAYS", def: "30", help: "days after delivery that returns are accepted (1–365)", strict: true,
		parse: func(cfg *Config, v string) error {
			days, err := whole(v, 1, 365, "a whole number of days from 1 to 365")
			cfg.ReturnWindow = time.Duration(days) * 24 * time.Hour
			return err
		}},
	{name: "KEFU_RETURN_LABEL_COUNTRY", def: "US", help: "orders shipped to this country (ISO code) get a prepaid return label; others pay their own return unless the item is faulty; `all`: every order gets one",
		parse: func(cfg *Config, v string) error {
			if v = strings.ToUpper(strings.TrimSpace(v)); v != "ALL" && (len(v) != 2 || strings.Trim(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "") {
				return errors.New("want a two-letter country code such as US, or all")
			}
			if v != "ALL" {
				cfg.ReturnLabelCountry = v
			}
			return nil
		}},
	{name: "KEFU_RETURN_ADDRESS", def: "", help: "where returns the shopper pays for are sent; unset: the shopper is told the shop sends the address with the RMA (the demo shop names its own)",
		parse: func(cfg *Config, v string) error { cfg.ReturnAddress = strings.TrimSpace(v); return nil }},
	{name: "KEFU_RETURN_PHOTO_REQUIRED", def: "false", help: "`true`: a return for a damaged or wrong item needs a photo the shopper attached in the chat first", strict: true,
		parse: func(cfg *Config, v string) (err error) {
			if cfg.ReturnPhotoRequired, err = strconv.ParseBool(v); err != nil {
				return errors.New("want true or false")
			}
			return nil
		}},
	{name: "KEFU_COUPON_PERCENT", def: "10", help: "the discount `offer_coupon` gives (1–30)", strict: true,
		parse: func(cfg *Config, v string) (err error) {
			cfg.CouponPercent, err = whole(v, 1, 30, "a whole percentage from 1 to 30")
			return err
		}},
	{name: "KEFU_SHOP_NAME", help: "the shop's name, which the assistant uses (at most 60 characters; admins can change the voice settings in the console)",
		parse: func(cfg *Config, v string) error { cfg.Voice.ShopName = v; return nil }},
	{name: "KEFU_ASSISTANT_NAME", help: "the assistant's name, such as `Mei` (at most 60 characters)",
		parse: func(cfg *Config, v string) error { cfg.Voice.AssistantName = v; return nil }},
	{name: "KEFU_TONE", help: "a short description of the assistant's tone, such as `friendly and concise` (at most 200 characters)",
		parse: func(cfg *Config, v string) error { cfg.Voice.Tone = v; return nil }},
	{name: "KEFU_INSTRUCTIONS", help: "extra instructions for the model (at most 2000 characters); they go after kefu's rules and cannot change them, and the tools enforce the rules anyway",
		parse: func(cfg *Config, v string) error { cfg.Voice.Instructions = v; return nil }},
	{name: "KEFU_GREETING_EN", help: "the greeting the widget shows English-speaking shoppers (at most 300 characters)",
		parse: func(cfg *Config, v string) error { cfg.Voice.GreetingEN = v; return nil }},
	{name: "KEFU_GREETING_ZH", help: "the greeting the widget shows Chinese-speaking shoppers (at most 300 characters)",
		parse: func(cfg *Config, v string) error { cfg.Voice.GreetingZH = v; return nil }},
	{name: "KEFU_ACCENT_COLOR", def: "(the widget's own)", help: "the widget's accent colour, `#rrggbb`",
		parse: func(cfg *Config, v string) error { cfg.Voice.Accent = v; return nil }},
	{name: "KEFU_HOURS", def: "(always staffed)", help: "when people answer, such as `Mon-Fri 09:00-18:00, Sat 10:00-14:00`, in `KEFU_TIMEZONE`",
		parse: func(cfg *Config, v string) error { cfg.Voice.Hours = v; return nil }},
	{name: "KEFU_TIMEZONE", def: "UTC", help: "the IANA time zone of `KEFU_HOURS`, such as `Asia/Shanghai`",
		parse: func(cfg *Config, v string) error { cfg.Voice.TimeZone = v; return nil }},
	{name: "KEFU_PUBLIC_URL", def: "(none: emails carry no link)", help: "the shop page with the widget, such as `https://shop.example.com/`: a staff reply emailed to a shopper who left links there to continue the chat",
		parse: func(cfg *Config, v string) error {
			if u, err := url.Parse(v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return errors.New("want an http(s) URL such as https://shop.example.com/")
			}
			cfg.PublicURL = v
			return nil
		}},
	{name: "KEFU_SMTP_HOST", def: "(none: no email)", help: "the SMTP server that sends staff replies to shoppers who left (at the email they left outside hours)",
		parse: func(cfg *Config, v string) error { cfg.SMTP.Host = v; return nil }},
	{name: "KEFU_SMTP_PORT", def: "587", help: "its port",
		parse: func(cfg *Config, v string) (err error) {
			cfg.SMTP.Port, err = whole(v, 1, 65535, "a port from 1 to 65535")
			return err
		}},
	{name: "KEFU_SMTP_USER", help: "the SMTP user (AUTH PLAIN); unset: no AUTH",
		parse: func(cfg *Config, v string) error { cfg.SMTP.User = v; return nil }},
	{name: "KEFU_SMTP_PASSWORD", help: "its password", secret: true, raw: true,
		parse: func(cfg *Config, v string) error { cfg.SMTP.Password = v; return nil }},
	{name: "KEFU_SMTP_FROM", def: "(`KEFU_SMTP_USER`)", help: "the sender address of the emails",
		parse: func(cfg *Config, v string) error {
			if _, err := netmail.ParseAddress(v); err != nil {
				return errors.New("want an email address such as support@shop.example.com")
			}
			cfg.SMTP.From = v
			return nil
		},
		unset: func(cfg *Config) { cfg.SMTP.From = cfg.SMTP.User }},
	{name: "KEFU_SMTP_STARTTLS", def: "always", help: "`always`: refuse a server without STARTTLS; `opportunistic`: use it when offered; `never`: plain (a relay on localhost)", strict: true,
		parse: func(cfg *Config, v string) error {
			switch v = strings.ToLower(v); v {
			case mail.StartTLSAlways, mail.StartTLSOpportunistic, mail.StartTLSNever:
				cfg.SMTP.StartTLS = v
				return nil
			}
			return errors.New("want always, opportunistic or never")
		}},
	{name: "KEFU_LOG_LEVEL", def: "info", help: "`debug`, `info`, `warn` or `error`", strict: true,
		parse: func(cfg *Config, v string) error {
			if cfg.LogLevel.UnmarshalText([]byte(v)) != nil {
				return errors.New("want debug, info, warn or error")
			}
			return nil
		}},
	{name: "KEFU_LOG_FORMAT", def: "text", help: "`text` or `json`", strict: true,
		parse: func(cfg *Config, v string) error {
			switch v = strings.ToLower(v); v {
			case "text", "json":
				cfg.LogFormat = v
				return nil
			}
			return errors.New("want text or json")
		}},
	{name: "KEFU_LLM", def: agents.ProviderBuiltin, help: "`builtin`: offline; `openai`: any OpenAI-compatible endpoint; `anthropic`: Anthropic's Messages API",
		parse: func(cfg *Config, v string) error { cfg.LLM.Kind = strings.ToLower(v); return nil }},
	{name: "KEFU_LLM_BASE_URL", def: "(the provider's own: `" + agents.DefaultOpenAIBaseURL + "` or `" + agents.DefaultAnthropicBaseURL + "`)",
		aliases: map[string]string{agents.ProviderOpenAI: "OPENAI_BASE_URL"}, help: "the endpoint, ending in `/v1`",
		parse: func(cfg *Config, v string) error { cfg.LLM.BaseURL = v; return nil },
		unset: func(cfg *Config) {
			cfg.LLM.BaseURL = agents.DefaultOpenAIBaseURL
			if cfg.LLM.Kind == agents.ProviderAnthropic {
				cfg.LLM.BaseURL = agents.DefaultAnthropicBaseURL
			}
		}},
	{name: "KEFU_LLM_API_KEY", aliases: map[string]string{agents.ProviderOpenAI: "OPENAI_API_KEY", agents.ProviderAnthropic: "ANTHROPIC_API_KEY"},
		help: "API key", secret: true,
		parse: func(cfg *Config, v string) error { cfg.LLM.APIKey = v; return nil }},
	{name: "KEFU_LLM_MODEL", aliases: map[string]string{agents.ProviderOpenAI: "OPENAI_MODEL"}, help: "model name, such as `gpt-4o-mini` or `claude-haiku-4-5`",
		parse: func(cfg *Config, v string) error { cfg.LLM.Model = v; return nil }},
	{name: "KEFU_LLM_TIMEOUT", def: "30s", help: "time limit of one model call (1s–10m)",
		parse: func(cfg *Config, v string) (err error) {
			cfg.LLMTimeout, err = duration(v, time.Second, 10*time.Minute, "a duration from 1s to 10m, such as 30s")
			return err
		}},
	{name: "KEFU_LLM_MAX_STEPS", def: "6", help: "model calls per turn (1–20)",
		parse: func(cfg *Config, v string) (err error) {
			cfg.LLMMaxSteps, err = whole(v, 1, 20, "a number from 1 to 20")
			return err
		}},
	{name: "KEFU_ADDR", def: ":8080", help: "listen address",
		parse: func(cfg *Config, v string) error {
			cfg.Addr = v
			return hostPort(v, "host:port or :port, such as :8080")
		}},
	{name: "KEFU_ALLOWED_ORIGINS", def: "(same origin only)", help: "comma-separated origins of shop pages that embed the widget",
		parse: func(cfg *Config, v string) error {
			var errs []string
			for _, o := range strings.Split(v, ",") {
				o = strings.TrimRight(strings.TrimSpace(o), "/")
				if o == "" {
					continue
				}
				u, err := url.Parse(o)
				if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" {
					errs = append(errs, fmt.Sprintf("%q is not an origin such as https://shop.example.com", o))
					continue
				}
				cfg.AllowedOrigins = append(cfg.AllowedOrigins, o)
			}
			if len(errs) > 0 {
				return errors.New(strings.Join(errs, "; "))
			}
			return nil
		}},
	{name: "KEFU_IDENTITY_SECRET", def: "(random per start)", help: "32+ characters; signs shopper identities", secret: true, raw: true,
		parse: func(cfg *Config, v string) error {
			if len(v) < 32 {
				return errors.New("must be at least 32 characters (use a random value, e.g. openssl rand -hex 32)")
			}
			cfg.IdentitySecret = []byte(v)
			return nil
		},
		unset: func(cfg *Config) {
			cfg.IdentitySecret, cfg.SecretGenerated = make([]byte, 32), true
			rand.Read(cfg.IdentitySecret)
		}},
	{name: "KEFU_DEMO", def: "(`true` without a secret)", help: "serves `/api/demo`, which signs any demo customer's identity; turn off in production",
		parse: func(cfg *Config, v string) (err error) {
			if cfg.Demo, err = strconv.ParseBool(v); err != nil {
				return errors.New("want true or false")
			}
			return nil
		},
		unset: func(cfg *Config) { cfg.Demo = cfg.SecretGenerated }},
	{name: "KEFU_METRICS_TOKEN", def: "(none: open)", help: "asked for as `Authorization: Bearer <token>` on `/metrics`", secret: true, raw: true,
		parse: func(cfg *Config, v string) error {
			if len(v) < 16 {
				return errors.New("must be at least 16 characters")
			}
			cfg.MetricsToken = v
			return nil
		}},
	{name: "KEFU_STATIC_DIR", def: "(embedded)", help: "serve the front-end files from a folder, for front-end work without rebuilding",
		parse: func(cfg *Config, v string) error { cfg.StaticDir = v; return nil }},
	{name: "KEFU_PHOTO_DIR", def: "(beside the database: `kefu.db-photos`)", help: "the folder where photos shoppers attach are stored, named by content hash; `kefu forget` erases them too",
		parse: func(cfg *Config, v string) error { cfg.PhotoDir = v; return nil },
		unset: func(cfg *Config) { cfg.PhotoDir = store.PhotoDirBeside(cfg.DB) }},
	{name: "KEFU_PHOTO_MAX_MB", def: "8", help: "the largest photo a shopper may attach, in MB (1–50); JPEG, PNG or WebP",
		parse: func(cfg *Config, v string) error {
			mb, err := whole(v, 1, 50, "a whole number of MB from 1 to 50")
			cfg.PhotoMaxBytes = int64(mb) << 20
			return err
		}},
	{name: "KEFU_SHUTDOWN_TIMEOUT", def: "10s", help: "time allowed for a graceful shutdown (1s–5m)",
		parse: func(cfg *Config, v string) (err error) {
			cfg.ShutdownTimeout, err = duration(v, time.Second, 5*time.Minute, "a duration from 1s to 5m")
			return err
		}},
	{name: "KEFU_MESSAGE_RATE", def: "5", help: "shopper messages per second one socket may send; more get a `rate_limited` error",
		parse: func(cfg *Config, v string) (err error) { cfg.MessageRate, err = perSecond(v); return err }},
	{name: "KEFU_MESSAGE_BURST", def: "10", help: "messages one socket may send in a burst before that rate applies",
		parse: func(cfg *Config, v string) (err error) { cfg.MessageBurst, err = burst(v); return err }},
	{name: "KEFU_IP_RATE", def: "20", help: "shopper messages per second per client address, across its sockets",
		parse: func(cfg *Config, v string) (err error) { cfg.IPRate, err = perSecond(v); return err }},
	{name: "KEFU_IP_BURST", def: "60", help: "messages one client address may send in a burst before that rate applies",
		parse: func(cfg *Config, v string) (err error) { cfg.IPBurst, err = burst(v); return err }},
	{name: "KEFU_SOCKETS_PER_ADDRESS", def: "50", help: "shopper sockets open at once from one client address (an IPv6 /64 is one); more are refused with 429",
		parse: func(cfg *Config, v string) (err error) {
			cfg.SocketsPerAddress, err = whole(v, 1, 1e6, "a whole number of sockets from 1 to 1000000")
			return err
		}},
	{name: "KEFU_DESCRIPTOR_RESERVE", def: "(a quarter of the limit, at most 1000)", help: "file descriptors kept for health checks, the console and staff: shopper sockets past the limit (`ulimit -n`) less these are refused with 503",
		parse: func(cfg *Config, v string) (err error) {
			cfg.DescriptorReserve, err = whole(v, 1, 1e6, "a whole number of descriptors from 1 to 1000000")
			return err
		}},
	{name: "KEFU_HELLO_RATE", def: "2", help: "chats opened or resumed per second per client address; more get a `rate_limited` error and a 4029 close",
		parse: func(cfg *Config, v string) (err error) { cfg.HelloRate, err = perSecond(v); return err }},
	{name: "KEFU_HELLO_BURST", def: "60", help: "chats one client address may open in a burst before that rate applies",
		parse: func(cfg *Config, v string) (err error) { cfg.HelloBurst, err = burst(v); return err }},
	{name: "KEFU_ADMIN_EMAIL", def: "admin@kefu.local", help: "the first admin, created when there is no staff",
		parse: func(cfg *Config, v string) error { cfg.AdminEmail = v; return nil }},
	{name: "KEFU_ADMIN_PASSWORD", def: "(one-time, logged)", help: "their password", secret: true, raw: true,
		parse: func(cfg *Config, v string) error { cfg.AdminPassword = v; return nil }},
	{name: "KEFU_DEBUG_ADDR", def: "(off)", help: "serves Go's profiler (`/debug/pprof/`) on this address, e.g. `127.0.0.1:6060`; keep it off public networks",
		parse: func(cfg *Config, v string) error {
			cfg.DebugAddr = v
			return hostPort(v, "host:port, such as 127.0.0.1:6060")
		}},
}

// described reports whether the default is a description, not a value.
func (s setting) described() bool { return s.def == "" || strings.HasPrefix(s.def, "(") }

// alias is the variable read in place of this one for the provider env
// chooses: anthropic's, else openai's.
func (s setting) alias(env map[string]string) string {
	if strings.EqualFold(strings.TrimSpace(env["KEFU_LLM"]), agents.ProviderAnthropic) {
		return s.aliases[agents.ProviderAnthropic]
	}
	return s.aliases[agents.ProviderOpenAI]
}

// value finds the setting's value in env: the variable, else its alias,
// else the file its _FILE variant names. ok is false when it is unset.
func (s setting) value(env map[string]string) (v string, ok bool, err error) {
	v, ok = env[s.name]
	if !s.raw {
		v = strings.TrimSpace(v)
	}
	if alias := s.alias(env); alias != "" && v == "" {
		v, ok = env[alias]
		v = strings.TrimSpace(v)
	}
	if f := strings.TrimSpace(env[s.name+"_FILE"]); s.secret && f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", false, fmt.Errorf("%s_FILE: %v", s.name, err)
		}
		v, ok = strings.TrimSpace(string(b)), true
	}
	switch {
	case !ok || v != "":
	case s.strict:
		return "", false, fmt.Errorf("%s is set but empty; unset it to use %s", s.name, s.def)
	default:
		ok = false
	}
	return v, ok, nil
}

// refused names the setting and the value parse refused; a secret's
// value is never shown.
func (s setting) refused(v string, err error) error {
	if s.secret {
		return fmt.Errorf("%s: %w", s.name, err)
	}
	return fmt.Errorf("%s=%q: %w", s.name, v, err)
}

// loadConfig reads the configuration from environment entries
// ("NAME=value"), reporting every invalid value at once.
func loadConfig(environ []string) (Config, error) {
	env := map[string]string{}
	for _, kv := range environ {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	var cfg Config
	var errs []error
	known := map[string]bool{}
	for _, s := range settings {
		known[s.name] = true
		if s.secret {
			known[s.name+"_FILE"] = true
		}
		v, ok, err := s.value(env)
		switch {
		case err != nil:
			errs = append(errs, err)
			continue
		case !ok && s.described():
			if s.unset != nil {
				s.unset(&cfg)
			}
			continue
		case !ok:
			v = s.def
		}
		if err := s.parse(&cfg, v); err != nil {
			errs = append(errs, s.refused(v, err))
		}
	}
	if v, err := cfg.Voice.Clean(); err != nil {
		errs = append(errs, voiceErrors(err)...)
	} else {
		cfg.Voice = v
	}
	if cfg.SMTP.Host != "" && cfg.SMTP.From == "" {
		errs = append(errs, errors.New("KEFU_SMTP_FROM: set the sender address of the emails (or KEFU_SMTP_USER)"))
	}
	if err := cfg.LLM.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("KEFU_LLM=%s: %w", cfg.LLM.Kind, err))
	}
	for k := range env {
		if strings.HasPrefix(k, envPrefix) && !known[k] {
			cfg.Unknown = append(cfg.Unknown, k)
		}
	}
	sort.Strings(cfg.Unknown)
	return cfg, errors.Join(errs...)
}

// voiceEnv names the setting of each voice field.
var voiceEnv = map[string]string{"shop_name": "KEFU_SHOP_NAME", "assistant_name": "KEFU_ASSISTANT_NAME", "tone": "KEFU_TONE",
	"instructions": "KEFU_INSTRUCTIONS", "greeting_en": "KEFU_GREETING_EN", "greeting_zh": "KEFU_GREETING_ZH",
	"accent_color": "KEFU_ACCENT_COLOR", "hours": "KEFU_HOURS", "time_zone": "KEFU_TIMEZONE"}

// voiceErrors are voice.Settings.Clean's problems under the settings' names.
func voiceErrors(err error) []error {
	var out []error
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var fe *voice.FieldError
		if errors.As(e, &fe) {
			e = fmt.Errorf("%s: %s", voiceEnv[fe.Field], fe.Problem)
		}
		out = append(out, e)
	}
	return out
}

func whole(v string, lo, hi int, want string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, errors.New("want " + want)
	}
	return n, nil
}

func duration(v string, lo, hi time.Duration, want string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil || d < lo || d > hi {
		return 0, errors.New("want " + want)
	}
	return d, nil
}

func hostPort(v, want string) error {
	if _, _, err := net.SplitHostPort(v); err != nil {
		return errors.New("want " + want)
	}
	return nil
}

func perSecond(v string) (float64, error) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f <= 0 || f > 1e6 {
		return 0, errors.New("want messages per second, more than 0 and at most 1000000")
	}
	return f, nil
}

func burst(v string) (int, error) {
	return whole(v, 1, 1e6, "a whole number of messages from 1 to 1000000")
}

// settingsHelp is the settings part of `kefu help`.
func settingsHelp() string {
	var b strings.Builder
	for _, s := range settings {
		text := plain(s.help)
		if s.secret {
			text += fmt.Sprintf("; %s_FILE reads it from a file", s.name)
		}
		if d := plain(defaultText(s)); d != "" {
			d = "default " + strings.Trim(d, "()")
			if strings.HasSuffix(text, ")") { // "(1–30)" becomes "(1–30; default 10)"
				text = strings.TrimSuffix(text, ")") + "; " + d + ")"
			} else {
				text += " (" + d + ")"
			}
		}
		fmt.Fprintf(&b, "  %-24s %s\n", s.name, text)
	}
	return b.String()
}

// settingsMarkdown is the README's table of settings.
func settingsMarkdown() string {
	var b strings.Builder
	b.WriteString("| variable | default | |\n|---|---|---|\n")
	for _, s := range settings {
		text := s.help
		if s.secret {
			text += fmt.Sprintf("; `%s_FILE` reads it from a file", s.name)
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", s.name, defaultText(s), text)
	}
	return b.String()
}

// defaultText is a setting's default in Markdown.
func defaultText(s setting) string {
	var parts, aliases []string
	for _, kind := range []string{agents.ProviderOpenAI, agents.ProviderAnthropic} {
		if a := s.aliases[kind]; a != "" {
			aliases = append(aliases, kind+": `"+a+"`")
		}
	}
	if len(aliases) > 0 {
		parts = append(parts, strings.Join(aliases, "; "))
	}
	switch {
	case s.def == "":
	case s.described():
		parts = append(parts, s.def)
	default:
		parts = append(parts, "`"+s.def+"`")
	}
	return strings.Join(parts, ", else ")
}

func plain(s string) string { return strings.ReplaceAll(s, "`", "") }
