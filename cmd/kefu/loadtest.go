package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/kefu-dev/kefu/chat"
	"github.com/kefu-dev/kefu/cmd/kefu/loadtest"
)

// cmdLoadtest drives a kefu with simulated shoppers: by default a kefu it
// starts as a child process on a temporary database (so that the server's
// memory is its own, not the shoppers'), or the one at --url.
func cmdLoadtest(ctx context.Context, c *cli, args []string) error {
	fs := c.flags()
	stdout, stderr := c.stdout, c.stderr
	mode := fs.String("mode", "turns", "turns (shoppers chatting), flood (the same plus one shopper flooding), idle (open sockets, for memory), or replay (the same shoppers alone and while an admin runs regression replays)")
	shoppers := fs.Int("shoppers", 200, "concurrent shoppers")
	sockets := fs.Int("sockets", 10000, "idle mode: sockets to hold open")
	duration := fs.Duration("duration", 10*time.Second, "measuring time of each run")
	warmup := fs.Duration("warmup", 2*time.Second, "time before measuring")
	runs := fs.Int("runs", 1, "runs to make; the summary gives their medians")
	baseline := fs.Bool("baseline", true, "measure a bare gorilla/websocket echo server with the same shoppers in each run")
	storeBaseline := fs.Bool("store-baseline", false, "also measure the echo server storing each message and reply through kefu's writer and store (no agent), in each run")
	url := fs.String("url", "", "the shopper socket of a running kefu, ws://HOST/ws (default: start one on a temporary database)")
	secret := fs.String("secret", "", "with --url: the server's KEFU_IDENTITY_SECRET, to sign in as its customers (default: guests)")
	customers := fs.String("customers", "", "customer ids to sign in as, comma-separated (default: the demo shop's 16)")
	asJSON := fs.Bool("json", false, "print the results as JSON")
	msgRate := fs.Int("message-rate", 1000, "the started kefu's KEFU_MESSAGE_RATE (and burst): messages a second one socket may send")
	modelSim := fs.Bool("model-sim", false, "run the started kefu against a simulated streaming OpenAI-compatible model, and stream from that model directly in each run, for a baseline")
	var sim loadtest.SimOptions
	fs.DurationVar(&sim.FirstToken, "sim-first-token", 300*time.Millisecond, "--model-sim: the model's time to its first token")
	fs.DurationVar(&sim.TokenGap, "sim-token-gap", 25*time.Millisecond, "--model-sim: time between tokens")
	fs.IntVar(&sim.Tokens, "sim-tokens", 30, "--model-sim: tokens in an answer")
	fs.Float64Var(&sim.ToolShare, "sim-tool-share", 0, "--model-sim: share of first steps that call a tool (0–1)")
	fs.Float64Var(&sim.StallShare, "sim-stall-share", 0, "--model-sim: share of answers that stop part-way and hang")
	fs.Float64Var(&sim.TrickleShare, "sim-trickle-share", 0, "--model-sim: share of answers that trickle a token a second")
	fs.Float64Var(&sim.RateLimitShare, "sim-429-share", 0, "--model-sim: share of requests refused with 429 and Retry-After")
	fs.BoolVar(&sim.TLS, "sim-tls", false, "--model-sim: serve the model over HTTPS with HTTP/2, as hosted models are, so that concurrent streams share a few connections (past about 9,000 conversations a 20,000-descriptor limit needs it)")
	addr := fs.String("addr", "127.0.0.1:0", "the started kefu's address, HOST:PORT (port 0: a free one)")
	debugAddr := fs.String("debug-addr", "", "the started kefu's KEFU_DEBUG_ADDR: serve Go's profiler there, HOST:PORT (default off)")
	fs.StringVar(&sim.Addr, "sim-addr", "127.0.0.1:0", "--model-sim: the simulated model's address, HOST:PORT (port 0: a free one)")
	baselineAddr := fs.String("baseline-addr", "127.0.0.1:0", "the echo baselines' address, HOST:PORT (port 0: a free one; the baselines run one after another)")
	rf := addReplayFlags(fs)
	nf := addNodeFlags(fs)
	think := fs.Duration("think", 0, "turns mode: how long a shopper takes to write its next message after an answer (each time a random time between half and one and a half of it; the first message within one of it); 0: at once, a closed loop")
	echoAddr := fs.String("serve-echo", "", "run only the echo baseline, with /metrics, on this address (the idle mode starts one)")
	if _, err := c.parse(fs, args); err != nil {
		return err
	}
	if *echoAddr != "" {
		return serveEcho(ctx, *echoAddr)
	}
	if *mode != "turns" && *mode != "flood" && *mode != "idle" && *mode != "replay" {
		return usagef("--mode is turns, flood, idle or replay")
	}
	if *shoppers < 1 || *runs < 1 || *sockets < 1 {
		return usagef("--shoppers, --sockets and --runs must be at least 1")
	}
	if *think < 0 {
		return usagef("--think must not be negative")
	}
	o := loadtest.Options{URL: *url, Shoppers: *shoppers, Duration: *duration, Warmup: *warmup, Think: *think, Progress: stderr, Label: "kefu"}
	for _, id := range strings.Split(*customers, ",") {
		if id = strings.TrimSpace(id); id != "" {
			o.Customers = append(o.Customers, id)
		}
	}
	if len(o.Customers) == 0 {
		for i := 1001; i <= 1016; i++ {
			o.Customers = append(o.Customers, fmt.Sprintf("cus_%d", i))
		}
	}
	var model *loadtest.ModelSim
	if *modelSim {
		if *url != "" || *mode != "turns" {
			return usagef("--model-sim starts kefu itself, in the turns mode (no --url)")
		}
		var err error
		if model, err = loadtest.StartModelSim(sim); err != nil {
			return err
		}
		defer model.Close()
		// A stalled model is cut by kefu's KEFU_LLM_TIMEOUT (simEnv).
		o.TurnTimeout = 30*time.Second + 2*model.StreamTime()
		// After each run: are the server's goroutines back to their number
		// before it, once its pooled connections to the model are closed?
		o.Settle, o.AfterRun = 30*time.Second, model.CloseIdle
	}
	if nf.nodes > 0 {
		if *url != "" || *mode != "turns" {
			return usagef("--nodes starts the nodes itself, in the turns mode (no --url)")
		}
		return nodesRuns(ctx, c, o, nf, model, *msgRate, *runs, stdout, *asJSON)
	}
	if *url == "" {
		var extra []string
		if model != nil {
			extra = simEnv(model)
		}
		if *debugAddr != "" {
			extra = append(extra, "KEFU_DEBUG_ADDR="+*debugAddr)
		}
		srv, err := startServer(ctx, c.environ, *msgRate, *addr, extra...)
		if err != nil {
			return err
		}
		defer srv.stop()
		o.URL, o.MetricsURL, *secret = srv.ws, srv.metrics, srv.secret
		fmt.Fprintf(stderr, "%s: started kefu (pid %d) on %s with a temporary database; its log: %s\n", c.name, srv.cmd.Process.Pid, srv.addr, srv.log)
		if *mode == "replay" {
			if err := rf.prepare(ctx, srv, stderr); err != nil {
				return err
			}
		}
	} else {
		o.MetricsURL = strings.Replace(strings.Replace(strings.TrimSuffix(*url, "/ws"), "wss://", "https://", 1), "ws://", "http://", 1) + "/metrics"
	}
	if *secret != "" {
		key := []byte(*secret)
		o.Sign = func(id string, exp int64) string { return chat.Sign(key, id, exp) }
	}

	if *mode == "replay" {
		return replayRuns(ctx, o, rf, *runs, stdout, *asJSON)
	}
	if *mode == "idle" {
		return idleRun(ctx, o, *sockets, *baseline, *baselineAddr, stdout, *asJSON)
	}
	var report []runReport
	for i := range *runs {
		r := runReport{Run: i + 1}
		var err error
		if *mode == "flood" {
			// The same shoppers without and then with one flooding.
			if r.Quiet, err = loadtest.Run(ctx, o); err == nil {
				fo := o
				fo.Flood = true
				r.Kefu, err = loadtest.Run(ctx, fo)
			}
		} else {
			var before simCounts
			if model != nil {
				before = countsOf(model)
			}
			r.Kefu, err = loadtest.Run(ctx, o)
			if model != nil {
				r.Model = countsOf(model).since(before)
			}
		}
		if err == nil && model != nil {
			r.Direct, err = loadtest.Direct(ctx, model, o.Shoppers, o.Duration, o.Think)
		}
		if err == nil && *baseline {
			r.Echo, err = echoRun(ctx, o, *baselineAddr)
		}
		if err == nil && *storeBaseline {
			r.Store, err = storeEchoRun(ctx, o, *baselineAddr)
		}
		if err != nil {
			return err
		}
		if !*asJSON {
			r.print(stdout)
		}
		report = append(report, r)
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(report)
	}
	cores := 0
	if sameMachine(o.URL) {
		cores = runtime.NumCPU()
	}
	summarise(stdout, report, cores)
	return nil
}

