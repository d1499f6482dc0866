package main

import (
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Environment variables, all under one prefix.
const (
	envPrefix           = "KEFU_"
	envDB               = "KEFU_DB"
	envReturnWindowDays = "KEFU_RETURN_WINDOW_DAYS"
	envLogLevel         = "KEFU_LOG_LEVEL"
	envLogFormat        = "KEFU_LOG_FORMAT"
)

// knownEnv lists every variable kefu reads, so a typo in one (KEFU_DATABASE)
// is reported instead of silently falling back to a default.
var knownEnv = map[string]bool{envDB: true, envReturnWindowDays: true, envLogLevel: true, envLogFormat: true}

// Config is kefu's configuration, read from the environment once at start
// and passed down explicitly.
type Config struct {
	DB           string        // SQLite file; default kefu.db in the working directory
	ReturnWindow time.Duration // how long after delivery returns are accepted; default 30 days
	LogLevel     slog.Level    // default info
	LogFormat    string        // text or json; default text
	Unknown      []string      // KEFU_ variables kefu does not know
}

// loadConfig reads the configuration from environment entries
// ("NAME=value"), reporting every invalid value at once.
func loadConfig(environ []string) (Config, error) {
	env := map[string]string{}
	for _, kv := range environ {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	cfg := Config{DB: "kefu.db", ReturnWindow: 30 * 24 * time.Hour, LogFormat: "text"}
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
	for k := range env {
		if strings.HasPrefix(k, envPrefix) && !knownEnv[k] {
			cfg.Unknown = append(cfg.Unknown, k)
		}
	}
	sort.Strings(cfg.Unknown)
	return cfg, errors.Join(errs...)
}
