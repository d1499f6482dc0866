//go:build linux

// (Loopback addresses besides 127.0.0.1, /proc and socket buffer options:
// Linux.)

package chat

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/kefu-dev/kefu/agents"
	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/store/demo"
)

// exhaustionServer is the engine behind a real HTTP server with the
// routes an attacker meets: the shopper socket, a health check and a
// staff socket (signed in as Mei, as the console's would be).
type exhaustionServer struct {
	*testServer
	db   string // the SQLite file
	base string // http://127.0.0.1:port
	host string // 127.0.0.1:port
}

func newExhaustionServer(t *testing.T, tune func(*Config)) *exhaustionServer {
	t.Helper()
	return newExhaustionServerOver(t, tune, nil)
}

// newExhaustionServerOver is newExhaustionServer with the engine's store
// seen through over (to count what reaches it).
func newExhaustionServerOver(t *testing.T, tune func(*Config), over func(*store.Store) Store) *exhaustionServer {
	t.Helper()
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "kefu.db")
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Import(ctx, demo.Dataset(time.Now())); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	runner, err := agents.NewRunner(ctx, st, agents.Options{Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{IdentitySecret: testSecret, HelloTimeout: 2 * time.Second}
	if tune != nil {
		tune(&cfg)
	}
	var es Store = st
	if over != nil {
		es = over(st)
	}
	e := NewEngine(es, runner, cfg, log, prometheus.NewRegistry())
	srv := httptest.NewServer(exhaustionRoutes(e))
	t.Cleanup(func() {
		srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		e.Shutdown(ctx)
		st.Close()
	})
	ts := &testServer{t: t, st: st, engine: e, srv: srv, url: "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws"}
	return &exhaustionServer{testServer: ts, db: db, base: srv.URL, host: strings.TrimPrefix(srv.URL, "http://")}
}

func exhaustionRoutes(e *Engine) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/ws", e.ServeWS)
	mux.HandleFunc("/ws/console", func(w http.ResponseWriter, r *http.Request) {
		e.ServeStaffWS(w, r, StaffMember{ID: 1, Name: "Mei"})
	})
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	return mux
}

// dialFrom opens a shopper socket from a loopback address of its own
// (127.0.0.0/8 is all loopback), as a client elsewhere would.
func dialFrom(from, url string) (*websocket.Conn, *http.Response, error) {
	d := websocket.Dialer{HandshakeTimeout: 3 * time.Second,
		NetDialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 3 * time.Second}).DialContext}
	return d.Dial(url, nil)
}

// helloFrom dials from an address, says hello and returns the welcome, or
// the frame the server sent instead and how it closed.
func helloFrom(t testing.TB, from, url string, extra map[string]any) (*websocket.Conn, frame) {
	t.Helper()
	ws, resp, err := dialFrom(from, url)
	if err != nil {
		t.Fatalf("dial from %s: %v (%v)", from, err, resp)
	}
	h := map[string]any{"type": "hello"}
	for k, v := range extra {
		h[k] = v
	}
	if err := ws.WriteJSON(h); err != nil {
		t.Fatal(err)
	}
	ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	var f frame
	if err := ws.ReadJSON(&f); err != nil {
		t.Fatalf("hello from %s: %v", from, err)
	}
	return ws, f
}

// closeCode reads past frames until the socket closes and returns its code.
func closeCode(ws *websocket.Conn) int {
	ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		if _, _, err := ws.ReadMessage(); err != nil {
			if ce, ok := err.(*websocket.CloseError); ok {
				return ce.Code
			}
			return -1
		}
	}
}

