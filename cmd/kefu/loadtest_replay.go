package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kefu-dev/kefu/cmd/kefu/loadtest"
	"github.com/kefu-dev/kefu/store"
)

// The replay mode (kefu loadtest --mode replay) measures what a regression
// replay does to the shoppers: each run measures the same shoppers twice,
// alone and while an admin runs replays back to back (POST
// /api/console/replay, one at a time, as the server allows), on a
// database made large first (--fill-mb), since a replay copies it whole.
type replayFlags struct {
	fillMB               int
	adminEmail, password string
}

func addReplayFlags(fs *flag.FlagSet) *replayFlags {
	rf := &replayFlags{}
	fs.IntVar(&rf.fillMB, "fill-mb", 200, "replay mode: grow the started kefu's database to about this many megabytes of conversations first")
	fs.StringVar(&rf.adminEmail, "admin-email", "admin@kefu.local", "replay mode with --url: the admin who runs the replays")
	fs.StringVar(&rf.password, "admin-password", "", "replay mode with --url: their password (a started kefu's is known)")
	return rf
}

// prepare fills the started server's database and takes its admin's
// password.
func (rf *replayFlags) prepare(ctx context.Context, srv *childServer, progress io.Writer) error {
	rf.adminEmail, rf.password = "admin@kefu.local", "loadtest-"+srv.secret[:16]
	if rf.fillMB <= 0 {
		return nil
	}
	start := time.Now()
	st, err := store.Open(ctx, filepath.Join(srv.dir, "kefu.db"), store.Options{})
	if err != nil {
		return err
	}
	n, err := fillConversations(ctx, st, filepath.Join(srv.dir, "kefu.db"), rf.fillMB)
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("filling the database: %w", err)
	}
	fmt.Fprintf(progress, "filled the database with %d messages (%d MB) in %s\n", n, rf.fillMB, time.Since(start).Round(time.Second))
	return nil
}

// fillConversations adds finished conversations, each a shopper asking
// after an order and the tool's result, until the database at path (with
// its WAL) holds about mb megabytes, and returns how many messages it
// added.
func fillConversations(ctx context.Context, st *store.Store, path string, mb int) (int, error) {
	result := json.RawMessage(`{"orders":[{"number":"KF-10031","status":"shipped","items":"` + strings.Repeat("Alpine down jacket, size M, colour forest green; ", 40) + `"}]}`)
	n := 0
	for size := int64(0); size < int64(mb)<<20; {
		var cs []*store.Conversation
		var ms []*store.Message
		for range 200 {
			c, _, err := st.NewConversation(0, "en")
			if err != nil {
				return n, err
			}
			cs = append(cs, c)
			for j := range 8 {
				m := &store.Message{ConversationID: c.ID, Role: store.RoleUser, Text: fmt.Sprintf("where is my order KF-%d? it has not arrived", 10000+j), ClientID: fmt.Sprint("f", j)}
				if j%2 == 1 {
					m = &store.Message{ConversationID: c.ID, Role: store.RoleTool, ToolResult: result}
				}
				ms = append(ms, m)
			}
		}
		if _, err := st.Write(ctx, cs, ms); err != nil {
			return n, err
		}
		n += len(ms)
		size = 0
		for _, f := range []string{path, path + "-wal"} {
			if fi, err := os.Stat(f); err == nil {
				size += fi.Size()
			}
		}
	}
	return n, nil
}

// replayReport is one run of the replay mode.
type replayReport struct {
	Run     int
	Alone   *loadtest.Result // the shoppers alone
	Replay  *loadtest.Result // ...and while replays run
	Replays replayStats
}

// replayStats are the replays a run made while measuring.
type replayStats struct {
	Done      int
	Durations []time.Duration
	Refused   map[int]int // by status
	Errors    []string
}

