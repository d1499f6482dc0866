package main

// The three-node example of docs/compose (docs/scale.md): the compose
// file is checked against the settings table, and its nginx config is run
// in front of three real kefu nodes.

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/nats-io/nats-server/v2/server"

	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/store/demo"
	"github.com/kefu-dev/kefu/store/pgtest"
)

const composeDir = "../../docs/compose"

// composeFile is what the test reads of compose.yaml, without a YAML
// library (go.mod has none, and the checks need only its lines): the
// services, and the environment of the kefu nodes' shared block.
type composeFile struct {
	services map[string]string // name → its lines
	kefuEnv  map[string]string // the x-kefu block's environment
	kefuAll  string            // the x-kefu block
}

func readCompose(t *testing.T) composeFile {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(composeDir, "compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cf := composeFile{services: map[string]string{}, kefuEnv: map[string]string{}}
	top, service := "", ""
	var env bool
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		indent := len(line) - len(strings.TrimLeft(line, " "))
		key, value, _ := strings.Cut(strings.TrimSpace(line), ":")
		value = strings.TrimSpace(value)
		switch {
		case indent == 0:
			top, service = key, ""
		case top == "services" && indent == 2:
			service = key
			cf.services[service] += line + "\n"
		case top == "services" && service != "":
			cf.services[service] += line + "\n"
		}
		if strings.HasPrefix(top, "x-kefu") {
			cf.kefuAll += line + "\n"
			if indent == 2 {
				env = key == "environment"
			} else if env && indent == 4 {
				cf.kefuEnv[key] = strings.Trim(value, `"`)
			}
		}
	}
	return cf
}

// readEnvExample reads example.env: NAME=value lines.
func readEnvExample(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(composeDir, "example.env"))
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{}
	for _, l := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(l), "="); ok && !strings.HasPrefix(k, "#") {
			vars[k] = v
		}
	}
	return vars
}

var composeVar = regexp.MustCompile(`\$\{([A-Z0-9_]+)(:?[?-])?([^}]*)\}`)

// interpolate does what docker compose does with ${NAME}, ${NAME:-default}
// and ${NAME:?error}, from vars; a required variable vars lacks fails.
func interpolate(t *testing.T, s string, vars map[string]string) string {
	t.Helper()
	return composeVar.ReplaceAllStringFunc(s, func(m string) string {
		p := composeVar.FindStringSubmatch(m)
		v, ok := vars[p[1]]
		switch {
		case ok && v != "":
			return v
		case strings.HasSuffix(p[2], "?"):
			t.Errorf("compose.yaml requires %s, which example.env does not set", p[1])
		}
		return p[3]
	})
}

