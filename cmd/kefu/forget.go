package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os/user"
	"strings"

	"github.com/kefu-dev/kefu/store"
)

// cmdForget answers a privacy request for one customer: it shows what it
// will erase and asks (or takes --yes). A kefu serving the database in
// another process notices the erasure (the erasures table, which it
// polls) and closes the erased conversations' sockets.
func cmdForget(ctx context.Context, c *cli, args []string) error {
	fs := c.flags()
	customer := fs.String("customer", "", "customer email or id")
	yes := fs.Bool("yes", false, "erase without asking")
	if _, err := c.parse(fs, args); err != nil {
		return err
	}
	if *customer == "" {
		return usagef("--customer is required")
	}
	cfg, log, err := c.config()
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	id, err := lookupCustomer(ctx, st, *customer)
	if err != nil {
		return err
	}
	plan, err := st.PlanForget(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no customer %q", *customer)
	} else if err != nil {
		return err
	}
	printPlan(c.stdout, plan)
	if !*yes {
		fmt.Fprint(c.stderr, "Erase this for good? Type yes to go on: ")
		line, err := bufio.NewReader(c.stdin).ReadString('\n')
		fmt.Fprintln(c.stderr)
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		if a := strings.ToLower(strings.TrimSpace(line)); a != "yes" && a != "y" {
			return errors.New("not confirmed: nothing was erased (type yes, or pass --yes)")
		}
	}
	actor := "cli"
	if u, err := user.Current(); err == nil {
		actor = "cli:" + u.Username
	}
	rep, err := st.ForgetCustomer(ctx, id, actor)
	if err != nil {
		return err
	}
	// The photos' rows went with the commit; their files go now.
	if _, err := store.RemovePhotoFiles(cfg.PhotoDir, rep.PhotoFiles); err != nil {
		return fmt.Errorf("the photos' rows are erased but some files are not: %w", err)
	}
	fmt.Fprintf(c.stdout, "Forgot customer %d: %d conversation(s) of theirs and %d of guests deleted (%d message(s)), %d message(s) or note(s) elsewhere redacted, %d order(s) anonymised, %d photo(s) erased. Recorded in the audit log as %s, with these counts only.\n",
		id, rep.Conversations, rep.GuestConversations, rep.Messages, rep.Redacted, rep.Orders, rep.Photos, actor)
	return nil
}

// printPlan says what forget will erase.
func printPlan(w io.Writer, p *store.ForgetPlan) {
	orders := strings.Join(p.Orders, ", ")
	if len(p.Orders) > 5 {
		orders = strings.Join(p.Orders[:5], ", ") + fmt.Sprintf(" and %d more", len(p.Orders)-5)
	}
	fmt.Fprintf(w, "kefu forget erases customer %d, %s <%s>:\n", p.CustomerID, p.Name, p.Email)
	fmt.Fprintf(w, "  - %d conversation(s) of theirs and %d guest conversation(s) that looked up their orders or give their email or an order number: %d message(s) with their tool calls, notes and search index entries, deleted\n",
		p.Conversations, p.GuestConversations, p.Messages)
	fmt.Fprintf(w, "  - their email, order numbers and name in %d message(s) or note(s) of other conversations, replaced with [erased]\n", p.Redacted)
	if len(p.Orders) > 0 {
		fmt.Fprintf(w, "  - their name, email and shop id; their %d order(s) (%s) stay for bookkeeping without email or address\n", len(p.Orders), orders)
	} else {
		fmt.Fprintf(w, "  - their name, email and shop id\n")
	}
	fmt.Fprintln(w, "A running kefu closes these conversations' sockets within seconds; the audit log records the counts only.")
}
