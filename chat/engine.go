package chat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/time/rate"

	"github.com/kefu-dev/kefu/agents"
	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/tools"
)

// Store is what the engine needs from the database.
type Store interface {
	NewConversation(customerID int64, locale string) (*store.Conversation, string, error)
	ConversationByResumeToken(ctx context.Context, token string) (*store.Conversation, error)
	Conversation(ctx context.Context, id string) (*store.Conversation, error)
	CustomerByExternalID(ctx context.Context, ext string) (*store.Customer, error)
	Customer(ctx context.Context, id int64) (*store.Customer, error)
	Messages(ctx context.Context, conversationID string, afterSeq int64, limit int) ([]store.Message, error)
	LastMessages(ctx context.Context, conversationID string, n int) ([]store.Message, int64, error)
	ShopperTexts(ctx context.Context, conversationID string, beforeSeq int64, n int) ([]string, error)
	Write(ctx context.Context, convs []*store.Conversation, ms []*store.Message) ([]bool, error)
	AddEvent(ctx context.Context, e *store.Event) error
	RateConversation(ctx context.Context, id string, rating int, comment string) error
	// For staff actions.
	TakeOver(ctx context.Context, id string, staffID int64, staffName string) (string, error)
	Assign(ctx context.Context, id string, staffID, byStaffID int64) error
	ConversationSummary(ctx context.Context, id string) (*store.Summary, error)
	Events(ctx context.Context, conversationID string) ([]store.Event, error)
}

// Config tunes the engine. Zero values mean the documented defaults.
type Config struct {
	// IdentitySecret verifies signed shopper identities. Empty: every
	// identity is refused and shoppers chat as guests.
	IdentitySecret []byte
	// AllowedOrigins may open sockets besides kefu's own host, as
	// scheme://host[:port]. Zero value: same origin only.
	AllowedOrigins []string
	HelloTimeout   time.Duration // zero: 10s
	IdleTimeout    time.Duration // a socket with no shopper frame for this long is closed; zero: 30m
	PingPeriod     time.Duration // zero: 25s
	PongWait       time.Duration // zero: PingPeriod + 10s
	WriteWait      time.Duration // zero: 2s
	SendQueue      int           // frames queued per socket before it counts as slow; zero: 512
	TurnTimeout    time.Duration // zero: 2m
	FeedDelay      time.Duration // a turn shows typing, activity and streamed text after this long; zero: 150ms; negative: at once
	MaxQueuedTurns int           // shopper messages waiting for the agent per conversation; zero: 16
	MessageRate    rate.Limit    // messages per second per socket; zero: 5
	MessageBurst   int           // zero: 10
	IPRate         rate.Limit    // messages per second per client IP; zero: 20
	IPBurst        int           // zero: 60
	Now            func() time.Time
}

func (c *Config) defaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.HelloTimeout, 10*time.Second)
	def(&c.IdleTimeout, 30*time.Minute)
	def(&c.PingPeriod, 25*time.Second)
	def(&c.PongWait, c.PingPeriod+10*time.Second)
	def(&c.WriteWait, 2*time.Second)
	def(&c.TurnTimeout, 2*time.Minute)
	if c.FeedDelay == 0 {
		c.FeedDelay = 150 * time.Millisecond
	}
	if c.SendQueue <= 0 {
		c.SendQueue = 512
	}
	if c.MaxQueuedTurns <= 0 {
		c.MaxQueuedTurns = 16
	}
	if c.MessageRate <= 0 {
		c.MessageRate, c.MessageBurst = 5, max(c.MessageBurst, 10)
	}
	if c.MessageBurst <= 0 {
		c.MessageBurst = 10
	}
	if c.IPRate <= 0 {
		c.IPRate, c.IPBurst = 20, max(c.IPBurst, 60)
	}
	if c.IPBurst <= 0 {
		c.IPBurst = 60
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}