func echoRun(ctx context.Context, o loadtest.Options, addr string) (*loadtest.Result, error) {
	url, stop, err := loadtest.ServeOn(addr, loadtest.EchoHandler())
	if err != nil {
		return nil, err
	}
	defer stop()
	o.URL, o.MetricsURL, o.Flood, o.Sign, o.Label = url, "", false, nil, "echo"
	return loadtest.Run(ctx, o)
}

func storeEchoRun(ctx context.Context, o loadtest.Options, addr string) (*loadtest.Result, error) {
	dir, err := os.MkdirTemp("", "kefu-loadtest-store-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	url, stop, err := storeEcho(ctx, filepath.Join(dir, "kefu.db"), addr)
	if err != nil {
		return nil, err
	}
	defer stop()
	o.URL, o.MetricsURL, o.Flood, o.Sign, o.Label = url, "", false, nil, "echo+store"
	return loadtest.Run(ctx, o)
}

func idleRun(ctx context.Context, o loadtest.Options, n int, baseline bool, baselineAddr string, stdout io.Writer, asJSON bool) error {
	before, after, err := loadtest.Idle(ctx, o, n)
	if err != nil {
		return err
	}
	// The same sockets held by the bare echo server, in a process of its
	// own: the floor under kefu's memory per socket.
	var echoBefore, echoAfter loadtest.Usage
	if baseline {
		echo, err := startEchoServer(ctx, baselineAddr)
		if err != nil {
			return fmt.Errorf("the echo baseline: %w", err)
		}
		eo := o
		eo.URL, eo.MetricsURL, eo.Sign = echo.ws, echo.metrics, nil
		echoBefore, echoAfter, err = loadtest.Idle(ctx, eo, n)
		echo.stop()
		if err != nil {
			return fmt.Errorf("the echo baseline: %w", err)
		}
	}
	if asJSON {
		return json.NewEncoder(stdout).Encode(map[string]any{"sockets": n, "before": before, "after": after,
			"echo_before": echoBefore, "echo_after": echoAfter})
	}
	perSocket := func(a, b int64) float64 { return float64(b-a) / float64(n) / 1024 }
	fmt.Fprintf(stdout, "idle: %d shopper sockets open, each with its conversation\n", n)
	fmt.Fprintf(stdout, "  server RSS   %7.1f MB before, %7.1f MB with them open: %.1f KiB per socket\n", mb(before.RSS), mb(after.RSS), perSocket(before.RSS, after.RSS))
	fmt.Fprintf(stdout, "  Go heap      %7.1f MB before, %7.1f MB: %.1f KiB per socket\n", mb(before.HeapInuse), mb(after.HeapInuse), perSocket(before.HeapInuse, after.HeapInuse))
	fmt.Fprintf(stdout, "  stacks       %7.1f MB before, %7.1f MB (%d goroutines)\n", mb(before.StackInuse), mb(after.StackInuse), after.Goroutines)
	if baseline {
		e := perSocket(echoBefore.RSS, echoAfter.RSS)
		fmt.Fprintf(stdout, "  echo baseline RSS %7.1f MB before, %7.1f MB with them open: %.1f KiB per socket (kefu: %.2f× the echo server's memory per socket)\n",
			mb(echoBefore.RSS), mb(echoAfter.RSS), e, perSocket(before.RSS, after.RSS)/max(e, 0.001))
	}
	return nil
}

// sameMachine reports whether the socket at url is served on this
// machine, where the server and the shoppers share its cores.
func sameMachine(url string) bool {
	host := strings.TrimPrefix(strings.TrimPrefix(url, "ws://"), "wss://")
	host, _, _ = strings.Cut(host, "/")
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func mb(b int64) float64 { return float64(b) / 1e6 }

// runReport is one run: kefu (with the flood, in flood mode), the same
// shoppers without the flood, and the echo baseline.
type runReport struct {
	Run   int
	Kefu  *loadtest.Result
	Quiet *loadtest.Result `json:",omitempty"`
	Echo  *loadtest.Result `json:",omitempty"`
	Store *loadtest.Result `json:",omitempty"` // the echo server storing each turn
	// Direct is clients streaming from the simulated model without kefu
	// (--model-sim).
	Direct *loadtest.DirectResult `json:",omitempty"`
	// Model is what kefu asked of the simulated model in the run.
	Model *simCounts `json:",omitempty"`
}

func (r runReport) print(w io.Writer) {
	line := func(name string, res *loadtest.Result) {
		if res == nil {
			return
		}
		fmt.Fprintf(w, "run %d  %-12s %9.0f turns/s  reply %s\n", r.Run, name, res.TurnsPerSecond(), res.Reply)
		fmt.Fprintf(w, "       %-12s %9s           ack   %s\n", "", "", res.Ack)
		extra := []string{errorsText(res.Errors)}
		if res.MemAfter.RSS > 0 {
			extra = append(extra, fmt.Sprintf("server RSS %.1f MB, %d goroutines", mb(res.MemAfter.RSS), res.MemAfter.Goroutines))
		}
		if c := cpuText(res); c != "" {
			extra = append(extra, c)
		}
		if res.FloodSent > 0 {
			extra = append(extra, fmt.Sprintf("flood: %d sent, %d acked, %d rate-limited", res.FloodSent, res.FloodAcked, res.FloodLimited))
			if res.FloodCuts > 0 {
				extra = append(extra, fmt.Sprintf("the server cut the flooding socket %d times (%s)", res.FloodCuts, res.FloodEnd))
			}
		}
		fmt.Fprintf(w, "       %-12s %s\n", "", strings.Join(extra, "; "))
	}
	if r.Quiet != nil {
		line("kefu", r.Quiet)
		line("kefu+flood", r.Kefu)
	} else {
		line("kefu", r.Kefu)
	}
	line("echo", r.Echo)
	line("echo+store", r.Store)
	printModelSim(w, r)
}

// cpuText is a run's CPU time a turn: the server's and the shoppers' when
// the server is a process of its own, or both together when it ran in
// this one.
func cpuText(res *loadtest.Result) string {
	if res.CPUPerTurn() == 0 {
		return ""
	}
	t := fmt.Sprintf("CPU a turn %s", µs(res.CPUPerTurn()))
	if res.ServerCPU > 0 {
		t += fmt.Sprintf(" (server %s, shoppers %s)", µs(res.ServerCPUPerTurn()), µs(res.LocalCPUPerTurn()))
	} else {
		t += " (server and shoppers in one process)"
	}
	return t + fmt.Sprintf(", %.2f cores busy", res.CoresBusy())
}

func µs(d time.Duration) string { return fmt.Sprintf("%d µs", d.Microseconds()) }

func errorsText(errs map[string]int) string {
	if len(errs) == 0 {
		return "no errors"
	}
	var parts []string
	for k, v := range errs {
		parts = append(parts, fmt.Sprintf("%d %s", v, k))
	}
	slices.Sort(parts)
	return "errors: " + strings.Join(parts, ", ")
}

// summarise prints the medians over the runs and the ratios to the
// baseline measured in the same runs. cores is the machine's, if the
// server shares it with the shoppers (zero if not): a turn's CPU time
// then bounds the turns a second that the machine can make at all.
func summarise(w io.Writer, rs []runReport, cores int) {
	med := func(f func(runReport) float64) float64 {
		var v []float64
		for _, r := range rs {
			v = append(v, f(r))
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	msOf := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	r0 := rs[0]
	fmt.Fprintf(w, "\nmedian of %d run(s), %d shoppers:\n", len(rs), r0.Kefu.Shoppers)
	tps := med(func(r runReport) float64 { return r.Kefu.TurnsPerSecond() })
	p50 := med(func(r runReport) float64 { return msOf(r.Kefu.Reply.P50) })
	p99 := med(func(r runReport) float64 { return msOf(r.Kefu.Reply.P99) })
	name := "kefu"
	if r0.Quiet != nil {
		qt := med(func(r runReport) float64 { return r.Quiet.TurnsPerSecond() })
		q99 := med(func(r runReport) float64 { return msOf(r.Quiet.Reply.P99) })
		ratio := med(func(r runReport) float64 { return msOf(r.Kefu.Reply.P99) / max(msOf(r.Quiet.Reply.P99), 0.001) })
		fmt.Fprintf(w, "  kefu          %9.0f turns/s   reply p99 %6.2f ms\n", qt, q99)
		fmt.Fprintf(w, "  kefu + flood  %9.0f turns/s   reply p99 %6.2f ms   the flood raises the others' p99 %.2f×\n", tps, p99, ratio)
		name = "kefu + flood"
	} else {
		fmt.Fprintf(w, "  kefu          %9.0f turns/s   reply p50 %6.2f ms   p99 %6.2f ms\n", tps, p50, p99)
	}
	if r0.Echo != nil {
		et := med(func(r runReport) float64 { return r.Echo.TurnsPerSecond() })
		e99 := med(func(r runReport) float64 { return msOf(r.Echo.Reply.P99) })
		ratio := med(func(r runReport) float64 { return r.Kefu.TurnsPerSecond() / max(r.Echo.TurnsPerSecond(), 0.001) })
		fmt.Fprintf(w, "  echo baseline %9.0f turns/s   reply p99 %6.2f ms   (%s: %.3f× the echo server’s turns/s)\n", et, e99, name, ratio)
	}
	if r0.Store != nil {
		st := med(func(r runReport) float64 { return r.Store.TurnsPerSecond() })
		s99 := med(func(r runReport) float64 { return msOf(r.Store.Reply.P99) })
		ratio := med(func(r runReport) float64 { return r.Kefu.TurnsPerSecond() / max(r.Store.TurnsPerSecond(), 0.001) })
		fmt.Fprintf(w, "  echo + store  %9.0f turns/s   reply p99 %6.2f ms   (%s: %.3f× its turns/s)\n", st, s99, name, ratio)
	}
	// CPU a turn, the server's and the shoppers' together.
	cpu := func(label string, res func(runReport) *loadtest.Result) {
		per := med(func(r runReport) float64 { return float64(res(r).CPUPerTurn()) })
		if per <= 0 {
			return
		}
		fmt.Fprintf(w, "  %-13s %s", label, µs(time.Duration(per)))
		if server := med(func(r runReport) float64 { return float64(res(r).ServerCPUPerTurn()) }); server > 0 {
			fmt.Fprintf(w, " (server %s)", µs(time.Duration(server)))
		}
		if cores > 0 {
			fmt.Fprintf(w, "   at most %.0f turns/s on %d cores", float64(cores)*float64(time.Second)/per, cores)
		}
		fmt.Fprintln(w)
	}
	if r0.Kefu.CPUPerTurn() == 0 {
		return
	}
	fmt.Fprintf(w, "CPU a turn, server and shoppers together:\n")
	if r0.Quiet != nil {
		cpu("kefu", func(r runReport) *loadtest.Result { return r.Quiet })
	}
	cpu(name, func(r runReport) *loadtest.Result { return r.Kefu })
	if r0.Echo != nil {
		cpu("echo baseline", func(r runReport) *loadtest.Result { return r.Echo })
	}
	if r0.Store != nil {
		cpu("echo + store", func(r runReport) *loadtest.Result { return r.Store })
	}
	summariseModelSim(w, rs)
}

// childServer is a kefu, or the echo baseline, started by the load test
// in a process of its own.
type childServer struct {
	cmd                    *exec.Cmd
	addr, ws, metrics, log string
	secret                 string
	dir                    string
}

// newChild prepares a child running this binary with args: a temporary
// folder, a free port and a log file in the folder. start runs it.
func newChild(name, addr string, args ...string) (*childServer, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "kefu-loadtest-"+name+"-")
	if err != nil {
		return nil, err
	}
	// A port of 0 becomes a free one; a given port is checked free.
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("%s's address: %w", name, err)
	}
	addr = ln.Addr().String()
	ln.Close()
	s := &childServer{addr: addr, ws: "ws://" + addr + "/ws", metrics: "http://" + addr + "/metrics",
		log: filepath.Join(dir, name+".log"), dir: dir}
	logf, err := os.Create(s.log)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s.cmd = exec.Command(exe, args...)
	s.cmd.Stdout, s.cmd.Stderr = logf, logf
	return s, nil
}

// startServer starts `kefu serve` on a temporary database with the demo
// shop, a fresh identity secret and rate limits that a load test from one
// address can live with: msgRate messages a second per socket (by default
// 1,000: a shopper waiting for each answer sends a few hundred at most, on
// an idle server; a flooding one sends a hundred times that and is cut off)
// and no practical limit per address, of messages, sockets or hellos
// (every simulated shopper is 127.0.0.1).
func startServer(ctx context.Context, environ []string, msgRate int, addr string, extra ...string) (*childServer, error) {
	s, err := newChild("kefu", addr, "serve")
	if err != nil {
		return nil, err
	}
	b := make([]byte, 32)
	rand.Read(b)
	s.secret = hex.EncodeToString(b)
	var env []string
	for _, kv := range environ {
		// KEFU_SYNC goes through, so that both settings can be measured.
		if !strings.HasPrefix(kv, "KEFU_") || strings.HasPrefix(kv, "KEFU_SYNC=") {
			env = append(env, kv)
		}
	}
	s.cmd.Env = append(env, "KEFU_DB="+filepath.Join(s.dir, "kefu.db"), "KEFU_ADDR="+s.addr, "KEFU_IDENTITY_SECRET="+s.secret,
		"KEFU_DEMO=false", "KEFU_LOG_LEVEL=warn", fmt.Sprint("KEFU_MESSAGE_RATE=", msgRate), fmt.Sprint("KEFU_MESSAGE_BURST=", msgRate),
		"KEFU_IP_RATE=1000000", "KEFU_IP_BURST=1000000", "KEFU_SOCKETS_PER_ADDRESS=1000000", "KEFU_HELLO_RATE=1000000", "KEFU_HELLO_BURST=1000000", "KEFU_ADMIN_PASSWORD=loadtest-"+s.secret[:16])
	s.cmd.Env = append(s.cmd.Env, extra...)
	return s, s.start(ctx, "/readyz")
}

// startEchoServer starts the echo baseline in a process of its own, as
// kefu is, so that its memory can be read the same way.
func startEchoServer(ctx context.Context, addr string) (*childServer, error) {
	s, err := newChild("echo", addr)
	if err != nil {
		return nil, err
	}
	s.cmd.Args = append(s.cmd.Args, "loadtest", "--serve-echo", s.addr)
	return s, s.start(ctx, "/metrics")
}

// start starts the child and waits until path answers 200.
func (s *childServer) start(ctx context.Context, path string) error {
	err := s.cmd.Start()
	s.cmd.Stdout.(*os.File).Close() // the child has its own copy
	if err != nil {
		os.RemoveAll(s.dir)
		return err
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get("http://" + s.addr + path)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			s.stop()
			return errors.New("the server did not become ready; see " + s.log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// serveEcho runs the echo baseline with a /metrics page until ctx ends
// (kefu loadtest --serve-echo, started by the idle mode).
func serveEcho(ctx context.Context, addr string) error {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	mux := http.NewServeMux()
	mux.Handle("/ws", loadtest.EchoHandler())
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func (s *childServer) stop() {
	s.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		s.cmd.Process.Kill()
		<-done
	}
	os.RemoveAll(s.dir)
}

// simCounts are the simulated model's requests, the faults and the
// HTTP/2 requests among them, and the connections it accepted.
type simCounts struct{ Requests, Faults, HTTP2, Conns int64 }

func countsOf(m *loadtest.ModelSim) simCounts {
	return simCounts{m.Requests.Load(), m.Faults.Load(), m.HTTP2.Load(), m.Conns.Load()}
}

func (c simCounts) since(b simCounts) *simCounts {
	return &simCounts{c.Requests - b.Requests, c.Faults - b.Faults, c.HTTP2 - b.HTTP2, c.Conns - b.Conns}
}
