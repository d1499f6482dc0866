package agents

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/tmc/langchaingo/llms/openai"
)

// Provider kinds.
const (
	ProviderBuiltin   = "builtin"
	ProviderOpenAI    = "openai"
	ProviderAnthropic = "anthropic"
)

// ProviderConfig chooses and configures the model provider.
type ProviderConfig struct {
	Kind string // builtin (default), openai or anthropic
	// BaseURL is the endpoint, ending in /v1: for openai any
	// OpenAI-compatible one (default https://api.openai.com/v1), for
	// anthropic one speaking the Messages API (default
	// https://api.anthropic.com/v1).
	BaseURL string
	APIKey  string
	Model   string
	// HTTPClient makes the provider's requests. Zero value: a client with
	// no timeout of its own; every call carries a context deadline.
	HTTPClient *http.Client
	// MaxResponseBytes bounds the body of one response: past it the call
	// fails, so an endpoint that sends without end cannot fill memory (an
	// answer's text is bounded further, by Limits). Zero: 4 MiB.
	MaxResponseBytes int64
}

// DefaultOpenAIBaseURL is OpenAI's own endpoint.
const DefaultOpenAIBaseURL = "https://api.openai.com/v1"

// DefaultAnthropicBaseURL is Anthropic's own endpoint.
const DefaultAnthropicBaseURL = "https://api.anthropic.com/v1"

// Validate reports every problem with the configuration.
func (c ProviderConfig) Validate() error {
	var errs []error
	switch c.Kind {
	case "", ProviderBuiltin:
		return nil
	case ProviderOpenAI, ProviderAnthropic:
	default:
		return fmt.Errorf("unknown model provider %q (want builtin, openai or anthropic)", c.Kind)
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("model base URL %q: want http(s)://host[:port]/v1", c.BaseURL))
		}
	}
	switch {
	case c.Model == "" && c.Kind == ProviderAnthropic:
		errs = append(errs, errors.New("model name is required for the anthropic provider (e.g. claude-sonnet-4-5, claude-haiku-4-5)"))
	case c.Model == "":
		errs = append(errs, errors.New("model name is required for the openai provider (e.g. gpt-4o-mini, qwen2.5:7b)"))
	}
	switch {
	case c.APIKey != "":
	case c.Kind == ProviderAnthropic && (c.BaseURL == "" || strings.TrimRight(c.BaseURL, "/") == DefaultAnthropicBaseURL):
		errs = append(errs, errors.New("an API key is required for Anthropic's own endpoint"))
	case c.Kind == ProviderOpenAI && (c.BaseURL == "" || c.BaseURL == DefaultOpenAIBaseURL):
		errs = append(errs, errors.New("an API key is required for OpenAI's own endpoint"))
	}
	return errors.Join(errs...)
}

// NewProviderModel returns the configured model, or false for the
// built-in one (which the caller builds with the shop's catalog).
func NewProviderModel(c ProviderConfig) (Model, bool, error) {
	if c.Kind == "" || c.Kind == ProviderBuiltin {
		return Model{}, false, nil
	}
	if err := c.Validate(); err != nil {
		return Model{}, false, err
	}
	base := strings.TrimRight(c.BaseURL, "/")
	key := c.APIKey
	if key == "" {
		// Local servers (llama.cpp, vLLM, Ollama, a proxy) ignore it, but
		// both clients require one, and langchaingo's anthropic client would
		// otherwise read ANTHROPIC_API_KEY behind the configuration's back.
		key = "no-key"
	}
	client := &http.Client{}
	if c.HTTPClient != nil {
		*client = *c.HTTPClient
	}
	limit := c.MaxResponseBytes
	if limit <= 0 {
		limit = 4 << 20
	}
	if client.Transport == nil {
		client.Transport = newProviderTransport(nil)
	}
	pause := newPausing(client.Transport)
	client.Transport = cappedBodies{next: pause, limit: limit}
	var m Model
	if c.Kind == ProviderAnthropic {
		if base == "" {
			base = DefaultAnthropicBaseURL
		}
		llm, err := newAnthropicModel(base, key, c.Model, client)
		if err != nil {
			return Model{}, false, err
		}
		m = Model{Model: llm, Name: ProviderAnthropic + ":" + c.Model}
	} else {
		if base == "" {
			base = DefaultOpenAIBaseURL
		}
		llm, err := openai.New(openai.WithBaseURL(base), openai.WithToken(key), openai.WithModel(c.Model), openai.WithHTTPClient(client))
		if err != nil {
			return Model{}, false, fmt.Errorf("agents: openai provider: %w", err)
		}
		m = Model{Model: llm, Name: "openai:" + c.Model}
	}
	m.Model = pausedModel{Model: m.Model, p: pause}
	return m, true, nil
}

// cappedBodies is a transport whose response bodies fail past limit bytes.
type cappedBodies struct {
	next  http.RoundTripper // nil: http.DefaultTransport
	limit int64
}

func (t cappedBodies) RoundTrip(req *http.Request) (*http.Response, error) {
	next := t.next
	if next == nil {
		next = http.DefaultTransport
	}
	resp, err := next.RoundTrip(req)
	if err == nil {
		resp.Body = &cappedBody{ReadCloser: resp.Body, limit: t.limit, left: t.limit}
	}
	return resp, err
}

type cappedBody struct {
	io.ReadCloser
	limit, left int64
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, fmt.Errorf("%w: the provider's response is over %d bytes", ErrOverLimit, b.limit)
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.ReadCloser.Read(p)
	b.left -= int64(n)
	return n, err
}
