package agents

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"strings"
)

// sseSpacing is a transport that writes a server-sent event's "data:"
// field as "data: ": the SSE format makes the space optional, and
// langchaingo's anthropic client fails every event without it (servers
// and proxies other than Anthropic's may leave it out).
type sseSpacing struct{ next http.RoundTripper }

func (t sseSpacing) RoundTrip(req *http.Request) (*http.Response, error) {
	next := t.next
	if next == nil {
		next = http.DefaultTransport
	}
	resp, err := next.RoundTrip(req)
	if err == nil && strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		resp.Body = &spacedData{r: bufio.NewReader(resp.Body), Closer: resp.Body, lineStart: true}
	}
	return resp, err
}

// spacedData reads an event stream, adding the space after "data:" where
// a line lacks it.
type spacedData struct {
	r *bufio.Reader
	io.Closer
	lineStart bool
	out       []byte
}

func (s *spacedData) Read(p []byte) (int, error) {
	for len(s.out) == 0 {
		chunk, err := s.r.ReadSlice('\n')
		if s.lineStart && bytes.HasPrefix(chunk, []byte("data:")) && !bytes.HasPrefix(chunk, []byte("data: ")) {
			s.out = append(append(s.out[:0], "data: "...), chunk[len("data:"):]...)
		} else {
			s.out = append(s.out[:0], chunk...)
		}
		s.lineStart = len(chunk) > 0 && chunk[len(chunk)-1] == '\n'
		if err == bufio.ErrBufferFull {
			continue // the rest of a long line follows
		}
		if err != nil {
			if len(s.out) > 0 {
				break
			}
			return 0, err
		}
	}
	n := copy(p, s.out)
	s.out = s.out[n:]
	return n, nil
}
