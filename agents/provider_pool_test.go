package agents

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tmc/langchaingo/llms"
)

// Turns calling the provider at once reuse its connections: a second
// round of 20 concurrent calls opens none. (With Go's default transport,
// which keeps 2 idle connections a host, it opened 18 more: a TCP and,
// for a hosted model, a TLS handshake for nearly every call under load.)
func TestProviderKeepsConnectionsForConcurrentTurns(t *testing.T) {
	const n = 20
	var arrived sync.WaitGroup
	var newConns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived.Done()
		arrived.Wait() // all n at once: each on a connection of its own
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"id":"c","object":"chat.completion","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}]}`)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			newConns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	m, ok, err := NewProviderModel(ProviderConfig{Kind: ProviderOpenAI, BaseURL: srv.URL + "/v1", Model: "m", APIKey: "k"})
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	round := func() {
		t.Helper()
		arrived.Add(n)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := m.Model.GenerateContent(ctx, []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, "hello")})
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	round()
	first := newConns.Load()
	round()
	if again := newConns.Load() - first; first != n || again != 0 {
		t.Fatalf("%d connections for the first %d concurrent calls, %d more for the next %d; want %d and 0", first, n, again, n, n)
	}
}

// Over HTTPS with HTTP/2, as hosted models are served, a burst of
// concurrent calls shares one connection: net/http's own HTTP/2 dialled
// one for every call that found none pooled. A server that does not offer
// HTTP/2 is still reached, over HTTP/1.1.
func TestProviderSharesHTTP2Connections(t *testing.T) {
	for _, h2 := range []bool{true, false} {
		t.Run(fmt.Sprintf("http2=%v", h2), func(t *testing.T) {
			const n = 40
			var arrived sync.WaitGroup
			var newConns, overH2 atomic.Int64
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.ProtoMajor == 2 {
					overH2.Add(1)
				}
				arrived.Done()
				arrived.Wait() // all n at once
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprint(w, `{"id":"c","object":"chat.completion","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}]}`)
			}))
			srv.EnableHTTP2 = h2
			srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
				if s == http.StateNew {
					newConns.Add(1)
				}
			}
			srv.StartTLS()
			defer srv.Close()
			roots := x509.NewCertPool()
			roots.AddCert(srv.Certificate())
			client := &http.Client{Transport: newProviderTransport(&tls.Config{RootCAs: roots})}
			m, ok, err := NewProviderModel(ProviderConfig{Kind: ProviderOpenAI, BaseURL: srv.URL + "/v1", Model: "m", APIKey: "k", HTTPClient: client})
			if err != nil || !ok {
				t.Fatal(ok, err)
			}
			arrived.Add(n)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			var wg sync.WaitGroup
			errs := make(chan error, n)
			for range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, err := m.Model.GenerateContent(ctx, []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, "hello")})
					errs <- err
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			switch {
			case h2 && (newConns.Load() != 1 || overH2.Load() != n):
				t.Fatalf("%d connections for %d concurrent calls, %d over HTTP/2; want 1 and %d", newConns.Load(), n, overH2.Load(), n)
			case !h2 && (overH2.Load() != 0 || newConns.Load() < n):
				t.Fatalf("HTTP/1.1 server: %d connections, %d calls over HTTP/2", newConns.Load(), overH2.Load())
			}
		})
	}
}
