package mail_test

import (
	"context"
	"errors"
	"io"
	"net"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/kefu-dev/kefu/chat/mail"
)

// server is a real SMTP server (go-smtp) whose first `fail` DATA
// commands are answered with code.
type server struct {
	fail  atomic.Int32
	code  int
	tries atomic.Int32
	got   chan string
}

type session struct{ s *server }

func (x session) Reset()                               {}
func (x session) Logout() error                        { return nil }
func (x session) Mail(string, *smtp.MailOptions) error { return nil }
func (x session) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (x session) Data(r io.Reader) error {
	b, _ := io.ReadAll(r)
	x.s.tries.Add(1)
	if x.s.fail.Add(-1) >= 0 {
		return &smtp.SMTPError{Code: x.s.code, Message: "not now"}
	}
	x.s.got <- string(b)
	return nil
}

func start(t *testing.T, fail, code int) (*server, int) {
	s := &server{code: code, got: make(chan string, 10)}
	s.fail.Store(int32(fail))
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return session{s}, nil }))
	srv.Domain = "localhost"
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return s, l.Addr().(*net.TCPAddr).Port
}

func send(t *testing.T, cfg mail.Config, m mail.Message) error {
	t.Helper()
	done := make(chan error, 1)
	m.Done = func(err error) { done <- err }
	snd := mail.New(cfg, nil)
	defer snd.Close(context.Background())
	if err := snd.Send(m); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		return err
	case <-time.After(20 * time.Second):
		t.Fatal("no outcome")
		return nil
	}
}

// A server that answers 451 twice gets the message on the third try; one
// that answers 550 is not asked again; the outcome reaches Done.
func TestRetriesThenDelivers(t *testing.T) {
	s, port := start(t, 2, 451)
	cfg := mail.Config{Host: "127.0.0.1", Port: port, From: "shop@example.com", StartTLS: mail.StartTLSNever, Backoff: time.Millisecond, Timeout: 5 * time.Second}
	if err := send(t, cfg, mail.Message{To: "lin@example.com", Subject: "您的咨询有了回复", Body: "hello\nthere"}); err != nil {
		t.Fatal(err)
	}
	got := <-s.got
	if s.tries.Load() != 3 || !strings.Contains(got, "Subject: =?utf-8?q?") || !strings.Contains(got, "hello\r\nthere") {
		t.Errorf("%d tries; message:\n%s", s.tries.Load(), got)
	}

	s, port = start(t, 5, 550)
	cfg.Port = port
	err := send(t, cfg, mail.Message{To: "lin@example.com", Subject: "x", Body: "y"})
	if err == nil || !strings.Contains(err.Error(), "550") || s.tries.Load() != 1 {
		t.Errorf("550: %v after %d tries", err, s.tries.Load())
	}

	cfg.StartTLS = mail.StartTLSAlways // go-smtp without TLS offers no STARTTLS
	if err := send(t, cfg, mail.Message{To: "lin@example.com", Subject: "x", Body: "y"}); err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Errorf("STARTTLS required: %v", err)
	}
}

// The queue refuses what it cannot hold, and Close with a spent context
// stops the retries at once and leaves no goroutine behind.
func TestBoundedAndClosed(t *testing.T) {
	before := runtime.NumGoroutine()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close() // nobody listens: every try fails
	var failed atomic.Int32
	snd := mail.New(mail.Config{Host: "127.0.0.1", Port: port, From: "shop@example.com", StartTLS: mail.StartTLSNever, Queue: 2, Retries: 5, Backoff: time.Hour, Timeout: time.Second}, nil)
	m := mail.Message{To: "lin@example.com", Subject: "x", Body: "y", Done: func(error) { failed.Add(1) }}
	var full error
	for range 10 {
		if err := snd.Send(m); err != nil {
			full = err
		}
	}
	if !errors.Is(full, mail.ErrQueueFull) {
		t.Errorf("ten into a queue of two: %v", full)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	snd.Close(ctx)
	if err := snd.Send(m); !errors.Is(err, mail.ErrClosed) {
		t.Errorf("after Close: %v", err)
	}
	if failed.Load() == 0 {
		t.Error("no message was reported failed")
	}
	for i := 0; runtime.NumGoroutine() > before && i < 100; i++ {
		runtime.Gosched()
		time.Sleep(time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after Close, %d before", n, before)
	}
}
