package loadtest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/http2"
)

// SimOptions shape the simulated model: how long it takes to its first
// token, how fast it streams, how often it calls a tool, and how often it
// fails the ways hosted models do.
type SimOptions struct {
	FirstToken time.Duration // time to the first token; default 300ms
	TokenGap   time.Duration // between tokens; default 25ms
	Tokens     int           // tokens in an answer; default 30
	ToolShare  float64       // share of first steps that call a tool instead of answering
	// Faults, each a share of the requests: the stream stops part-way and
	// hangs, trickles a byte a second, or is refused with 429 and
	// Retry-After.
	StallShare, TrickleShare, RateLimitShare float64
	Addr                                     string // HOST:PORT to serve on; default a free loopback port
	// TLS serves HTTPS with HTTP/2, as hosted models do: concurrent
	// streams then share a few connections instead of taking one
	// descriptor each on both sides.
	TLS bool
}

func (o *SimOptions) defaults() {
	if o.FirstToken <= 0 {
		o.FirstToken = 300 * time.Millisecond
	}
	if o.TokenGap <= 0 {
		o.TokenGap = 25 * time.Millisecond
	}
	if o.Tokens <= 0 {
		o.Tokens = 30
	}
}

// ModelSim is a local OpenAI-compatible chat-completions server that
// streams in the real wire format (server-sent events of
// chat.completion.chunk objects, tool calls included) at the configured
// pace. kefu runs against it with KEFU_LLM=openai; Direct measures it
// without kefu.
type ModelSim struct {
	URL string // the base URL, ending in /v1
	// CertFile is the PEM file of the TLS server's self-signed
	// certificate (with TLS): a client trusts it through SSL_CERT_FILE.
	CertFile string
	roots    *x509.CertPool
	o        SimOptions
	srv      *http.Server
	Requests atomic.Int64
	Faults   atomic.Int64
	HTTP2    atomic.Int64 // requests made over HTTP/2
	Conns    atomic.Int64 // connections accepted
}

// StartModelSim serves a simulated model on a loopback port until Close.
func StartModelSim(o SimOptions) (*ModelSim, error) {
	o.defaults()
	addr := o.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	m := &ModelSim{URL: "http://" + ln.Addr().String() + "/v1", o: o}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", m.complete)
	m.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ConnState: func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			m.Conns.Add(1)
		}
	}}
	if !o.TLS {
		go m.srv.Serve(ln)
		return m, nil
	}
	cert, pemFile, err := selfSigned()
	if err != nil {
		ln.Close()
		return nil, err
	}
	m.URL, m.CertFile = "https://"+ln.Addr().String()+"/v1", pemFile
	m.roots = x509.NewCertPool()
	m.roots.AddCert(cert.Leaf)
	m.srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"h2", "http/1.1"}}
	go m.srv.ServeTLS(ln, "", "")
	return m, nil
}

// Client is an HTTP client for the simulator that keeps up to n idle
// connections (over TLS, HTTP/2 multiplexes the streams on a few).
func (m *ModelSim) Client(n int) *http.Client {
	timeout := time.Minute + m.StreamTime()
	if m.roots != nil {
		// x/net's HTTP/2 shares one dial among the requests waiting for a
		// connection; net/http's would dial one for each.
		return &http.Client{Transport: &http2.Transport{TLSClientConfig: &tls.Config{RootCAs: m.roots}}, Timeout: timeout}
	}
	return &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n}, Timeout: timeout}
}

// StreamTime is how long an answer streams, from the request to its last
// token, without faults.
func (m *ModelSim) StreamTime() time.Duration {
	return m.o.FirstToken + time.Duration(m.o.Tokens)*m.o.TokenGap
}

// selfSigned makes a certificate for the loopback addresses and writes its
// PEM to a temporary file, which the caller may leave to the OS to clean.
func selfSigned() (tls.Certificate, string, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, "", err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "kefu loadtest model"},
		NotBefore:    time.Now().Add(-time.Hour), NotAfter: time.Now().Add(7 * 24 * time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:        true, BasicConstraintsValid: true,
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:    []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, "", err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, "", err
	}
	f, err := os.CreateTemp("", "kefu-loadtest-model-*.pem")
	if err != nil {
		return tls.Certificate{}, "", err
	}
	defer f.Close()
	if err := pem.Encode(f, &pem.Block{Type: "CERTIFICATE", Bytes: der}); err != nil {
		return tls.Certificate{}, "", err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, f.Name(), f.Close()
}

// CloseIdle closes the idle keep-alive connections to the simulator, so
// that a client's pooled connections (and their goroutines) end; new
// requests are served as before.
func (m *ModelSim) CloseIdle() {
	m.srv.SetKeepAlivesEnabled(false) // closes the idle ones
	m.srv.SetKeepAlivesEnabled(true)
}

// Close stops the server; streams in progress end.
func (m *ModelSim) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if m.srv.Shutdown(ctx) != nil {
		m.srv.Close()
	}
	if m.CertFile != "" {
		os.Remove(m.CertFile)
	}
}

// simRequest is the part of a chat-completions request the simulator reads.
type simRequest struct {
	Model    string `json:"model"`
	Stream   bool   `json:"stream"`
	Messages []struct {
		Role string `json:"role"`
	} `json:"messages"`
	Tools []struct {
		Function struct {
			Name string `json:"name"`
		} `json:"function"`
	} `json:"tools"`
}

// The tool a simulated first step calls, when it is offered.
const simTool = "search_knowledge_base"

