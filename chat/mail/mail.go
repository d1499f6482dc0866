// Package mail sends kefu's emails (a staff reply to a shopper who left)
// over SMTP with net/smtp, from one bounded queue: each send has a time
// limit, failed sends are retried with backoff a few times, the queue
// refuses more than it holds instead of blocking, and Close leaves no
// goroutine behind. The caller learns each message's outcome (Done), so
// a reply that could not be mailed is recorded, never silently lost.
package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"time"
)

// STARTTLS modes.
const (
	StartTLSAlways        = "always"        // refuse a server without STARTTLS
	StartTLSOpportunistic = "opportunistic" // use it when offered
	StartTLSNever         = "never"         // plain SMTP (a relay on localhost)
)

// Config is the SMTP server and the sender's bounds. Zero values mean the
// documented defaults.
type Config struct {
	Host     string
	Port     int    // zero: 587
	User     string // empty: no AUTH
	Password string
	From     string
	StartTLS string        // zero: always
	Timeout  time.Duration // one attempt, dial to QUIT; zero: 20s
	Queue    int           // messages waiting; zero: 100
	Retries  int           // attempts after the first; zero: 3 (negative: none)
	Backoff  time.Duration // before the first retry, doubling; zero: 2s
	// TLS, if set, is used for STARTTLS (tests trust their own server).
	TLS *tls.Config
}

// Message is one email. Done, if set, is called once with nil when the
// server took it, or with the last error after the retries.
type Message struct {
	To, Subject, Body string
	Done              func(error)
}

// ErrQueueFull: more messages wait than the queue holds. ErrClosed: the
// sender is stopping.
var (
	ErrQueueFull = errors.New("mail: the queue is full")
	ErrClosed    = errors.New("mail: the sender is closed")
)

// Sender sends queued messages, one at a time.
type Sender struct {
	cfg  Config
	log  *slog.Logger
	q    chan Message
	stop chan struct{}
	done chan struct{}

	mu     sync.Mutex
	closed bool
}

// New starts a sender; Close stops it.
func New(cfg Config, log *slog.Logger) *Sender {
	if cfg.Port == 0 {
		cfg.Port = 587
	}
	if cfg.StartTLS == "" {
		cfg.StartTLS = StartTLSAlways
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 20 * time.Second
	}
	if cfg.Queue <= 0 {
		cfg.Queue = 100
	}
	if cfg.Retries == 0 {
		cfg.Retries = 3
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = 2 * time.Second
	}
	if log == nil {
		log = slog.Default()
	}
	s := &Sender{cfg: cfg, log: log, q: make(chan Message, cfg.Queue), stop: make(chan struct{}), done: make(chan struct{})}
	go s.run()
	return s
}

// Send queues m; it never blocks.
func (s *Sender) Send(m Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	select {
	case s.q <- m:
		return nil
	default:
		return ErrQueueFull
	}
}

// Close stops taking messages and sends those queued until ctx ends; the
// ones left get ErrClosed. It returns when the sender's goroutine has.
func (s *Sender) Close(ctx context.Context) error {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.q)
	}
	s.mu.Unlock()
	select {
	case <-s.done:
		return nil
	case <-ctx.Done():
		close(s.stop)
		<-s.done
		return ctx.Err()
	}
}

func (s *Sender) run() {
	defer close(s.done)
	for m := range s.q {
		err := s.deliver(m)
		if err != nil {
			s.log.Error("email not sent", "to", m.To, "err", err)
		}
		if m.Done != nil {
			m.Done(err)
		}
	}
}

// deliver tries m, then retries with backoff; a stop ends the waits.
func (s *Sender) deliver(m Message) error {
	wait := s.cfg.Backoff
	var err error
	for attempt := 0; ; attempt++ {
		select {
		case <-s.stop:
			return ErrClosed
		default:
		}
		if err = s.sendOnce(m); err == nil || attempt >= s.cfg.Retries || permanent(err) {
			return err
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-s.stop:
			t.Stop()
			return fmt.Errorf("%w (last error: %v)", ErrClosed, err)
		}
		wait *= 2
	}
}

// errNoStartTLS: the server offers no STARTTLS and the mode requires it.
var errNoStartTLS = errors.New("mail: the server does not offer STARTTLS (KEFU_SMTP_STARTTLS=always)")

// permanent: a 5xx answer or a missing STARTTLS, which a retry would get again.
func permanent(err error) bool {
	var te *textproto.Error
	return errors.Is(err, errNoStartTLS) || errors.As(err, &te) && te.Code >= 500
}

func (s *Sender) sendOnce(m Message) error {
	addr := net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.Port))
	conn, err := net.DialTimeout("tcp", addr, s.cfg.Timeout)
	if err != nil {
		return fmt.Errorf("mail: dial %s: %w", addr, err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(s.cfg.Timeout)) // the whole exchange
	c, err := smtp.NewClient(conn, s.cfg.Host)
	if err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	defer c.Close()
	if err := c.Hello("localhost"); err != nil {
		return fmt.Errorf("mail: EHLO: %w", err)
	}
	if s.cfg.StartTLS != StartTLSNever {
		if ok, _ := c.Extension("STARTTLS"); ok {
			tc := s.cfg.TLS
			if tc == nil {
				tc = &tls.Config{ServerName: s.cfg.Host}
			}
			if err := c.StartTLS(tc); err != nil {
				return fmt.Errorf("mail: STARTTLS: %w", err)
			}
		} else if s.cfg.StartTLS == StartTLSAlways {
			return errNoStartTLS
		}
	}
	if s.cfg.User != "" {
		if err := c.Auth(smtp.PlainAuth("", s.cfg.User, s.cfg.Password, s.cfg.Host)); err != nil {
			return fmt.Errorf("mail: AUTH: %w", err)
		}
	}
	if err := c.Mail(s.cfg.From); err != nil {
		return fmt.Errorf("mail: MAIL FROM: %w", err)
	}
	if err := c.Rcpt(m.To); err != nil {
		return fmt.Errorf("mail: RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("mail: DATA: %w", err)
	}
	if _, err := w.Write(compose(s.cfg.From, m)); err != nil {
		return fmt.Errorf("mail: DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("mail: DATA: %w", err)
	}
	return c.Quit()
}

// compose is the message: plain UTF-8 text, the subject encoded (RFC 2047)
// so that Chinese survives, header values stripped of line breaks.
func compose(from string, m Message) []byte {
	one := func(s string) string { return strings.NewReplacer("\r", " ", "\n", " ").Replace(s) }
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n",
		one(from), one(m.To), mimeWord(one(m.Subject)), time.Now().UTC().Format(time.RFC1123Z))
	b.WriteString(strings.ReplaceAll(strings.ReplaceAll(m.Body, "\r\n", "\n"), "\n", "\r\n"))
	b.WriteString("\r\n")
	return []byte(b.String())
}

func mimeWord(s string) string { return mime.QEncoding.Encode("utf-8", s) }
