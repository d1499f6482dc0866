package agents

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"

	"golang.org/x/net/http2"
)

// providerTransport carries the calls to a model provider. Hosted models
// are served over HTTPS with HTTP/2, where one connection carries many
// streams. net/http's built-in HTTP/2 dials a connection for every request
// that finds none pooled, so a burst of turns (a node's start, shoppers
// reconnecting) opened hundreds of TLS connections at once; at ten
// thousand streams their handshakes timed out. golang.org/x/net/http2
// shares one dial among the requests waiting for it. Plain-HTTP endpoints
// (a local llama.cpp, vLLM, Ollama), HTTPS servers that do not offer
// HTTP/2, and requests through a proxy go over net/http as before.
type providerTransport struct {
	h1     *http.Transport
	h2     *http2.Transport
	h1Only sync.Map // host → true: it answered TLS without offering h2
}

func newProviderTransport(tlsConfig *tls.Config) *providerTransport {
	h1 := http.DefaultTransport.(*http.Transport).Clone()
	// Enough idle connections to the one host for every turn streaming at
	// once: the default keeps 2 a host, so with more concurrent turns
	// nearly every call dialled a connection and closed it after.
	h1.MaxIdleConns, h1.MaxIdleConnsPerHost = 4096, 4096
	if tlsConfig != nil {
		h1.TLSClientConfig = tlsConfig.Clone()
	}
	t := &providerTransport{h1: h1}
	t.h2 = &http2.Transport{
		TLSClientConfig: h1.TLSClientConfig,
		DialTLSContext:  t.dialH2,
		ReadIdleTimeout: 30 * time.Second, // a health check on a silent connection
		PingTimeout:     10 * time.Second,
	}
	return t
}

// errNoH2 is a server that completed TLS without choosing HTTP/2.
var errNoH2 = errors.New("agents: the provider does not offer HTTP/2")

func (t *providerTransport) dialH2(ctx context.Context, network, addr string, cfg *tls.Config) (net.Conn, error) {
	// Offer HTTP/1.1 as well: a server that speaks only it would refuse
	// the handshake, not choose it, if h2 were all there was.
	cfg = cfg.Clone()
	cfg.NextProtos = []string{http2.NextProtoTLS, "http/1.1"}
	d := &tls.Dialer{NetDialer: &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}, Config: cfg}
	conn, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	if conn.(*tls.Conn).ConnectionState().NegotiatedProtocol != http2.NextProtoTLS {
		conn.Close()
		return nil, errNoH2
	}
	return conn, nil
}

func (t *providerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme != "https" || t.viaProxy(req) {
		return t.h1.RoundTrip(req)
	}
	if _, ok := t.h1Only.Load(req.URL.Host); ok {
		return t.h1.RoundTrip(req)
	}
	resp, err := t.h2.RoundTrip(req)
	if errors.Is(err, errNoH2) {
		// Failed in the dial, before the body was read: HTTP/1.1 sends it.
		t.h1Only.Store(req.URL.Host, true)
		if req.GetBody != nil {
			body, gerr := req.GetBody()
			if gerr != nil {
				return nil, gerr
			}
			req = req.Clone(req.Context())
			req.Body = body
		}
		return t.h1.RoundTrip(req)
	}
	return resp, err
}

// viaProxy: the environment names a proxy for the request (HTTPS_PROXY),
// which only net/http's transport speaks to.
func (t *providerTransport) viaProxy(req *http.Request) bool {
	if t.h1.Proxy == nil {
		return false
	}
	u, err := t.h1.Proxy(req)
	return err == nil && u != nil
}

// CloseIdleConnections closes both transports' idle connections.
func (t *providerTransport) CloseIdleConnections() {
	t.h1.CloseIdleConnections()
	t.h2.CloseIdleConnections()
}
