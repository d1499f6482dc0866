package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/kefu-dev/kefu/chat"
)

// TestKillUnderLoad runs the real kefu binary, puts it under load from
// concurrent shoppers on real sockets, kills it with SIGKILL mid-load, and
// restarts it on the same database, three times; then every shopper comes
// back a last time, and kefu stops gracefully. Some shoppers have a second
// tab open on the same conversation. It checks what a crash must not
// break:
//   - every acknowledged message is in the database, with the acknowledged
//     seq and text, once; a retry of an unacknowledged message after the
//     crash is acknowledged with the same seq if it was stored before it;
//   - a resume reopens the same conversation;
//   - no tab receives an answer twice, across all its sockets (live or on
//     resume with last_seq), nor a message out of seq order;
//   - no turn is answered twice, a clean session answers every message,
//     seqs stay gapless and the database passes integrity_check after
//     every crash, and the full-text index after the last;
//   - (subtest, skipped for a known bug) every tab receives every stored
//     answer of its conversation.
//
// A turn that was running or queued when kefu was killed runs when its
// shopper resumes (the engine answers the trailing unanswered messages of
// a conversation it loads). The test counts messages still unanswered and
// logs them; it does not require every one to be answered.
func TestKillUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the kefu binary")
	}
	const (
		shoppers = 30
		kills    = 3
		secret   = "kill-test-secret-0123456789abcdef0123456789"
	)
	start := time.Now()
	bin := buildKefu(t)
	t.Logf("built kefu in %s", time.Since(start).Round(time.Millisecond))
	dir := t.TempDir()
	db := filepath.Join(dir, "kefu.db")
	env := []string{
		"KEFU_DB=" + db, "KEFU_ADDR=127.0.0.1:0", "KEFU_IDENTITY_SECRET=" + secret, "KEFU_DEMO=false",
		"KEFU_ADMIN_EMAIL=admin@kefu.local", "KEFU_ADMIN_PASSWORD=kill-test-password",
		"KEFU_SHUTDOWN_TIMEOUT=10s",
		// Every shopper comes from 127.0.0.1: the per-address limit would
		// refuse the load otherwise.
		"KEFU_MESSAGE_RATE=1000", "KEFU_MESSAGE_BURST=1000", "KEFU_IP_RATE=100000", "KEFU_IP_BURST=100000",
		"HOME=" + dir, "TMPDIR=" + dir,
	}
	rng := rand.New(rand.NewSource(1))
	all := make([]*shopper, shoppers)
	for i := range all {
		s := &shopper{n: i, rng: rand.New(rand.NewSource(int64(100 + i))), secret: []byte(secret),
			texts: map[string]string{}, acks: map[string]int64{}, noTurn: map[string]bool{}}
		if i%3 == 0 { // a third are signed-in demo customers, the rest guests
			s.customer = fmt.Sprintf("cus_%d", 1001+i/3%8)
		}
		s.tabs = []*tab{newTab(fmt.Sprintf("shopper %d", i))}
		if i%4 == 1 { // a quarter have a second tab open, which only listens
			s.tabs = append(s.tabs, newTab(fmt.Sprintf("shopper %d, second tab", i)))
		}
		all[i] = s
	}

	unansweredAtKill := 0 // stored shopper messages without an answer, after the last kill
	for cycle := 0; cycle < kills; cycle++ {
		started := time.Now()
		srv := startKefu(t, bin, env)
		t.Logf("cycle %d: kefu ready in %s", cycle, time.Since(started).Round(time.Millisecond))
		var acked atomic.Int64
		var killed atomic.Bool
		var wg sync.WaitGroup
		errs := make([]error, len(all))
		for i, s := range all {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = s.loadSession(srv.addr, &acked, &killed)
			}()
		}
		// Kill mid-load: after a random number of acknowledgements, while
		// every shopper keeps sending.
		threshold := int64(40 + rng.Intn(60))
		deadline := time.Now().Add(20 * time.Second)
		for acked.Load() < threshold && time.Now().Before(deadline) && !srv.exited() {
			time.Sleep(5 * time.Millisecond)
		}
		if acked.Load() < threshold {
			t.Fatalf("cycle %d: only %d messages acknowledged (exited: %v)\n%s", cycle, acked.Load(), srv.exited(), srv.log.tail())
		}
		killed.Store(true)
		srv.kill(t)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("cycle %d, shopper %d: %v", cycle, i, err)
			}
		}
		if srv.log.contains("WARNING: DATA RACE") {
			t.Errorf("the race detector reported a race in kefu:\n%s", srv.log.String())
		}
		// The database as SIGKILL left it, before any recovery by kefu.
		unanswered := checkCrashedDB(t, db, all)
		t.Logf("cycle %d: killed after %d acknowledgements; %d more shopper messages left unanswered by the kill",
			cycle, acked.Load(), unanswered-unansweredAtKill)
		unansweredAtKill = unanswered
		if t.Failed() {
			t.FailNow()
		}
	}

	// The last restart: every shopper resends what was never
	// acknowledged and sends two new messages; when the database shows
	// every turn of this session finished, each tab waits for the answers
	// it has not received yet (at most a few seconds: one it never gets
	// is a lost answer), then kefu stops gracefully.
	base := lastSeqs(t, db) // the messages of this session are those after last_seq
	started := time.Now()
	srv := startKefu(t, bin, env)
	t.Logf("final run: kefu ready in %s", time.Since(started).Round(time.Millisecond))
	settled := &settledAnswers{done: make(chan struct{})}
	var sent, wg sync.WaitGroup
	errs := make([]error, len(all))
	for i, s := range all {
		wg.Add(1)
		sent.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.finalSession(srv.addr, sent.Done, settled)
		}()
	}
	sent.Wait()
	settled.answers = waitForTurns(t, db, all, base)
	close(settled.done)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("shopper %d, final session: %v", i, err)
		}
	}
	if code := srv.stop(t); code != 0 {
		t.Errorf("kefu exited with %d after SIGTERM\n%s", code, srv.log.tail())
	}
	if srv.log.contains("WARNING: DATA RACE") {
		t.Errorf("the race detector reported a race in kefu:\n%s", srv.log.String())
	}
	checkFinalDB(t, db, all, unansweredAtKill)
}

