package main

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/cmd/kefu/loadtest"
)

// kefu loadtest, as a user runs it: it starts its own kefu on a temporary
// database, drives it and the echo baseline, and reports the server's
// memory; the idle mode holds sockets open.
func TestLoadtestCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the kefu binary")
	}
	bin := buildKefu(t)
	run := func(args ...string) []byte {
		t.Helper()
		var out, errOut bytes.Buffer
		cmd := exec.Command(bin, append([]string{"loadtest", "--json"}, args...)...)
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Run(); err != nil {
			t.Fatalf("kefu loadtest %v: %v\n%s", args, err, errOut.String())
		}
		return out.Bytes()
	}

	var report []struct {
		Kefu, Echo *loadtest.Result
	}
	if err := json.Unmarshal(run("--shoppers", "4", "--duration", "1s", "--warmup", "200ms"), &report); err != nil {
		t.Fatal(err)
	}
	if len(report) != 1 || report[0].Kefu == nil || report[0].Echo == nil {
		t.Fatalf("report: %+v", report)
	}
	k, e := report[0].Kefu, report[0].Echo
	if k.Turns == 0 || len(k.Errors) != 0 || k.Reply.P50 <= 0 || k.MemAfter.RSS == 0 || k.MemAfter.Goroutines == 0 {
		t.Errorf("kefu: %+v", k)
	}
	// kefu runs in a process of its own: its CPU time comes from its
	// /metrics, the shoppers' from this process; the echo server runs in
	// the load test's process, so only the latter is known.
	if k.ServerCPU <= 0 || k.LocalCPU <= 0 || k.CPUPerTurn() <= k.ServerCPU/time.Duration(k.Turns) {
		t.Errorf("kefu's CPU: server %v, shoppers %v, a turn %v", k.ServerCPU, k.LocalCPU, k.CPUPerTurn())
	}
	if e.Turns == 0 || len(e.Errors) != 0 || e.ServerCPU != 0 || e.LocalCPU <= 0 {
		t.Errorf("echo: %+v", e)
	}

	var idle struct {
		Sockets       int
		Before, After loadtest.Usage
		EchoAfter     loadtest.Usage `json:"echo_after"`
	}
	if err := json.Unmarshal(run("--mode", "idle", "--sockets", "50"), &idle); err != nil {
		t.Fatal(err)
	}
	if idle.Sockets != 50 || idle.Before.RSS == 0 || idle.After.Goroutines < 50 || idle.EchoAfter.Goroutines < 50 {
		t.Errorf("idle: %+v", idle)
	}
}

func TestSameMachine(t *testing.T) {
	for url, want := range map[string]bool{
		"ws://127.0.0.1:8080/ws":    true,
		"ws://localhost:8080/ws":    true,
		"wss://[::1]:8443/ws":       true,
		"ws://127.0.0.1/ws":         true,
		"ws://10.0.0.7:8080/ws":     false,
		"wss://shop.example.com/ws": false,
		"ws://localhost.example/ws": false,
	} {
		if got := sameMachine(url); got != want {
			t.Errorf("sameMachine(%q) = %v, want %v", url, got, want)
		}
	}
}

// kefu loadtest --model-sim: the started kefu answers through a simulated
// streaming model in the OpenAI wire format (tool calls included), its
// shoppers see streamed deltas, and clients streaming from the model
// directly give the baseline.
func TestLoadtestModelSim(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the kefu binary")
	}
	bin := buildKefu(t)
	// The ports are given (--addr, --sim-addr, --debug-addr): the server,
	// the model and the profiler answer on them while it runs.
	kefuAddr, simAddr, debugAddr := freeAddr(t), freeAddr(t), freeAddr(t)
	var out, errOut bytes.Buffer
	cmd := exec.Command(bin, "loadtest", "--json", "--model-sim", "--shoppers", "4", "--duration", "2s", "--warmup", "500ms",
		"--baseline=false", "--sim-first-token", "100ms", "--sim-token-gap", "5ms", "--sim-tool-share", "0.5",
		"--addr", kefuAddr, "--sim-addr", simAddr, "--debug-addr", debugAddr)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"http://" + kefuAddr + "/readyz", "http://" + debugAddr + "/debug/pprof/", "http://" + simAddr + "/v1/models"} {
		if !answers(u, 30*time.Second) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("nothing answered at %s during the load test\n%s", u, errOut.String())
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("kefu loadtest --model-sim: %v\n%s", err, errOut.String())
	}
	var report []struct {
		Kefu   *loadtest.Result
		Direct *loadtest.DirectResult
	}
	if err := json.Unmarshal(out.Bytes(), &report); err != nil {
		t.Fatal(err)
	}
	if len(report) != 1 || report[0].Kefu == nil || report[0].Direct == nil {
		t.Fatalf("report: %s", out.String())
	}
	k, d := report[0].Kefu, report[0].Direct
	if k.Turns == 0 || len(k.Errors) != 0 || k.FirstDelta.P50 < 100*time.Millisecond || k.Reply.P50 <= k.FirstDelta.P50 {
		t.Errorf("kefu through the model: %+v", k)
	}
	if d.Streams == 0 || d.Errors != 0 || d.FirstToken.P50 < 100*time.Millisecond || d.Final.P50 <= d.FirstToken.P50 {
		t.Errorf("direct: %+v", d)
	}
	if n := k.MemLeft.Fallbacks - k.MemBefore.Fallbacks; n != 0 {
		t.Errorf("%d turns answered by the fallback; the simulated model never fails here", n)
	}
}

