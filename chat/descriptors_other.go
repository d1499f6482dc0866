//go:build !unix

package chat

// descriptorLimit is unknown here: sockets are bounded per address only.
func descriptorLimit() int { return 0 }
