package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every command refuses flags and arguments it does not know, before it
// opens anything, and every error is printed once as "kefu <cmd>: …".
func TestCommandErrors(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "kefu.db")
	env := []string{"KEFU_DB=" + db, "KEFU_ADDR=127.0.0.1:0"}
	scenarios := []struct {
		name     string
		args     []string
		env      []string
		wantCode int
		want     string // the first line of stderr
	}{
		{"serve flag", []string{"serve", "--port", "9090"}, env, 2, "kefu serve: flag provided but not defined: -port"},
		{"default command flag", []string{"--port", "9090"}, env, 2, "kefu: unknown flag --port (flags come after the command)"},
		{"serve argument", []string{"serve", "9090"}, env, 2, `kefu serve: unexpected argument "9090"`},
		{"healthcheck argument", []string{"healthcheck", "now"}, env, 2, `kefu healthcheck: unexpected argument "now"`},
		{"seed flag", []string{"seed", "--force"}, env, 2, "kefu seed: flag provided but not defined: -force"},
		{"seed argument", []string{"seed", "demo"}, env, 2, `kefu seed: unexpected argument "demo"`},
		{"import without file", []string{"import"}, env, 2, "kefu import: missing FILE"},
		{"import two files", []string{"import", "a.json", "b.json"}, env, 2, `kefu import: unexpected argument "b.json"`},
		{"import flag after file", []string{"import", "a.json", "--transcripts"}, env, 2, `kefu import: unexpected argument "--transcripts"`},
		{"user without action", []string{"user"}, env, 2, "kefu user: want add, passwd, list or remove"},
		{"user unknown action", []string{"user", "delete"}, env, 2, `kefu user: want add, passwd, list or remove, not "delete"`},
		{"user passwd with add's flag", []string{"user", "passwd", "--email", "a@b.c", "--name", "A"}, env, 2, "kefu user passwd: flag provided but not defined: -name"},
		{"user add without name", []string{"user", "add", "--email", "a@b.c"}, env, 2, "kefu user add: --name is required"},
		{"user add bad role", []string{"user", "add", "--email", "a@b.c", "--name", "A", "--role", "boss"}, env, 2, `kefu user add: --role "boss": want admin or agent`},
		{"user add no @", []string{"user", "add", "--email", "mei.shop.example.com", "--name", "Mei"}, env, 2, `kefu user add: --email: "mei.shop.example.com" is not an email address: it has no @`},
		{"user add no domain", []string{"user", "add", "--email", "mei@shop", "--name", "Mei"}, env, 2, `kefu user add: --email: "mei@shop" is not an email address: the domain "shop" is not a full domain name`},
		{"user add display name", []string{"user", "add", "--email", "Mei <mei@shop.example.com>", "--name", "Mei"}, env, 2, `kefu user add: --email: "Mei <mei@shop.example.com>" is not an email address: it has a space`},
		{"user add argument", []string{"user", "add", "--email", "a@b.c", "--name", "A", "extra"}, env, 2, `kefu user add: unexpected argument "extra"`},
		{"user list argument", []string{"user", "list", "all"}, env, 2, `kefu user list: unexpected argument "all"`},
		{"user remove without email", []string{"user", "remove"}, env, 2, "kefu user remove: give the email of the staff member to remove"},
		{"user remove two", []string{"user", "remove", "a@b.c", "d@e.f"}, env, 2, `kefu user remove: unexpected argument "d@e.f"`},
		{"export format", []string{"export", "--format", "xml"}, env, 2, "kefu export: --format is jsonl or csv"},
		{"export argument", []string{"export", "all"}, env, 2, `kefu export: unexpected argument "all"`},
		{"export flag value", []string{"export", "--min-rating", "five"}, env, 2, `kefu export: invalid value "five" for flag -min-rating: parse error`},
		{"replay fail-on", []string{"replay", "--fail-on", "maybe"}, env, 2, "kefu replay: --fail-on is changed or worse"},
		{"replay model", []string{"replay", "--model", "gpt"}, env, 2, "kefu replay: --model is builtin or openai"},
		{"replay argument", []string{"replay", "latest"}, env, 2, `kefu replay: unexpected argument "latest"`},
		{"forget without customer", []string{"forget"}, env, 2, "kefu forget: --customer is required"},
		{"forget argument", []string{"forget", "--customer", "1", "2"}, env, 2, `kefu forget: unexpected argument "2"`},
		{"chat flag", []string{"chat", "--as"}, env, 2, "kefu chat: flag needs an argument: -as"},
		{"chat argument", []string{"chat", "hello"}, env, 2, `kefu chat: unexpected argument "hello"`},
		{"loadtest mode", []string{"loadtest", "--mode", "burst"}, env, 2, "kefu loadtest: --mode is turns, flood, idle or replay"},
		{"loadtest argument", []string{"loadtest", "ws://x/ws"}, env, 2, `kefu loadtest: unexpected argument "ws://x/ws"`},
		{"migrate-to without target", []string{"migrate-to"}, env, 2, "kefu migrate-to: missing postgres://USER:PASSWORD@HOST:5432/DB"},
		{"migrate-to not postgres", []string{"migrate-to", "mysql://db/kefu"}, env, 2, "kefu migrate-to: want the PostgreSQL database to copy into"},
		{"version argument", []string{"version", "--short"}, env, 2, "kefu version: flag provided but not defined: -short"},
		{"help argument", []string{"help", "serve"}, env, 2, `kefu help: unexpected argument "serve"`},
		{"unknown command", []string{"frobnicate"}, env, 2, `kefu: unknown command "frobnicate"`},
		// Failures, after the command was called rightly.
		{"invalid configuration", []string{"seed"}, append([]string{"KEFU_LOG_FORMAT=xml"}, env...), 1, "kefu seed: invalid configuration:"},
		{"import missing file", []string{"import", filepath.Join(dir, "none.json")}, env, 1, "kefu import: " + filepath.Join(dir, "none.json") + ": open"},
		{"forget unknown customer", []string{"forget", "--customer", "nobody@example.com"}, env, 1, `kefu forget: no customer "nobody@example.com"`},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			code, out, errOut := kefu(t, sc.env, sc.args...)
			first, _, _ := strings.Cut(errOut, "\n")
			if code != sc.wantCode || !strings.HasPrefix(first, sc.want) {
				t.Fatalf("code %d, want %d; stderr:\n%s", code, sc.wantCode, errOut)
			}
			if n := strings.Count(errOut, first); n != 1 {
				t.Errorf("the error is printed %d times:\n%s", n, errOut)
			}
			if out != "" {
				t.Errorf("stdout: %q", out)
			}
			if sc.wantCode == 2 && !strings.Contains(strings.ToLower(errOut), "usage:") {
				t.Errorf("no usage after a usage error:\n%s", errOut)
			}
		})
		if sc.wantCode == 2 {
			if _, err := os.Stat(db); err == nil {
				t.Fatalf("%s: the database was opened before the command line was checked", sc.name)
			}
		}
	}
}