// Engine runs the conversations of every connected shopper.
//
// Lock order: Engine.mu, then conversation.mu, then conn.mu. Nothing is
// sent to a socket while holding Engine.mu or conversation.mu: frames are
// queued on the socket's bounded channel, which never blocks.
type Engine struct {
	cfg     Config
	store   Store
	agent   *agents.Runner
	writer  *Writer
	log     *slog.Logger
	metrics *Metrics

	baseCtx    context.Context // cancelled when shutdown runs out of time
	cancelBase context.CancelFunc
	turns      sync.WaitGroup

	mu      sync.Mutex
	convs   map[string]*conversation
	conns   map[*conn]struct{}
	closing bool

	ips      *ipLimiter
	upgrader websocket.Upgrader
	staffHub staffHub
}

// NewEngine returns an engine over the store and the agent. The agent's
// steps are recorded through the engine, so that each stored message
// reaches the shopper's sockets as it commits.
func NewEngine(st Store, agent *agents.Runner, cfg Config, log *slog.Logger, reg prometheus.Registerer) *Engine {
	cfg.defaults()
	if log == nil {
		log = slog.Default()
	}
	e := &Engine{cfg: cfg, store: st, agent: agent, log: log, metrics: NewMetrics(reg),
		convs: map[string]*conversation{}, conns: map[*conn]struct{}{}, ips: newIPLimiter(cfg.IPRate, cfg.IPBurst),
		staffHub: staffHub{conns: map[*staffConn]struct{}{}}}
	e.baseCtx, e.cancelBase = context.WithCancel(context.Background())
	e.writer = NewWriter(st, 256, func(n int, took time.Duration) {
		e.metrics.WriteBatch.Observe(float64(n))
		e.metrics.WriteCommitSeconds.Observe(took.Seconds())
	})
	e.writer.OnPanic = func(p any, stack []byte) {
		e.log.Error("publishing stored messages panicked", "panic", p, "stack", string(stack))
	}
	agent.Log = &agents.StoreLog{Store: engineLog{e}}
	// Small read buffers (frames are at most 16 KiB whatever the buffer)
	// and pooled write buffers, held only while writing: an idle socket
	// costs little memory.
	e.upgrader = websocket.Upgrader{ReadBufferSize: 1024, WriteBufferSize: 4096, WriteBufferPool: &sync.Pool{}, CheckOrigin: e.checkOrigin}
	return e
}

// engineLog is the store as the agent's log sees it: reads go to the
// store, appends through the batched writer and on to the sockets.
type engineLog struct{ e *Engine }

func (l engineLog) LastMessages(ctx context.Context, id string, n int) ([]store.Message, int64, error) {
	return l.e.lastMessages(ctx, id, n)
}

func (l engineLog) ShopperTexts(ctx context.Context, id string, before int64, n int) ([]string, error) {
	return l.e.shopperTexts(ctx, id, before, n)
}

// AppendMessage stores a step of the agent's turn. The steps before the
// answer (tool calls, tool results, notices) wait in the live conversation
// and are committed with the answer in one transaction: a turn costs the
// shopper one commit, not one per step. Nothing reads them before that:
// the agent keeps its turn in memory, and the shopper sees only the answer.
func (l engineLog) AppendMessage(ctx context.Context, m *store.Message) (bool, error) {
	// A turn cancelled (a person took over, the shopper left) stores
	// nothing more: its late output is dropped.
	if err := ctx.Err(); err != nil {
		return false, err
	}
	c := l.e.live(m.ConversationID)
	if c == nil {
		return l.e.append(ctx, m)
	}
	c.mu.Lock()
	c.steps = append(c.steps, m)
	feed := c.feed
	c.mu.Unlock()
	if m.Role == store.RoleAssistant && len(m.ToolCalls) == 0 {
		feed.stop() // nothing streams after the answer
		return false, l.e.flushSteps(ctx, c)
	}
	return false, nil
}

// flushSteps commits the steps the running turn has stored so far.
func (e *Engine) flushSteps(ctx context.Context, c *conversation) error {
	c.mu.Lock()
	steps := c.steps
	c.steps = nil
	c.mu.Unlock()
	if len(steps) == 0 {
		return nil
	}
	_, err := e.appendAll(ctx, steps, nil)
	return err
}

