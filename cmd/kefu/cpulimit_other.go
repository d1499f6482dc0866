//go:build !linux

package main

import "errors"

func limitCPU(pid int, cores float64) (release func(), err error) {
	return nil, errors.New("--node-cpus needs Linux cgroups")
}
