package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/web"
)

// cmdUser manages staff accounts: `kefu user add --email E --name N --role
// admin|agent` and `kefu user passwd --email E`, reading the password from
// the first line of stdin (a prompt on a terminal, or a pipe).
func cmdUser(ctx context.Context, c *cli, args []string) error {
	if len(args) == 0 || (args[0] != "add" && args[0] != "passwd") {
		return usagef("want add or passwd")
	}
	action := args[0]
	c.name += " " + action
	fs := c.flags()
	email := fs.String("email", "", "staff email (sign-in name)")
	var name, role *string
	if action == "add" {
		name = fs.String("name", "", "name shown to shoppers, e.g. Mei")
		role = fs.String("role", store.RoleAgent, "admin or agent")
	}
	if _, err := c.parse(fs, args[1:]); err != nil {
		return err
	}
	if *email == "" {
		return usagef("--email is required")
	}
	if action == "add" && (*name == "" || (*role != store.RoleAdmin && *role != store.RoleAgent)) {
		return usagef("add needs --name and --role admin|agent")
	}
	cfg, log, err := c.config()
	if err != nil {
		return err
	}
	fmt.Fprint(c.stderr, "Password (10+ characters): ")
	line, err := bufio.NewReader(c.stdin).ReadString('\n')
	fmt.Fprintln(c.stderr)
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	hash, err := web.HashPassword(strings.TrimRight(line, "\r\n"))
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	if action == "add" {
		s := &store.Staff{Email: *email, Name: *name, Role: *role, PasswordHash: hash}
		if err := st.CreateStaff(ctx, s); err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "Added %s <%s> as %s.\n", s.Name, strings.ToLower(*email), s.Role)
		return nil
	}
	s, err := st.StaffByEmail(ctx, *email)
	if err == nil {
		err = st.SetStaffPassword(ctx, s.ID, hash)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "Changed the password of %s; their sessions are signed out.\n", s.Email)
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
	if err := st.CreateStaff(ctx, &store.Staff{Email: email, Name: "Admin", Role: store.RoleAdmin, PasswordHash: hash}); err != nil {
		return err
	}
	if generated {
		log.Warn("created the first admin with a one-time password: sign in at /console and change it (kefu user passwd)",
			"email", email, "password", pw)
	} else {
		log.Info("created the first admin", "email", email)
	}
	return nil
}
