package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/agents"
	"github.com/kefu-dev/kefu/cmd/kefu/stack"
	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/web"
)

// cutLog passes the log's "download cut off" records to a channel.
type cutLog struct{ cuts chan string }

func (l cutLog) Enabled(context.Context, slog.Level) bool { return true }
func (l cutLog) Handle(_ context.Context, r slog.Record) error {
	if r.Message == "download cut off" {
		select {
		case l.cuts <- r.Message:
		default:
		}
	}
	return nil
}
func (l cutLog) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l cutLog) WithGroup(string) slog.Handler      { return l }

// smallBuffers makes the kernel hold little of an answer, so that a slow
// reader slows the server's writes down at once.
type smallBuffers struct{ net.Listener }

func (l smallBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetWriteBuffer(16 << 10)
	}
	return c, err
}

// timedServer serves a demo stack's handlers with web.New and opts (short
// timeouts) on a real listener, as kefu serve does. It returns the base
// URL, the store and the log's cuts.
func timedServer(t *testing.T, opts web.Options, replay func(ctx context.Context, recorded []*store.TranscriptJSON) ([]agents.ReplayResult, error)) (string, *store.Store, chan string) {
	t.Helper()
	s, err := stack.New(context.Background(), stack.Config{DB: filepath.Join(t.TempDir(), "kefu.db"), IdentitySecret: []byte("export-test-secret-0123456789abcdef")},
		stack.Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Seed: true})
	if err != nil {
		t.Fatal(err)
	}
	cuts := make(chan string, 1)
	srv := web.New(opts, web.Deps{Store: s.Store, Engine: s.Engine, Gatherer: s.Metrics, Log: slog.New(cutLog{cuts}), Replay: replay})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(smallBuffers{ln})
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		s.Shutdown(ctx)
	})
	return "http://" + ln.Addr().String(), s.Store, cuts
}

// slowClient is a signed-in staff member's client whose connections have
// a small receive buffer, and its CSRF token. The session is made as a sign-in makes it (the
// timed server's timeouts are too short for bcrypt on a busy machine).
func slowClient(t *testing.T, base string, st *store.Store, role string) (*http.Client, string) {
	t.Helper()
	email := fmt.Sprintf("%s-%d@shop.example.com", role, time.Now().UnixNano())
	addStaff(t, st, email, "Lead", role)
	staff, err := st.StaffByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	token, csrf, err := st.CreateSession(context.Background(), staff.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(base)
	jar.SetCookies(u, []*http.Cookie{{Name: "kefu_session", Value: token, Path: "/"}})
	dial := &net.Dialer{}
	return &http.Client{Jar: jar, Transport: &http.Transport{DisableCompression: true, DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := dial.DialContext(ctx, network, addr)
		if tc, ok := conn.(*net.TCPConn); ok {
			tc.SetReadBuffer(16 << 10)
		}
		return conn, err
	}}}, csrf
}

// fillTranscripts stores n conversations of ten messages each.
func fillTranscripts(t *testing.T, st *store.Store, n int) {
	t.Helper()
	ctx := context.Background()
	text := strings.Repeat("my parcel has not arrived and the tracking page says nothing; ", 6)
	for done := 0; done < n; done += 100 {
		var cs []*store.Conversation
		var ms []*store.Message
		for range min(100, n-done) {
			c, _, err := st.NewConversation(0, "en")
			if err != nil {
				t.Fatal(err)
			}
			cs = append(cs, c)
			for j := range 10 {
				role := store.RoleUser
				if j%2 == 1 {
					role = store.RoleAssistant
				}
				ms = append(ms, &store.Message{ConversationID: c.ID, Role: role, Text: fmt.Sprintf("%d: %s", j, text), ClientID: fmt.Sprint("m", j)})
			}
		}
		if _, err := st.Write(ctx, cs, ms); err != nil {
			t.Fatal(err)
		}
	}
}

// A slow reader gets the whole export, however long it takes, from a
// server whose write and read timeouts are far shorter than the download
// (they cut it half-way before).
func TestExportReachesASlowReader(t *testing.T) {
	const timeout = 300 * time.Millisecond
	base, st, _ := timedServer(t, web.Options{ReadTimeout: timeout, WriteTimeout: timeout, StreamIdleTimeout: 5 * time.Second}, nil)
	fillTranscripts(t, st, 120)
	for _, format := range []string{"jsonl", "csv"} {
		t.Run(format, func(t *testing.T) {
			var want bytes.Buffer
			if format == "csv" {
				want.WriteString("\ufeff")
				if _, err := st.ExportCSV(context.Background(), store.TranscriptFilter{}, &want); err != nil {
					t.Fatal(err)
				}
			} else if _, err := st.ExportJSONL(context.Background(), store.TranscriptFilter{}, &want); err != nil {
				t.Fatal(err)
			}
			c, _ := slowClient(t, base, st, store.RoleAgent)
			resp, err := c.Get(base + "/api/console/transcripts/export?format=" + format)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			// 8 KiB at a time, with a pause: the download takes several
			// times the server's timeouts.
			start := time.Now()
			h := sha256.New()
			var got int64
			buf := make([]byte, 8<<10)
			var rerr error
			for {
				n, err := resp.Body.Read(buf)
				h.Write(buf[:n])
				got += int64(n)
				if err != nil {
					if err != io.EOF {
						rerr = err
					}
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
			took := time.Since(start)
			t.Logf("%s: %d of %d bytes in %s (server timeouts %s)", format, got, want.Len(), took.Round(time.Millisecond), timeout)
			if rerr != nil || got != int64(want.Len()) {
				t.Fatalf("received %d of %d bytes in %s: %v", got, want.Len(), took, rerr)
			}
			if sum := sha256.Sum256(want.Bytes()); !bytes.Equal(h.Sum(nil), sum[:]) {
				t.Fatal("the export received differs from the store's")
			}
			if took < 3*timeout {
				t.Fatalf("the download took %s: too quick to show anything about the %s timeouts", took, timeout)
			}
		})
	}
}

// A reader who stops reading is cut after the idle time, not held on to.
func TestExportCutsAStalledReader(t *testing.T) {
	const idle = 500 * time.Millisecond
	base, st, cuts := timedServer(t, web.Options{StreamIdleTimeout: idle}, nil)
	fillTranscripts(t, st, 400)
	var want bytes.Buffer
	if _, err := st.ExportJSONL(context.Background(), store.TranscriptFilter{}, &want); err != nil {
		t.Fatal(err)
	}
	c, _ := slowClient(t, base, st, store.RoleAgent)
	resp, err := c.Get(base + "/api/console/transcripts/export")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	first := make([]byte, 64<<10)
	if _, err := io.ReadFull(resp.Body, first); err != nil {
		t.Fatal(err)
	}
	stalled := time.Now()
	select {
	case <-cuts:
	case <-time.After(30 * time.Second):
		t.Fatal("the server still holds a download nobody reads, 30 s on")
	}
	cut := time.Since(stalled)
	rest, err := io.Copy(io.Discard, resp.Body)
	t.Logf("cut %s after the reader stopped (idle %s); %d of %d bytes, then %v", cut.Round(time.Millisecond), idle, int64(len(first))+rest, want.Len(), err)
	if err == nil || int64(len(first))+rest >= int64(want.Len()) {
		t.Fatalf("the stalled download ended cleanly (%d of %d bytes)", int64(len(first))+rest, want.Len())
	}
	if cut < idle {
		t.Fatalf("cut %s after the reader stopped, before the idle time %s", cut, idle)
	}
}
