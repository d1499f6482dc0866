package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// limitCPU caps process pid at cores of CPU time (0.25: a quarter of one
// core) with a cgroup's CPU quota, so that kefu loadtest --nodes can give
// each node a small machine's worth of CPU on one shared machine
// (--node-cpus). It needs write access to the cgroup file system (root):
// cgroup v2's cpu.max, or v1's cpu controller. release removes the
// cgroup once the process has exited.
func limitCPU(pid int, cores float64) (release func(), err error) {
	const period = 100 * time.Millisecond
	quota := time.Duration(cores * float64(period))
	name := "kefu-loadtest-" + strconv.Itoa(pid)
	var dir string
	var files [][2]string
	if _, err := os.Stat("/sys/fs/cgroup/cgroup.controllers"); err == nil { // v2, unified
		dir = filepath.Join("/sys/fs/cgroup", name)
		files = [][2]string{{"cpu.max", fmt.Sprintf("%d %d", quota.Microseconds(), period.Microseconds())}}
	} else {
		dir = filepath.Join("/sys/fs/cgroup/cpu", name)
		files = [][2]string{{"cpu.cfs_period_us", strconv.FormatInt(period.Microseconds(), 10)}, {"cpu.cfs_quota_us", strconv.FormatInt(quota.Microseconds(), 10)}}
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		return nil, fmt.Errorf("--node-cpus needs a writable cpu cgroup (root): %w", err)
	}
	release = func() {
		// The kernel refuses to remove a cgroup with processes in it:
		// wait a moment for the stopped process to be gone.
		for range 50 {
			if err := os.Remove(dir); err == nil || errors.Is(err, os.ErrNotExist) {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	files = append(files, [2]string{"cgroup.procs", strconv.Itoa(pid)})
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f[0]), []byte(f[1]), 0o644); err != nil {
			release()
			return nil, fmt.Errorf("--node-cpus: %s: %w", f[0], err)
		}
	}
	return release, nil
}