// append persists a message and, once committed, sends it to the
// conversation's sockets.
func (e *Engine) append(ctx context.Context, m *store.Message) (bool, error) {
	dups, err := e.appendAll(ctx, []*store.Message{m}, nil)
	if err != nil {
		return false, err
	}
	return dups[0], nil
}

// appendAll persists messages in one transaction and, once committed,
// sends them to the conversation's sockets (but skip, the shopper's tab
// that sent them, if any) and the console.
func (e *Engine) appendAll(ctx context.Context, ms []*store.Message, skip *conn) ([]bool, error) {
	c := e.live(ms[0].ConversationID)
	var stored []*store.Message
	// The console's entry for a message: an answer carries its turn's
	// tool calls and results, which the live conversation collected as
	// they were stored (no need to read them back).
	var entries []Entry
	dups, err := e.writer.AppendAll(ctx, ms, func(dups []bool) {
		for i, m := range ms {
			if !dups[i] {
				stored = append(stored, m)
			}
		}
		if c == nil {
			return
		}
		c.remember(stored...)
		for _, m := range stored {
			c.publish(m, skip)
			c.mu.Lock()
			entry, show := c.tools.add(m)
			c.mu.Unlock()
			if show {
				entries = append(entries, entry)
			}
		}
	})
	if err != nil {
		return nil, err
	}
	if c == nil {
		for _, m := range stored {
			if entry, show := (&turnTools{}).add(m); show {
				entries = append(entries, entry)
			}
		}
	}
	if len(entries) > 0 {
		e.staffHub.changed(ctx, e, ms[0].ConversationID, entries)
	}
	return dups, nil
}

func (e *Engine) live(id string) *conversation {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.convs[id]
}

// conversation is the live state of a conversation with sockets open or a
// turn running.
type conversation struct {
	e            *Engine
	id           string
	customerID   int64
	customerName string
	locale       string

	mu      sync.Mutex
	state   string
	staff   string // the staff member's name in the human state
	conns   map[*conn]struct{}
	queue   []queuedTurn
	running bool
	cancel  context.CancelFunc // the running turn's
	steps   []*store.Message   // this turn's steps, committed with its answer (engineLog)
	feed    *turnFeed          // this turn's typing, activity and streamed text
	hist    history            // recent messages, for the model's history
	cards   []Card             // from this turn's tool results, for its answer
	tools   turnTools          // this turn's tool calls and results, for the console's entry
	confirm *confirmFrame      // a change this turn previewed
}

type queuedTurn struct {
	text          string
	confirmAction string
}

// newConversation is the live state of a stored conversation.
func (e *Engine) newConversation(conv *store.Conversation, customerName string) *conversation {
	return &conversation{e: e, id: conv.ID, customerID: conv.CustomerID, customerName: customerName, locale: conv.Locale,
		state: conv.State, conns: map[*conn]struct{}{}}
}

// attach registers a socket with the conversation, loading its live state
// if needed. A conversation just created has no messages yet: its history
// is known without reading the database.
func (e *Engine) attach(conv *store.Conversation, name string, cn *conn, created bool) (c *conversation, loaded bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	c = e.convs[conv.ID]
	if c == nil {
		c, loaded = e.newConversation(conv, name), true
		if created {
			c.hist.loaded, c.hist.whole = true, true
		}
		e.convs[conv.ID] = c
	}
	c.mu.Lock()
	c.conns[cn] = struct{}{}
	c.mu.Unlock()
	return c, loaded
}

// answerLeftovers queues a turn for each shopper message at the end of a
// conversation that has no answer: kefu stopped (or crashed) after
// acknowledging it and before answering. A turn's steps and answer are
// committed together, so a stored answer means the turn finished.
func (e *Engine) answerLeftovers(ctx context.Context, c *conversation) {
	if state, _ := c.currentState(); state != store.StateBot {
		return
	}
	ms, _, err := e.store.LastMessages(ctx, c.id, e.cfg.MaxQueuedTurns)
	if err != nil {
		e.log.Error("unanswered messages not checked", "conversation_id", c.id, "err", err)
		return
	}
	first := len(ms)
	for first > 0 && ms[first-1].Role == store.RoleUser {
		first--
	}
	for _, m := range ms[first:] {
		e.log.Info("answering a message left unanswered", "conversation_id", c.id, "seq", m.Seq)
		if !e.queueTurn(c, queuedTurn{text: m.Text}) {
			return
		}
	}
}