// ---- the kefu process ----

// buildKefu builds the kefu binary, with the race detector when the test
// runs with it (so that races under load are caught in the server too).
func buildKefu(t *testing.T) string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		if gr := os.Getenv("GOROOT"); gr != "" {
			gobin = filepath.Join(gr, "bin", "go")
		} else {
			t.Skip("the go command is not on PATH")
		}
	}
	bin := filepath.Join(t.TempDir(), "kefu")
	args := []string{"build", "-o", bin}
	if raceEnabled() {
		args = append(args, "-race")
	}
	cmd := exec.Command(gobin, append(args, ".")...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out.String())
	}
	return bin
}

func raceEnabled() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}

type kefuProc struct {
	cmd  *exec.Cmd
	addr string
	log  *procLog
	done chan struct{}
	err  error // of Wait, once done is closed
}

// startKefu runs `kefu serve` and waits until it listens.
func startKefu(t *testing.T, bin string, env []string) *kefuProc {
	t.Helper()
	p := &kefuProc{log: &procLog{ready: make(chan string, 1)}, done: make(chan struct{})}
	p.cmd = exec.Command(bin, "serve")
	p.cmd.Env = env
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		if !p.exited() {
			p.cmd.Process.Kill()
			<-p.done
		}
	})
	select {
	case p.addr = <-p.log.ready:
	case <-p.done:
		t.Fatalf("kefu exited before it was ready: %v\n%s", p.err, p.log.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("kefu was not ready after 60s\n%s", p.log.String())
	}
	return p
}

