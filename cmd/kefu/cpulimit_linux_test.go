package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// limitCPU puts a process in a cgroup of its own with the quota asked for,
// and release removes the cgroup once the process has gone.
func TestLimitCPU(t *testing.T) {
	if os.Geteuid() != 0 && os.Getenv("CI") != "true" {
		t.Skip("--node-cpus needs root (a writable cpu cgroup)")
	}
	cmd := exec.Command("sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	release, err := limitCPU(cmd.Process.Pid, 0.25)
	if err != nil {
		t.Fatal(err)
	}
	name := "kefu-loadtest-" + strconv.Itoa(cmd.Process.Pid)
	dir, quota, want := filepath.Join("/sys/fs/cgroup/cpu", name), "cpu.cfs_quota_us", "25000"
	if _, err := os.Stat("/sys/fs/cgroup/cgroup.controllers"); err == nil {
		dir, quota, want = filepath.Join("/sys/fs/cgroup", name), "cpu.max", "25000 100000"
	}
	if b, err := os.ReadFile(filepath.Join(dir, quota)); err != nil || strings.TrimSpace(string(b)) != want {
		t.Errorf("%s: %q, %v; want %q", quota, b, err, want)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "cgroup.procs")); err != nil || strings.TrimSpace(string(b)) != strconv.Itoa(cmd.Process.Pid) {
		t.Errorf("cgroup.procs: %q, %v", b, err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	release()
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the cgroup is still there after release: %v", err)
	}
}