// detach forgets a socket, and the conversation when nothing uses it.
func (e *Engine) detach(c *conversation, cn *conn) {
	e.mu.Lock()
	defer e.mu.Unlock()
	c.mu.Lock()
	delete(c.conns, cn)
	idle := len(c.conns) == 0 && !c.running
	c.mu.Unlock()
	if idle {
		delete(e.convs, c.id)
	}
}

// broadcast queues a frame on every socket of the conversation. Message
// frames carry their seq, so a socket that already has it (from a resume)
// drops it.
func (c *conversation) broadcast(b []byte, seq int64) {
	c.broadcastExcept(b, seq, nil)
}

// socketsBut counts the conversation's sockets other than skip.
func (c *conversation) socketsBut(skip *conn) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := len(c.conns)
	if _, ok := c.conns[skip]; ok {
		n--
	}
	return n
}

// broadcastExcept is broadcast to every socket but skip.
func (c *conversation) broadcastExcept(b []byte, seq int64, skip *conn) {
	c.mu.Lock()
	if len(c.conns) == 1 { // the usual case: no copy
		for cn := range c.conns {
			c.mu.Unlock()
			if cn != skip {
				cn.send(b, seq)
			}
			return
		}
	}
	conns := make([]*conn, 0, len(c.conns))
	for cn := range c.conns {
		if cn != skip {
			conns = append(conns, cn)
		}
	}
	c.mu.Unlock()
	for _, cn := range conns {
		cn.send(b, seq)
	}
}

// publish sends a committed message to the sockets: shopper, assistant and
// staff messages as they are; tool results become cards and confirm
// prompts attached to the answer that follows them.
func (c *conversation) publish(m *store.Message, skip *conn) {
	switch m.Role {
	case store.RoleUser, store.RoleStaff:
		// The tab that sent the message has it, and its ack. (Most
		// shoppers have one tab: no frame to encode.)
		if c.socketsBut(skip) > 0 {
			c.broadcastExcept(mustJSON(messageFrame(m, nil)), m.Seq, skip)
		}
	case store.RoleTool:
		var r agents.ToolResultRecord
		if json.Unmarshal(m.ToolResult, &r) != nil {
			return
		}
		cards, confirm := cardsFrom(r.Name, r.Content, c.locale)
		c.mu.Lock()
		c.cards = append(c.cards, cards...)
		if confirm != nil {
			c.confirm = confirm
		}
		c.mu.Unlock()
	case store.RoleAssistant:
		if len(m.ToolCalls) > 0 || m.Text == "" {
			return
		}
		c.mu.Lock()
		cards, confirm := c.cards, c.confirm
		c.cards, c.confirm = nil, nil
		c.mu.Unlock()
		c.broadcast(mustJSON(messageFrame(m, cards)), m.Seq)
		if confirm != nil {
			c.broadcast(mustJSON(confirm), 0)
		}
	}
}

func messageFrame(m *store.Message, cards []Card) MessageFrame {
	f := MessageFrame{Type: "message", Seq: m.Seq, Role: m.Role, Text: m.Text, CreatedAt: m.CreatedAt, Cards: cards}
	switch m.Role {
	case store.RoleUser:
		f.ClientID = m.ClientID
	case store.RoleAssistant:
		f.Author = "kefu"
	case store.RoleStaff:
		f.Author = m.Author
	}
	return f
}