// -h prints a command's usage and flags on stdout and exits 0.
func TestCommandHelp(t *testing.T) {
	for args, want := range map[string][]string{
		"seed -h":         {"usage: kefu seed [--reset]", "-reset"},
		"export --help":   {"usage: kefu export", "-format", "-min-rating"},
		"user passwd -h":  {"usage: kefu user add", "-email"},
		"--help":          {"Usage:", "KEFU_DB"},
		"serve -h":        {"usage: kefu [serve]"},
		"loadtest -h":     {"-store-baseline"},
		"import -h":       {"kefu import --transcripts FILE.jsonl", "-transcripts"},
		"replay -h":       {"-disable-tool", "-limit"},
		"chat -h":         {"-as", "-json"},
		"version":         {"kefu dev"},
		"forget -help":    {"-customer", "-yes"},
		"healthcheck -h":  {"usage: kefu healthcheck"},
		"user add --help": {"-name", "-role"},
		"user remove -h":  {"kefu user remove EMAIL", "-email"},
	} {
		code, out, errOut := kefu(t, nil, strings.Fields(args)...)
		if code != 0 || errOut != "" {
			t.Errorf("kefu %s: code %d, stderr %q", args, code, errOut)
		}
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Errorf("kefu %s lacks %q:\n%s", args, w, out)
			}
		}
	}
}
