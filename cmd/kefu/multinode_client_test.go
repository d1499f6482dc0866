package main

// The shoppers and staff of the multi-node test (multinode_test.go), over
// real sockets and real HTTP.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/kefu-dev/kefu/chat"
)

// nodeFrame is a shopper frame, decoded loosely.
type nodeFrame struct {
	Type           string `json:"type"`
	ConversationID string `json:"conversation_id"`
	ResumeToken    string `json:"resume_token"`
	Resumed        bool   `json:"resumed"`
	State          string `json:"state"`
	Staff          string `json:"staff"`
	ClientID       string `json:"client_id"`
	Seq            int64  `json:"seq"`
	Role           string `json:"role"`
	Text           string `json:"text"`
	ActionID       string `json:"action_id"`
	Code           string `json:"code"`
}

// widget is one shopper's widget across the nodes it connects to: what it
// sent and was acknowledged, and every message frame it received, by seq.
type widget struct {
	t        *testing.T
	name     string
	customer string // a demo customer's external id; "" for a guest
	secret   []byte

	token, convID string
	lastSeq       int64
	acks          map[string]int64 // client id → seq
	got           map[int64]int    // message seq → times received (answers and staff replies)
	texts         map[int64]string
	ws            *websocket.Conn
	frames        chan nodeFrame
}

func newWidget(t *testing.T, name, customer string, secret []byte) *widget {
	return &widget{t: t, name: name, customer: customer, secret: secret,
		acks: map[string]int64{}, got: map[int64]int{}, texts: map[int64]string{}}
}

// connect opens a socket to addr and says hello (resuming after the last
// seq it received, once it has a conversation); it returns the welcome.
func (w *widget) connect(addr string) nodeFrame {
	w.t.Helper()
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
	ws, _, err := d.Dial("ws://"+addr+"/ws", nil)
	if err != nil {
		w.t.Fatalf("%s: dial %s: %v", w.name, addr, err)
	}
	w.ws, w.frames = ws, make(chan nodeFrame, 256)
	go func(ws *websocket.Conn, frames chan nodeFrame) {
		defer close(frames)
		for {
			_, b, err := ws.ReadMessage()
			if err != nil {
				return
			}
			var f nodeFrame
			if json.Unmarshal(b, &f) == nil {
				frames <- f
			}
		}
	}(ws, w.frames)
	w.t.Cleanup(func() { ws.Close() })
	hello := map[string]any{"type": "hello", "resume_token": w.token, "last_seq": w.lastSeq}
	if w.customer != "" {
		exp := time.Now().Add(time.Hour).Unix()
		hello["identity"] = map[string]any{"customer_id": w.customer, "expires": exp, "signature": chat.Sign(w.secret, w.customer, exp)}
	}
	w.send(hello)
	f := w.until("welcome", func(f nodeFrame) bool { return f.Type == "welcome" })
	if w.token != "" && (!f.Resumed || f.ConversationID != w.convID) {
		w.t.Fatalf("%s: the resume on %s opened %+v, not conversation %s", w.name, addr, f, w.convID)
	}
	w.token, w.convID = f.ResumeToken, f.ConversationID
	return f
}

func (w *widget) send(v any) {
	w.t.Helper()
	if err := w.ws.WriteJSON(v); err != nil {
		w.t.Fatalf("%s: send: %v", w.name, err)
	}
}

// say sends a message and waits for its ack.
func (w *widget) say(cid, text string) int64 {
	w.t.Helper()
	w.send(map[string]any{"type": "message", "client_id": cid, "text": text})
	f := w.until("ack of "+cid, func(f nodeFrame) bool { return f.Type == "ack" && f.ClientID == cid })
	return f.Seq
}

// until reads frames, recording them, until one matches (at most 30 s).
func (w *widget) until(what string, match func(nodeFrame) bool) nodeFrame {
	w.t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case f, ok := <-w.frames:
			if !ok {
				w.t.Fatalf("%s: the socket closed while waiting for %s", w.name, what)
			}
			w.record(f)
			if match(f) {
				return f
			}
		case <-timeout:
			w.t.Fatalf("%s: no %s within 30 s", w.name, what)
		}
	}
}

// drain records what is already waiting, then returns whether the socket
// is closed (its node died).
func (w *widget) waitClosed(d time.Duration) bool {
	timeout := time.After(d)
	for {
		select {
		case f, ok := <-w.frames:
			if !ok {
				return true
			}
			w.record(f)
		case <-timeout:
			return false
		}
	}
}

