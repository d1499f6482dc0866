package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/kefu-dev/kefu/agents"
	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/store/demo"
	"github.com/kefu-dev/kefu/tools"
)

// maxChatLine bounds one shopper line read from stdin, like the gateway's
// frame limit.
const maxChatLine = 4000

// cmdChat talks to the agent in the terminal, one shopper line at a time,
// over the same runner the gateway uses, logging to the database.
func cmdChat(ctx context.Context, cfg Config, log *slog.Logger, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("kefu chat", flag.ContinueOnError)
	fs.SetOutput(stderr)
	as := fs.String("as", "", "chat as the demo customer with this email (default: a guest)")
	asJSON := fs.Bool("json", false, "print one JSON object per assistant turn")
	verbose := fs.Bool("v", false, "show tool calls and their results")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	st, err := openStore(ctx, cfg, log)
	if err != nil {
		fmt.Fprintf(stderr, "kefu chat: %v\n", err)
		return 1
	}
	defer st.Close()
	if has, err := st.HasShopData(ctx); err == nil && !has {
		if _, err := st.Import(ctx, demo.Dataset(st.Now())); err != nil {
			fmt.Fprintf(stderr, "kefu chat: seeding the demo shop: %v\n", err)
			return 1
		}
		log.Info("seeded the demo shop into an empty database", "path", cfg.DB)
	}

	id := tools.Identity{Locale: "en"}
	name := ""
	if *as != "" {
		c, err := st.CustomerByEmail(ctx, *as)
		if errors.Is(err, store.ErrNotFound) {
			fmt.Fprintf(stderr, "kefu chat: no customer with email %q (see docs/demo.md)\n", *as)
			return 1
		}
		if err != nil {
			fmt.Fprintf(stderr, "kefu chat: %v\n", err)
			return 1
		}
		id.CustomerID, id.Locale, name = c.ID, c.Locale, c.Name
	}
	runner, err := newRunner(ctx, cfg, st, log)
	if err != nil {
		fmt.Fprintf(stderr, "kefu chat: %v\n", err)
		return 1
	}
	conv, _, err := st.CreateConversation(ctx, id.CustomerID, id.Locale)
	if err != nil {
		fmt.Fprintf(stderr, "kefu chat: %v\n", err)
		return 1
	}
	id.ConversationID = conv.ID
	if !*asJSON {
		who := "a guest"
		if name != "" {
			who = name
		}
		fmt.Fprintf(stderr, "Chatting as %s (conversation %s). Type a message; Ctrl-D to end.\n", who, conv.ID)
	}

	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 64*1024), 64*1024)
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if len([]rune(line)) > maxChatLine {
			fmt.Fprintf(stderr, "kefu chat: message longer than %d characters; not sent\n", maxChatLine)
			continue
		}
		if _, err := st.AppendMessage(ctx, &store.Message{ConversationID: conv.ID, Role: store.RoleUser, Text: line}); err != nil {
			fmt.Fprintf(stderr, "kefu chat: %v\n", err)
			return 1
		}
		var ev agents.Events
		if !*asJSON {
			fmt.Fprint(stdout, "kefu> ")
			ev.Delta = func(s string) { fmt.Fprint(stdout, s) }
		}
		res, err := runner.Turn(ctx, agents.Turn{ConversationID: conv.ID, Identity: id, ShopperName: name, Text: line}, ev)
		if err != nil {
			fmt.Fprintf(stderr, "\nkefu chat: %v\n", err)
			return 1
		}
		if *asJSON {
			enc.Encode(turnJSON(res))
			continue
		}
		fmt.Fprintln(stdout)
		if *verbose {
			for _, c := range res.Calls {
				fmt.Fprintf(stdout, "  · %s %s → %s\n", c.Name, c.Arguments, c.Result)
			}
			fmt.Fprintf(stdout, "  · model %s, %d step(s)%s\n", res.Model, res.Steps, map[bool]string{true: ", fallback"}[res.Fallback])
		}
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintf(stderr, "kefu chat: reading input: %v\n", err)
		return 1
	}
	return 0
}

// turnJSON is the --json form of a turn.
func turnJSON(res agents.Result) map[string]any {
	calls := make([]map[string]any, 0, len(res.Calls))
	for _, c := range res.Calls {
		var args, result any
		json.Unmarshal([]byte(c.Arguments), &args)
		json.Unmarshal([]byte(c.Result), &result)
		calls = append(calls, map[string]any{"name": c.Name, "arguments": args, "result": result})
	}
	return map[string]any{"reply": res.Reply, "model": res.Model, "fallback": res.Fallback, "handoff": res.Handoff, "tool_calls": calls}
}
