package agents

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/tmc/langchaingo/llms/openai"
)

// Provider kinds.
const (
	ProviderBuiltin = "builtin"
	ProviderOpenAI  = "openai"
)

// ProviderConfig chooses and configures the model provider.
type ProviderConfig struct {
	Kind    string // builtin (default) or openai
	BaseURL string // OpenAI-compatible endpoint ending in /v1; default https://api.openai.com/v1
	APIKey  string
	Model   string
	// HTTPClient makes the provider's requests. Zero value: a client with
	// no timeout of its own; every call carries a context deadline.
	HTTPClient *http.Client
}

// DefaultOpenAIBaseURL is OpenAI's own endpoint.
const DefaultOpenAIBaseURL = "https://api.openai.com/v1"

// Validate reports every problem with the configuration.
func (c ProviderConfig) Validate() error {
	var errs []error
	switch c.Kind {
	case "", ProviderBuiltin:
		return nil
	case ProviderOpenAI:
	default:
		return fmt.Errorf("unknown model provider %q (want builtin or openai)", c.Kind)
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("model base URL %q: want http(s)://host[:port]/v1", c.BaseURL))
		}
	}
	if c.Model == "" {
		errs = append(errs, errors.New("model name is required for the openai provider (e.g. gpt-4o-mini, qwen2.5:7b)"))
	}
	if c.APIKey == "" && (c.BaseURL == "" || c.BaseURL == DefaultOpenAIBaseURL) {
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
	if base == "" {
		base = DefaultOpenAIBaseURL
	}
	key := c.APIKey
	if key == "" {
		key = "no-key" // local servers (llama.cpp, vLLM, Ollama) ignore it, but the client requires one
	}
	client := c.HTTPClient
	if client == nil {
		client = &http.Client{}
	}
	llm, err := openai.New(openai.WithBaseURL(base), openai.WithToken(key), openai.WithModel(c.Model), openai.WithHTTPClient(client))
	if err != nil {
		return Model{}, false, fmt.Errorf("agents: openai provider: %w", err)
	}
	return Model{Model: llm, Name: "openai:" + c.Model}, true, nil
}
