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

	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/web"
)

// cmdUser manages staff accounts: `kefu user add --email E --name N --role
// admin|agent` and `kefu user passwd --email E`, reading the password from
// the first line of stdin (a prompt on a terminal, or a pipe).
func cmdUser(ctx context.Context, cfg Config, log *slog.Logger, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "add" && args[0] != "passwd") {
		fmt.Fprintln(stderr, "usage: kefu user add --email E --name N --role admin|agent\n       kefu user passwd --email E\n(the password is read from stdin)")
		return 2
	}
	fs := flag.NewFlagSet("kefu user "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	email := fs.String("email", "", "staff email (sign-in name)")
	name := fs.String("name", "", "name shown to shoppers, e.g. Mei")
	role := fs.String("role", store.RoleAgent, "admin or agent")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if *email == "" || (args[0] == "add" && (*name == "" || (*role != store.RoleAdmin && *role != store.RoleAgent))) {
		fmt.Fprintln(stderr, "kefu user: --email is required; add also needs --name and --role admin|agent")
		return 2
	}
	fmt.Fprint(stderr, "Password (10+ characters): ")
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		fmt.Fprintf(stderr, "\nkefu user: %v\n", err)
		return 1
	}
	fmt.Fprintln(stderr)
	hash, err := web.HashPassword(strings.TrimRight(line, "\r\n"))
	if err != nil {
		fmt.Fprintf(stderr, "kefu user: %v\n", err)
		return 1
	}
	st, err := openStore(ctx, cfg, log)
	if err != nil {
		fmt.Fprintf(stderr, "kefu user: %v\n", err)
		return 1
	}
	defer st.Close()
	if args[0] == "add" {
		s := &store.Staff{Email: *email, Name: *name, Role: *role, PasswordHash: hash}
		if err := st.CreateStaff(ctx, s); err != nil {
			fmt.Fprintf(stderr, "kefu user: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "Added %s <%s> as %s.\n", s.Name, strings.ToLower(*email), s.Role)
		return 0
	}
	s, err := st.StaffByEmail(ctx, *email)
	if err == nil {
		err = st.SetStaffPassword(ctx, s.ID, hash)
	}
	if err != nil {
		fmt.Fprintf(stderr, "kefu user: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "Changed the password of %s; their sessions are signed out.\n", s.Email)
	return 0
}

// ensureAdmin creates the first admin on a start with no staff: from
// KEFU_ADMIN_EMAIL and KEFU_ADMIN_PASSWORD when set, or with a one-time
// password printed to the log.
func ensureAdmin(ctx context.Context, st *store.Store, cfg Config, log *slog.Logger) error {
	list, err := st.StaffList(ctx)
	if err != nil || len(list) > 0 {
		return err
	}
	email, pw, generated := cfg.AdminEmail, cfg.AdminPassword, false
	if email == "" {
		email = "admin@kefu.local"
	}
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
