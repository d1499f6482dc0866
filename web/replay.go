package web

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"

	"github.com/kefu-dev/kefu/store"
)

// A regression replay copies the whole database and runs the agent on up
// to replayMaxConversations conversations, so it is bounded: one at a
// time per shop (a server serves one shop's database), a second is
// refused with 409 naming who runs the first and since when; agents may
// start replayBurst in a row and one more every replayEvery after that
// (429), admins as many as run one at a time; the conversations' messages
// are at most Options.ReplayMaxMessages (413: narrow the search); and it
// ends after Options.ReplayTimeout. The snapshot under it does not hold
// up the writer (store.Snapshot), so shoppers' acks keep their pace.
const (
	replayMaxConversations   = 20
	defaultReplayMaxMessages = 2000
	defaultReplayTimeout     = 5 * time.Minute
	replayBurst              = 3
	replayEvery              = 2 * time.Minute
)

// replayGate lets one replay run at a time and paces agents' replays.
type replayGate struct {
	mu      sync.Mutex
	running *replayRun // nil: none
	// Agents' limiters, by staff id: a map as large as the shop's staff.
	paces map[int64]*rate.Limiter
}

// replayRun is the replay under way.
type replayRun struct {
	by    string
	since time.Time
}

func newReplayGate() *replayGate { return &replayGate{paces: map[int64]*rate.Limiter{}} }

// enter lets st start a replay at now, or says why not: an HTTP error
// and, when pacing, how long to wait. leave ends the replay.
func (g *replayGate) enter(st *store.Staff, now time.Time) (leave func(), wait time.Duration, err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if r := g.running; r != nil {
		return nil, 0, echo.NewHTTPError(http.StatusConflict, fmt.Sprintf("a replay is already running (started by %s %s ago); one runs at a time: try again when it has finished",
			r.by, now.Sub(r.since).Round(time.Second)))
	}
	if st.Role != store.RoleAdmin {
		lim := g.paces[st.ID]
		if lim == nil {
			lim = rate.NewLimiter(rate.Every(replayEvery), replayBurst)
			g.paces[st.ID] = lim
		}
		r := lim.ReserveN(now, 1)
		if wait := r.DelayFrom(now); wait > 0 {
			r.CancelAt(now)
			return nil, wait, echo.NewHTTPError(http.StatusTooManyRequests, fmt.Sprintf("you have run %d replays in a short time: the next one can start in %s",
				replayBurst, wait.Round(time.Second)))
		}
	}
	run := &replayRun{by: st.Name, since: now}
	g.running = run
	return func() {
		g.mu.Lock()
		defer g.mu.Unlock()
		if g.running == run {
			g.running = nil
		}
	}, 0, nil
}

// replay runs the regression replay on up to replayMaxConversations
// conversations matching the filters and returns the report, as `kefu
// replay --json` prints it.
func (h *handler) replay(c echo.Context) error {
	if h.deps.Replay == nil {
		return echo.NewHTTPError(http.StatusNotImplemented, "replay is not available on this server")
	}
	f, err := transcriptFilter(c)
	if err != nil {
		return err
	}
	leave, wait, err := h.replays.enter(staffOf(c), h.deps.Now())
	if err != nil {
		if wait > 0 {
			c.Response().Header().Set("Retry-After", strconv.Itoa(int(wait/time.Second)+1))
		}
		return err
	}
	defer leave()
	// The server's timeouts are for quick answers: its read deadline would
	// cancel the request's context at 15 s and its write deadline cut the
	// report. The replay has its own bound, and its report a deadline
	// after it.
	timeout := cmp.Or(h.opts.ReplayTimeout, defaultReplayTimeout)
	rc := http.NewResponseController(c.Response())
	rc.SetReadDeadline(time.Time{})
	rc.SetWriteDeadline(time.Now().Add(timeout + 30*time.Second))
	ctx, cancel := context.WithTimeout(c.Request().Context(), timeout)
	defer cancel()

	// The first replayMaxConversations of the list as the console shows it
	// (same sort).
	f.Limit, f.Offset = replayMaxConversations, 0
	page, err := h.deps.Store.SearchTranscripts(ctx, f)
	if err != nil {
		return err
	}
	maxMessages := cmp.Or(h.opts.ReplayMaxMessages, defaultReplayMaxMessages)
	messages := int64(0)
	for _, sm := range page.Conversations {
		messages += sm.LastSeq
	}
	if messages > int64(maxMessages) {
		return echo.NewHTTPError(http.StatusRequestEntityTooLarge, fmt.Sprintf("these %d conversations hold %d messages; a replay takes at most %d: narrow the search",
			len(page.Conversations), messages, maxMessages))
	}
	var recorded []*store.TranscriptJSON
	for _, sm := range page.Conversations {
		t, err := h.deps.Store.Transcript(ctx, sm)
		if err != nil {
			return err
		}
		recorded = append(recorded, t)
	}
	results, err := h.deps.Replay(ctx, recorded)
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return echo.NewHTTPError(http.StatusServiceUnavailable, fmt.Sprintf("the replay took longer than %s and was stopped: replay fewer conversations", timeout)).SetInternal(err)
		}
		return err
	}
	counts := map[string]int{}
	for _, r := range results {
		counts[r.Verdict]++
	}
	return c.JSON(http.StatusOK, map[string]any{"counts": counts, "results": results})
}