// TestComposeExample checks docs/compose against kefu: every KEFU_
// variable the nodes are given is a setting (or a secret's _FILE), and the
// whole environment, with example.env's values, is one kefu starts with;
// it is a multi-node one; the proxy sends to every kefu service, on the
// port it listens on; the image is built from the repository's Dockerfile
// and the files the services mount are there.
func TestComposeExample(t *testing.T) {
	cf := readCompose(t)
	names := map[string]bool{}
	for _, s := range settings {
		names[s.name] = true
		if s.secret {
			names[s.name+"_FILE"] = true
		}
	}
	if len(cf.kefuEnv) < 5 {
		t.Fatalf("compose.yaml's x-kefu block has %d environment variables: %v", len(cf.kefuEnv), cf.kefuEnv)
	}
	vars := readEnvExample(t)
	var environ []string
	for k, v := range cf.kefuEnv {
		if !names[k] {
			t.Errorf("compose.yaml sets %s, which is not a kefu setting", k)
		}
		environ = append(environ, k+"="+interpolate(t, v, vars))
	}
	cfg, err := loadConfig(environ)
	if err != nil {
		t.Fatalf("kefu refuses compose.yaml's environment: %v", err)
	}
	if len(cfg.Unknown) > 0 {
		t.Errorf("unknown settings: %v", cfg.Unknown)
	}
	if !strings.HasPrefix(cfg.DatabaseURL, "postgres://") || !strings.HasPrefix(cfg.NatsURL, "nats://") || cfg.SecretGenerated {
		t.Errorf("the nodes are not on one PostgreSQL and one NATS with one identity secret: %q %q generated %v", cfg.DatabaseURL, cfg.NatsURL, cfg.SecretGenerated)
	}
	if cfg.PhotoDir == "" || !strings.Contains(cf.kefuAll, ":"+filepath.Dir(cfg.PhotoDir)) {
		t.Errorf("the photo folder %q is not on the volume the nodes share:\n%s", cfg.PhotoDir, cf.kefuAll)
	}
	_, port, _ := strings.Cut(cfg.Addr, ":")

	// The kefu services are the shared block, and the proxy reaches each.
	var kefus []string
	for name, body := range cf.services {
		if strings.Contains(body, "*kefu") {
			kefus = append(kefus, name)
		}
	}
	slices.Sort(kefus)
	if len(kefus) != 3 {
		t.Errorf("compose.yaml has kefu services %v, want three", kefus)
	}
	for _, s := range []string{"postgres", "nats", "proxy"} {
		if cf.services[s] == "" {
			t.Errorf("compose.yaml has no %s service", s)
		}
	}
	if _, h, _ := strings.Cut(cfg.DatabaseURL, "@"); !strings.HasPrefix(h, "postgres:5432/") {
		t.Errorf("the database URL's host is %q, not the postgres service", h)
	}
	if !strings.HasPrefix(strings.TrimPrefix(cfg.NatsURL, "nats://"), "nats:") {
		t.Errorf("the NATS URL %q is not the nats service", cfg.NatsURL)
	}
	// kefu counts each client itself behind the proxy: it trusts the
	// proxy's fixed address (inside the network's fixed range) and keeps
	// its own limits per client address.
	raw, err := os.ReadFile(filepath.Join(composeDir, "compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	subnet := regexp.MustCompile(`(?m)^\s*- subnet:\s*(\S+)`).FindStringSubmatch(string(raw))
	proxyIP := regexp.MustCompile(`ipv4_address:\s*(\S+)`).FindStringSubmatch(cf.services["proxy"])
	if subnet == nil || proxyIP == nil {
		t.Fatalf("compose.yaml gives the network no fixed subnet (%v) or the proxy no fixed address (%v)", subnet, proxyIP)
	}
	_, network, err := net.ParseCIDR(subnet[1])
	ip := net.ParseIP(proxyIP[1])
	if err != nil || ip == nil || !network.Contains(ip) {
		t.Fatalf("the proxy's address %s is not in the network's subnet %s (%v)", proxyIP[1], subnet[1], err)
	}
	trusted := false
	for _, n := range cfg.TrustedProxies {
		trusted = trusted || n.Contains(ip)
	}
	if !trusted {
		t.Errorf("KEFU_TRUSTED_PROXIES (%v) does not name the proxy's address %s: kefu would count every client as the proxy", cfg.TrustedProxies, ip)
	}
	for _, k := range []string{"KEFU_SOCKETS_PER_ADDRESS", "KEFU_IP_RATE", "KEFU_IP_BURST", "KEFU_HELLO_RATE", "KEFU_HELLO_BURST"} {
		if v, ok := cf.kefuEnv[k]; ok {
			t.Errorf("compose.yaml sets %s=%s: kefu's own limit per client address applies behind the trusted proxy", k, v)
		}
	}
	conf, err := os.ReadFile(filepath.Join(composeDir, "nginx.conf"))
	if err != nil {
		t.Fatal(err)
	}
	upstreams := regexp.MustCompile(`(?m)^\s*server\s+([^\s:;]+):(\d+)`).FindAllStringSubmatch(string(conf), -1)
	var proxied []string
	for _, u := range upstreams {
		proxied = append(proxied, u[1])
		if u[2] != port {
			t.Errorf("nginx.conf sends to %s:%s, but the nodes listen on %s", u[1], u[2], cfg.Addr)
		}
	}
	slices.Sort(proxied)
	if !slices.Equal(proxied, kefus) {
		t.Errorf("nginx.conf's upstream is %v, compose.yaml's kefu services %v", proxied, kefus)
	}
	// The edge proxy sets the header: a client's own is not passed on.
	if !regexp.MustCompile(`(?m)^\s*proxy_set_header X-Forwarded-For \$remote_addr;`).Match(conf) {
		t.Errorf("nginx.conf does not set X-Forwarded-For to the client's address ($remote_addr)")
	}
	if !strings.Contains(cf.services["proxy"], "./nginx.conf:/etc/nginx/nginx.conf") {
		t.Errorf("the proxy does not run nginx.conf:\n%s", cf.services["proxy"])
	}
	if !strings.Contains(cf.kefuAll, "context: ../..") || !strings.Contains(cf.kefuAll, "dockerfile: Dockerfile") {
		t.Errorf("the nodes are not built from the repository's Dockerfile:\n%s", cf.kefuAll)
	}
	if _, err := os.Stat(filepath.Join(composeDir, "../..", "Dockerfile")); err != nil {
		t.Error(err)
	}
	// The image's health check is what the proxy waits for.
	df, err := os.ReadFile(filepath.Join(composeDir, "../..", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(df), "HEALTHCHECK") || strings.Count(cf.services["proxy"], "condition: service_healthy") != len(kefus) {
		t.Errorf("the proxy does not wait for every node's health check")
	}
}

// TestComposeProxy runs docs/compose/nginx.conf, with the three nodes'
// addresses and its listen port substituted (and its temporary files put
// in the test's folder), in front of three real `kefu serve` processes
// started with compose.yaml's environment on one PostgreSQL database and
// an in-process NATS server. Through the proxy: a page of kefu's own host
// opens a socket and another site's is refused (the Host reaches kefu with
// its port); shoppers are spread over the three nodes; staff signed in
// through the proxy (their requests land on any node) take one over and
// reply; then the node that shopper is on is killed, its shoppers
// reconnect through the proxy to the others and resume their
// conversations, and are answered.
func TestComposeProxy(t *testing.T) {
	if testing.Short() {
		t.Skip("builds kefu and runs three nodes behind nginx")
	}
	nginx := nginxBinary(t)
	dbURL := pgtest.NewDatabase(t) // skipped without KEFU_TEST_POSTGRES (failed under CI=true)
	ns, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, NoLog: true, NoSigs: true})
	if err != nil {
		t.Fatal(err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(5 * time.Second) {
		t.Fatal("nats server not ready")
	}
	t.Cleanup(ns.Shutdown)
	ctx := context.Background()
	st, err := store.Open(ctx, dbURL, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	seedCtx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	_, err = st.Import(seedCtx, demo.Dataset(time.Now()))
	cancel()
	if err != nil {
		t.Fatal(err)
	}

	// compose.yaml's environment, with example.env's values; the database,
	// NATS, the address and the shared photo folder are the test's, and
	// the log is text (the test reads the address from it).
	cf, vars := readCompose(t), readEnvExample(t)
	photos := t.TempDir()
	var base []string
	for k, v := range cf.kefuEnv {
		base = append(base, k+"="+interpolate(t, v, vars))
	}
	secret := []byte(vars["KEFU_IDENTITY_SECRET"])
	// nginx reaches the nodes from 127.0.0.1 here (the proxy's fixed
	// address in compose.yaml); clients come from other loopback
	// addresses. A smaller socket limit per client address than the
	// default 50 shows that kefu counts each client behind the proxy.
	base = append(base, "KEFU_DATABASE_URL="+dbURL, "KEFU_NATS_URL="+ns.ClientURL(), "KEFU_ADDR=127.0.0.1:0",
		"KEFU_PHOTO_DIR="+photos, "KEFU_LOG_FORMAT=text", "KEFU_TRUSTED_PROXIES=127.0.0.1", "KEFU_SOCKETS_PER_ADDRESS="+strconv.Itoa(perClient))
	bin := buildKefu(t)
	nodes := make([]*kefuProc, 3)
	nodes[0] = startKefu(t, bin, append(slices.Clone(base), "HOME="+t.TempDir())) // creates the first admin
	var wg sync.WaitGroup
	for i := 1; i < 3; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); nodes[i] = startKefu(t, bin, append(slices.Clone(base), "HOME="+t.TempDir())) }()
	}
	wg.Wait()
	for _, n := range nodes {
		if n == nil {
			t.FailNow()
		}
	}
	proxy := startNginx(t, nginx, nodes)
	t.Logf("nginx on %s in front of %s, %s, %s", proxy, nodes[0].addr, nodes[1].addr, nodes[2].addr)

	// The widget on kefu's own page, through the proxy: accepted; on
	// another site: refused.
	for _, c := range []struct {
		origin string
		ok     bool
	}{{"http://" + proxy, true}, {"http://shop.elsewhere.example", false}} {
		ws, res, err := websocket.DefaultDialer.Dial("ws://"+proxy+"/ws", http.Header{"Origin": {c.origin}})
		if c.ok != (err == nil) {
			code := 0
			if res != nil {
				code = res.StatusCode
			}
			t.Fatalf("a socket from %s through the proxy: %v (status %d), want accepted %v", c.origin, err, code, c.ok)
		}
		if ws != nil {
			ws.Close()
		}
	}

	// kefu limits each client behind the proxy, by the address nginx
	// names, whatever the client puts in X-Forwarded-For itself: one
	// client (127.0.0.2) forging a new address for each socket is refused
	// once every node holds perClient of its sockets, and another client
	// (127.0.0.3) is still let in.
	var forged []*websocket.Conn
	refused := false
	for i := 0; i <= len(nodes)*perClient && !refused; i++ {
		ws, code := dialFrom(t, "127.0.0.2", proxy, fmt.Sprintf("198.51.100.%d", i+1))
		if ws != nil {
			forged = append(forged, ws)
		}
		refused = code == http.StatusTooManyRequests
	}
	if !refused || len(forged) < perClient {
		t.Fatalf("one client behind the proxy opened %d sockets (refused %v): kefu does not count it by its own address (limit %d a node)", len(forged), refused, perClient)
	}
	if ws, code := dialFrom(t, "127.0.0.3", proxy, ""); ws == nil {
		t.Fatalf("another client behind the proxy was refused (%d): kefu counts the proxy, not the client", code)
	} else {
		ws.Close()
	}
	for _, ws := range forged {
		ws.Close()
	}
	t.Logf("behind the proxy one client got %d sockets on three nodes (limit %d a node), then 429", len(forged), perClient)

	// Shoppers, one at a time: each node's kefu_connections says where
	// each one landed.
	waitConnections(t, nodes, []int{0, 0, 0})
	shoppers := make([]*widget, 6)
	on := make([]int, len(shoppers)) // the node each shopper is on
	counts := []int{0, 0, 0}
	for i := range shoppers {
		w := newWidget(t, fmt.Sprintf("shopper %d", i), "", secret)
		if i == 0 {
			w = newWidget(t, "Chloe", "cus_1003", secret)
		}
		w.connect(proxy)
		on[i] = -1
		deadline := time.Now().Add(10 * time.Second)
		for on[i] < 0 && time.Now().Before(deadline) {
			for n := range nodes {
				if c := connections(t, nodes[n]); c > counts[n] {
					on[i], counts[n] = n, c
				}
			}
			time.Sleep(10 * time.Millisecond)
		}
		if on[i] < 0 {
			t.Fatalf("%s connected through the proxy, but no node counts its socket", w.name)
		}
		w.say(fmt.Sprintf("s%d-1", i), shopperTexts[i%len(shopperTexts)])
		w.until("an answer through the proxy", answerFrame)
		shoppers[i] = w
	}
	t.Logf("shoppers on nodes %v (sockets a node: %v)", on, counts)
	for n, c := range counts {
		if c == 0 {
			t.Errorf("the proxy sent no shopper to node %d (%v): it does not spread them", n, on)
		}
	}

	// Staff through the proxy: every request may land on another node.
	admin := cmp.Or(vars["KEFU_ADMIN_EMAIL"], "admin@kefu.local")
	mei := signIn(t, proxy, admin, vars["KEFU_ADMIN_PASSWORD"])
	taken := shoppers[0]
	if code := mei.post("/api/console/conversations/"+taken.convID+"/takeover", nil, nil); code != http.StatusOK {
		t.Fatalf("take-over through the proxy: %d", code)
	}
	if f := taken.until("the state frame", func(f nodeFrame) bool { return f.Type == "state" }); f.State != store.StateHuman {
		t.Fatalf("the shopper was told %+v", f)
	}
	mei.openSocket(taken.convID)
	taken.say("s0-2", "is a person there?")
	mei.hear("is a person there?")
	var replied struct {
		Seq int64 `json:"seq"`
	}
	if code := mei.post("/api/console/conversations/"+taken.convID+"/reply", map[string]any{"text": "Hi, this is Mei.", "client_id": "r1"}, &replied); code != http.StatusOK {
		t.Fatalf("reply through the proxy: %d", code)
	}
	taken.until("the staff reply", func(f nodeFrame) bool { return f.Type == "message" && f.Seq == replied.Seq })

	// The taken shopper's node dies; its shoppers come back through the
	// proxy, on the other nodes.
	victim := on[0]
	nodes[victim].kill(t)
	killed := time.Now()
	var moved []*widget
	for i, w := range shoppers {
		if on[i] != victim {
			continue
		}
		if !w.waitClosed(10 * time.Second) {
			t.Fatalf("%s: the socket to the killed node stayed open", w.name)
		}
		w.connect(proxy) // fails the test unless it resumes the same conversation
		moved = append(moved, w)
	}
	for _, w := range moved[1:] {
		cid := w.name + "-after"
		seq := w.say(cid, "and how long does shipping to Canada take?")
		w.until("an answer after the failover", func(f nodeFrame) bool { return answerFrame(f) && f.Seq > seq })
	}
	if code := mei.post("/api/console/conversations/"+taken.convID+"/reply", map[string]any{"text": "Still here.", "client_id": "r2"}, &replied); code != http.StatusOK {
		t.Fatalf("reply after the failover: %d", code)
	}
	taken.until("the reply after the failover", func(f nodeFrame) bool { return f.Type == "message" && f.Seq == replied.Seq })
	t.Logf("node %d killed: its %d shoppers resumed through the proxy and were answered within %s", victim, len(moved), time.Since(killed).Round(time.Millisecond))
	live := 0
	for n := range nodes {
		if n != victim {
			live += connections(t, nodes[n])
		}
	}
	if live < len(shoppers) {
		t.Errorf("the live nodes hold %d shopper sockets, want the %d shoppers", live, len(shoppers))
	}
	for _, w := range shoppers {
		checkWidget(t, st, w)
	}
}

// perClient is TestComposeProxy's KEFU_SOCKETS_PER_ADDRESS.
const perClient = 4

// dialFrom opens a shopper socket through the proxy from the loopback
// address local, with X-Forwarded-For xff if not empty: the socket, or
// nil and the refusal's status.
func dialFrom(t *testing.T, local, proxy, xff string) (*websocket.Conn, int) {
	t.Helper()
	nd := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 5 * time.Second}
	d := websocket.Dialer{NetDialContext: nd.DialContext, HandshakeTimeout: 5 * time.Second}
	h := http.Header{"Origin": {"http://" + proxy}}
	if xff != "" {
		h.Set("X-Forwarded-For", xff)
	}
	ws, res, err := d.Dial("ws://"+proxy+"/ws", h)
	if err == nil {
		return ws, http.StatusSwitchingProtocols
	}
	if res == nil {
		t.Fatalf("dial from %s through the proxy: %v", local, err)
	}
	return nil, res.StatusCode
}

