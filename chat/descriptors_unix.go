//go:build unix

package chat

import "syscall"

// descriptorLimit is the process's soft limit of open files, or 0.
func descriptorLimit() int {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return 0
	}
	if l.Cur > 1<<30 { // RLIM_INFINITY and the like
		return 1 << 30
	}
	return int(l.Cur)
}
