package loadtest

// Several nodes (kefu loadtest --nodes, docs/scale.md): shoppers spread
// over the nodes' sockets (Options.URLs), the delivery of staff frames
// from one node to a shopper on another (CrossNode), and the time a dead
// node's shoppers wait to be answered on another (Failover).

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// rotated is o with its URLs turned by n places: a shopper whose node
// refused it tries the next one.
func (o Options) rotated(n int) Options {
	if len(o.URLs) > 1 && n > 0 {
		k := n % len(o.URLs)
		o.URLs = append(append([]string(nil), o.URLs[k:]...), o.URLs[:k]...)
	}
	return o
}

// Staff is a signed-in console session. Sessions are in the database, so
// one sign-in serves requests to every node.
type Staff struct {
	http *http.Client
	csrf string
}

// SignIn signs in on the console at base (http://host:port), choosing a
// new password if the account must.
func SignIn(ctx context.Context, base, email, password string) (*Staff, error) {
	jar, _ := cookiejar.New(nil)
	s := &Staff{http: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
	var out struct {
		Staff struct {
			MustChangePassword bool `json:"must_change_password"`
		} `json:"staff"`
		CSRF string `json:"csrf_token"`
	}
	if code, err := s.Post(ctx, base, "/api/console/login", map[string]any{"email": email, "password": password}, &out); err != nil || code != http.StatusOK {
		return nil, fmt.Errorf("loadtest: signing in as %s: status %d, %v", email, code, err)
	}
	s.csrf = out.CSRF
	if out.Staff.MustChangePassword {
		if code, err := s.Post(ctx, base, "/api/console/password", map[string]any{"current_password": password, "new_password": password + "-chosen"}, &out); err != nil || code != http.StatusOK {
			return nil, fmt.Errorf("loadtest: choosing a password: status %d, %v", code, err)
		}
		s.csrf = out.CSRF
	}
	return s, nil
}

// Post sends a JSON POST to base+path and decodes the answer into out.
func (s *Staff) Post(ctx context.Context, base, path string, body, out any) (int, error) {
	b, _ := json.Marshal(body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+path, bytes.NewReader(b))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", s.csrf)
	res, err := s.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	if out != nil {
		json.NewDecoder(res.Body).Decode(out)
	}
	return res.StatusCode, nil
}

// CrossResult is what CrossNode measured: the time from a staff request
// to the frame it makes reaching the shopper, with the staff on another
// node than the shopper (Cross) and on the same one (Same), for replies
// (stored, then published) and typing (published only).
type CrossResult struct {
	CrossReply, SameReply   Latency
	CrossTyping, SameTyping Latency
	Probes                  int
	Errors                  int
}

// CrossNode measures delivery between nodes for d: a shopper on the node
// at shopperURL (ws://…/ws) is taken over by staff, who reply and type
// alternately from the node at otherBase and at sameBase (http://…, the
// shopper's own node), one probe at a time.
func CrossNode(ctx context.Context, staff *Staff, shopperURL, sameBase, otherBase string, d time.Duration) (*CrossResult, error) {
	s := &probe{id: "cross"}
	if err := s.dial(ctx, shopperURL); err != nil {
		return nil, err
	}
	defer s.ws.Close()
	s.ws.SetReadDeadline(time.Now().Add(30 * time.Second))
	if err := s.ws.WriteJSON(map[string]any{"type": "message", "client_id": "cross-0", "text": "hello"}); err != nil {
		return nil, err
	}
	for answered := false; !answered; {
		var f rawFrame
		if err := s.ws.ReadJSON(&f); err != nil {
			return nil, fmt.Errorf("loadtest: the probe's first turn: %w", err)
		}
		answered = f.Type == "message" && f.Role == "assistant"
	}
	conv := s.conv
	if code, err := staff.Post(ctx, otherBase, "/api/console/conversations/"+conv+"/takeover", nil, nil); err != nil || code != http.StatusOK {
		return nil, fmt.Errorf("loadtest: taking the probe's conversation over: status %d, %v", code, err)
	}
	frames := make(chan rawFrame, 64)
	go func() {
		defer close(frames)
		s.ws.SetReadDeadline(time.Time{})
		for {
			_, b, err := s.ws.ReadMessage()
			if err != nil {
				return
			}
			var f rawFrame
			if json.Unmarshal(b, &f) == nil {
				f.at = time.Now()
				frames <- f
			}
		}
	}()
	wait := func(match func(rawFrame) bool) (time.Time, error) {
		timeout := time.After(10 * time.Second)
		for {
			select {
			case f, ok := <-frames:
				if !ok {
					return time.Time{}, errors.New("the probe's socket closed")
				}
				if match(f) {
					return f.at, nil
				}
			case <-timeout:
				return time.Time{}, errTimeout
			}
		}
	}
	res := &CrossResult{}
	var cr, sr, ct, stp []time.Duration
	end := time.Now().Add(d)
	typing := false
	for n := 0; time.Now().Before(end) && ctx.Err() == nil; n++ {
		base, replies, typings := otherBase, &cr, &ct
		if n%2 == 1 {
			base, replies, typings = sameBase, &sr, &stp
		}
		// A reply: stored, then published.
		text := fmt.Sprintf("probe %d", n)
		start := time.Now()
		code, err := staff.Post(ctx, base, "/api/console/conversations/"+conv+"/reply", map[string]any{"text": text, "client_id": fmt.Sprintf("p%d", n)}, nil)
		var at time.Time
		if err == nil && code == http.StatusOK {
			at, err = wait(func(f rawFrame) bool { return f.Type == "message" && f.Text == text })
		} else if err == nil {
			err = fmt.Errorf("status %d", code)
		}
		if err != nil {
			res.Errors++
			continue
		}
		*replies = append(*replies, at.Sub(start))
		// Typing: published only.
		typing = !typing
		start = time.Now()
		code, err = staff.Post(ctx, base, "/api/console/conversations/"+conv+"/typing", map[string]any{"typing": typing}, nil)
		if err == nil && code == http.StatusNoContent {
			at, err = wait(func(f rawFrame) bool { return f.Type == "typing" && f.Who == "staff" && f.Typing == typing })
		} else if err == nil {
			err = fmt.Errorf("status %d", code)
		}
		if err != nil {
			res.Errors++
			continue
		}
		*typings = append(*typings, at.Sub(start))
		res.Probes++
		time.Sleep(20 * time.Millisecond)
	}
	res.CrossReply, res.SameReply, res.CrossTyping, res.SameTyping = latency(cr), latency(sr), latency(ct), latency(stp)
	return res, nil
}

// rawFrame is a frame the probes look at.
type rawFrame struct {
	Type   string `json:"type"`
	Text   string `json:"text"`
	Who    string `json:"who"`
	Typing bool   `json:"typing"`
	Seq    int64  `json:"seq"`
	Role   string `json:"role"`
	at     time.Time
}

// FailoverResult is what Failover measured: for each of a dead node's
// shoppers, the time from the kill to its socket on another node
// resuming the conversation (Resumed), and to the answer of its message
// on that node: those whose message the dead node had acknowledged but
// whose answer they had not seen (InFlight) get it with the resume if the
// dead node had committed it, or else wait for its turn lease to expire
// and another node to answer; the others
// (between turns, or their message not acknowledged) ask again after the
// resume and are answered at once (Between).
type FailoverResult struct {
	Shoppers          int
	Resumed           Latency
	InFlight, Between Latency
	Errors            []string
}

// Failover puts n shoppers on the node at o.URLs[victim], each chatting
// turn after turn, calls kill while they chat, and then reconnects each
// to the next node, resuming its conversation, and measures how long each
// waited (see FailoverResult).
func Failover(ctx context.Context, o Options, victim, n int, kill func() error) (*FailoverResult, error) {
	if len(o.URLs) < 2 {
		return nil, errors.New("loadtest: failover needs two nodes")
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	on := o.rotated(victim).URLs
	probes := make([]*probe, n)
	for i := range probes {
		p := &probe{id: fmt.Sprintf("fo%d", i)}
		if err := p.dial(ctx, on[0]); err != nil {
			return nil, err
		}
		defer func() { p.ws.Close() }()
		probes[i] = p
	}
	killed := make(chan struct{})
	started := make(chan struct{}, n)
	var at time.Time
	var wg sync.WaitGroup
	for _, p := range probes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.err = p.chat(ctx, on[1:], started, killed, &at)
		}()
	}
	for range n {
		select {
		case <-started:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	time.Sleep(300 * time.Millisecond) // let turns be in flight
	at = time.Now()
	err := kill()
	close(killed)
	if err != nil {
		cancel()
		wg.Wait()
		return nil, err
	}
	wg.Wait()
	res := &FailoverResult{Shoppers: n}
	var resumed, inFlight, between []time.Duration
	for _, p := range probes {
		if p.err != nil {
			res.Errors = append(res.Errors, p.err.Error())
			continue
		}
		resumed = append(resumed, p.resumed)
		if p.inFlight {
			inFlight = append(inFlight, p.answered)
		} else {
			between = append(between, p.answered)
		}
	}
	res.Resumed, res.InFlight, res.Between = latency(resumed), latency(inFlight), latency(between)
	return res, nil
}

// probe is a shopper that keeps what a resume needs.
type probe struct {
	id                string
	ws                *websocket.Conn
	conv, token       string
	lastSeq           int64
	next              int
	resumed, answered time.Duration
	inFlight          bool
	err               error
}

func (p *probe) dial(ctx context.Context, url string) error {
	origin := "http://" + strings.TrimPrefix(strings.TrimPrefix(url, "ws://"), "wss://")
	origin = origin[:strings.IndexByte(origin[len("http://"):]+"/", '/')+len("http://")]
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
	dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	ws, _, err := d.DialContext(dctx, url, http.Header{"Origin": {origin}})
	if err != nil {
		return err
	}
	hello := map[string]any{"type": "hello", "locale": "en"}
	if p.token != "" {
		hello["resume_token"], hello["last_seq"] = p.token, p.lastSeq
	}
	ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	if err := ws.WriteJSON(hello); err != nil {
		ws.Close()
		return err
	}
	for {
		var f struct {
			Type           string `json:"type"`
			ConversationID string `json:"conversation_id"`
			ResumeToken    string `json:"resume_token"`
			Resumed        bool   `json:"resumed"`
		}
		if err := ws.ReadJSON(&f); err != nil {
			ws.Close()
			return err
		}
		if f.Type != "welcome" {
			continue
		}
		if p.token != "" && (!f.Resumed || f.ConversationID != p.conv) {
			ws.Close()
			return fmt.Errorf("the resume opened conversation %s (resumed %v), not %s", f.ConversationID, f.Resumed, p.conv)
		}
		p.ws, p.conv, p.token = ws, f.ConversationID, f.ResumeToken
		ws.SetReadDeadline(time.Time{})
		return nil
	}
}

// chat runs turns until the socket fails after the kill, then resumes on
// the first of others that takes it and waits for its message's answer.
func (p *probe) chat(ctx context.Context, others []string, started chan<- struct{}, killed <-chan struct{}, at *time.Time) error {
	cid, acked, answered := "", int64(0), true
	send := func() error {
		p.next++
		cid, acked, answered = fmt.Sprintf("%s-%d", p.id, p.next), 0, false
		return p.ws.WriteJSON(map[string]any{"type": "message", "client_id": cid, "text": "where is my order?"})
	}
	// read handles frames until the message's answer (true) or an error.
	read := func() error {
		for !answered {
			var f rawFrame
			var idf struct {
				ClientID string `json:"client_id"`
				Code     string `json:"code"`
			}
			_, b, err := p.ws.ReadMessage()
			if err != nil {
				return err
			}
			json.Unmarshal(b, &f)
			json.Unmarshal(b, &idf)
			switch {
			case f.Type == "ack" && idf.ClientID == cid:
				acked = f.Seq
			case f.Type == "error":
				return fmt.Errorf("error frame %s", idf.Code)
			case f.Type == "message":
				p.lastSeq = max(p.lastSeq, f.Seq)
				if acked > 0 && f.Seq > acked && f.Role == "assistant" {
					answered = true
				}
			}
		}
		return nil
	}
	first := true
	for {
		if err := send(); err != nil {
			break
		}
		if err := read(); err != nil {
			break
		}
		if first {
			started <- struct{}{}
			first = false
		}
		// A shopper reads the answer before writing again: the kill
		// finds some between turns.
		select {
		case <-time.After(time.Duration(200+rand.IntN(800)) * time.Millisecond):
		case <-killed:
		}
	}
	select {
	case <-killed:
	case <-ctx.Done():
		return ctx.Err()
	}
	p.ws.Close()
	if first {
		return errors.New("the socket failed before the kill")
	}
	p.inFlight = !answered && acked > 0 // stored on the dead node, its answer not seen
	for i := 0; ; i++ {
		if err := p.dial(ctx, others[i%len(others)]); err == nil {
			break
		} else if ctx.Err() != nil {
			return fmt.Errorf("no node took the resume: %w", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	p.resumed = time.Since(*at)
	p.ws.SetReadDeadline(time.Now().Add(time.Minute))
	switch {
	case answered:
		if err := send(); err != nil {
			return err
		}
	case acked == 0:
		// Not acknowledged: the widget sends it again, with its client id
		// (stored once).
		if err := p.ws.WriteJSON(map[string]any{"type": "message", "client_id": cid, "text": "where is my order?"}); err != nil {
			return err
		}
	}
	if err := read(); err != nil {
		return fmt.Errorf("after the resume: %w", err)
	}
	p.answered = time.Since(*at)
	return nil
}