func (p *kefuProc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// kill ends kefu with SIGKILL: no shutdown code runs.
func (p *kefuProc) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatalf("kill: %v", err)
	}
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		t.Fatal("kefu did not die after SIGKILL")
	}
}

// stop sends SIGTERM and returns the exit code.
func (p *kefuProc) stop(t *testing.T) int {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM: %v", err)
	}
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		t.Fatalf("kefu did not stop after SIGTERM\n%s", p.log.tail())
	}
	return p.cmd.ProcessState.ExitCode()
}

// procLog collects kefu's output and finds the address it listens on.
type procLog struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	ready chan string
	found bool
}

var readyLine = regexp.MustCompile(`msg="kefu is ready" url=http://(\S+)`)

func (l *procLog) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(b)
	if !l.found {
		if m := readyLine.FindSubmatch(l.buf.Bytes()); m != nil {
			l.found = true
			l.ready <- string(m[1])
		}
	}
	return len(b), nil
}

func (l *procLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *procLog) contains(s string) bool { return strings.Contains(l.String(), s) }

func (l *procLog) tail() string {
	s := l.String()
	if len(s) > 4000 {
		s = "…" + s[len(s)-4000:]
	}
	return s
}

// ---- shoppers ----

// What shoppers ask: English and Chinese, questions the built-in model
// answers from the knowledge base or with a question back.
var shopperTexts = []string{
	"where is my order",
	"how long does shipping to Canada take",
	"退货运费谁出",
	"do you ship to Japan?",
	"what's your return policy?",
	"我的订单到哪了",
	"can I pay with PayPal?",
	"运费多少钱",
	"hi there",
	"how do I track my parcel?",
	"保修多久",
	"what size should I get?",
	"can you recommend a tent?",
	"how long do refunds take",
	"我想退货",
}

// shopper is one widget: its conversation and what it sent, across all
// its sessions; tabs[0] sends, tabs[1] (if any) only listens. Only one
// session runs at a time.
type shopper struct {
	n        int
	customer string // a demo customer's external id; "" for a guest
	secret   []byte
	rng      *rand.Rand
	tabs     []*tab

	token  string
	convID string
	state  string
	next   int

	texts   map[string]string // client id → text, for every message sent
	acks    map[string]int64  // client id → acknowledged seq
	unacked []string          // sent but never acknowledged, oldest first
	noTurn  map[string]bool   // acknowledged, but refused a turn (queue full)
}

// tab is what one browser tab received, across its sockets.
type tab struct {
	name    string
	lastSeq int64         // the highest message seq received: last_seq on resume
	answers map[int64]int // assistant message seq → times received
	users   map[int64]int // shopper message seq → times received
	trace   []string      // frames sent and received, for failure reports
}

func newTab(name string) *tab {
	return &tab{name: name, answers: map[int64]int{}, users: map[int64]int{}}
}

// wireFrame is any server frame, decoded loosely.
type wireFrame struct {
	Type           string `json:"type"`
	ConversationID string `json:"conversation_id"`
	ResumeToken    string `json:"resume_token"`
	Resumed        bool   `json:"resumed"`
	State          string `json:"state"`
	ClientID       string `json:"client_id"`
	Seq            int64  `json:"seq"`
	Role           string `json:"role"`
	Code           string `json:"code"`
	Message        string `json:"message"`
}

// socket is one tab's connection, with its frames read on a goroutine.
type socket struct {
	ws     *websocket.Conn
	frames chan wireFrame
	err    error // why frames was closed
}