// history returns the frames a resuming socket must receive: every
// shopper-visible message after afterSeq with its cards, and the confirm
// prompt if the last answer still waits for one.
func (e *Engine) history(ctx context.Context, c *conversation, afterSeq int64) ([][]byte, []int64, error) {
	var frames [][]byte
	var seqs []int64
	var cards []Card
	var confirm *confirmFrame
	const page = 500
	for from := int64(0); ; {
		ms, err := e.store.Messages(ctx, c.id, from, page)
		if err != nil {
			return nil, nil, err
		}
		for i := range ms {
			m := &ms[i]
			switch m.Role {
			case store.RoleUser:
				confirm = nil // the shopper has answered since
				cards = nil
				if m.Seq > afterSeq {
					frames, seqs = append(frames, mustJSON(messageFrame(m, nil))), append(seqs, m.Seq)
				}
			case store.RoleStaff:
				if m.Seq > afterSeq {
					frames, seqs = append(frames, mustJSON(messageFrame(m, nil))), append(seqs, m.Seq)
				}
			case store.RoleTool:
				var r agents.ToolResultRecord
				if json.Unmarshal(m.ToolResult, &r) == nil {
					cs, cf := cardsFrom(r.Name, r.Content, c.locale)
					cards = append(cards, cs...)
					if cf != nil {
						confirm = cf
					}
				}
			case store.RoleAssistant:
				if len(m.ToolCalls) > 0 || m.Text == "" {
					continue
				}
				if m.Seq > afterSeq {
					frames, seqs = append(frames, mustJSON(messageFrame(m, cards))), append(seqs, m.Seq)
				}
				cards = nil
			}
		}
		if len(ms) < page {
			break
		}
		from = ms[len(ms)-1].Seq
	}
	if confirm != nil && confirm.ExpiresAt.After(e.cfg.Now()) {
		frames, seqs = append(frames, mustJSON(confirm)), append(seqs, 0)
	}
	return frames, seqs, nil
}

// shopperMessage stores a shopper's message, acknowledges it after the
// commit, and queues an agent turn when the bot is answering.
func (e *Engine) shopperMessage(ctx context.Context, c *conversation, cn *conn, f *inFrame, confirmAction string) {
	m := &store.Message{ConversationID: c.id, Role: store.RoleUser, Text: f.Text, ClientID: f.ClientID}
	// The shopper's other tabs and staff watching the conversation see the
	// message as it comes (a person who took over reads the answers live).
	dups, err := e.appendAll(ctx, []*store.Message{m}, cn)
	if err != nil {
		e.log.Error("message not stored", "conversation_id", c.id, "err", err)
		cn.sendError(&protocolError{Code: CodeNotSaved, ClientID: f.ClientID,
			Message: cn.say("Your message could not be saved. It will be sent again.", "消息未能保存，将自动重发。")})
		return
	}
	cn.sendAck(f.ClientID, m.Seq)
	if dups[0] {
		return // a retry: acknowledged again, stored and answered once
	}
	state, _ := c.currentState()
	if state == store.StateClosed {
		// Writing again reopens a closed conversation with the bot.
		e.setState(ctx, c, store.StateBot, "", 0)
		state = store.StateBot
	}
	if state != store.StateBot {
		return // a person answers; the bot stays silent
	}
	if !e.queueTurn(c, queuedTurn{text: f.Text, confirmAction: confirmAction}) {
		cn.sendError(&protocolError{Code: CodeRateLimited, ClientID: f.ClientID,
			Message: cn.say("Please wait for the answer before sending more messages.", "请等待回复后再发送。")})
	}
}

// queueTurn queues a turn, starting the conversation's turn runner if
// needed. It reports false when the queue is full. Engine.mu orders
// starting a turn against Shutdown: a turn either starts before Shutdown
// waits for turns, or not at all (kefu is stopping; the message is stored
// and acknowledged, and answered when the shopper comes back).
func (e *Engine) queueTurn(c *conversation, q queuedTurn) bool {
	e.mu.Lock()
	if e.closing {
		e.mu.Unlock()
		return true
	}
	c.mu.Lock()
	if len(c.queue) >= e.cfg.MaxQueuedTurns {
		c.mu.Unlock()
		e.mu.Unlock()
		return false
	}
	c.queue = append(c.queue, q)
	start := !c.running
	c.running = true
	c.mu.Unlock()
	if start {
		e.turns.Add(1)
	}
	e.mu.Unlock()
	if start {
		go e.runTurns(c)
	}
	return true
}

