package agents

import (
	"context"
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