// The simulator speaks the streaming wire format and keeps its pace.
func TestModelSimPace(t *testing.T) {
	sim, err := loadtest.StartModelSim(loadtest.SimOptions{FirstToken: 80 * time.Millisecond, TokenGap: 5 * time.Millisecond, Tokens: 10})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	d, err := loadtest.Direct(t.Context(), sim, 2, time.Second, 0)
	if err != nil {
		t.Fatal(err)
	}
	if d.Streams < 2 || d.Errors != 0 || d.FirstToken.P50 < 80*time.Millisecond || d.Final.P50 < 80*time.Millisecond+45*time.Millisecond {
		t.Fatalf("direct: %+v", d)
	}
}

// A port taken already is refused with its address named.
func TestLoadtestTakenPort(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the kefu binary")
	}
	bin := buildKefu(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	out, err := exec.Command(bin, "loadtest", "--addr", ln.Addr().String(), "--shoppers", "1", "--duration", "100ms").CombinedOutput()
	if err == nil || !strings.Contains(string(out), ln.Addr().String()) {
		t.Fatalf("kefu loadtest on a taken port: %v\n%s", err, out)
	}
}

// freeAddr returns a loopback address with a port free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// answers reports whether url answers an HTTP request (any status) within
// d.
func answers(url string, d time.Duration) bool {
	for deadline := time.Now().Add(d); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			return true
		}
	}
	return false
}

// kefu loadtest --model-sim with a model that stalls mid-answer, trickles
// a token a second or refuses with 429 and Retry-After: every turn is
// still answered (by the built-in fallback, after kefu's model time-out)
// with no error at the shoppers, and once they have left the server is
// back to the goroutines it had before the run: no stream, turn or timer
// is left behind.
func TestLoadtestModelSimFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the kefu binary")
	}
	bin := buildKefu(t)
	var out, errOut bytes.Buffer
	cmd := exec.Command(bin, "loadtest", "--json", "--model-sim", "--shoppers", "6", "--duration", "8s", "--warmup", "500ms",
		"--baseline=false", "--sim-first-token", "50ms", "--sim-token-gap", "5ms",
		"--sim-stall-share", "0.15", "--sim-trickle-share", "0.15", "--sim-429-share", "0.15")
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("kefu loadtest --model-sim: %v\n%s", err, errOut.String())
	}
	var report []struct {
		Kefu  *loadtest.Result
		Model *simCounts
	}
	if err := json.Unmarshal(out.Bytes(), &report); err != nil {
		t.Fatal(err)
	}
	if len(report) != 1 || report[0].Kefu == nil || report[0].Model == nil {
		t.Fatalf("report: %s", out.String())
	}
	k, m := report[0].Kefu, report[0].Model
	if m.Faults == 0 || m.Requests <= m.Faults {
		t.Errorf("the model: %+v, want some faults", m)
	}
	if k.Turns == 0 || len(k.Errors) != 0 {
		t.Errorf("kefu: %d turns, errors %v", k.Turns, k.Errors)
	}
	if k.MemLeft.Fallbacks <= k.MemBefore.Fallbacks {
		t.Errorf("fallbacks: %d before the run, %d after it; the stalls, trickles and 429s must have been answered by the fallback",
			k.MemBefore.Fallbacks, k.MemLeft.Fallbacks)
	}
	if left, before := k.MemLeft.Goroutines, k.MemBefore.Goroutines; left == 0 || left > before {
		t.Errorf("server goroutines: %d before the run, %d after the shoppers left", before, left)
	}
}

// kefu loadtest --model-sim --sim-tls: the simulated model serves HTTPS
// with HTTP/2, the started kefu trusts its certificate through
// SSL_CERT_FILE, and its concurrent streams share a few connections, as
// they would to a hosted model, instead of one each.
func TestLoadtestModelSimTLS(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the kefu binary")
	}
	bin := buildKefu(t)
	var out, errOut bytes.Buffer
	cmd := exec.Command(bin, "loadtest", "--json", "--model-sim", "--sim-tls", "--shoppers", "24", "--duration", "3s", "--warmup", "500ms",
		"--baseline=false", "--sim-first-token", "100ms", "--sim-token-gap", "20ms")
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("kefu loadtest --model-sim --sim-tls: %v\n%s", err, errOut.String())
	}
	var report []struct {
		Kefu   *loadtest.Result
		Direct *loadtest.DirectResult
		Model  *simCounts
	}
	if err := json.Unmarshal(out.Bytes(), &report); err != nil {
		t.Fatal(err)
	}
	if len(report) != 1 || report[0].Kefu == nil || report[0].Direct == nil || report[0].Model == nil {
		t.Fatalf("report: %s", out.String())
	}
	k, d, m := report[0].Kefu, report[0].Direct, report[0].Model
	if k.Turns == 0 || len(k.Errors) != 0 || k.FirstDelta.P50 < 100*time.Millisecond {
		t.Errorf("kefu through the model over TLS: %d turns, errors %v, first delta %v", k.Turns, k.Errors, k.FirstDelta)
	}
	if m.Requests < 24 || m.HTTP2 != m.Requests {
		t.Errorf("the model: %+v, want every request over HTTP/2", m)
	}
	// 24 streams at once over HTTP/1.1 would take 24 connections.
	if m.Conns > 4 {
		t.Errorf("the model accepted %d connections for %d requests, want the streams to share a few", m.Conns, m.Requests)
	}
	if d.Streams == 0 || d.Errors != 0 {
		t.Errorf("direct over TLS: %+v", d)
	}
}
