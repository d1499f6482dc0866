package main

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"testing"
)

// kefu loadtest --mode replay: the same shoppers alone and while an admin
// runs regression replays on the started kefu, whose database it first
// grows.
func TestLoadtestReplayMode(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the kefu binary")
	}
	bin := buildKefu(t)
	var out, errOut bytes.Buffer
	cmd := exec.Command(bin, "loadtest", "--json", "--mode", "replay", "--fill-mb", "8", "--shoppers", "4", "--duration", "8s", "--warmup", "200ms")
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("kefu loadtest --mode replay: %v\n%s", err, errOut.String())
	}
	var report []replayReport
	if err := json.Unmarshal(out.Bytes(), &report); err != nil {
		t.Fatal(err)
	}
	if len(report) != 1 || report[0].Alone == nil || report[0].Replay == nil {
		t.Fatalf("report: %s", out.String())
	}
	r := report[0]
	if r.Alone.Turns == 0 || r.Replay.Turns == 0 || len(r.Alone.Errors) != 0 || len(r.Replay.Errors) != 0 || r.Replay.Ack.P99 <= 0 {
		t.Errorf("shoppers: alone %+v, during replays %+v", r.Alone, r.Replay)
	}
	if r.Replays.Done == 0 || len(r.Replays.Refused) != 0 || len(r.Replays.Errors) != 0 {
		t.Errorf("replays: %+v\n%s", r.Replays, errOut.String())
	}
}
