package web_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/web"
)

// fromAddr makes a request's connection come from a loopback address of
// its own (127.0.0.0/8 is all loopback on Linux), so that the server sees
// many client addresses over real TCP.
type fromAddr struct{}

var fromTransport = &http.Transport{DisableKeepAlives: true,
	DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		d := net.Dialer{Timeout: 5 * time.Second}
		if ip, ok := ctx.Value(fromAddr{}).(string); ok {
			d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(ip)}
		}
		return d.DialContext(ctx, network, addr)
	}}

// signIn posts a sign-in from the address ip and returns the status (0
// if it could not be sent).
func signIn(t *testing.T, base, ip, email, password string) int {
	t.Helper()
	ctx := context.WithValue(context.Background(), fromAddr{}, ip)
	req, _ := http.NewRequestWithContext(ctx, "POST", base+"/api/console/login",
		strings.NewReader(fmt.Sprintf(`{"email":%q,"password":%q}`, email, password)))
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Transport: fromTransport, Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Error(err) // called from the flood's goroutines too
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// nthAddr is the i-th of many distinct loopback addresses, none 127.0.0.1.
func nthAddr(i int) string { return fmt.Sprintf("127.%d.%d.%d", 1+i/62500, i/250%250, i%250+1) }

// The admin's account is under attack from everywhere: five wrong
// passwords (from five addresses) lock it, and 10,050 more guesses from 10,050 distinct
// addresses get no password checked (the limiter keeps the locked account
// however many addresses it sees: it used to start afresh after 10,000
// keys and let guesses through). The right password from a new address
// is refused too; from the address the admin signed in from before, it
// signs in.
func TestLoginLockoutSurvivesAFloodAndLetsTheAdminIn(t *testing.T) {
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC) // the limiter's clock stands still
	hs, st := newStack(t, func(d *web.Deps) { d.Now = func() time.Time { return now } })
	const admin, password = "boss@shop.example.com", "correct horse battery"
	addStaff(t, st, admin, "Boss", store.RoleAdmin)
	const home = "127.0.0.1"
	if code := signIn(t, hs.URL, home, admin, password); code != 200 {
		t.Fatalf("the admin's first sign-in: %d", code)
	}

	guesses := 0
	for ; guesses < 10 && signIn(t, hs.URL, nthAddr(100000+guesses), admin, "guess") == 401; guesses++ {
	}
	if guesses > 5 {
		t.Fatalf("%d wrong passwords checked before the account locked, want at most 5", guesses)
	}
	const flood = 10050
	var checked, refused atomic.Int32
	var wg sync.WaitGroup
	next := atomic.Int32{}
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < flood; i = int(next.Add(1)) - 1 {
				switch signIn(t, hs.URL, nthAddr(i), admin, fmt.Sprintf("guess %d", i)) {
				case 401:
					checked.Add(1)
				case 429:
					refused.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	t.Logf("%d guesses from %d addresses: %d passwords checked, %d refused", flood, flood, checked.Load(), refused.Load())
	if checked.Load() != 0 || refused.Load() != flood {
		t.Errorf("the locked account had %d of %d guesses checked (%d refused), want none", checked.Load(), flood, refused.Load())
	}
	if code := signIn(t, hs.URL, "127.250.0.1", admin, password); code != 429 {
		t.Errorf("the right password from a new address while locked: %d, want 429", code)
	}
	if code := signIn(t, hs.URL, home, admin, password); code != 200 {
		t.Errorf("the right password from the admin's known address while locked: %d, want 200", code)
	}
	// The known address is limited on its own: guessing from it stops too.
	last := 0
	for i := 0; i < 6; i++ {
		last = signIn(t, hs.URL, home, admin, "guess from home")
	}
	if last != 429 {
		t.Errorf("6 wrong passwords from the known address: last %d, want 429", last)
	}
}

// Failures on one account from one address do not lock another address
// out of another account; an address guessing many accounts is stopped
// by its own limit.
func TestLoginLimitsPerAddressAndPerAccount(t *testing.T) {
	var now atomic.Int64 // the limiter's clock, moved by the test
	now.Store(time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC).UnixNano())
	hs, st := newStack(t, func(d *web.Deps) { d.Now = func() time.Time { return time.Unix(0, now.Load()) } })
	addStaff(t, st, "mei@shop.example.com", "Mei", store.RoleAgent)
	addStaff(t, st, "li@shop.example.com", "Li", store.RoleAgent)
	for i := 0; i < 5; i++ {
		signIn(t, hs.URL, "127.0.9.1", "mei@shop.example.com", "guess")
	}
	if code := signIn(t, hs.URL, "127.0.9.2", "li@shop.example.com", "correct horse battery"); code != 200 {
		t.Errorf("Li from another address: %d, want 200", code)
	}
	last := 0
	for i := 0; i < 6; i++ {
		last = signIn(t, hs.URL, "127.0.9.3", fmt.Sprintf("nobody%d@shop.example.com", i), "guess")
	}
	if last != 429 {
		t.Errorf("one address guessing 6 accounts: last %d, want 429", last)
	}
	// Time passes: the lock lifts.
	now.Add(int64(time.Minute))
	if code := signIn(t, hs.URL, "127.0.9.4", "mei@shop.example.com", "correct horse battery"); code != 200 {
		t.Errorf("Mei a minute later: %d, want 200", code)
	}
}
