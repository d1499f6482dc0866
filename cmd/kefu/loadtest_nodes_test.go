package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// kefu loadtest --nodes 2, as a user runs it, on the test PostgreSQL
// server and an in-process NATS: every set-up (SQLite, PostgreSQL alone
// and with NATS, two nodes) makes turns without errors on its own
// processes; two nodes get the cross-node probe (staff on one node, the
// shopper on the other) and the failover (a node SIGKILLed under load,
// its shoppers resumed and answered on the other).
func TestLoadtestNodes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds kefu and runs two nodes")
	}
	pg := os.Getenv("KEFU_TEST_POSTGRES")
	if pg == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("KEFU_TEST_POSTGRES is unset; with CI=true the multi-node load test may not skip")
		}
		t.Skip("KEFU_TEST_POSTGRES is unset: no PostgreSQL server for the nodes")
	}
	ns, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, NoLog: true, NoSigs: true})
	if err != nil {
		t.Fatal(err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(5 * time.Second) {
		t.Fatal("nats server not ready")
	}
	t.Cleanup(ns.Shutdown)
	// Without the race detector even under -race: instrumented nodes
	// seeding the demo shop into PostgreSQL on a loaded 2-core machine
	// outlast the load test's 60 s start deadline (twice of two here).
	// The nodes' code runs under the detector in TestThreeNodes and
	// TestComposeProxy.
	bin := filepath.Join(t.TempDir(), "kefu")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	var out, errOut bytes.Buffer
	cmd := exec.Command(bin, "loadtest", "--json", "--nodes", "2", "--database-url", pg, "--nats-url", ns.ClientURL(),
		"--shoppers", "6", "--duration", "2s", "--warmup", "300ms", "--failover-shoppers", "4")
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("kefu loadtest --nodes 2: %v\n%s", err, errOut.String())
	}
	var runs []nodeRun
	if err := json.Unmarshal(out.Bytes(), &runs); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	want := []string{"SQLite, 1 node", "PostgreSQL, 1 node", "PG + NATS, 1 node", "PG + NATS, 2 nodes"}
	if len(runs) != len(want) {
		t.Fatalf("%d set-ups measured, want %d:\n%s", len(runs), len(want), out.String())
	}
	for i, r := range runs {
		if r.Config.Name != want[i] || r.Result.Turns == 0 || len(r.Result.Errors) != 0 || len(r.NodeCPU) != r.Config.Nodes {
			t.Errorf("set-up %d: %+v, result %+v", i, r, r.Result)
		}
		for _, c := range r.NodeCPU {
			if c <= 0 {
				t.Errorf("%s: a node's CPU was not measured: %v", r.Config.Name, r.NodeCPU)
			}
		}
		if (r.Cross != nil) != (r.Config.Nodes == 2) || (r.Failover != nil) != (r.Config.Nodes == 2) {
			t.Errorf("%s: cross-node probe %+v, failover %+v", r.Config.Name, r.Cross, r.Failover)
		}
	}
	two := runs[3]
	if x := two.Cross; x != nil && (x.Probes == 0 || x.Errors != 0 || x.CrossReply.P50 <= 0 || x.SameReply.P50 <= 0 || x.CrossTyping.P50 <= 0 || x.SameTyping.P50 <= 0) {
		t.Errorf("cross-node probe: %+v", x)
	}
	if f := two.Failover; f != nil {
		if f.Shoppers != 4 || len(f.Errors) != 0 || f.Resumed.P50 <= 0 {
			t.Errorf("failover: %+v", f)
		}
	}
}