func replayRuns(ctx context.Context, o loadtest.Options, rf *replayFlags, runs int, stdout io.Writer, asJSON bool) error {
	base := strings.Replace(strings.Replace(strings.TrimSuffix(o.URL, "/ws"), "wss://", "https://", 1), "ws://", "http://", 1)
	admin, err := consoleLogin(ctx, base, rf.adminEmail, rf.password)
	if err != nil {
		return err
	}
	var report []replayReport
	for i := range runs {
		r := replayReport{Run: i + 1}
		if r.Alone, err = loadtest.Run(ctx, o); err != nil {
			return err
		}
		// Replays from the end of the warm-up to the end of the run.
		rctx, stop := context.WithCancel(ctx)
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case <-rctx.Done():
				return
			case <-time.After(o.Warmup):
			}
			r.Replays = admin.replayUntil(rctx)
		}()
		r.Replay, err = loadtest.Run(ctx, o)
		stop()
		wg.Wait()
		if err != nil {
			return err
		}
		if !asJSON {
			r.print(stdout)
		}
		report = append(report, r)
	}
	if asJSON {
		return json.NewEncoder(stdout).Encode(report)
	}
	med := func(f func(replayReport) float64) float64 {
		var v []float64
		for _, r := range report {
			v = append(v, f(r))
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	msOf := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	fmt.Fprintf(stdout, "\nmedian of %d run(s), %d shoppers:\n", len(report), o.Shoppers)
	fmt.Fprintf(stdout, "  alone           ack p50 %7.2f ms  p99 %7.2f ms   reply p99 %7.2f ms   %6.0f turns/s\n",
		med(func(r replayReport) float64 { return msOf(r.Alone.Ack.P50) }), med(func(r replayReport) float64 { return msOf(r.Alone.Ack.P99) }),
		med(func(r replayReport) float64 { return msOf(r.Alone.Reply.P99) }), med(func(r replayReport) float64 { return r.Alone.TurnsPerSecond() }))
	fmt.Fprintf(stdout, "  during replays  ack p50 %7.2f ms  p99 %7.2f ms   reply p99 %7.2f ms   %6.0f turns/s   (%.0f replays a run, %.1f s each)\n",
		med(func(r replayReport) float64 { return msOf(r.Replay.Ack.P50) }), med(func(r replayReport) float64 { return msOf(r.Replay.Ack.P99) }),
		med(func(r replayReport) float64 { return msOf(r.Replay.Reply.P99) }), med(func(r replayReport) float64 { return r.Replay.TurnsPerSecond() }),
		med(func(r replayReport) float64 { return float64(r.Replays.Done) }), med(func(r replayReport) float64 { return r.Replays.median().Seconds() }))
	return nil
}

func (r replayReport) print(w io.Writer) {
	fmt.Fprintf(w, "run %d  alone           ack   %s\n", r.Run, r.Alone.Ack)
	fmt.Fprintf(w, "       during replays  ack   %s\n", r.Replay.Ack)
	fmt.Fprintf(w, "       %d replays (median %s)", r.Replays.Done, r.Replays.median().Round(time.Millisecond))
	for code, n := range r.Replays.Refused {
		fmt.Fprintf(w, ", %d refused with %d", n, code)
	}
	if len(r.Replays.Errors) > 0 {
		fmt.Fprintf(w, ", errors: %s", strings.Join(r.Replays.Errors, "; "))
	}
	fmt.Fprintf(w, "; shoppers' errors alone: %s, during: %s\n", errorsText(r.Alone.Errors), errorsText(r.Replay.Errors))
}

func (s replayStats) median() time.Duration {
	if len(s.Durations) == 0 {
		return 0
	}
	d := slices.Clone(s.Durations)
	slices.Sort(d)
	return d[len(d)/2]
}

// console is a signed-in staff member's HTTP client.
type console struct {
	base string
	http *http.Client
	csrf string
}

// consoleLogin signs in, choosing a new password if the server asks for
// one at the first sign-in.
func consoleLogin(ctx context.Context, base, email, password string) (*console, error) {
	jar, _ := cookiejar.New(nil)
	c := &console{base: base, http: &http.Client{Jar: jar, Timeout: 10 * time.Minute}}
	var out struct {
		CSRF  string `json:"csrf_token"`
		Staff struct {
			MustChange bool `json:"must_change_password"`
		} `json:"staff"`
	}
	if err := c.post(ctx, "/api/console/login", map[string]string{"email": email, "password": password}, &out); err != nil {
		return nil, fmt.Errorf("signing in as %s: %w", email, err)
	}
	c.csrf = out.CSRF
	if out.Staff.MustChange {
		if err := c.post(ctx, "/api/console/password", map[string]string{"current_password": password, "new_password": password + "-loadtest"}, &out); err != nil {
			return nil, fmt.Errorf("choosing a new password for %s: %w", email, err)
		}
		if out.CSRF != "" {
			c.csrf = out.CSRF
		}
	}
	return c, nil
}

// statusError is an answer other than 200.
type statusError struct {
	code int
	msg  string
}

func (e *statusError) Error() string { return fmt.Sprintf("%d %s", e.code, e.msg) }

func (c *console) post(ctx context.Context, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.csrf != "" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if resp.StatusCode != http.StatusOK {
		var e struct{ Message string }
		json.Unmarshal(b, &e)
		return &statusError{resp.StatusCode, e.Message}
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

// replayUntil runs replays one after another until ctx ends.
func (c *console) replayUntil(ctx context.Context) replayStats {
	s := replayStats{Refused: map[int]int{}}
	for ctx.Err() == nil {
		t0 := time.Now()
		err := c.post(ctx, "/api/console/replay", nil, nil)
		switch e := err.(type) {
		case nil:
			s.Done++
			s.Durations = append(s.Durations, time.Since(t0))
		case *statusError:
			s.Refused[e.code]++
			if len(s.Errors) < 3 {
				s.Errors = append(s.Errors, e.Error())
			}
			time.Sleep(100 * time.Millisecond) // not a busy loop against a refusal
		default:
			if ctx.Err() == nil && len(s.Errors) < 3 {
				s.Errors = append(s.Errors, err.Error())
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	return s
}
