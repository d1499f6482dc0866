package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"

	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/web"
)

// cmdUser manages staff accounts:
//
//	kefu user add --email E --name N --role admin|agent
//	kefu user passwd --email E
//	kefu user list
//	kefu user remove --email E   (or kefu user remove E)
//
// add and passwd read the password from the first line of stdin (a prompt
// on a terminal, or a pipe). Every check of the command line runs before
// the database is opened or a password asked for.
func cmdUser(ctx context.Context, c *cli, args []string) error {
	if len(args) == 0 {
		return usagef("want add, passwd, list or remove")
	}
	action := args[0]
	run := map[string]func(ctx context.Context, c *cli, args []string) error{
		"add":    func(ctx context.Context, c *cli, args []string) error { return userSetPassword(ctx, c, "add", args) },
		"passwd": func(ctx context.Context, c *cli, args []string) error { return userSetPassword(ctx, c, "passwd", args) },
		"list":   userList,
		"remove": userRemove,
	}[action]
	if run == nil {
		return usagef("want add, passwd, list or remove, not %q", action)
	}
	c.name += " " + action
	return run(ctx, c, args[1:])
}

// userSetPassword is user add and user passwd.
func userSetPassword(ctx context.Context, c *cli, action string, args []string) error {
	fs := c.flags()
	email := fs.String("email", "", "staff email (sign-in name)")
	var name, role *string
	if action == "add" {
		name = fs.String("name", "", "name shown to shoppers, e.g. Mei")
		role = fs.String("role", store.RoleAgent, "admin or agent")
	}
	if _, err := c.parse(fs, args); err != nil {
		return err
	}
	if *email == "" {
		return usagef("--email is required")
	}
	if action == "add" {
		if err := store.ValidStaffEmail(*email); err != nil {
			return usagef("--email: %v", err)
		}
		if strings.TrimSpace(*name) == "" {
			return usagef("--name is required: the name shoppers see when this person answers")
		}
		if *role != store.RoleAdmin && *role != store.RoleAgent {
			return usagef("--role %q: want admin or agent", *role)
		}
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
	// The account is checked before the password is asked for.
	existing, err := st.StaffByEmail(ctx, *email)
	switch {
	case action == "add" && err == nil:
		return fmt.Errorf("a staff member with the email %s exists (%s, %s); change their password with kefu user passwd", existing.Email, existing.Name, existing.Role)
	case action == "passwd" && errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("no staff member has the email %s (kefu user list shows who has)", strings.ToLower(strings.TrimSpace(*email)))
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return err
	}
	fmt.Fprintf(c.stderr, "Password (%d+ characters): ", web.MinPasswordLength)
	line, err := bufio.NewReader(c.stdin).ReadString('\n')
	fmt.Fprintln(c.stderr)
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	hash, err := web.HashPassword(strings.TrimRight(line, "\r\n"))
	if err != nil {
		return err
	}
	if action == "add" {
		s := &store.Staff{Email: *email, Name: strings.TrimSpace(*name), Role: *role, PasswordHash: hash}
		if err := st.CreateStaff(ctx, s); err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "Added %s <%s> as %s.\n", s.Name, s.Email, s.Role)
		return nil
	}
	if err := st.SetStaffPassword(ctx, existing.ID, hash); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "Changed the password of %s; their sessions are signed out.\n", existing.Email)
	return nil
}

// userList prints the active staff: email, name, role, since when, and
// whether they still have to choose their own password.
func userList(ctx context.Context, c *cli, args []string) error {
	if _, err := c.parse(c.flags(), args); err != nil {
		return err
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
	list, err := st.StaffList(ctx)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintln(c.stderr, "No staff yet: kefu serve creates the first admin, or add one with kefu user add.")
		return nil
	}
	w := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "EMAIL\tNAME\tROLE\tADDED\tPASSWORD")
	for _, s := range list {
		pw := "set"
		if s.MustChangePassword {
			pw = "one-time: to change at sign-in"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", s.Email, s.Name, s.Role, s.CreatedAt.Format("2006-01-02"), pw)
	}
	return w.Flush()
}

// userRemove signs a staff member out and disables their account.
func userRemove(ctx context.Context, c *cli, args []string) error {
	fs := c.flags()
	email := fs.String("email", "", "staff email")
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return helpRequest{fs}
	} else if err != nil {
		return usageError{err}
	}
	// The email may be given as the argument: kefu user remove mei@shop.example.com.
	switch rest := fs.Args(); {
	case len(rest) > 1 || (len(rest) == 1 && *email != ""):
		return usagef("unexpected argument %q", rest[len(rest)-1])
	case len(rest) == 1:
		*email = rest[0]
	}
	if *email == "" {
		return usagef("give the email of the staff member to remove")
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
	s, err := st.RemoveStaff(ctx, *email)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("no staff member has the email %s (kefu user list shows who has)", strings.ToLower(strings.TrimSpace(*email)))
	case errors.Is(err, store.ErrLastAdmin):
		return fmt.Errorf("%s is the only admin; add another admin first (kefu user add --role admin)", s.Email)
	case err != nil:
		return err
	}
	fmt.Fprintf(c.stdout, "Removed %s <%s>; their sessions are signed out. Their replies keep their name.\n", s.Name, s.Email)
	return nil
}

// ensureAdmin creates the first admin on a start with no staff: from
// KEFU_ADMIN_EMAIL (which has a default) and KEFU_ADMIN_PASSWORD when set,
// or with a one-time password printed to the log.
func ensureAdmin(ctx context.Context, st *store.Store, cfg Config, log *slog.Logger) error {
	list, err := st.StaffList(ctx)
	if err != nil || len(list) > 0 {
		return err
	}
	email, pw, generated := cfg.AdminEmail, cfg.AdminPassword, false
	if pw == "" {
		b := make([]byte, 12)
		rand.Read(b)
		pw, generated = base64.RawURLEncoding.EncodeToString(b), true
	}
	hash, err := web.HashPassword(pw)
	if err != nil {
		return fmt.Errorf("KEFU_ADMIN_PASSWORD: %w", err)
	}
	// A generated password has been in the log: it must be replaced at
	// the first sign-in.
	if err := st.CreateStaff(ctx, &store.Staff{Email: email, Name: "Admin", Role: store.RoleAdmin, PasswordHash: hash, MustChangePassword: generated}); err != nil {
		return err
	}
	if generated {
		log.Warn("created the first admin with a one-time password: sign in at /console, where you must choose a new one (or set one with kefu user passwd)",
			"email", email, "password", pw)
	} else {
		log.Info("created the first admin", "email", email)
	}
	return nil
}