func (w *widget) record(f nodeFrame) {
	switch f.Type {
	case "ack":
		if prev, ok := w.acks[f.ClientID]; ok && prev != f.Seq {
			w.t.Errorf("%s: %s acknowledged as seq %d, then %d", w.name, f.ClientID, prev, f.Seq)
		}
		w.acks[f.ClientID] = f.Seq
	case "message":
		if f.Seq <= w.lastSeq {
			w.t.Errorf("%s: message seq %d after seq %d", w.name, f.Seq, w.lastSeq)
		}
		w.lastSeq = max(w.lastSeq, f.Seq)
		if f.Role != "user" {
			w.got[f.Seq]++
			w.texts[f.Seq] = f.Text
		}
	}
}

// answer is an assistant's answer frame.
func answerFrame(f nodeFrame) bool { return f.Type == "message" && f.Role == "assistant" }

// console is one staff member's console on one node: an HTTP client with
// its session cookie and CSRF token, and the staff socket.
type staffConsole struct {
	t     *testing.T
	base  string // http://addr
	http  *http.Client
	csrf  string
	name  string
	ws    *websocket.Conn
	mu    sync.Mutex
	raw   []string // the staff socket's frames
	heard chan struct{}
}

func signIn(t *testing.T, addr, email, password string) *staffConsole {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &staffConsole{t: t, base: "http://" + addr, http: &http.Client{Jar: jar, Timeout: 30 * time.Second}, heard: make(chan struct{}, 1)}
	var out struct {
		Staff struct {
			Name               string `json:"name"`
			MustChangePassword bool   `json:"must_change_password"`
		} `json:"staff"`
		CSRF string `json:"csrf_token"`
	}
	if code := c.post("/api/console/login", map[string]any{"email": email, "password": password}, &out); code != http.StatusOK {
		t.Fatalf("sign-in of %s on %s: %d", email, addr, code)
	}
	c.csrf, c.name = out.CSRF, out.Staff.Name
	if out.Staff.MustChangePassword {
		if code := c.post("/api/console/password", map[string]any{"current_password": password, "new_password": password + "-own"}, &out); code != http.StatusOK {
			t.Fatalf("%s chose a password: %d", email, code)
		}
		c.csrf = out.CSRF
	}
	return c
}

// post sends a JSON POST and decodes the answer into out; it returns the
// status.
func (c *staffConsole) post(path string, body, out any) int {
	c.t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, c.base+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", c.csrf)
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("POST %s: %v", path, err)
	}
	defer res.Body.Close()
	if out != nil {
		json.NewDecoder(res.Body).Decode(out)
	}
	return res.StatusCode
}

func (c *staffConsole) get(path string, out any) {
	c.t.Helper()
	res, err := c.http.Get(c.base + path)
	if err != nil {
		c.t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		c.t.Fatalf("GET %s: %d", path, res.StatusCode)
	}
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		c.t.Fatalf("GET %s: %v", path, err)
	}
}

// conversationIDs lists the ids GET /api/console/conversations?state=
// returns.
func (c *staffConsole) conversationIDs(state string) map[string]bool {
	c.t.Helper()
	var out struct {
		Conversations []struct {
			ID string `json:"id"`
		} `json:"conversations"`
	}
	c.get("/api/console/conversations?limit=200&state="+url.QueryEscape(state), &out)
	ids := map[string]bool{}
	for _, s := range out.Conversations {
		ids[s.ID] = true
	}
	return ids
}

// openSocket opens the staff socket and watches conversation id.
func (c *staffConsole) openSocket(id string) {
	c.t.Helper()
	u, _ := url.Parse(c.base)
	h := http.Header{}
	for _, ck := range c.http.Jar.Cookies(u) {
		h.Add("Cookie", ck.Name+"="+ck.Value)
	}
	ws, _, err := websocket.DefaultDialer.Dial("ws://"+u.Host+"/ws/console", h)
	if err != nil {
		c.t.Fatalf("staff socket: %v", err)
	}
	c.t.Cleanup(func() { ws.Close() })
	c.ws = ws
	go func() {
		for {
			_, b, err := ws.ReadMessage()
			if err != nil {
				return
			}
			c.mu.Lock()
			c.raw = append(c.raw, string(b))
			c.mu.Unlock()
			select {
			case c.heard <- struct{}{}:
			default:
			}
		}
	}()
	if err := ws.WriteJSON(map[string]any{"type": "watch", "conversation_id": id}); err != nil {
		c.t.Fatal(err)
	}
	c.hear(`"type":"watching"`)
}

// hear waits until a staff socket frame contains s (at most 30 s).
func (c *staffConsole) hear(s string) {
	c.t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		c.mu.Lock()
		for _, r := range c.raw {
			if strings.Contains(r, s) {
				c.mu.Unlock()
				return
			}
		}
		c.mu.Unlock()
		select {
		case <-c.heard:
		case <-timeout:
			c.t.Fatalf("%s's console never got a frame with %s", c.name, s)
		}
	}
}

func (c *staffConsole) String() string { return fmt.Sprintf("%s on %s", c.name, c.base) }
