package main

// kefu loadtest --nodes N (docs/scale.md): in each run the same shoppers
// against one node on SQLite, one on PostgreSQL (alone, and with NATS and
// its turn leases, as every node of a cluster runs), and 2…N nodes on one
// PostgreSQL database and one NATS server, each node its own `kefu serve`
// process on its own port, the shoppers spread over them. With two nodes
// or more it also measures a staff frame's delivery from one node to a
// shopper on another (against the same node, same run), and with N nodes
// the failover: a node SIGKILLed under load, and how long its shoppers
// wait on the others.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kefu-dev/kefu/chat"
	"github.com/kefu-dev/kefu/cmd/kefu/loadtest"
)

type nodeFlags struct {
	nodes            int
	databaseURL      string
	natsURL          string
	failover         bool
	failoverShoppers int
	nodeCPUs         float64 // each kefu node's CPU quota in cores; 0: none
}

func addNodeFlags(fs *flag.FlagSet) *nodeFlags {
	nf := &nodeFlags{}
	fs.IntVar(&nf.nodes, "nodes", 0, "measure 1 to N kefu nodes on PostgreSQL and NATS, next to one on SQLite, in each run (needs --database-url)")
	fs.StringVar(&nf.databaseURL, "database-url", os.Getenv("KEFU_TEST_POSTGRES"), "--nodes: a PostgreSQL server whose role may create databases (one is created for each measurement and dropped after); default $KEFU_TEST_POSTGRES")
	fs.StringVar(&nf.natsURL, "nats-url", "", "--nodes: a NATS server (default: start nats-server from PATH on a free port)")
	fs.BoolVar(&nf.failover, "failover", true, "--nodes: SIGKILL a node under load at the end of each run and time its shoppers' failover")
	fs.IntVar(&nf.failoverShoppers, "failover-shoppers", 20, "--nodes: shoppers on the node that is killed, timed")
	fs.Float64Var(&nf.nodeCPUs, "node-cpus", 0, "--nodes: limit each kefu node to this many cores (0.25: a quarter of one) with a cgroup CPU quota, as if each ran on a small machine of its own (Linux, root); 0: no limit")
	return nf
}

// nodeConfig is one measured set-up.
type nodeConfig struct {
	Name  string
	Nodes int
	PG    bool
	NATS  bool
}

// nodeRun is one set-up measured in one run.
type nodeRun struct {
	Run    int
	Config nodeConfig
	Load   string // the load average before it
	// NodeCPUs is each node's CPU quota in cores (--node-cpus); 0: none.
	NodeCPUs float64 `json:",omitempty"`
	Result   *loadtest.Result
	NodeCPU  []float64 // cores each node kept busy, warm-up and measuring
	PGCPU    float64   // ...the PostgreSQL server's processes
	NATSCPU  float64   // ...the NATS server started here
	Cross    *loadtest.CrossResult
	// IdleCross is the same probe right after the shoppers stopped: the
	// delivery itself, without the load's queues.
	IdleCross *loadtest.CrossResult    `json:",omitempty"`
	Failover  *loadtest.FailoverResult `json:",omitempty"`
}

func nodesRuns(ctx context.Context, c *cli, o loadtest.Options, nf *nodeFlags, model *loadtest.ModelSim, msgRate, runs int, stdout io.Writer, asJSON bool) error {
	if nf.databaseURL == "" {
		return usagef("--nodes needs --database-url postgres://… (or KEFU_TEST_POSTGRES)")
	}
	natsURL, natsPID := nf.natsURL, 0
	if natsURL == "" {
		n, err := startNATS()
		if err != nil {
			return err
		}
		defer n.stop()
		natsURL, natsPID = n.url, n.cmd.Process.Pid
		fmt.Fprintf(c.stderr, "%s: started nats-server (pid %d) on %s\n", c.name, natsPID, natsURL)
	}
	configs := []nodeConfig{{"SQLite, 1 node", 1, false, false}, {"PostgreSQL, 1 node", 1, true, false}, {"PG + NATS, 1 node", 1, true, true}}
	for n := 2; n <= nf.nodes; n++ {
		configs = append(configs, nodeConfig{fmt.Sprintf("PG + NATS, %d nodes", n), n, true, true})
	}
	var all []nodeRun
	for run := 1; run <= runs; run++ {
		for _, cfg := range configs {
			r, err := measureNodes(ctx, c, o, nf, cfg, natsURL, natsPID, model, msgRate, cfg.Nodes == nf.nodes && nf.nodes >= 2 && nf.failover)
			if err != nil {
				return fmt.Errorf("%s: %w", cfg.Name, err)
			}
			r.Run = run
			if !asJSON {
				r.print(stdout)
			}
			all = append(all, *r)
		}
	}
	if asJSON {
		return json.NewEncoder(stdout).Encode(all)
	}
	summariseNodes(stdout, all, configs)
	return nil
}

