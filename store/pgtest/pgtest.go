// Package pgtest gives tests a fresh PostgreSQL database of their own on
// the server named by KEFU_TEST_POSTGRES (a URL such as
// postgres://postgres@127.0.0.1:5432/postgres, or a key=value DSN, of a
// role that may create databases). Without it the test is skipped, except
// under CI=true, where it fails: CI must not pass by skipping.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Env names the server the tests may create databases on.
const Env = "KEFU_TEST_POSTGRES"

// ServerURL returns KEFU_TEST_POSTGRES, or skips the test (fails it with
// CI=true) when it is unset.
func ServerURL(t testing.TB) string {
	t.Helper()
	admin := os.Getenv(Env)
	if admin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set: CI must run the PostgreSQL tests (.ci/run starts a server)", Env)
		}
		t.Skipf("PostgreSQL tests skipped: set %s to a server URL the tests may create databases on (postgres://user@host:port/postgres)", Env)
	}
	return admin
}

// NewDatabase creates a database named kefu_test_<random> and returns its
// URL; the database is dropped when the test ends.
func NewDatabase(t testing.TB) string {
	t.Helper()
	admin := ServerURL(t)
	var b [6]byte
	rand.Read(b[:])
	name := "kefu_test_" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("pgtest: unable to connect to %s: %v", Env, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name+" ENCODING 'UTF8' TEMPLATE template0"); err != nil {
		t.Fatalf("pgtest: unable to create database %s: %v", name, err)
	}
	t.Cleanup(func() { drop(t, admin, name) })
	dsn, err := withDatabase(admin, name)
	if err != nil {
		t.Fatal(err)
	}
	return dsn
}

func drop(t testing.TB, admin, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Errorf("pgtest: unable to drop %s: %v", name, err)
		return
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
		t.Errorf("pgtest: unable to drop %s: %v", name, err)
	}
}

// withDatabase returns the server's URL or DSN naming database name.
func withDatabase(admin, name string) (string, error) {
	if strings.HasPrefix(admin, "postgres://") || strings.HasPrefix(admin, "postgresql://") {
		u, err := url.Parse(admin)
		if err != nil {
			return "", fmt.Errorf("pgtest: %s: %w", Env, err)
		}
		u.Path = "/" + name
		return u.String(), nil
	}
	// A key=value DSN: a later dbname wins.
	return "postgres:///" + name + "?" + dsnToQuery(admin), nil
}

// dsnToQuery turns "host=h port=p user=u" into URL query parameters, which
// pgx reads as the same settings.
func dsnToQuery(dsn string) string {
	v := url.Values{}
	for _, kv := range strings.Fields(dsn) {
		k, val, ok := strings.Cut(kv, "=")
		if ok && k != "dbname" {
			v.Set(k, strings.Trim(val, "'"))
		}
	}
	return v.Encode()
}
