package agents

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tmc/langchaingo/llms"
)

// ErrProviderPaused is returned, without a request, while a provider's
// retry-after runs.
var ErrProviderPaused = errors.New("agents: the provider asked kefu to wait")

// maxPause bounds a retry-after: a provider that asks for an hour is
// tried again after this.
const maxPause = 5 * time.Minute

// pausing is a transport that honours retry-after: after a 429, 503 or
// 529 (Anthropic's overloaded) that carries one, requests fail at once
// without reaching the provider until then. The built-in model answers
// those turns at once instead of each waiting for its own refusal, and a
// rate-limited account is not hammered by every shopper.
type pausing struct {
	next http.RoundTripper // nil: http.DefaultTransport
	now  func() time.Time

	mu    sync.Mutex
	until time.Time
}

func newPausing(next http.RoundTripper) *pausing {
	return &pausing{next: next, now: time.Now}
}

// paused returns ErrProviderPaused while a retry-after runs.
func (p *pausing) paused(now time.Time) error {
	p.mu.Lock()
	until := p.until
	p.mu.Unlock()
	if now.Before(until) {
		return fmt.Errorf("%w for %s more (retry-after)", ErrProviderPaused, until.Sub(now).Round(time.Second))
	}
	return nil
}

func (p *pausing) RoundTrip(req *http.Request) (*http.Response, error) {
	now := p.now()
	if err := p.paused(now); err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	next := p.next
	if next == nil {
		next = http.DefaultTransport
	}
	resp, err := next.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable, 529:
		if d, ok := retryAfter(resp.Header.Get("Retry-After"), now); ok {
			p.mu.Lock()
			if t := now.Add(min(d, maxPause)); t.After(p.until) {
				p.until = t
			}
			p.mu.Unlock()
		}
	}
	return resp, nil
}

// retryAfter reads a Retry-After header: seconds or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s <= 0 {
			return 0, false
		}
		return time.Duration(s * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now), true
	}
	return 0, false
}

// pausedModel refuses calls while its transport's retry-after runs, with
// ErrProviderPaused itself (the openai client rewrites a transport's
// error as a network error).
type pausedModel struct {
	llms.Model
	p *pausing
}

func (m pausedModel) GenerateContent(ctx context.Context, msgs []llms.MessageContent, options ...llms.CallOption) (*llms.ContentResponse, error) {
	if err := m.p.paused(m.p.now()); err != nil {
		return nil, err
	}
	return m.Model.GenerateContent(ctx, msgs, options...)
}
