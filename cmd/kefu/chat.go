package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/kefu-dev/kefu/agents"
	"github.com/kefu-dev/kefu/cmd/kefu/stack"
	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/tools"
)

// maxChatLine bounds one shopper line read from stdin, like the gateway's
// frame limit.
const maxChatLine = 4000

// cmdChat talks to the agent in the terminal, one shopper line at a time,
// over the same runner the gateway uses, logging to the database.
func cmdChat(ctx context.Context, c *cli, args []string) error {
	fs := c.flags()
	as := fs.String("as", "", "chat as the demo customer with this email (default: a guest)")
	asJSON := fs.Bool("json", false, "print one JSON object per assistant turn")
	verbose := fs.Bool("v", false, "show tool calls and their results")
	if _, err := c.parse(fs, args); err != nil {
		return err
	}
	cfg, log, err := c.config()
	if err != nil {
		return err
	}
	s, err := stack.New(ctx, cfg.Config, stack.Options{Log: log, Version: version, Seed: true})
	if err != nil {
		return err
	}
	defer s.Shutdown(context.Background())
	st := s.Store

	id := tools.Identity{Locale: "en"}
	name := ""
	if *as != "" {
		cus, err := st.CustomerByEmail(ctx, *as)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("no customer with email %q (see docs/demo.md)", *as)
		}
		if err != nil {
			return err
		}
		id.CustomerID, id.Locale, name = cus.ID, cus.Locale, cus.Name
	}
	conv, _, err := st.CreateConversation(ctx, id.CustomerID, id.Locale)
	if err != nil {
		return err
	}
	id.ConversationID = conv.ID
	if !*asJSON {
		who := "a guest"
		if name != "" {
			who = name
		}
		fmt.Fprintf(c.stderr, "Chatting as %s (conversation %s). Type a message; Ctrl-D to end.\n", who, conv.ID)
	}

	sc := bufio.NewScanner(c.stdin)
	sc.Buffer(make([]byte, 64*1024), 64*1024)
	enc := json.NewEncoder(c.stdout)
	enc.SetEscapeHTML(false)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if len([]rune(line)) > maxChatLine {
			fmt.Fprintf(c.stderr, "%s: message longer than %d characters; not sent\n", c.name, maxChatLine)
			continue
		}
		if _, err := st.AppendMessage(ctx, &store.Message{ConversationID: conv.ID, Role: store.RoleUser, Text: line}); err != nil {
			return err
		}
		var ev agents.Events
		if !*asJSON {
			fmt.Fprint(c.stdout, "kefu> ")
			ev.Delta = func(s string) { fmt.Fprint(c.stdout, s) }
		}
		res, err := s.Runner.Turn(ctx, agents.Turn{ConversationID: conv.ID, Identity: id, ShopperName: name, Text: line}, ev)
		if err != nil {
			if !*asJSON {
				fmt.Fprintln(c.stdout)
			}
			return err
		}
		if *asJSON {
			enc.Encode(turnJSON(res))
			continue
		}
		fmt.Fprintln(c.stdout)
		if *verbose {
			for _, call := range res.Calls {
				fmt.Fprintf(c.stdout, "  · %s %s → %s\n", call.Name, call.Arguments, call.Result)
			}
			fmt.Fprintf(c.stdout, "  · model %s, %d step(s)%s\n", res.Model, res.Steps, map[bool]string{true: ", fallback"}[res.Fallback])
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("reading input: %w", err)
	}
	return nil
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
