package main

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"testing"

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
	if e.Turns == 0 || len(e.Errors) != 0 {
		t.Errorf("echo: %+v", e)
	}

	var idle struct {
		Sockets       int
		Before, After loadtest.Memory
		EchoAfter     loadtest.Memory `json:"echo_after"`
	}
	if err := json.Unmarshal(run("--mode", "idle", "--sockets", "50"), &idle); err != nil {
		t.Fatal(err)
	}
	if idle.Sockets != 50 || idle.Before.RSS == 0 || idle.After.Goroutines < 50 || idle.EchoAfter.Goroutines < 50 {
		t.Errorf("idle: %+v", idle)
	}
}