// measureNodes starts cfg's nodes on a fresh database, runs the shoppers
// and the probes, and stops them.
func measureNodes(ctx context.Context, c *cli, o loadtest.Options, nf *nodeFlags, cfg nodeConfig, natsURL string, natsPID int, model *loadtest.ModelSim, msgRate int, failover bool) (*nodeRun, error) {
	r := &nodeRun{Config: cfg, Load: loadAverage(), NodeCPUs: nf.nodeCPUs}
	b := make([]byte, 32)
	rand.Read(b)
	secret := hex.EncodeToString(b)
	extra := []string{"KEFU_IDENTITY_SECRET=" + secret}
	if model != nil {
		extra = append(extra, simEnv(model)...)
	}
	if cfg.PG {
		dbURL, drop, err := createDatabase(ctx, nf.databaseURL)
		if err != nil {
			return nil, err
		}
		defer drop()
		extra = append(extra, "KEFU_DATABASE_URL="+dbURL)
	}
	if cfg.NATS {
		extra = append(extra, "KEFU_NATS_URL="+natsURL)
	}
	// The first node seeds the demo shop into the empty database, then the
	// others start together.
	nodes := make([]*childServer, cfg.Nodes)
	stopAll := func() {
		var wg sync.WaitGroup
		for _, n := range nodes {
			if n != nil {
				wg.Add(1)
				go func() { defer wg.Done(); n.stop() }()
			}
		}
		wg.Wait()
	}
	var mu sync.Mutex
	var releases []func()
	defer func() { // after stopAll: a cgroup goes once its process has
		for _, r := range releases {
			r()
		}
	}()
	defer stopAll()
	start := func() (*childServer, error) {
		n, err := startServer(ctx, c.environ, msgRate, "127.0.0.1:0", extra...)
		if err != nil || nf.nodeCPUs <= 0 {
			return n, err
		}
		release, err := limitCPU(n.cmd.Process.Pid, nf.nodeCPUs)
		if err != nil {
			return n, err
		}
		mu.Lock()
		releases = append(releases, release)
		mu.Unlock()
		return n, nil
	}
	var err error
	if nodes[0], err = start(); err != nil {
		return nil, err
	}
	errs := make(chan error, cfg.Nodes)
	for i := 1; i < cfg.Nodes; i++ {
		go func() {
			var err error
			nodes[i], err = start()
			errs <- err
		}()
	}
	for i := 1; i < cfg.Nodes; i++ {
		if e := <-errs; e != nil {
			err = e
		}
	}
	if err != nil {
		return nil, err
	}
	o.URL, o.URLs, o.MetricsURL = "", nil, ""
	for _, n := range nodes {
		o.URLs = append(o.URLs, n.ws)
	}
	if cfg.Nodes == 1 {
		o.URL, o.URLs, o.MetricsURL = nodes[0].ws, nil, nodes[0].metrics
	}
	key := []byte(secret)
	o.Sign = func(id string, exp int64) string { return chat.Sign(key, id, exp) }
	o.Label = fmt.Sprintf("%dx%s", cfg.Nodes, map[bool]string{true: "pg", false: "sqlite"}[cfg.PG])
	base := func(n *childServer) string { return "http://" + n.addr }

	// CPU of every process before and after.
	cpu0, wall0 := nodesCPU(ctx, nodes), time.Now()
	pg0, nats0 := pgCPU(), pidCPU(natsPID)
	var cross *loadtest.CrossResult
	var crossErr error
	var wg sync.WaitGroup
	var staff *loadtest.Staff
	if cfg.Nodes >= 2 {
		if staff, err = loadtest.SignIn(ctx, base(nodes[0]), "admin@kefu.local", "loadtest-"+nodes[0].secret[:16]); err != nil {
			return nil, err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case <-time.After(o.Warmup):
			case <-ctx.Done():
				return
			}
			cross, crossErr = loadtest.CrossNode(ctx, staff, nodes[0].ws, base(nodes[0]), base(nodes[1]), max(o.Duration-time.Second, time.Second))
		}()
	}
	res, err := loadtest.Run(ctx, o)
	wg.Wait()
	if err != nil {
		return nil, err
	}
	if crossErr != nil {
		return nil, fmt.Errorf("the cross-node probe: %w", crossErr)
	}
	wall := time.Since(wall0)
	for i, t := range nodesCPU(ctx, nodes) {
		r.NodeCPU = append(r.NodeCPU, float64(t-cpu0[i])/float64(wall))
	}
	r.PGCPU, r.NATSCPU = float64(pgCPU()-pg0)/float64(wall), float64(pidCPU(natsPID)-nats0)/float64(wall)
	r.Result, r.Cross = res, cross
	if staff != nil {
		if r.IdleCross, err = loadtest.CrossNode(ctx, staff, nodes[0].ws, base(nodes[0]), base(nodes[1]), 3*time.Second); err != nil {
			return nil, fmt.Errorf("the cross-node probe without load: %w", err)
		}
	}

	if failover {
		// The same shoppers go on in the background while the first node
		// is killed with the failover's own shoppers on it.
		bctx, cancel := context.WithCancel(ctx)
		bo := o
		bo.Warmup, bo.Duration, bo.Progress = 0, 5*time.Minute, nil
		done := make(chan struct{})
		go func() { loadtest.Run(bctx, bo); close(done) }()
		time.Sleep(time.Second)
		r.Failover, err = loadtest.Failover(ctx, o, 0, nf.failoverShoppers, func() error {
			return nodes[0].cmd.Process.Signal(syscall.SIGKILL)
		})
		cancel()
		<-done
		if err != nil {
			return nil, fmt.Errorf("failover: %w", err)
		}
	}
	return r, nil
}