func (m *ModelSim) complete(w http.ResponseWriter, r *http.Request) {
	m.Requests.Add(1)
	if r.ProtoMajor == 2 {
		m.HTTP2.Add(1)
	}
	var req simRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 8<<20)).Decode(&req); err != nil {
		http.Error(w, `{"error":{"message":"bad request"}}`, http.StatusBadRequest)
		return
	}
	roll := mrand.Float64()
	if roll < m.o.RateLimitShare {
		m.Faults.Add(1)
		w.Header().Set("Retry-After", "1")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}`)
		return
	}
	afterTool := len(req.Messages) > 0 && req.Messages[len(req.Messages)-1].Role == "tool"
	callTool := !afterTool && offers(req, simTool) && mrand.Float64() < m.o.ToolShare
	s := &sseStream{w: w, model: req.Model, id: fmt.Sprintf("chatcmpl-sim%d", mrand.Uint64())}
	if !req.Stream {
		http.Error(w, `{"error":{"message":"the simulator streams only"}}`, http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	if !sleep(r.Context(), m.o.FirstToken) {
		return
	}
	if callTool {
		s.chunk(map[string]any{"role": "assistant", "tool_calls": []any{map[string]any{"index": 0, "id": "call_" + s.id,
			"type": "function", "function": map[string]any{"name": simTool, "arguments": `{"query":"shipping times"}`}}}}, nil)
		s.chunk(map[string]any{}, "tool_calls")
		s.done()
		return
	}
	stall := roll >= m.o.RateLimitShare && roll < m.o.RateLimitShare+m.o.StallShare
	trickle := roll >= m.o.RateLimitShare+m.o.StallShare && roll < m.o.RateLimitShare+m.o.StallShare+m.o.TrickleShare
	if stall || trickle {
		m.Faults.Add(1)
	}
	for i := range m.o.Tokens {
		delta := map[string]any{"content": simToken(i)}
		if i == 0 {
			delta["role"] = "assistant"
		}
		s.chunk(delta, nil)
		switch {
		case stall && i == m.o.Tokens/2:
			<-r.Context().Done() // hangs until the client gives up
			return
		case trickle:
			if !sleep(r.Context(), time.Second) {
				return
			}
		case !sleep(r.Context(), m.o.TokenGap):
			return
		}
	}
	s.chunk(map[string]any{}, "stop")
	s.done()
}

func offers(req simRequest, tool string) bool {
	for _, t := range req.Tools {
		if t.Function.Name == tool {
			return true
		}
	}
	return false
}

// simToken is the i-th token of an answer: words of a plausible reply.
func simToken(i int) string {
	words := []string{"Thanks", " for", " asking", "!", " Orders", " usually", " arrive", " within", " three", " to",
		" five", " business", " days", ",", " and", " you", " can", " track", " yours", " any", " time", "."}
	return words[i%len(words)]
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// sseStream writes chat.completion.chunk events.
type sseStream struct {
	w     http.ResponseWriter
	model string
	id    string
}

func (s *sseStream) chunk(delta map[string]any, finish any) {
	b, _ := json.Marshal(map[string]any{"id": s.id, "object": "chat.completion.chunk", "created": time.Now().Unix(),
		"model": s.model, "choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}}})
	fmt.Fprintf(s.w, "data: %s\n\n", b)
	http.NewResponseController(s.w).Flush()
}

func (s *sseStream) done() {
	fmt.Fprint(s.w, "data: [DONE]\n\n")
	http.NewResponseController(s.w).Flush()
}

// DirectResult is what clients streaming from the simulator directly, with
// no kefu between, measured: the baseline for what kefu adds.
type DirectResult struct {
	Streams           int
	FirstToken, Final Latency
	Errors            int
}

// Direct runs n concurrent clients, each streaming one answer after
// another from the model m for d, and measures the time to the
// first content token and to the end of each stream, each client pausing
// as kefu's shoppers do (Options.Think) between its streams. The request
// is the shape of kefu's second step (after a tool result), so no tool
// call comes back.
func Direct(ctx context.Context, m *ModelSim, n int, d, think time.Duration) (*DirectResult, error) {
	body := []byte(`{"model":"sim","stream":true,"messages":[{"role":"system","content":"You are a shop's assistant."},` +
		`{"role":"user","content":"where is my order?"},{"role":"tool","tool_call_id":"call_1","content":"{}"}]}`)
	client, baseURL := m.Client(n), m.URL
	defer client.CloseIdleConnections()
	var (
		mu            sync.Mutex
		first, finals []time.Duration
		errs          atomic.Int64
	)
	// Streams start for d; the ones started finish (an answer may stream
	// for longer than d), unless they take a minute more than they should.
	starting, stop := context.WithTimeout(ctx, d)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, d+m.StreamTime()+time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if think > 0 && !sleep(starting, firstThinkTime(think)) {
				return
			}
			for starting.Err() == nil {
				f, end, err := streamOnce(ctx, client, baseURL, body)
				if ctx.Err() != nil {
					return
				}
				if err != nil {
					errs.Add(1)
					continue
				}
				mu.Lock()
				first, finals = append(first, f), append(finals, end)
				mu.Unlock()
				if think > 0 && !sleep(starting, thinkTime(think)) {
					return
				}
			}
		}()
	}
	wg.Wait()
	return &DirectResult{Streams: len(first), FirstToken: latency(first), Final: latency(finals), Errors: int(errs.Load())}, nil
}

func streamOnce(ctx context.Context, client *http.Client, baseURL string, body []byte) (first, end time.Duration, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, baseURL+"/chat/completions", bytes.NewReader(body))
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, 0, errors.New("status " + strconv.Itoa(resp.StatusCode))
	}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok {
			continue
		}
		if line == "[DONE]" {
			return first, time.Since(start), nil
		}
		if first == 0 && strings.Contains(line, `"content"`) {
			first = time.Since(start)
		}
	}
	if err := sc.Err(); err != nil {
		return 0, 0, err
	}
	return 0, 0, errors.New("the stream ended without [DONE]")
}
