package web_test

import (
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/gorilla/websocket"

	"github.com/kefu-dev/kefu/agents/voice"
	"github.com/kefu-dev/kefu/chat"
	"github.com/kefu-dev/kefu/chat/mail"
	"github.com/kefu-dev/kefu/store"
)

// mailbox is a real SMTP server (go-smtp) on the loopback that keeps
// what it is sent.
type mailbox struct{ got chan mailed }

type mailed struct{ from, to, data string }

type mailSession struct {
	box      *mailbox
	from, to string
}

func (s *mailSession) Reset()        {}
func (s *mailSession) Logout() error { return nil }
func (s *mailSession) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = to
	return nil
}
func (s *mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	s.box.got <- mailed{s.from, s.to, string(b)}
	return err
}

func newMailbox(t *testing.T) (*mailbox, int) {
	t.Helper()
	box := &mailbox{got: make(chan mailed, 10)}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &mailSession{box: box}, nil }))
	srv.Domain, srv.ReadTimeout, srv.WriteTimeout = "localhost", 5*time.Second, 5*time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return box, l.Addr().(*net.TCPAddr).Port
}

// A staff reply to a shopper who has left goes, over SMTP, to the email
// they left outside hours, with a link whose signed token continues the
// same conversation on a new socket (the reply in its history); a forged
// or an expired token opens nothing.
func TestStaffReplyEmailedAndContinued(t *testing.T) {
	box, port := newMailbox(t)
	sender := mail.New(mail.Config{Host: "127.0.0.1", Port: port, From: "support@tea.example", StartTLS: mail.StartTLSNever, Timeout: 5 * time.Second}, nil)
	t.Cleanup(func() { sender.Close(t.Context()) })
	sh, _ := time.LoadLocation("Asia/Shanghai")
	var now atomic.Pointer[time.Time]
	friday := time.Date(2026, 12, 4, 20, 0, 0, 0, sh)
	now.Store(&friday)
	hs, st := newStackWith(t, chat.Config{Now: func() time.Time { return *now.Load() }, Mail: sender, PublicURL: "https://shop.example/help?x=1",
		Voice: voice.Static(voice.Settings{Hours: "Mon-Fri 09:00-18:00", TimeZone: "Asia/Shanghai"})})
	addStaff(t, st, "mei@shop.example.com", "Mei", store.RoleAgent)
	wsURL := "ws" + strings.TrimPrefix(hs.URL, "http") + "/ws"

	ws, _, err := websocket.DefaultDialer.Dial(wsURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	ws.WriteJSON(map[string]any{"type": "hello"})
	var id string
	readUntil(t, ws, func(f map[string]any) bool {
		id, _ = f["conversation_id"].(string)
		return f["type"] == "welcome"
	})
	ws.WriteJSON(map[string]any{"type": "message", "client_id": "a", "text": "I want to talk to a real person please"})
	readUntil(t, ws, func(f map[string]any) bool {
		s, _ := f["text"].(string)
		return strings.Contains(s, "Leave your email")
	})
	ws.WriteJSON(map[string]any{"type": "message", "client_id": "b", "text": "lin.wei@example.com"})
	readUntil(t, ws, func(f map[string]any) bool {
		s, _ := f["text"].(string)
		return strings.Contains(s, "reply to lin.wei@example.com")
	})
	ws.Close() // the shopper leaves
	waitMetric(t, hs.URL, "kefu_connections 0")

	staff := newStaffClient(t, hs)
	staff.login("mei@shop.example.com")
	if code, out := staff.do("POST", "/api/console/conversations/"+id+"/takeover", nil); code != 200 {
		t.Fatalf("takeover: %d %v", code, out)
	}
	const answer = "Your parcel leaves our warehouse on Monday."
	if code, out := staff.do("POST", "/api/console/conversations/"+id+"/reply", map[string]string{"text": answer}); code != 200 {
		t.Fatalf("reply: %d %v", code, out)
	}
	var m mailed
	select {
	case m = <-box.got:
	case <-time.After(10 * time.Second):
		t.Fatal("no email reached the SMTP server")
	}
	link := regexp.MustCompile(`https://shop\.example/help\?[^\s]+`).FindString(m.data)
	if m.to != "lin.wei@example.com" || m.from != "support@tea.example" || !strings.Contains(m.data, answer) || !strings.Contains(link, chat.ContinueParam+"=") {
		t.Fatalf("email from %s to %s, link %q:\n%s", m.from, m.to, link, m.data)
	}
	token := link[strings.Index(link, chat.ContinueParam+"=")+len(chat.ContinueParam)+1:]
	if i := strings.IndexByte(token, '&'); i >= 0 {
		token = token[:i]
	}

	hello := func(tok string) []map[string]any {
		c, _, err := websocket.DefaultDialer.Dial(wsURL, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.WriteJSON(map[string]any{"type": "hello", "continue": tok})
		return readUntil(t, c, func(f map[string]any) bool {
			if f["type"] == "welcome" && f["conversation_id"] != id {
				return true
			}
			s, _ := f["text"].(string)
			return s == answer
		})
	}
	var welcomed string
	for _, f := range hello(strings.NewReplacer("%2E", ".", "%2e", ".").Replace(token)) {
		if f["type"] == "welcome" {
			welcomed, _ = f["conversation_id"].(string)
		}
		if f["type"] == "error" {
			t.Errorf("continuing: %v", f)
		}
	}
	if welcomed != id {
		t.Errorf("the link opened %q, want the conversation %q", welcomed, id)
	}

	forged := token[:len(token)-2] + "xx"
	refused := func(tok, what string) {
		t.Helper()
		seen := hello(tok)
		ok := false
		for _, f := range seen {
			if f["type"] == "error" && f["code"] == "continue_invalid" {
				ok = true
			}
			if f["type"] == "welcome" && f["conversation_id"] == id {
				t.Errorf("%s token opened the conversation", what)
			}
		}
		if !ok {
			t.Errorf("%s token: no continue_invalid error in %v", what, seen)
		}
	}
	refused(forged, "a forged")
	later := friday.Add(8 * 24 * time.Hour)
	now.Store(&later)
	refused(token, "an expired")
}

// waitMetric polls /metrics until a line is there (the server notices a
// closed socket on its own time).
func waitMetric(t *testing.T, base, line string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(base + "/metrics")
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if strings.Contains(string(b), "\n"+line+"\n") {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %q in /metrics", line)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// When the email cannot be sent (no SMTP server listens), the reply is
// still stored and shown, and a note in the conversation tells staff the
// email failed and why.
func TestEmailFailureIsNoted(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close() // nobody listens
	sender := mail.New(mail.Config{Host: "127.0.0.1", Port: port, From: "support@tea.example", StartTLS: mail.StartTLSNever, Retries: 2, Backoff: time.Millisecond, Timeout: time.Second}, nil)
	t.Cleanup(func() { sender.Close(t.Context()) })
	friday := time.Date(2026, 12, 4, 20, 0, 0, 0, time.UTC)
	hs, st := newStackWith(t, chat.Config{Now: func() time.Time { return friday }, Mail: sender, PublicURL: "https://shop.example/",
		Voice: voice.Static(voice.Settings{Hours: "Mon-Fri 09:00-18:00", TimeZone: "UTC"})})
	addStaff(t, st, "mei@shop.example.com", "Mei", store.RoleAgent)
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(hs.URL, "http")+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	ws.WriteJSON(map[string]any{"type": "hello"})
	var id string
	readUntil(t, ws, func(f map[string]any) bool { id, _ = f["conversation_id"].(string); return f["type"] == "welcome" })
	ws.WriteJSON(map[string]any{"type": "message", "client_id": "a", "text": "I want to talk to a real person please"})
	readUntil(t, ws, func(f map[string]any) bool {
		s, _ := f["text"].(string)
		return strings.Contains(s, "Leave your email")
	})
	ws.WriteJSON(map[string]any{"type": "message", "client_id": "b", "text": "lin.wei@example.com"})
	readUntil(t, ws, func(f map[string]any) bool {
		s, _ := f["text"].(string)
		return strings.Contains(s, "reply to lin.wei@example.com")
	})
	ws.Close()
	waitMetric(t, hs.URL, "kefu_connections 0")

	staff := newStaffClient(t, hs)
	staff.login("mei@shop.example.com")
	staff.do("POST", "/api/console/conversations/"+id+"/takeover", nil)
	if code, out := staff.do("POST", "/api/console/conversations/"+id+"/reply", map[string]string{"text": "We'll ship it Monday."}); code != 200 {
		t.Fatalf("reply: %d %v", code, out)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		_, tl := staff.do("GET", "/api/console/conversations/"+id, nil)
		s := mustJSONString(tl)
		if strings.Contains(s, "could not be emailed to lin.wei@example.com") {
			if !strings.Contains(s, "We'll ship it Monday.") {
				t.Fatal("the reply was lost with its email")
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no note of the failed email:\n%s", s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