// runTurns answers a conversation's queued messages one at a time.
func (e *Engine) runTurns(c *conversation) {
	defer e.turns.Done()
	defer func() {
		if p := recover(); p != nil {
			e.log.Error("turn panicked", "conversation_id", c.id, "panic", p, "stack", string(debug.Stack()))
			c.mu.Lock()
			c.running, c.queue = false, nil
			c.mu.Unlock()
		}
	}()
	for {
		c.mu.Lock()
		if len(c.queue) == 0 || c.state != store.StateBot {
			c.running, c.queue = false, nil
			idle := len(c.conns) == 0
			c.mu.Unlock()
			if idle {
				e.mu.Lock()
				c.mu.Lock()
				if len(c.conns) == 0 && !c.running {
					delete(e.convs, c.id)
				}
				c.mu.Unlock()
				e.mu.Unlock()
			}
			return
		}
		q := c.queue[0]
		c.queue = c.queue[1:]
		ctx, cancel := context.WithTimeout(e.baseCtx, e.cfg.TurnTimeout)
		c.cancel = cancel
		c.mu.Unlock()

		e.turn(ctx, c, q)
		cancel()
		c.mu.Lock()
		c.cancel = nil
		c.mu.Unlock()
	}
}

func (e *Engine) turn(ctx context.Context, c *conversation, q queuedTurn) {
	start := time.Now()
	feed := c.startFeed(e.cfg.FeedDelay)
	c.mu.Lock()
	c.feed = feed
	c.mu.Unlock()
	id := tools.Identity{CustomerID: c.customerID, ConversationID: c.id, Locale: c.locale}
	res, err := e.agent.Turn(ctx, agents.Turn{ConversationID: c.id, Identity: id, ShopperName: c.customerName,
		Text: q.text, ConfirmAction: q.confirmAction}, agents.Events{
		Delta: feed.delta,
		Reset: feed.reset,
		Activity: func(tool string) {
			feed.activity(mustJSON(activityFrame{Type: "activity", Text: activityText(tool, c.locale)}))
		},
	})
	feed.stop()
	c.mu.Lock()
	c.feed = nil
	c.mu.Unlock()
	// Steps a turn stored after its last answer (it failed, or was
	// cancelled after a tool ran) are kept all the same.
	if err := e.flushSteps(context.WithoutCancel(ctx), c); err != nil {
		e.log.Error("turn steps not stored", "conversation_id", c.id, "err", err)
	}
	e.metrics.TurnSeconds.Observe(time.Since(start).Seconds())
	for _, call := range res.Calls {
		e.metrics.ToolCalls.WithLabelValues(call.Name, call.Status).Inc()
		if _, ok := call.Data.(*tools.CouponIssued); ok && call.Status == tools.StatusOK {
			e.metrics.CouponsIssued.Inc()
		}
	}
	if res.Fallback {
		e.metrics.ModelErrors.Inc()
		e.metrics.Fallbacks.Inc()
	}
	switch {
	case err != nil && errors.Is(err, context.Canceled):
		// A person took over (or kefu is stopping): the bot stops quietly.
		e.metrics.Turns.WithLabelValues("cancelled").Inc()
	case err != nil:
		e.metrics.Turns.WithLabelValues("error").Inc()
		if e.baseCtx.Err() == nil {
			e.log.Error("turn failed", "conversation_id", c.id, "err", err)
			msg := "Sorry, something went wrong while answering. Please send your message again."
			if c.locale == "zh" {
				msg = "抱歉，回复时出了点问题，请再发一次。"
			}
			c.broadcast(mustJSON(errorFrame{Type: "error", Code: CodeInternal, Message: msg}), 0)
		}
	case res.Handoff:
		e.metrics.Turns.WithLabelValues("handoff").Inc()
		e.metrics.Handoffs.Inc()
		e.setState(ctx, c, store.StateQueued, "", 0)
	default:
		e.metrics.Turns.WithLabelValues("answered").Inc()
	}
}