// dial opens a socket for tb and says hello, resuming with token.
func (s *shopper) dial(addr string, tb *tab, token string) (*socket, error) {
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
	ws, _, err := d.Dial("ws://"+addr+"/ws", nil)
	if err != nil {
		return nil, err
	}
	so := &socket{ws: ws, frames: make(chan wireFrame, 64)}
	go func() {
		defer close(so.frames)
		for {
			var f wireFrame
			_, b, err := ws.ReadMessage()
			if err == nil {
				err = json.Unmarshal(b, &f)
			}
			if err != nil {
				so.err = err
				return
			}
			so.frames <- f
		}
	}()
	tb.trace = append(tb.trace, fmt.Sprintf("> hello last_seq=%d (%s)", tb.lastSeq, addr))
	hello := map[string]any{"type": "hello", "resume_token": token, "last_seq": tb.lastSeq}
	if s.customer != "" {
		exp := time.Now().Add(time.Hour).Unix()
		hello["identity"] = map[string]any{"customer_id": s.customer, "expires": exp, "signature": chat.Sign(s.secret, s.customer, exp)}
	}
	if err := ws.WriteJSON(hello); err != nil {
		ws.Close()
		return nil, err
	}
	return so, nil
}

// record notes a frame a tab received; it returns a protocol violation,
// if any.
func (tb *tab) record(f wireFrame) error {
	if f.Type == "" || f.Type == "delta" || f.Type == "typing" || f.Type == "activity" {
		return nil
	}
	tb.trace = append(tb.trace, fmt.Sprintf("< %s seq=%d role=%s cid=%s state=%s code=%s", f.Type, f.Seq, f.Role, f.ClientID, f.State, f.Code))
	if f.Type != "message" {
		return nil
	}
	if f.Seq <= tb.lastSeq {
		return fmt.Errorf("%s: message seq %d after seq %d", tb.name, f.Seq, tb.lastSeq)
	}
	tb.lastSeq = f.Seq
	switch f.Role {
	case "assistant":
		tb.answers[f.Seq]++
	case "user":
		tb.users[f.Seq]++
	}
	return nil
}

// has reports whether the tab received every answer in seqs.
func (tb *tab) has(seqs []int64) bool {
	for _, seq := range seqs {
		if tb.answers[seq] == 0 {
			return false
		}
	}
	return true
}

// send sends a new message, or resends an unacknowledged one (cid != "");
// it returns the client id.
func (s *shopper) send(so *socket, cid string) (string, error) {
	if cid == "" {
		cid = fmt.Sprintf("s%d-m%d", s.n, s.next)
		s.next++
		s.texts[cid] = shopperTexts[s.rng.Intn(len(shopperTexts))]
		s.unacked = append(s.unacked, cid)
	}
	s.tabs[0].trace = append(s.tabs[0].trace, "> message cid="+cid)
	return cid, so.ws.WriteJSON(map[string]any{"type": "message", "client_id": cid, "text": s.texts[cid]})
}

// handle records a frame of the sending tab; it returns a protocol
// violation, if any.
func (s *shopper) handle(f wireFrame) error {
	if err := s.tabs[0].record(f); err != nil {
		return err
	}
	switch f.Type {
	case "welcome":
		if s.token != "" && (!f.Resumed || f.ConversationID != s.convID || f.ResumeToken != s.token) {
			return fmt.Errorf("resume did not reopen the conversation: %+v (had %s)", f, s.convID)
		}
		s.token, s.convID, s.state = f.ResumeToken, f.ConversationID, f.State
	case "ack":
		if prev, ok := s.acks[f.ClientID]; ok && prev != f.Seq {
			return fmt.Errorf("client id %s acknowledged as seq %d, then as %d", f.ClientID, prev, f.Seq)
		}
		if _, ok := s.texts[f.ClientID]; !ok || f.Seq <= 0 {
			return fmt.Errorf("ack of a message never sent: %+v", f)
		}
		s.acks[f.ClientID] = f.Seq
		s.unacked = slices.DeleteFunc(s.unacked, func(id string) bool { return id == f.ClientID })
	case "message":
		if seq, ok := s.acks[f.ClientID]; ok && f.Role == "user" && seq != f.Seq {
			return fmt.Errorf("own message %s shown as seq %d, acknowledged as %d", f.ClientID, f.Seq, seq)
		}
	case "state":
		s.state = f.State
	case "error":
		if f.Code == chat.CodeRateLimited && f.ClientID != "" {
			if _, ok := s.acks[f.ClientID]; ok {
				s.noTurn[f.ClientID] = true // stored, but the turn queue was full
			}
			return nil // not stored: it is retried as an unacknowledged message
		}
		return fmt.Errorf("error frame %s: %s (client id %q)", f.Code, f.Message, f.ClientID)
	}
	return nil
}

