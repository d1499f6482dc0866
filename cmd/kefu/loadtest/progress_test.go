package loadtest

import (
	"context"
	"os"
	"strings"
	"testing"
)

// Piped or written to a file, the progress is plain lines; a redrawn line
// (carriage returns) is for a terminal only.
func TestProgressPlainWhenPiped(t *testing.T) {
	url, stop, err := Echo()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	out, err := os.CreateTemp(t.TempDir(), "progress")
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if _, _, err := Idle(context.Background(), Options{URL: url, Progress: out}, 1000); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out.Name())
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	if strings.Contains(text, "\r") || !strings.Contains(text, "open   1000 of 1000 sockets") || !strings.HasSuffix(text, "\n") {
		t.Fatalf("progress written to a file: %q", text)
	}

	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if isTerminal(w) || isTerminal(out) {
		t.Error("a pipe or a file taken for a terminal")
	}
	if tty, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0); err == nil {
		defer tty.Close()
		if !isTerminal(tty) {
			t.Error("a terminal not taken for one")
		}
	}
}
