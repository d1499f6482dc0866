package main

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the settings table in README.md from the table of settings")

const (
	readme        = "../../README.md"
	settingsStart = "<!-- settings:start (generated from cmd/kefu/config.go: go test ./cmd/kefu -run TestREADMESettings -update) -->\n"
	settingsEnd   = "<!-- settings:end -->"
)

// The README's table of settings is the one the table of settings makes;
// -update rewrites it.
func TestREADMESettings(t *testing.T) {
	b, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	i, j := strings.Index(doc, settingsStart), strings.Index(doc, settingsEnd)
	if i < 0 || j < i {
		t.Fatalf("README.md has no block between %q and %q", settingsStart, settingsEnd)
	}
	got, want := doc[i+len(settingsStart):j], settingsMarkdown()
	if got == want {
		return
	}
	if *update {
		if err := os.WriteFile(readme, []byte(doc[:i+len(settingsStart)]+want+doc[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's settings differ from the table in config.go; run go test ./cmd/kefu -run TestREADMESettings -update\nREADME:\n%s\ntable:\n%s", got, want)
}

// kefu help lists every setting and every secret's _FILE variant; what
// it says is the table's.
func TestHelpListsEverySetting(t *testing.T) {
	_, out, _ := kefu(t, nil, "help")
	for _, s := range settings {
		line := ""
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(strings.TrimSpace(l), s.name+" ") {
				line = l
			}
		}
		help := strings.TrimSuffix(plain(s.help), ")") // "(1–30)" ends "(1–30; default 10)"
		if line == "" || !strings.Contains(line, help) {
			t.Errorf("help has no line for %s with %q:\n%s", s.name, help, out)
		}
		if d := plain(defaultText(s)); d != "" && !strings.Contains(line, "default "+strings.Trim(d, "()")) {
			t.Errorf("help does not give %s's default %s: %s", s.name, d, line)
		}
		if s.secret && !strings.Contains(line, s.name+"_FILE") {
			t.Errorf("help does not name %s_FILE: %s", s.name, line)
		}
	}
	for _, c := range commands {
		if !strings.Contains(out, c.synopsis[:strings.IndexAny(c.synopsis+"\n", "\n")]) {
			t.Errorf("help lacks %q", c.synopsis)
		}
	}
}

// Every setting's default is what help says: a configuration from an
// empty environment is valid and holds the defaults.
func TestConfigDefaults(t *testing.T) {
	cfg, err := loadConfig(nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.DB != "kefu.db" || cfg.ReturnWindow != 30*24*time.Hour || cfg.CouponPercent != 10 || cfg.LogFormat != "text" ||
		cfg.LLM.Kind != "builtin" || cfg.LLM.BaseURL != "https://api.openai.com/v1" || cfg.LLMTimeout != 30*time.Second ||
		cfg.LLMMaxSteps != 6 || cfg.Addr != ":8080" || cfg.ShutdownTimeout != 10*time.Second || cfg.AdminEmail != "admin@kefu.local" ||
		cfg.MessageRate != 5 || cfg.MessageBurst != 10 || cfg.IPRate != 20 || cfg.IPBurst != 60 || cfg.DebugAddr != "" {
		t.Errorf("defaults: %+v", cfg.Config)
	}
	if len(cfg.IdentitySecret) != 32 || !cfg.SecretGenerated || !cfg.Demo {
		t.Errorf("no secret: %d bytes, generated %v, demo %v", len(cfg.IdentitySecret), cfg.SecretGenerated, cfg.Demo)
	}
	// A configured secret turns the demo off unless KEFU_DEMO says.
	secret := strings.Repeat("s", 32)
	for env, demo := range map[string]bool{"": false, "KEFU_DEMO=true": true, "KEFU_DEMO= ": false} {
		cfg, err := loadConfig([]string{"KEFU_IDENTITY_SECRET=" + secret, env})
		if err != nil || cfg.SecretGenerated || string(cfg.IdentitySecret) != secret || cfg.Demo != demo {
			t.Errorf("%q: demo %v, generated %v, %v", env, cfg.Demo, cfg.SecretGenerated, err)
		}
	}
}

// A setting set to a blank value means unset, except the strict ones;
// OPENAI_* stand in for the KEFU_LLM_* variables.
func TestConfigBlankAndAliases(t *testing.T) {
	cfg, err := loadConfig([]string{"KEFU_ADDR= ", "KEFU_LLM_TIMEOUT=", "KEFU_LLM_MODEL=", "OPENAI_MODEL=gpt-x",
		"OPENAI_API_KEY=sk-env", "KEFU_LLM_BASE_URL=http://local:1/v1", "OPENAI_BASE_URL=http://other/v1", "KEFU_LLM= OpenAI "})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != ":8080" || cfg.LLMTimeout != 30*time.Second || cfg.LLM.Model != "gpt-x" || cfg.LLM.APIKey != "sk-env" ||
		cfg.LLM.BaseURL != "http://local:1/v1" || cfg.LLM.Kind != "openai" {
		t.Errorf("config: %+v", cfg.Config)
	}
	for _, name := range []string{"KEFU_DB", "KEFU_RETURN_WINDOW_DAYS", "KEFU_COUPON_PERCENT", "KEFU_LOG_LEVEL", "KEFU_LOG_FORMAT"} {
		if _, err := loadConfig([]string{name + "= "}); err == nil || !strings.Contains(err.Error(), name+" is set but empty") {
			t.Errorf("%s blank: %v", name, err)
		}
	}
}

// Secrets are read from their _FILE variants, and no error shows them.
func TestConfigSecrets(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	secret := "file-secret-0123456789abcdef0123456789"
	cfg, err := loadConfig([]string{"KEFU_IDENTITY_SECRET=ignored-when-the-file-is-set-0123456789",
		"KEFU_IDENTITY_SECRET_FILE=" + write("identity", secret+"\n"), "KEFU_LLM_API_KEY_FILE=" + write("key", " sk-file\n"),
		"KEFU_ADMIN_PASSWORD_FILE=" + write("password", "a long password\n")})
	if err != nil {
		t.Fatal(err)
	}
	if string(cfg.IdentitySecret) != secret || cfg.SecretGenerated || cfg.LLM.APIKey != "sk-file" || cfg.AdminPassword != "a long password" {
		t.Errorf("from files: secret %q, key %q, password %q", cfg.IdentitySecret, cfg.LLM.APIKey, cfg.AdminPassword)
	}
	// Given directly, a password and the identity secret are taken as
	// they are, spaces included.
	cfg, err = loadConfig([]string{"KEFU_ADMIN_PASSWORD= spaced password ", "KEFU_IDENTITY_SECRET= " + secret + " "})
	if err != nil || cfg.AdminPassword != " spaced password " || string(cfg.IdentitySecret) != " "+secret+" " {
		t.Errorf("raw: %q %q %v", cfg.AdminPassword, cfg.IdentitySecret, err)
	}

	_, err = loadConfig([]string{"KEFU_IDENTITY_SECRET=too-short-to-use", "KEFU_LLM_API_KEY_FILE=" + filepath.Join(dir, "missing")})
	if err == nil || !strings.Contains(err.Error(), "KEFU_IDENTITY_SECRET: must be at least 32 characters") ||
		!strings.Contains(err.Error(), "KEFU_LLM_API_KEY_FILE: open") {
		t.Fatalf("errors: %v", err)
	}
	if strings.Contains(err.Error(), "too-short-to-use") {
		t.Errorf("an error shows the secret: %v", err)
	}
	// Other settings' errors show the value, to find the typo.
	if _, err := loadConfig([]string{"KEFU_LLM_MAX_STEPS=99"}); err == nil || !strings.Contains(err.Error(), `KEFU_LLM_MAX_STEPS="99"`) {
		t.Errorf("max steps: %v", err)
	}
}

// Variables with the prefix that are not settings are reported; the
// _FILE variants of secrets are settings, others are not.
func TestConfigUnknown(t *testing.T) {
	cfg, err := loadConfig([]string{"KEFU_DATABASE=x.db", "KEFU_DB_FILE=x", "KEFU_LLM_API_KEY_FILE=", "KEFU_ADMIN_PASSWORD_FILE=", "OPENAI_API_KEY=k", "HOME=/root"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(cfg.Unknown, " ") != "KEFU_DATABASE KEFU_DB_FILE" {
		t.Errorf("unknown: %v", cfg.Unknown)
	}
}
