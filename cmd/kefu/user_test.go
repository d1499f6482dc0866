package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kefu-dev/kefu/store"
)

// kefuIn runs kefu with stdin.
func kefuIn(t *testing.T, stdin string, env []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errb, env)
	return code, out.String(), errb.String()
}

// kefu user add, list, passwd and remove on a real database: the
// messages name the real problem, a removed member is signed out and
// listed no more, the last admin stays.
func TestUserCommands(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "kefu.db")
	env := []string{"KEFU_DB=" + db}
	if code, _, errOut := kefuIn(t, "", env, "user", "list"); code != 0 || !strings.Contains(errOut, "No staff yet") {
		t.Fatalf("list of none: %d %s", code, errOut)
	}
	if code, out, errOut := kefuIn(t, "correct horse battery\n", env, "user", "add", "--email", " Boss@Shop.Example.com ", "--name", "Boss", "--role", "admin"); code != 0 ||
		!strings.Contains(out, "Added Boss <boss@shop.example.com> as admin.") {
		t.Fatalf("add: %d %q %s", code, out, errOut)
	}
	if code, _, errOut := kefuIn(t, "correct horse battery\n", env, "user", "add", "--email", "mei@shop.example.com", "--name", "Mei"); code != 0 {
		t.Fatalf("add mei: %d %s", code, errOut)
	}
	// The second add of an email says so before asking for a password.
	code, _, errOut := kefuIn(t, "", env, "user", "add", "--email", "MEI@shop.example.com", "--name", "Mei Again")
	if code != 1 || !strings.Contains(errOut, "a staff member with the email mei@shop.example.com exists (Mei, agent)") || strings.Contains(errOut, "Password") {
		t.Errorf("duplicate: %d %s", code, errOut)
	}
	if code, _, errOut := kefuIn(t, "short\n", env, "user", "add", "--email", "li@shop.example.com", "--name", "Li"); code != 1 ||
		!strings.Contains(errOut, "the password must be at least 10 characters") {
		t.Errorf("short password: %d %s", code, errOut)
	}
	if code, _, errOut := kefuIn(t, "another long one\n", env, "user", "passwd", "--email", "nobody@shop.example.com"); code != 1 ||
		!strings.Contains(errOut, "no staff member has the email nobody@shop.example.com") {
		t.Errorf("passwd of nobody: %d %s", code, errOut)
	}

	code, out, errOut := kefuIn(t, "", env, "user", "list")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 3 || !strings.HasPrefix(lines[0], "EMAIL") || !strings.Contains(lines[1], "boss@shop.example.com") ||
		!strings.Contains(lines[1], "admin") || !strings.Contains(lines[2], "mei@shop.example.com") || !strings.Contains(lines[2], "Mei") {
		t.Fatalf("list: %d\n%s%s", code, out, errOut)
	}

	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	mei, err := st.StaffByEmail(ctx, "mei@shop.example.com")
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := st.CreateSession(ctx, mei.ID, 3600e9)
	if err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := kefuIn(t, "", env, "user", "remove", "Mei@shop.example.com"); code != 0 || !strings.Contains(out, "Removed Mei <mei@shop.example.com>") {
		t.Fatalf("remove: %d %q %s", code, out, errOut)
	}
	if _, _, err := st.Session(ctx, token); err == nil {
		t.Error("the removed member's session still works")
	}
	if _, err := st.StaffByEmail(ctx, "mei@shop.example.com"); err == nil {
		t.Error("the removed member can still sign in")
	}
	if _, out, _ := kefuIn(t, "", env, "user", "list"); strings.Contains(out, "mei@") {
		t.Errorf("the removed member is listed:\n%s", out)
	}
	if code, _, errOut := kefuIn(t, "", env, "user", "remove", "--email", "mei@shop.example.com"); code != 1 || !strings.Contains(errOut, "no staff member has the email mei@shop.example.com") {
		t.Errorf("remove twice: %d %s", code, errOut)
	}
	if code, _, errOut := kefuIn(t, "", env, "user", "remove", "boss@shop.example.com"); code != 1 || !strings.Contains(errOut, "boss@shop.example.com is the only admin") {
		t.Errorf("remove the last admin: %d %s", code, errOut)
	}
	// A removed email can be given to someone again.
	if code, _, errOut := kefuIn(t, "a brand new password\n", env, "user", "add", "--email", "mei@shop.example.com", "--name", "Mei Li"); code != 0 {
		t.Errorf("add again: %d %s", code, errOut)
	}
	if again, err := st.StaffByEmail(ctx, "mei@shop.example.com"); err != nil || again.Name != "Mei Li" || again.ID != mei.ID {
		t.Errorf("added again: %+v %v", again, err)
	}
}

// The first admin made with a generated password (which went to the log)
// must change it at the first sign-in; one given in KEFU_ADMIN_PASSWORD
// need not, and kefu user passwd lifts the requirement.
func TestFirstAdminMustChangeOneTimePassword(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		env  []string
		must bool
	}{{nil, true}, {[]string{"KEFU_ADMIN_PASSWORD=chosen by the operator"}, false}} {
		db := filepath.Join(t.TempDir(), "kefu.db")
		cfg, err := loadConfig(append([]string{"KEFU_DB=" + db}, c.env...))
		if err != nil {
			t.Fatal(err)
		}
		var logged bytes.Buffer
		st, err := openStore(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		if err := ensureAdmin(ctx, st, cfg, slog.New(slog.NewTextHandler(&logged, nil))); err != nil {
			t.Fatal(err)
		}
		admin, err := st.StaffByEmail(ctx, cfg.AdminEmail)
		st.Close()
		if err != nil || admin.MustChangePassword != c.must {
			t.Fatalf("%v: must change %v, want %v (%v)\n%s", c.env, admin.MustChangePassword, c.must, err, logged.String())
		}
		if !c.must {
			continue
		}
		if !strings.Contains(logged.String(), "must choose a new one") {
			t.Errorf("the log does not say the password must be changed: %s", logged.String())
		}
		_, out, _ := kefuIn(t, "", []string{"KEFU_DB=" + db}, "user", "list")
		if !strings.Contains(out, "one-time: to change at sign-in") {
			t.Errorf("list does not show the one-time password:\n%s", out)
		}
		if code, _, errOut := kefuIn(t, "a password of mine\n", []string{"KEFU_DB=" + db}, "user", "passwd", "--email", cfg.AdminEmail); code != 0 {
			t.Fatalf("passwd: %d %s", code, errOut)
		}
		if _, out, _ := kefuIn(t, "", []string{"KEFU_DB=" + db}, "user", "list"); strings.Contains(out, "one-time") {
			t.Errorf("still one-time after kefu user passwd:\n%s", out)
		}
	}
}
