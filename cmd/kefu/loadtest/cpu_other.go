//go:build !unix

package loadtest

import "time"

// processCPU is not measured here: CPU per turn counts the server only.
func processCPU() time.Duration { return 0 }