// setState moves a conversation to a new state, records the transition
// and tells its sockets. A turn in flight is cancelled when a person takes
// over, and its late output is not shown.
func (e *Engine) setState(ctx context.Context, c *conversation, to, staffName string, staffID int64) error {
	c.mu.Lock()
	from := c.state
	if from == to {
		c.mu.Unlock()
		return nil
	}
	c.state, c.staff = to, staffName
	if to != store.StateBot && c.cancel != nil {
		c.cancel()
	}
	c.mu.Unlock()
	data, _ := json.Marshal(map[string]string{"staff": staffName})
	if err := e.store.AddEvent(context.WithoutCancel(ctx), &store.Event{ConversationID: c.id, Kind: store.EventState,
		FromState: from, ToState: to, StaffID: staffID, Data: data}); err != nil {
		e.log.Error("state change not stored", "conversation_id", c.id, "to", to, "err", err)
		return err
	}
	c.broadcast(mustJSON(stateFrame{Type: "state", State: to, Staff: staffName}), 0)
	e.staffHub.changed(ctx, e, c.id, []Entry{{Kind: "event", Type: store.EventState, From: from, To: to, Staff: staffName, At: e.cfg.Now()}})
	return nil
}

// SetState moves a conversation to another state (bot, queued, human,
// closed), as staff do from the console.
func (e *Engine) SetState(ctx context.Context, conversationID, to, staffName string, staffID int64) error {
	switch to {
	case store.StateBot, store.StateQueued, store.StateHuman, store.StateClosed:
	default:
		return fmt.Errorf("chat: unknown state %q", to)
	}
	c, err := e.conv(ctx, conversationID)
	if err != nil {
		return err
	}
	return e.setState(ctx, c, to, staffName, staffID)
}

// checkOrigin allows the socket's own host and the configured origins.
// Requests without an Origin header come from programs, not browsers, so
// they cannot be cross-site hijacks.
func (e *Engine) checkOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil {
		return false
	}
	if strings.EqualFold(u.Host, r.Host) {
		return true
	}
	for _, o := range e.cfg.AllowedOrigins {
		if strings.EqualFold(strings.TrimRight(o, "/"), origin) {
			return true
		}
	}
	return false
}

// ErrShuttingDown is returned when the engine no longer accepts sockets.
var ErrShuttingDown = errors.New("chat: shutting down")

// Shutdown closes every socket with the shutdown code, waits for running
// turns to finish (cancelling them when ctx ends), and commits what the
// writer holds. The store can be closed afterwards.
func (e *Engine) Shutdown(ctx context.Context) error {
	e.mu.Lock()
	e.closing = true
	conns := make([]*conn, 0, len(e.conns))
	for cn := range e.conns {
		conns = append(conns, cn)
	}
	e.mu.Unlock()
	for _, cn := range conns {
		cn.closeWith(CloseShutdown)
	}
	done := make(chan struct{})
	go func() { e.turns.Wait(); close(done) }()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		e.cancelBase()
		<-done
		err = ctx.Err()
	}
	e.cancelBase()
	e.writer.Close()
	return err
}

// ipLimiter limits messages per client IP across its sockets.
type ipLimiter struct {
	mu    sync.Mutex
	r     rate.Limit
	b     int
	m     map[string]*ipEntry
	sweep time.Time
}

type ipEntry struct {
	l    *rate.Limiter
	seen time.Time
}

func newIPLimiter(r rate.Limit, b int) *ipLimiter {
	return &ipLimiter{r: r, b: b, m: map[string]*ipEntry{}, sweep: time.Now()}
}

func (l *ipLimiter) allow(ip string) bool {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.sweep) > time.Minute { // forget quiet clients
		for k, v := range l.m {
			if now.Sub(v.seen) > 5*time.Minute {
				delete(l.m, k)
			}
		}
		l.sweep = now
	}
	ent := l.m[ip]
	if ent == nil {
		ent = &ipEntry{l: rate.NewLimiter(l.r, l.b)}
		l.m[ip] = ent
	}
	ent.seen = now
	return ent.l.AllowN(now, 1)
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