// listen runs the second tab's socket until it ends (with the kill) or,
// in the final session, until it has every settled answer or grace ends.
func (s *shopper) listen(addr, token, convID string, tb *tab, killed *atomic.Bool, settled *settledAnswers) error {
	so, err := s.dial(addr, tb, token)
	if err != nil {
		if killed != nil && killed.Load() {
			return nil
		}
		return fmt.Errorf("%s: dial: %w", tb.name, err)
	}
	defer so.ws.Close()
	var grace <-chan time.Time
	var done <-chan struct{}
	if settled != nil {
		done = settled.done
	}
	for {
		select {
		case f, ok := <-so.frames:
			if !ok {
				if killed != nil && killed.Load() {
					return nil
				}
				return fmt.Errorf("%s: socket ended: %v", tb.name, so.err)
			}
			if f.Type == "welcome" && (!f.Resumed || f.ConversationID != convID) {
				return fmt.Errorf("%s: resume did not open the conversation: %+v", tb.name, f)
			}
			if f.Type == "error" {
				return fmt.Errorf("%s: error frame %s: %s", tb.name, f.Code, f.Message)
			}
			if err := tb.record(f); err != nil {
				return err
			}
		case <-done:
			done, grace = nil, time.After(3*time.Second)
		case <-grace:
			return nil // what is still missing is lost
		}
		if grace != nil && tb.has(settled.answers[convID]) {
			return nil
		}
	}
}

// listener runs the second tab, if the shopper has one, beside a session
// of the first, once the conversation is known; wait waits for it.
type listener struct {
	done chan struct{}
	err  error
}

func (s *shopper) startListener(addr string, killed *atomic.Bool, settled *settledAnswers) *listener {
	if len(s.tabs) < 2 {
		return nil
	}
	l := &listener{done: make(chan struct{})}
	token, convID, tb := s.token, s.convID, s.tabs[1]
	go func() {
		defer close(l.done)
		l.err = s.listen(addr, token, convID, tb, killed, settled)
	}()
	return l
}

func (l *listener) wait() error {
	if l == nil {
		return nil
	}
	<-l.done
	return l.err
}

// loadSession connects (resuming when it can), resends what was never
// acknowledged, and sends messages until kefu is killed: one at a time,
// sometimes waiting for the answer, sometimes not.
func (s *shopper) loadSession(addr string, acked *atomic.Int64, killed *atomic.Bool) (err error) {
	so, err := s.dial(addr, s.tabs[0], s.token)
	if err != nil {
		if killed.Load() {
			return nil
		}
		return fmt.Errorf("dial: %w", err)
	}
	defer so.ws.Close()
	var second *listener
	defer func() {
		if lerr := second.wait(); err == nil {
			err = lerr
		}
	}()
	welcomed := false
	inFlight := "" // a sent message awaiting its ack
	waitAnswer := false
	var pause <-chan time.Time
	for {
		var f wireFrame
		select {
		case g, ok := <-so.frames:
			if !ok {
				if killed.Load() {
					return nil
				}
				return fmt.Errorf("socket ended before the kill: %v", so.err)
			}
			f = g
		case <-pause:
			pause, waitAnswer = nil, false
		}
		if err := s.handle(f); err != nil {
			return err
		}
		switch f.Type {
		case "welcome":
			welcomed = true
			second = s.startListener(addr, killed, nil)
		case "ack":
			acked.Add(1)
			if f.ClientID == inFlight {
				inFlight = ""
				// Half the time wait for an answer (at most 300ms), else
				// send on after a short pause, while the turn runs.
				if s.rng.Intn(2) == 0 && s.state == "bot" {
					waitAnswer, pause = true, time.After(300*time.Millisecond)
				} else {
					pause = time.After(time.Duration(s.rng.Intn(20)) * time.Millisecond)
				}
			}
		case "error":
			if f.ClientID == inFlight && s.acks[inFlight] == 0 {
				// Refused before it was stored: resent after a pause.
				inFlight, pause = "", time.After(50*time.Millisecond)
			}
		case "message":
			if f.Role == "assistant" && waitAnswer {
				waitAnswer, pause = false, time.After(time.Duration(s.rng.Intn(10))*time.Millisecond)
			}
		}
		if !welcomed || inFlight != "" || pause != nil {
			continue
		}
		// Messages not acknowledged before the crash go first, with their
		// client ids, as the widget resends them.
		cid := ""
		if len(s.unacked) > 0 {
			cid = s.unacked[0]
		}
		if inFlight, err = s.send(so, cid); err != nil {
			if killed.Load() {
				return nil
			}
			return fmt.Errorf("send: %w", err)
		}
	}
}