func countRows(t *testing.T, db, query string, args ...any) int {
	t.Helper()
	conn, err := sql.Open("sqlite3", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var n int
	if err := conn.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSocketsPerAddress: one address opens sockets until it is refused
// with 429 before any upgrade (the default limit, 50), while another
// address and the health check get in; a socket closed makes room again.
func TestSocketsPerAddress(t *testing.T) {
	ts := newExhaustionServer(t, nil)
	var held []*websocket.Conn
	for i := range 50 {
		ws, w := helloFrom(t, "127.0.0.2", ts.url, nil)
		if w.Type != "welcome" {
			t.Fatalf("socket %d: %+v", i, w)
		}
		held = append(held, ws)
	}
	ws, resp, err := dialFrom("127.0.0.2", ts.url)
	if err == nil {
		ws.Close()
		t.Fatalf("a 51st socket from one address was upgraded")
	}
	if resp == nil || resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("a 51st socket: %v (%+v)", err, resp)
	}
	var body struct {
		Status  int    `json:"status"`
		Message string `json:"message"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body.Status != 429 || !strings.Contains(body.Message, "too many chat connections") {
		t.Fatalf("refusal body %+v (%v)", body, err)
	}
	other, w := helloFrom(t, "127.0.0.3", ts.url, nil)
	defer other.Close()
	if w.Type != "welcome" {
		t.Fatalf("another address: %+v", w)
	}
	if r, err := http.Get(ts.base + "/healthz"); err != nil || r.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", r, err)
	}
	open, fromAddr := ts.engine.admit.sockets.counts("127.0.0.2")
	t.Logf("sockets held: %d from 127.0.0.2 (refused past 50 with 429), %d in all", fromAddr, open)

	// Closing one makes room for one more, once the server has seen it go.
	held[0].Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		ws, _, err := dialFrom("127.0.0.2", ts.url)
		if err == nil {
			ws.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no room after a socket closed: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, ws := range held[1:] {
		ws.Close()
	}
}

func TestAddressKey(t *testing.T) {
	for _, tc := range []struct{ a, b string }{
		{"2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff"}, // one /64
		{"::ffff:10.0.0.1", "10.0.0.1"},
	} {
		if addressKey(tc.a) != addressKey(tc.b) {
			t.Errorf("%s and %s are counted apart: %s, %s", tc.a, tc.b, addressKey(tc.a), addressKey(tc.b))
		}
	}
	for _, tc := range []struct{ a, b string }{
		{"2001:db8:1:2::1", "2001:db8:1:3::1"},
		{"10.0.0.1", "10.0.0.2"},
	} {
		if addressKey(tc.a) == addressKey(tc.b) {
			t.Errorf("%s and %s are counted as one address", tc.a, tc.b)
		}
	}
}

// TestDescriptorReserve runs a kefu engine in a child process whose
// descriptor limit is 256, and opens shopper sockets to it from many
// addresses until it refuses them: with 503 before the upgrade, while the
// health check and a staff socket still get in on the descriptors kept in
// reserve.
func TestDescriptorReserve(t *testing.T) {
	if os.Getenv("KEFU_FD_CHILD") != "" {
		t.Skip("the child's own run")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestDescriptorReserveChild$", "-test.v")
	cmd.Env = append(os.Environ(), "KEFU_FD_CHILD=256")
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		cmd.Process.Kill()
		cmd.Wait()
	})
	var addr string
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		if a, ok := strings.CutPrefix(lines.Text(), "ADDR="); ok {
			addr = a
			break
		}
	}
	if addr == "" {
		t.Fatal("the child did not start")
	}
	go io.Copy(io.Discard, stdout)
	url := "ws://" + addr + "/ws"
	client := &http.Client{Timeout: 3 * time.Second}

	var held []*websocket.Conn
	defer func() {
		for _, ws := range held {
			ws.Close()
		}
	}()
	refused := 0
	for i := 0; i < 400 && refused == 0; i++ {
		from := fmt.Sprintf("127.0.%d.%d", 10+i/40, 1+i%40) // 40 a address, under its limit
		ws, resp, err := dialFrom(from, url)
		switch {
		case err == nil:
			ws.WriteJSON(map[string]any{"type": "hello"})
			ws.SetReadDeadline(time.Now().Add(3 * time.Second))
			var w frame
			if err := ws.ReadJSON(&w); err != nil || w.Type != "welcome" {
				t.Fatalf("socket %d: %+v %v", i, w, err)
			}
			held = append(held, ws)
		case resp != nil && resp.StatusCode == http.StatusServiceUnavailable:
			refused++
		default:
			t.Fatalf("socket %d from %s: %v (%v); %d held", i, from, err, resp, len(held))
		}
	}
	if refused == 0 {
		t.Fatalf("%d sockets held and none refused", len(held))
	}
	// The reserve: health checks and staff get in.
	r, err := client.Get("http://" + addr + "/healthz")
	if err != nil || r.StatusCode != 200 {
		t.Fatalf("healthz with %d sockets held: %v %v", len(held), r, err)
	}
	r.Body.Close()
	staff, _, err := websocket.DefaultDialer.Dial("ws://"+addr+"/ws/console", nil)
	if err != nil {
		t.Fatalf("staff socket with %d shopper sockets held: %v", len(held), err)
	}
	defer staff.Close()
	// A new shopper is told at once, not left to time out.
	start := time.Now()
	if _, resp, err := dialFrom("127.0.99.1", url); err == nil || resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("a shopper past the limit: %v %v", resp, err)
	}
	refusedIn := time.Since(start)
	r, err = client.Get("http://" + addr + "/fds")
	if err != nil {
		t.Fatal(err)
	}
	var fds struct{ Open, Limit int }
	json.NewDecoder(r.Body).Decode(&fds)
	r.Body.Close()
	t.Logf("descriptor limit %d: %d shopper sockets held, then 503 (in %s); with the staff socket, %d descriptors open, %d left",
		fds.Limit, len(held), refusedIn.Round(time.Millisecond), fds.Open, fds.Limit-fds.Open)
	if fds.Limit-fds.Open < 16 {
		t.Errorf("%d descriptors left", fds.Limit-fds.Open)
	}
}

// TestDescriptorReserveChild is the child of TestDescriptorReserve: an
// engine with a descriptor limit of KEFU_FD_CHILD, serving until its
// standard input closes.
func TestDescriptorReserveChild(t *testing.T) {
	limit := os.Getenv("KEFU_FD_CHILD")
	if limit == "" {
		t.Skip("run by TestDescriptorReserve")
	}
	var n uint64
	fmt.Sscan(limit, &n)
	var l syscall.Rlimit
	syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l)
	l.Cur = n
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		t.Fatal(err)
	}
	// Only the descriptor budget limits: not the address, not hellos.
	ts := newExhaustionServer(t, func(c *Config) { c.SocketsPerAddress, c.HelloBurst = 1<<20, 1<<20 })
	mux := http.NewServeMux()
	mux.Handle("/", exhaustionRoutes(ts.engine))
	mux.HandleFunc("/fds", func(w http.ResponseWriter, r *http.Request) {
		ents, _ := os.ReadDir("/proc/self/fd")
		json.NewEncoder(w).Encode(map[string]int{"open": len(ents), "limit": descriptorLimit()})
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	fmt.Println("ADDR=" + strings.TrimPrefix(srv.URL, "http://"))
	io.Copy(io.Discard, os.Stdin)
}

// TestHellosStoreNothing: 5,000 hellos (let through) store no
// conversation; the first message stores its conversation, which then
// resumes; a second tab joins a conversation with nothing stored yet, and
// staff can take one over.
func TestHellosStoreNothing(t *testing.T) {
	ts := newExhaustionServer(t, func(c *Config) { c.HelloBurst, c.TokenHelloBurst = 1<<20, 1<<20 })
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			from := fmt.Sprintf("127.0.1.%d", w+1)
			for range 625 {
				ws, _, err := dialFrom(from, ts.url)
				if err != nil {
					errs <- err
					return
				}
				ws.WriteJSON(map[string]any{"type": "hello"})
				ws.SetReadDeadline(time.Now().Add(5 * time.Second))
				var f frame
				if err := ws.ReadJSON(&f); err != nil || f.Type != "welcome" {
					errs <- fmt.Errorf("hello: %+v %v", f, err)
					ws.Close()
					return
				}
				ws.Close()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n := countRows(t, ts.db, `SELECT count(*) FROM conversations`); n != 0 {
		t.Fatalf("5,000 hellos stored %d conversations, want 0", n)
	}

	// A second tab, before anything is stored, joins the same conversation.
	c := ts.dial(nil)
	w := c.hello(nil)
	tab := ts.dial(nil)
	if w2 := tab.hello(map[string]any{"resume_token": w.ResumeToken}); w2.ConversationID != w.ConversationID || !w2.Resumed {
		t.Fatalf("second tab: %+v, want %s", w2, w.ConversationID)
	}
	// The first message stores it, once, and the other tab sees it.
	c.send(map[string]any{"type": "message", "client_id": "m1", "text": "where is my order KF-10045?"})
	c.until(isType("ack"))
	tab.until(func(f frame) bool { return f.Type == "message" && f.ClientID == "m1" })
	c.until(answer)
	if n := countRows(t, ts.db, `SELECT count(*) FROM conversations`); n != 1 {
		t.Fatalf("after a message, %d conversations stored", n)
	}
	c.ws.Close()
	tab.ws.Close()
	again := ts.dial(nil)
	if w3 := again.hello(map[string]any{"resume_token": w.ResumeToken}); !w3.Resumed || w3.ConversationID != w.ConversationID {
		t.Fatalf("resume: %+v", w3)
	}
	if sms, err := ts.st.Summaries(context.Background(), "", 0, 100); err != nil || len(sms) != 1 || sms[0].ID != w.ConversationID {
		t.Fatalf("console list %+v (%v)", sms, err)
	}

	// Staff take over a conversation a shopper opened and wrote nothing in.
	quiet := ts.dial(nil)
	qw := quiet.hello(nil)
	mei := &store.Staff{Email: "mei@shop.test", Name: "Mei", Role: store.RoleAgent, PasswordHash: "x"}
	if err := ts.st.CreateStaff(context.Background(), mei); err != nil {
		t.Fatal(err)
	}
	if err := ts.engine.TakeOver(context.Background(), qw.ConversationID, StaffMember{ID: mei.ID, Name: "Mei"}); err != nil {
		t.Fatal(err)
	}
	if f, _ := quiet.until(isType("state")); f.State != store.StateHuman {
		t.Fatalf("state %+v", f)
	}
	if got, err := ts.st.Conversation(context.Background(), qw.ConversationID); err != nil || got.State != store.StateHuman {
		t.Fatalf("taken over: %+v %v", got, err)
	}
	if n := ts.engine.unsaved.unsavedCount(); n != 0 {
		t.Errorf("%d unsaved conversations remembered after their stores", n)
	}
}

// TestHelloRateLimited: past its burst (60), an address's hellos get a
// rate_limited error and a 4029 close; another address is let in; a
// resume token is limited across addresses (20).
func TestHelloRateLimited(t *testing.T) {
	ts := newExhaustionServer(t, nil)
	for i := range 60 {
		ws, w := helloFrom(t, "127.0.2.1", ts.url, nil)
		ws.Close()
		if w.Type != "welcome" {
			t.Fatalf("hello %d: %+v", i, w)
		}
	}
	ws, f := helloFrom(t, "127.0.2.1", ts.url, nil)
	if f.Type != "error" || f.Code != CodeRateLimited {
		t.Fatalf("hello 61: %+v", f)
	}
	if code := closeCode(ws); code != CloseFlood {
		t.Fatalf("hello 61 closed with %d", code)
	}
	other, w := helloFrom(t, "127.0.2.2", ts.url, nil)
	if w.Type != "welcome" {
		t.Fatalf("another address: %+v", w)
	}
	other.Close()

	for i := range 20 {
		ws, f := helloFrom(t, fmt.Sprintf("127.0.3.%d", i+1), ts.url, map[string]any{"resume_token": w.ResumeToken})
		ws.Close()
		if f.Type != "welcome" {
			t.Fatalf("resume %d: %+v", i, f)
		}
	}
	ws, f = helloFrom(t, "127.0.3.99", ts.url, map[string]any{"resume_token": w.ResumeToken})
	defer ws.Close()
	if f.Type != "error" || f.Code != CodeRateLimited {
		t.Fatalf("resume 21 with one token: %+v", f)
	}
}
