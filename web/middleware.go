package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"
)

// metricsAuth asks for "Authorization: Bearer <token>" on /metrics when a
// token is configured (Options.MetricsToken): the metrics show traffic,
// failures and the process's insides, and need not be public.
func metricsAuth(token string) echo.MiddlewareFunc {
	want := sha256.Sum256([]byte(token))
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		if token == "" {
			return next
		}
		return func(c echo.Context) error {
			scheme, got, _ := strings.Cut(c.Request().Header.Get("Authorization"), " ")
			sum := sha256.Sum256([]byte(got))
			if !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare(sum[:], want[:]) != 1 {
				c.Response().Header().Set("WWW-Authenticate", `Bearer realm="kefu metrics"`)
				return echo.NewHTTPError(http.StatusUnauthorized, "the metrics need the token (KEFU_METRICS_TOKEN) as a bearer token")
			}
			return next(c)
		}
	}
}

// Conditional and compressed responses. A GET's (or HEAD's) answer is
// held until the handler returns; then a 200 gets a strong ETag (a hash of
// the body, unless the handler set one), a request whose If-None-Match
// names it gets 304 and no body, and a client that accepts gzip gets the
// body gzipped when it is text of minGzip bytes or more (the ETag then
// says -gz: another representation). Answers of more than maxHeld bytes,
// or flushed by their handler (an export), stream as they are written.
// Socket upgrades pass untouched.
const (
	minGzip = 1 << 10
	maxHeld = 4 << 20
)

// conditional is the middleware; public answers' gzipped bodies (the
// static assets, Cache-Control: public) are kept, dynamic ones are
// compressed each time.
func conditional() echo.MiddlewareFunc {
	zips := &gzipCache{m: map[string][]byte{}}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if (req.Method != http.MethodGet && req.Method != http.MethodHead) || strings.EqualFold(req.Header.Get("Upgrade"), "websocket") {
				return next(c)
			}
			res := c.Response()
			orig := res.Writer
			hw := &heldWriter{ResponseWriter: orig}
			res.Writer = hw
			defer func() { res.Writer = orig }()
			err := next(c)
			if hw.status != 0 && !hw.through {
				res.Status = finish(req, orig, hw.status, hw.buf.Bytes(), zips)
			}
			return err
		}
	}
}

// finish writes a held answer and returns the status sent.
func finish(req *http.Request, w http.ResponseWriter, status int, body []byte, zips *gzipCache) int {
	h := w.Header()
	if status == http.StatusOK && h.Get("Content-Encoding") == "" {
		tag := h.Get("ETag")
		if tag == "" {
			sum := sha256.Sum256(body)
			tag = `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
		}
		zippable := len(body) >= minGzip && compressible(h.Get("Content-Type"))
		if zippable {
			h.Add("Vary", "Accept-Encoding")
		}
		zipped := zippable && acceptsGzip(req.Header.Get("Accept-Encoding"))
		if zipped && strings.HasSuffix(tag, `"`) {
			tag = strings.TrimSuffix(tag, `"`) + `-gz"`
		}
		h.Set("ETag", tag)
		if noneMatch(req.Header.Get("If-None-Match"), tag) {
			h.Del("Content-Type")
			h.Del("Content-Length")
			w.WriteHeader(http.StatusNotModified)
			return http.StatusNotModified
		}
		if zipped {
			body = zips.gzip(tag, body, strings.Contains(h.Get("Cache-Control"), "public"))
			h.Set("Content-Encoding", "gzip")
		}
	}
	if status != http.StatusNoContent {
		h.Set("Content-Length", strconv.Itoa(len(body)))
	}
	w.WriteHeader(status)
	w.Write(body) // dropped by net/http for HEAD, after the length was set
	return status
}

// heldWriter holds an answer for finish, or streams it once it is large
// or flushed.
type heldWriter struct {
	http.ResponseWriter
	status  int
	buf     bytes.Buffer
	through bool
}

func (w *heldWriter) WriteHeader(code int) {
	if w.through {
		w.ResponseWriter.WriteHeader(code)
	} else if w.status == 0 && code >= 200 {
		w.status = code
	}
}

func (w *heldWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if !w.through && w.buf.Len()+len(b) > maxHeld {
		w.stream()
	}
	if w.through {
		return w.ResponseWriter.Write(b)
	}
	return w.buf.Write(b)
}

// stream sends what is held and lets the rest through.
func (w *heldWriter) stream() {
	w.through = true
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.ResponseWriter.WriteHeader(w.status)
	w.ResponseWriter.Write(w.buf.Bytes())
	w.buf = bytes.Buffer{}
}

func (w *heldWriter) Flush() {
	if !w.through {
		w.stream()
	}
	http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach the connection (deadlines).
func (w *heldWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func compressible(ctype string) bool {
	mt, _, _ := mime.ParseMediaType(ctype)
	return strings.HasPrefix(mt, "text/") || mt == "application/json" || mt == "application/javascript" ||
		mt == "image/svg+xml" || mt == "application/x-ndjson"
}

// acceptsGzip reads Accept-Encoding: gzip (or *) with a q above zero.
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding != "gzip" && coding != "*" {
			continue
		}
		if k, v, ok := strings.Cut(strings.TrimSpace(params), "="); ok && strings.TrimSpace(k) == "q" {
			if q, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && q <= 0 {
				return false
			}
		}
		return true
	}
	return false
}

// noneMatch reports whether If-None-Match names tag (weakly compared, as
// RFC 9110 has it for If-None-Match) or is "*".
func noneMatch(header, tag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || (t != "" && t == strings.TrimPrefix(tag, "W/")) {
			return true
		}
	}
	return false
}

// gzipCache keeps the gzipped bodies of public answers by ETag: the
// assets, a few dozen. It is emptied when full (a front-end developer
// editing files under KEFU_STATIC_DIR makes new ones).
type gzipCache struct {
	mu sync.Mutex
	m  map[string][]byte
}

const gzipKept = 64

// The kept bodies are compressed hard once; the others at the default
// level, each time.
var (
	bestWriters    = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(nil, gzip.BestCompression); return w }}
	defaultWriters = sync.Pool{New: func() any { return gzip.NewWriter(nil) }}
)

func (z *gzipCache) gzip(tag string, body []byte, keep bool) []byte {
	if keep {
		z.mu.Lock()
		b, ok := z.m[tag]
		z.mu.Unlock()
		if ok {
			return b
		}
	}
	pool := &defaultWriters
	if keep {
		pool = &bestWriters
	}
	var buf bytes.Buffer
	gw := pool.Get().(*gzip.Writer)
	gw.Reset(&buf)
	gw.Write(body)
	gw.Close()
	pool.Put(gw)
	out := buf.Bytes()
	if keep {
		z.mu.Lock()
		if len(z.m) >= gzipKept {
			clear(z.m)
		}
		z.m[tag] = out
		z.mu.Unlock()
	}
	return out
}
