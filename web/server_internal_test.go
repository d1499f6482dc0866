package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/kefu-dev/kefu/chat"
	"github.com/kefu-dev/kefu/store"
)

// newTestServer runs the web server with options o over a fresh store and
// a chat engine with no agent (nothing here talks to the model).
func newTestServer(t *testing.T, o Options) (*Server, *httptest.Server) {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "kefu.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	reg := prometheus.NewRegistry()
	eng := chat.NewEngine(st, nil, chat.Config{}, log, reg)
	s := New(o, Deps{Store: st, Engine: eng, Gatherer: reg, Log: log})
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		hs.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		eng.Shutdown(ctx)
		st.Close()
	})
	return s, hs
}

// Every GET route answers HEAD: the route table has a HEAD beside each.
func TestEveryGetRouteAnswersHead(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	methods := map[string]map[string]bool{}
	for _, r := range s.echo.Routes() {
		if methods[r.Path] == nil {
			methods[r.Path] = map[string]bool{}
		}
		methods[r.Path][r.Method] = true
	}
	gets := 0
	for path, m := range methods {
		if m[http.MethodGet] {
			gets++
			if !m[http.MethodHead] {
				t.Errorf("GET %s has no HEAD", path)
			}
		}
	}
	if gets < 20 {
		t.Errorf("%d GET routes, want the whole sitemap", gets)
	}
}

// With a metrics token, /metrics asks for it as a bearer token.
func TestMetricsToken(t *testing.T) {
	get := func(base, auth string) int {
		req, _ := http.NewRequest("GET", base+"/metrics", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == 200 && !strings.Contains(string(b), "kefu_") {
			t.Errorf("metrics without kefu's: %.200s", b)
		}
		return resp.StatusCode
	}
	_, locked := newTestServer(t, Options{MetricsToken: "s3cret-token"})
	for _, c := range []struct {
		auth string
		want int
	}{
		{"", 401}, {"Bearer wrong", 401}, {"s3cret-token", 401}, {"Basic s3cret-token", 401}, {"Bearer s3cret-token-and-more", 401},
		{"Bearer s3cret-token", 200}, {"bearer s3cret-token", 200},
	} {
		if got := get(locked.URL, c.auth); got != c.want {
			t.Errorf("Authorization %q: %d, want %d", c.auth, got, c.want)
		}
	}
	_, open := newTestServer(t, Options{})
	if got := get(open.URL, ""); got != 200 {
		t.Errorf("no token configured: %d, want 200", got)
	}
}

// Static answers carry an ETag, are gzipped for clients that take gzip,
// answer If-None-Match with 304, and HEAD with the headers and no body.
func TestConditionalAndCompressed(t *testing.T) {
	_, hs := newTestServer(t, Options{})
	do := func(method, enc, inm string) (*http.Response, []byte) {
		req, _ := http.NewRequest(method, hs.URL+"/widget.js", nil)
		req.Header.Set("Accept-Encoding", enc) // set: the client then leaves the body as sent
		if inm != "" {
			req.Header.Set("If-None-Match", inm)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, b
	}
	plain, body := do("GET", "identity", "")
	if plain.StatusCode != 200 || len(body) < minGzip || plain.Header.Get("ETag") == "" || plain.Header.Get("Content-Encoding") != "" {
		t.Fatalf("plain: %d, %d bytes, headers %v", plain.StatusCode, len(body), plain.Header)
	}
	zipped, zbody := do("GET", "gzip, deflate", "")
	if zipped.Header.Get("Content-Encoding") != "gzip" || len(zbody) >= len(body) || zipped.Header.Get("ETag") == plain.Header.Get("ETag") {
		t.Fatalf("gzip: %d of %d bytes, headers %v", len(zbody), len(body), zipped.Header)
	}
	zr, err := gzip.NewReader(bytes.NewReader(zbody))
	if err != nil {
		t.Fatal(err)
	}
	unzipped, _ := io.ReadAll(zr)
	if !bytes.Equal(unzipped, body) {
		t.Fatal("the gzipped body is not the plain one")
	}
	if r, b := do("GET", "identity", plain.Header.Get("ETag")); r.StatusCode != http.StatusNotModified || len(b) != 0 {
		t.Fatalf("If-None-Match: %d, %d bytes", r.StatusCode, len(b))
	}
	if r, _ := do("GET", "gzip", plain.Header.Get("ETag")); r.StatusCode != 200 {
		t.Fatalf("the plain ETag matched the gzipped answer: %d", r.StatusCode)
	}
	head, hb := do("HEAD", "identity", "")
	if head.StatusCode != 200 || len(hb) != 0 || head.Header.Get("Content-Length") != strconv.Itoa(len(body)) || head.Header.Get("ETag") != plain.Header.Get("ETag") {
		t.Fatalf("HEAD: %d, %d bytes, headers %v", head.StatusCode, len(hb), head.Header)
	}
}
