package main

import (
	"errors"
	"fmt"
	"log/slog"
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
)

// knownEnv lists every variable kefu reads, so a typo in one (KEFU_DATABASE)
// is reported instead of silently falling back to a default.
var knownEnv = map[string]bool{envDB: true, envReturnWindowDays: true, envLogLevel: true, envLogFormat: true,
	envLLM: true, envLLMBaseURL: true, envLLMAPIKey: true, envLLMAPIKeyFile: true, envLLMModel: true,
	envLLMTimeout: true, envLLMMaxSteps: true}

// Config is kefu's configuration, read from the environment once at start
// and passed down explicitly.
type Config struct {
	DB           string        // SQLite file; default kefu.db in the working directory
	ReturnWindow time.Duration // how long after delivery returns are accepted; default 30 days
	LogLevel     slog.Level    // default info
	LogFormat    string        // text or json; default text
	LLM          agents.ProviderConfig
	LLMTimeout   time.Duration // per model call; default 30s
	LLMMaxSteps  int           // model calls per turn; default 6
	Unknown      []string      // KEFU_ variables kefu does not know
}

// Redacted returns the configuration as it may be shown or logged.
func (c Config) Redacted() Config {
	if c.LLM.APIKey != "" {
		c.LLM.APIKey = "[redacted]"
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
	errs = append(errs, loadLLM(env, &cfg))
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