// nodesCPU reads each node's CPU time from its /metrics.
func nodesCPU(ctx context.Context, nodes []*childServer) []time.Duration {
	var out []time.Duration
	for _, n := range nodes {
		u, _ := loadtest.ReadUsage(ctx, n.metrics)
		out = append(out, u.CPU)
	}
	return out
}

// pgCPU is the CPU time of this machine's PostgreSQL server processes
// (every process named postgres, whoever's), from /proc; zero where there
// is none.
func pgCPU() time.Duration {
	ents, _ := os.ReadDir("/proc")
	var total time.Duration
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "comm")); err == nil && strings.TrimSpace(string(b)) == "postgres" {
			total += pidCPU(pid)
		}
	}
	return total
}

// pidCPU is a process's user and system time, from /proc (clock ticks of
// 10 ms, Linux's USER_HZ).
func pidCPU(pid int) time.Duration {
	if pid == 0 {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(fields[11], 10, 64)
	st, _ := strconv.ParseInt(fields[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	return strings.Join(f[:min(3, len(f))], " ")
}

// createDatabase creates a database on the server at serverURL and
// returns its URL and a function that drops it.
func createDatabase(ctx context.Context, serverURL string) (string, func(), error) {
	conn, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		return "", nil, fmt.Errorf("the PostgreSQL server: %w", err)
	}
	defer conn.Close(ctx)
	b := make([]byte, 6)
	rand.Read(b)
	name := "kefu_loadtest_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", nil, err
	}
	u, err := url.Parse(serverURL)
	if err != nil {
		return "", nil, err
	}
	u.Path = "/" + name
	drop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if conn, err := pgx.Connect(ctx, serverURL); err == nil {
			conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			conn.Close(ctx)
		}
	}
	return u.String(), drop, nil
}

type natsChild struct {
	cmd  *exec.Cmd
	url  string
	done chan struct{}
}

