package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// Streaming answers (the transcript export, CSV downloads) take as long
// as the reader takes, which the server's timeouts, made for answers
// written at once, do not allow: its WriteTimeout cut a slow reader's
// export half-way, and its ReadTimeout, still running on the connection,
// cancels the request's context. A streaming answer sets deadlines of its
// own instead: none for reading (a reader who hangs up still cancels the
// context), and for writing a bounded idle time from each chunk, so that
// a reader who keeps taking bytes gets everything, however slowly, and
// one who stops is cut after the idle time.
const (
	defaultStreamIdle = 30 * time.Second
	streamChunk       = 32 << 10 // the most written under one deadline
	streamFlushEvery  = time.Second
)

// streamWriter writes a streaming answer in chunks, each under a fresh
// write deadline, and flushes at least every streamFlushEvery, so that a
// slow producer's bytes still reach the reader. It goes through the
// conditional middleware, whose writer streams once flushed and lets
// http.ResponseController reach the connection.
type streamWriter struct {
	res     *echo.Response
	rc      *http.ResponseController
	idle    time.Duration
	flushed time.Time
}

// stream starts a streaming answer with status: the headers set so far go
// out at once.
func (h *handler) stream(c echo.Context, status int) (*streamWriter, error) {
	res := c.Response()
	w := &streamWriter{res: res, rc: http.NewResponseController(res), idle: h.opts.StreamIdleTimeout}
	if w.idle <= 0 {
		w.idle = defaultStreamIdle
	}
	if err := w.rc.SetReadDeadline(time.Time{}); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return nil, err
	}
	if err := w.extend(); err != nil {
		return nil, err
	}
	res.WriteHeader(status)
	return w, w.flush()
}

func (w *streamWriter) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		if err := w.extend(); err != nil {
			return n, err
		}
		m, err := w.res.Write(p[:min(len(p), streamChunk)])
		n += m
		if err != nil {
			return n, err
		}
		p = p[m:]
	}
	if time.Since(w.flushed) >= streamFlushEvery {
		return n, w.flush()
	}
	return n, nil
}

// extend moves the write deadline to the idle time from now. A writer
// without deadlines (a test's recorder) has none to move.
func (w *streamWriter) extend() error {
	if err := w.rc.SetWriteDeadline(time.Now().Add(w.idle)); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return err
	}
	return nil
}

func (w *streamWriter) flush() error {
	w.flushed = time.Now()
	if err := w.extend(); err != nil {
		return err
	}
	if err := w.rc.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return err
	}
	return nil
}
