package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func TestExportAndForget(t *testing.T) {
	env := []string{"KEFU_DB=" + filepath.Join(t.TempDir(), "kefu.db")}
	chat := func(as string, lines string) {
		t.Helper()
		args := []string{"chat", "--json"}
		if as != "" {
			args = append(args, "--as", as)
		}
		var out, errb bytes.Buffer
		if code := run(context.Background(), args, strings.NewReader(lines), &out, &errb, env); code != 0 {
			t.Fatalf("chat: %d %s", code, errb.String())
		}
	}
	chat("alice.johnson@example.com", "where is my order?\n")
	chat("", "退货运费谁出\n")

	code, out, errOut := kefu(t, env, "export", "--text", "运费")
	if code != 0 || strings.Count(out, "\n") != 1 || !strings.Contains(out, "退货运费谁出") || !strings.Contains(errOut, "Exported 1") {
		t.Fatalf("export --text: %d\n%s%s", code, out, errOut)
	}
	var tr struct {
		Messages []struct {
			Role      string          `json:"role"`
			ToolCalls json.RawMessage `json:"tool_calls"`
		} `json:"messages"`
	}
	if err := json.Unmarshal([]byte(out), &tr); err != nil || len(tr.Messages) < 3 || !strings.Contains(string(tr.Messages[1].ToolCalls), "search_knowledge_base") {
		t.Fatalf("jsonl line: %v %s", err, out)
	}
	code, out, _ = kefu(t, env, "export", "--customer", "alice.johnson@example.com", "--format", "csv")
	if code != 0 || !strings.HasPrefix(out, "conversation_id,") || !strings.Contains(out, "track_shipment") || strings.Contains(out, "运费") {
		t.Fatalf("export csv: %d\n%s", code, out)
	}
	if code, _, errOut := kefu(t, env, "export", "--state", "maybe"); code != 2 || !strings.Contains(errOut, "state must be") {
		t.Fatalf("bad filter: %d %s", code, errOut)
	}

	// The export loads into another database.
	dump := filepath.Join(t.TempDir(), "all.jsonl")
	if code, _, errOut := kefu(t, env, "export", "-o", dump); code != 0 {
		t.Fatalf("export -o: %s", errOut)
	}
	other := []string{"KEFU_DB=" + filepath.Join(t.TempDir(), "other.db")}
	if code, out, errOut := kefu(t, other, "import", "--transcripts", dump); code != 0 || !strings.Contains(out, "Imported 2 conversation(s)") {
		t.Fatalf("import --transcripts: %d %s %s", code, out, errOut)
	}

	// forget shows what it will erase and asks; anything but yes erases
	// nothing.
	code, out, errOut = kefu(t, env, "forget", "--customer", "alice.johnson@example.com")
	if code != 1 || !strings.Contains(out, "erases customer 1, Alice Johnson <alice.johnson@example.com>") ||
		!strings.Contains(out, "1 conversation(s) of theirs") || !strings.Contains(errOut, "not confirmed: nothing was erased") {
		t.Fatalf("forget unconfirmed: %d %s %s", code, out, errOut)
	}
	if code, out, _ := kefu(t, env, "export", "--customer", "1"); code != 0 || out == "" {
		t.Fatalf("an unconfirmed forget erased: %d %q", code, out)
	}
	code, out, errOut = kefuIn(t, "yes\n", env, "forget", "--customer", "alice.johnson@example.com")
	if code != 0 || !strings.Contains(out, "Forgot customer 1: 1 conversation(s) of theirs") {
		t.Fatalf("forget: %d %s %s", code, out, errOut)
	}
	if code, out, _ := kefu(t, env, "export", "--customer", "1"); code != 0 || out != "" {
		t.Fatalf("export after forget: %d %q", code, out)
	}
}

func TestReplayCommand(t *testing.T) {
	env := []string{"KEFU_DB=" + filepath.Join(t.TempDir(), "kefu.db")}
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"chat"}, strings.NewReader("how long does shipping to Canada take?\n退货运费谁出\n"), &out, &errb, env); code != 0 {
		t.Fatalf("chat: %s", errb.String())
	}
	code, report, errOut := kefu(t, env, "replay", "--fail-on", "changed")
	if code != 0 || !strings.Contains(report, "1 conversation(s): 1 same, 0 changed, 0 worse") {
		t.Fatalf("replay: %d\n%s%s", code, report, errOut)
	}
	code, report, _ = kefu(t, env, "replay", "--disable-tool", "search_knowledge_base", "--fail-on", "worse")
	if code != 1 || !strings.Contains(report, "search_knowledge_base is no longer called") || !strings.Contains(report, "0 same, 0 changed, 1 worse") {
		t.Fatalf("replay without the knowledge base: %d\n%s", code, report)
	}
}