// settledAnswers is, once done is closed, every conversation's stored
// answers after the last turn of the final session finished.
type settledAnswers struct {
	done    chan struct{}
	answers map[string][]int64 // conversation id → answer seqs
}

// finalSession comes back after the last crash: it resends what was never
// acknowledged and sends two new messages (then calls sent); once the
// database shows every turn finished (settled), it waits until each tab
// has every stored answer, for at most a few seconds.
func (s *shopper) finalSession(addr string, sent func(), settled *settledAnswers) (err error) {
	var sentOnce sync.Once
	defer sentOnce.Do(sent)
	so, err := s.dial(addr, s.tabs[0], s.token)
	if err != nil {
		return fmt.Errorf("dial: %w", err)
	}
	defer so.ws.Close()
	var second *listener
	defer func() {
		if lerr := second.wait(); err == nil {
			err = lerr
		}
	}()
	fresh := 2
	inFlight := ""
	welcomed := false
	var grace <-chan time.Time
	done := settled.done
	for {
		var f wireFrame
		select {
		case g, ok := <-so.frames:
			if !ok {
				return fmt.Errorf("socket ended: %v (acknowledged %d of %d, state %s)", so.err, len(s.acks), len(s.texts), s.state)
			}
			f = g
		case <-done:
			done, grace = nil, time.After(3*time.Second)
		case <-grace:
			so.ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
			return nil // what is still missing is lost
		}
		if err := s.handle(f); err != nil {
			return err
		}
		switch f.Type {
		case "welcome":
			welcomed = true
			second = s.startListener(addr, nil, settled)
		case "ack":
			if f.ClientID == inFlight {
				inFlight = ""
			}
		case "error":
			if f.ClientID == inFlight && s.acks[inFlight] == 0 {
				time.Sleep(50 * time.Millisecond) // refused before it was stored: resend
				inFlight = ""
			}
		}
		if grace != nil && s.tabs[0].has(settled.answers[s.convID]) {
			so.ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
			return nil
		}
		if !welcomed || inFlight != "" {
			continue
		}
		if len(s.unacked) > 0 || fresh > 0 {
			cid := ""
			if len(s.unacked) > 0 {
				cid = s.unacked[0]
			} else {
				fresh--
			}
			if inFlight, err = s.send(so, cid); err != nil {
				return fmt.Errorf("send: %w", err)
			}
			continue
		}
		sentOnce.Do(sent)
	}
}

// ---- the database ----

// openRO opens the database read-only with the plain driver, so that
// looking at what SIGKILL left changes nothing before kefu recovers it.
func openRO(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+(&url.URL{Path: path}).EscapedPath()+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}

