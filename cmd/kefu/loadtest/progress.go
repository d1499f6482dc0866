package loadtest

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// progress shows how a run is going: on a terminal, one line redrawn in
// place; piped or to a file, plain lines, at most one a second, which a
// log or CI output can read (a redrawn line there is one long line of
// carriage returns).
type progress struct {
	w    io.Writer // nil: quiet
	tty  bool
	mu   sync.Mutex
	last time.Time
	open bool // a redrawn line is on the screen, not ended
}

func newProgress(w io.Writer) *progress {
	return &progress{w: w, tty: isTerminal(w)}
}

// isTerminal reports whether w is a character device, as a terminal is
// (no dependency for the ioctl: /dev/null passes too, and reads nothing).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// show writes the current state; final forces a plain line out.
func (p *progress) show(final bool, format string, args ...any) {
	if p == nil || p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	text := fmt.Sprintf(format, args...)
	if p.tty {
		fmt.Fprintf(p.w, "\r%s   ", text)
		p.open = true
		return
	}
	if !final && time.Since(p.last) < time.Second {
		return
	}
	p.last = time.Now()
	fmt.Fprintln(p.w, text)
}

// end ends a redrawn line.
func (p *progress) end() {
	if p == nil || p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.open {
		fmt.Fprintln(p.w)
		p.open = false
	}
}
