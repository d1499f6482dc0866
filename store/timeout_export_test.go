package store

import "time"

// SetQueryTimeout lets the external tests shorten the default query limit;
// it returns the one it replaced.
func SetQueryTimeout(d time.Duration) time.Duration {
	return time.Duration(defaultQueryTimeout.Swap(int64(d)))
}