func lastSeqs(t *testing.T, path string) map[string]int64 {
	t.Helper()
	db := openRO(t, path)
	defer db.Close()
	rows, err := db.Query(`SELECT id, last_seq FROM conversations`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var id string
		var seq int64
		if err := rows.Scan(&id, &seq); err != nil {
			t.Fatal(err)
		}
		out[id] = seq
	}
	return out
}

// storedMessage is a message row, as the checks need it.
type storedMessage struct {
	seq          int64
	role, text   string
	clientID     string
	hasToolCalls bool
}

func conversationMessages(t *testing.T, db *sql.DB, convID string) []storedMessage {
	t.Helper()
	rows, err := db.Query(`SELECT seq, role, text, COALESCE(client_id, ''), tool_calls IS NOT NULL
		FROM messages WHERE conversation_id = ? ORDER BY seq`, convID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []storedMessage
	for rows.Next() {
		var m storedMessage
		if err := rows.Scan(&m.seq, &m.role, &m.text, &m.clientID, &m.hasToolCalls); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func (m storedMessage) isAnswer() bool {
	return m.role == "assistant" && !m.hasToolCalls && m.text != ""
}

// checkDB asserts what holds after any stop, clean or not, and returns
// how many stored shopper messages have no answer (turns lost to a kill,
// or refused).
func checkDB(t *testing.T, db *sql.DB, all []*shopper) (unanswered int) {
	t.Helper()
	var res string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&res); err != nil || res != "ok" {
		t.Fatalf("integrity_check: %q, %v", res, err)
	}
	// Seqs number each conversation's messages from 1 without gaps.
	var bad int
	if err := db.QueryRow(`SELECT COUNT(*) FROM conversations c WHERE c.last_seq !=
		(SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id) OR c.last_seq !=
		(SELECT COALESCE(MAX(seq), 0) FROM messages m WHERE m.conversation_id = c.id)`).Scan(&bad); err != nil || bad != 0 {
		t.Errorf("%d conversations whose seqs are not 1..last_seq (%v)", bad, err)
	}
	for _, s := range all {
		if s.convID == "" {
			continue
		}
		ms := conversationMessages(t, db, s.convID)
		byClient := map[string]storedMessage{}
		users, answers := 0, 0
		for _, m := range ms {
			switch {
			case m.role == "user":
				if m.clientID != "" {
					byClient[m.clientID] = m
				}
				users++
			case m.isAnswer():
				answers++
				// One answer per turn, after the message it answers:
				// no turn ran twice.
				if answers > users {
					t.Errorf("shopper %d: answer seq %d is answer %d to %d shopper messages", s.n, m.seq, answers, users)
				}
			}
		}
		unanswered += users - answers
		for cid, seq := range s.acks {
			m, ok := byClient[cid]
			if !ok {
				t.Errorf("shopper %d: %s was acknowledged as seq %d but is not in the database", s.n, cid, seq)
				continue
			}
			if m.seq != seq || m.text != s.texts[cid] {
				t.Errorf("shopper %d: %s acknowledged as seq %d %q, stored as seq %d %q", s.n, cid, seq, s.texts[cid], m.seq, m.text)
			}
		}
	}
	return unanswered
}

func checkCrashedDB(t *testing.T, path string, all []*shopper) int {
	t.Helper()
	db := openRO(t, path)
	defer db.Close()
	return checkDB(t, db, all)
}

// waitForTurns waits until the database shows every turn of the final
// session finished: each conversation in the bot state has an answer for
// every shopper message stored after base (a clean session answers every
// message; failing to within 20s is an error). It returns every
// conversation's answer seqs.
func waitForTurns(t *testing.T, path string, all []*shopper, base map[string]int64) map[string][]int64 {
	t.Helper()
	db := openRO(t, path)
	defer db.Close()
	deadline := time.Now().Add(20 * time.Second) // a bound on a hung turn, not a speed requirement
	for {
		answers := map[string][]int64{}
		pending := 0
		for _, s := range all {
			var state string
			if err := db.QueryRow(`SELECT state FROM conversations WHERE id = ?`, s.convID).Scan(&state); err != nil {
				t.Fatal(err)
			}
			users, answered := 0, 0
			for _, m := range conversationMessages(t, db, s.convID) {
				if m.isAnswer() {
					answers[s.convID] = append(answers[s.convID], m.seq)
				}
				if m.seq > base[s.convID] {
					switch {
					case m.role == "user":
						users++
					case m.isAnswer():
						answered++
					}
				}
			}
			if state == "bot" && answered < users {
				pending++
			}
		}
		if pending == 0 {
			return answers
		}
		if time.Now().After(deadline) {
			t.Errorf("%d conversations still have unanswered messages of the final session", pending)
			return answers
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// checkFinalDB checks the database after the graceful stop: what checkDB
// checks, that the final (clean) sessions left no message unanswered, that
// no tab received an answer twice, and that the search index is sound.
// Then, as a subtest, that every stored answer reached every tab.
func checkFinalDB(t *testing.T, path string, all []*shopper, unansweredAtKill int) {
	t.Helper()
	db := openRO(t, path)
	defer db.Close()
	unanswered := checkDB(t, db, all)
	acked, received := 0, 0
	for _, s := range all {
		acked += len(s.acks)
		if len(s.unacked) > 0 {
			t.Errorf("shopper %d: never acknowledged: %v", s.n, s.unacked)
		}
		for _, tb := range s.tabs {
			received += len(tb.answers)
			for seq, n := range tb.answers {
				if n > 1 {
					t.Errorf("%s: answer seq %d received %d times", tb.name, seq, n)
				}
			}
			for seq, n := range tb.users {
				if n > 1 {
					t.Errorf("%s: shopper message seq %d received %d times", tb.name, seq, n)
				}
			}
		}
	}
	// A turn lost to a kill runs when its shopper resumes (the trailing
	// unanswered messages of a conversation are answered then); a few
	// may stay unanswered, e.g. a message refused a turn because the
	// conversation's queue was full. Logged, not asserted.
	t.Logf("%d messages acknowledged, %d answers received (all tabs); %d stored shopper messages never answered, %d after the last kill",
		acked, received, unanswered, unansweredAtKill)

	// The full-text index survived the kills too.
	rw, err := sql.Open("sqlite3", "file:"+(&url.URL{Path: path}).EscapedPath()+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer rw.Close()
	if _, err := rw.ExecContext(context.Background(), `INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')`); err != nil {
		t.Errorf("messages_fts integrity-check: %v", err)
	}

	t.Run("every stored answer reaches every tab", func(t *testing.T) {
		for _, s := range all {
			stored := map[int64]bool{}
			var rows []string
			for _, m := range conversationMessages(t, db, s.convID) {
				if m.isAnswer() {
					stored[m.seq] = true
				}
				rows = append(rows, fmt.Sprintf("%d %s cid=%s answer=%v", m.seq, m.role, m.clientID, m.isAnswer()))
			}
			for _, tb := range s.tabs {
				var missing, extra []int64
				for seq := range stored {
					if tb.answers[seq] == 0 {
						missing = append(missing, seq)
					}
				}
				for seq := range tb.answers {
					if !stored[seq] {
						extra = append(extra, seq)
					}
				}
				slices.Sort(missing)
				if len(missing) > 0 {
					t.Errorf("%s (conversation %s): stored answers never received: seqs %v (received %d answers, last_seq %d)\nstored:\n  %s\nframes:\n  %s",
						tb.name, s.convID, missing, len(tb.answers), tb.lastSeq, strings.Join(rows, "\n  "), strings.Join(tb.trace, "\n  "))
				}
				if len(extra) > 0 {
					t.Errorf("%s: received answers that are not stored: seqs %v", tb.name, extra)
				}
			}
		}
	})
}