// nginxBinary finds nginx; without it the test is skipped (failed with
// CI=true: .ci/run installs Debian's nginx).
func nginxBinary(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("nginx"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/sbin/nginx"); err == nil {
		return "/usr/sbin/nginx"
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("nginx is not installed (apt-get install nginx); with CI=true the proxy test may not skip")
	}
	t.Skip("nginx is not installed (apt-get install nginx)")
	return ""
}

// startNginx runs docs/compose/nginx.conf with the upstream servers
// replaced by the nodes' addresses, listening on a free loopback port
// (returned), its pid and temporary files in a folder of the test's.
func startNginx(t *testing.T, bin string, nodes []*kefuProc) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(composeDir, "nginx.conf"))
	if err != nil {
		t.Fatal(err)
	}
	conf := string(b)
	upstream := regexp.MustCompile(`(?m)^(\s*server\s+)kefu-(\d):8080`)
	if n := len(upstream.FindAllString(conf, -1)); n != len(nodes) {
		t.Fatalf("nginx.conf has %d kefu-N:8080 servers, want %d", n, len(nodes))
	}
	conf = upstream.ReplaceAllStringFunc(conf, func(m string) string {
		p := upstream.FindStringSubmatch(m)
		i := int(p[2][0] - '1')
		return p[1] + nodes[i].addr
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	if !strings.Contains(conf, "listen 80;") {
		t.Fatal("nginx.conf does not listen on port 80")
	}
	conf = strings.Replace(conf, "listen 80;", "listen "+addr+";", 1)
	dir := t.TempDir()
	os.Chmod(dir, 0o777) // the workers run as nobody when the test is root
	var temps strings.Builder
	for _, k := range []string{"client_body", "proxy", "fastcgi", "uwsgi", "scgi"} {
		fmt.Fprintf(&temps, "    %s_temp_path %s;\n", k, filepath.Join(dir, k))
	}
	conf = strings.Replace(conf, "http {\n", "http {\n"+temps.String(), 1)
	path := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	// mime.types and the like are not needed: the config includes nothing.
	cmd := exec.Command(bin, "-p", dir, "-c", path, "-g", "daemon off; pid "+filepath.Join(dir, "nginx.pid")+"; error_log stderr;")
	out := &procLog{ready: make(chan string, 1)}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGQUIT)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return addr
			}
		}
		select {
		case <-done:
			t.Fatalf("nginx exited: %s", out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("nginx did not answer on %s: %v\n%s", addr, err, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// connections reads a node's kefu_connections gauge: its open shopper
// sockets.
func connections(t *testing.T, p *kefuProc) int {
	t.Helper()
	res, err := http.Get("http://" + p.addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "kefu_connections "); ok {
			f, _ := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return int(f)
		}
	}
	t.Fatalf("%s/metrics has no kefu_connections", p.addr)
	return 0
}

// waitConnections waits until the nodes hold want sockets (the probing
// sockets above closed), at most 10 s.
func waitConnections(t *testing.T, nodes []*kefuProc, want []int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var got []int
		for _, n := range nodes {
			got = append(got, connections(t, n))
		}
		if slices.Equal(got, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the nodes hold %v shopper sockets, want %v", got, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