// startNATS starts nats-server from PATH on a free loopback port: a
// process of its own, as in a deployment, so that its CPU is its own.
func startNATS() (*natsChild, error) {
	bin, err := exec.LookPath("nats-server")
	if err != nil {
		return nil, errors.New("--nodes: no --nats-url and no nats-server on PATH (go install github.com/nats-io/nats-server/v2@v2.15.2)")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().(*net.TCPAddr)
	ln.Close()
	n := &natsChild{cmd: exec.Command(bin, "-a", "127.0.0.1", "-p", strconv.Itoa(addr.Port)), url: "nats://" + addr.String(), done: make(chan struct{})}
	if err := n.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { n.cmd.Wait(); close(n.done) }()
	for deadline := time.Now().Add(10 * time.Second); ; {
		if c, err := net.Dial("tcp", addr.String()); err == nil {
			c.Close()
			return n, nil
		}
		if time.Now().After(deadline) {
			n.stop()
			return nil, errors.New("nats-server did not start")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (n *natsChild) stop() {
	n.cmd.Process.Signal(os.Interrupt)
	select {
	case <-n.done:
	case <-time.After(5 * time.Second):
		n.cmd.Process.Kill()
		<-n.done
	}
}

func (r nodeRun) print(w io.Writer) {
	res := r.Result
	var cores []string
	for _, c := range r.NodeCPU {
		cores = append(cores, fmt.Sprintf("%.2f", c))
	}
	fmt.Fprintf(w, "run %d  %-20s %7.0f turns/s  reply p50 %s p99 %s  %s  (load %s)\n", r.Run, r.Config.Name, res.TurnsPerSecond(),
		msText(res.Reply.P50), msText(res.Reply.P99), errorsText(res.Errors), r.Load)
	limit := ""
	if r.NodeCPUs > 0 {
		limit = fmt.Sprintf(" (each limited to %.2f)", r.NodeCPUs)
	}
	fmt.Fprintf(w, "       cores busy: nodes %s%s, PostgreSQL %.2f, NATS %.2f, shoppers %.2f\n", strings.Join(cores, " "), limit, r.PGCPU, r.NATSCPU,
		float64(res.LocalCPU)/float64(max(res.Elapsed, 1)))
	if x := r.Cross; x != nil {
		fmt.Fprintf(w, "       staff on another node → shopper: reply p50 %s p99 %s, typing p50 %s p99 %s (%d probes, %d errors)\n",
			msText(x.CrossReply.P50), msText(x.CrossReply.P99), msText(x.CrossTyping.P50), msText(x.CrossTyping.P99), x.Probes, x.Errors)
		fmt.Fprintf(w, "       staff on the same node  → shopper: reply p50 %s p99 %s, typing p50 %s p99 %s\n",
			msText(x.SameReply.P50), msText(x.SameReply.P99), msText(x.SameTyping.P50), msText(x.SameTyping.P99))
	}
	if x := r.IdleCross; x != nil {
		fmt.Fprintf(w, "       the same without load: another node: reply p50 %s p99 %s, typing p50 %s p99 %s; the same node: reply p50 %s p99 %s, typing p50 %s p99 %s (%d probes)\n",
			msText(x.CrossReply.P50), msText(x.CrossReply.P99), msText(x.CrossTyping.P50), msText(x.CrossTyping.P99),
			msText(x.SameReply.P50), msText(x.SameReply.P99), msText(x.SameTyping.P50), msText(x.SameTyping.P99), x.Probes)
	}
	if f := r.Failover; f != nil {
		fmt.Fprintf(w, "       failover (node 1 SIGKILLed, %d of its shoppers): resumed on another node p50 %s max %s; answered: between turns p50 %s max %s, turn in flight p50 %s max %s",
			f.Shoppers, msText(f.Resumed.P50), msText(f.Resumed.Max), msText(f.Between.P50), msText(f.Between.Max), msText(f.InFlight.P50), msText(f.InFlight.Max))
		if len(f.Errors) > 0 {
			fmt.Fprintf(w, "; %d errors (%s)", len(f.Errors), f.Errors[0])
		}
		fmt.Fprintln(w)
	}
}

func msText(d time.Duration) string {
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000)
}

// summariseNodes prints the medians over the runs of each set-up, and the
// ratios to one node measured in the same run.
func summariseNodes(w io.Writer, all []nodeRun, configs []nodeConfig) {
	med := func(v []float64) float64 {
		if len(v) == 0 {
			return 0
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	of := func(run int, name string) *nodeRun {
		for i := range all {
			if all[i].Run == run && all[i].Config.Name == name {
				return &all[i]
			}
		}
		return nil
	}
	limit := ""
	if c := all[0].NodeCPUs; c > 0 {
		limit = fmt.Sprintf(", each node limited to %.2f of a core", c)
	}
	fmt.Fprintf(w, "\nmedians of %d run(s), %d shoppers%s; ratios are within each run, to \"PG + NATS, 1 node\" (and SQLite)\n", all[len(all)-1].Run, all[0].Result.Shoppers, limit)
	fmt.Fprintf(w, "  %-20s %8s %9s %9s %9s %9s  %s\n", "", "turns/s", "x 1 node", "x SQLite", "reply p50", "reply p99", "cores: nodes (sum), PostgreSQL")
	for _, cfg := range configs {
		var tps, p50, p99, ratio, vsSQLite, nodesCores, pg []float64
		for _, r := range all {
			if r.Config.Name != cfg.Name {
				continue
			}
			tps = append(tps, r.Result.TurnsPerSecond())
			p50 = append(p50, float64(r.Result.Reply.P50))
			p99 = append(p99, float64(r.Result.Reply.P99))
			if one := of(r.Run, "PG + NATS, 1 node"); one != nil {
				ratio = append(ratio, r.Result.TurnsPerSecond()/max(one.Result.TurnsPerSecond(), 0.001))
			}
			if one := of(r.Run, "SQLite, 1 node"); one != nil {
				vsSQLite = append(vsSQLite, r.Result.TurnsPerSecond()/max(one.Result.TurnsPerSecond(), 0.001))
			}
			sum := 0.0
			for _, c := range r.NodeCPU {
				sum += c
			}
			nodesCores, pg = append(nodesCores, sum), append(pg, r.PGCPU)
		}
		fmt.Fprintf(w, "  %-20s %8.0f %8.2fx %8.2fx %9s %9s  %.2f, %.2f\n", cfg.Name, med(tps), med(ratio), med(vsSQLite),
			msText(time.Duration(med(p50))), msText(time.Duration(med(p99))), med(nodesCores), med(pg))
	}
	var cr50, cr99, sr50, sr99, ct50, ct99, st50, st99 []float64
	var res50, resMax, bet50, fly50, flyMax []float64
	var icr50, icr99, isr50, isr99, ict50, ict99, ist50, ist99 []float64
	for _, r := range all {
		if x := r.IdleCross; x != nil {
			icr50, icr99 = append(icr50, float64(x.CrossReply.P50)), append(icr99, float64(x.CrossReply.P99))
			isr50, isr99 = append(isr50, float64(x.SameReply.P50)), append(isr99, float64(x.SameReply.P99))
			ict50, ict99 = append(ict50, float64(x.CrossTyping.P50)), append(ict99, float64(x.CrossTyping.P99))
			ist50, ist99 = append(ist50, float64(x.SameTyping.P50)), append(ist99, float64(x.SameTyping.P99))
		}
		if x := r.Cross; x != nil {
			cr50, cr99 = append(cr50, float64(x.CrossReply.P50)), append(cr99, float64(x.CrossReply.P99))
			sr50, sr99 = append(sr50, float64(x.SameReply.P50)), append(sr99, float64(x.SameReply.P99))
			ct50, ct99 = append(ct50, float64(x.CrossTyping.P50)), append(ct99, float64(x.CrossTyping.P99))
			st50, st99 = append(st50, float64(x.SameTyping.P50)), append(st99, float64(x.SameTyping.P99))
		}
		if f := r.Failover; f != nil {
			res50, resMax = append(res50, float64(f.Resumed.P50)), append(resMax, float64(f.Resumed.Max))
			bet50 = append(bet50, float64(f.Between.P50))
			fly50, flyMax = append(fly50, float64(f.InFlight.P50)), append(flyMax, float64(f.InFlight.Max))
		}
	}
	d := func(v []float64) string { return msText(time.Duration(med(v))) }
	if len(cr50) > 0 {
		fmt.Fprintf(w, "  staff frame → shopper, under load (all multi-node set-ups): reply from another node p50 %s p99 %s, from the same node p50 %s p99 %s\n", d(cr50), d(cr99), d(sr50), d(sr99))
		fmt.Fprintf(w, "                                                              typing from another node p50 %s p99 %s, from the same node p50 %s p99 %s\n", d(ct50), d(ct99), d(st50), d(st99))
	}
	if len(icr50) > 0 {
		fmt.Fprintf(w, "  the same without load:                                      reply from another node p50 %s p99 %s, from the same node p50 %s p99 %s\n", d(icr50), d(icr99), d(isr50), d(isr99))
		fmt.Fprintf(w, "                                                              typing from another node p50 %s p99 %s, from the same node p50 %s p99 %s\n", d(ict50), d(ict99), d(ist50), d(ist99))
	}
	if len(res50) > 0 {
		fmt.Fprintf(w, "  failover: resumed on another node p50 %s (max %s); answered between turns p50 %s; a turn in flight p50 %s (max %s)\n", d(res50), d(resMax), d(bet50), d(fly50), d(flyMax))
	}
}
