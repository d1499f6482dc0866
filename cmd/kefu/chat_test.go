package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// kefu chat reads shopper lines from a pipe and, with --json, prints one
// object per turn with the reply and every tool call.
func TestChatJSON(t *testing.T) {
	env := []string{"KEFU_DB=" + filepath.Join(t.TempDir(), "kefu.db")}
	in := strings.NewReader("hi\n\nwhere is my order?\nplease cancel KF-10046\n")
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"chat", "--as", "ben.carter@example.com", "--json"}, in, &out, &errb, env)
	if code != 0 {
		t.Fatalf("code %d: %s", code, errb.String())
	}
	dec := json.NewDecoder(&out)
	type chatTurn struct {
		Reply     string `json:"reply"`
		Model     string `json:"model"`
		ToolCalls []struct {
			Name      string         `json:"name"`
			Arguments map[string]any `json:"arguments"`
			Result    struct {
				Status string `json:"status"`
				Reason string `json:"reason"`
			} `json:"result"`
		} `json:"tool_calls"`
	}
	var turns []chatTurn
	for dec.More() {
		var v chatTurn
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		turns = append(turns, v)
	}
	if len(turns) != 3 {
		t.Fatalf("%d turns for 3 non-empty lines:\n%s", len(turns), out.String())
	}
	if turns[0].Model != "kefu-builtin-1" || !strings.Contains(turns[0].Reply, "How can I help") || len(turns[0].ToolCalls) != 0 {
		t.Errorf("greeting turn = %+v", turns[0])
	}
	last := turns[2]
	if len(last.ToolCalls) != 1 || last.ToolCalls[0].Name != "cancel_order" || last.ToolCalls[0].Arguments["order_number"] != "KF-10046" ||
		last.ToolCalls[0].Result.Reason != "already_shipped" || !strings.Contains(last.Reply, "already shipped") {
		t.Errorf("cancel turn = %+v", last)
	}
}

func TestChatUnknownCustomer(t *testing.T) {
	env := []string{"KEFU_DB=" + filepath.Join(t.TempDir(), "kefu.db")}
	code, _, errOut := kefu(t, env, "chat", "--as", "nobody@example.com")
	if code != 1 || !strings.Contains(errOut, `no customer with email "nobody@example.com"`) {
		t.Fatalf("code %d: %s", code, errOut)
	}
}
