package chat

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/kefu-dev/kefu/agents"
	"github.com/kefu-dev/kefu/store"
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
	ChangeState(ctx context.Context, ch store.StateChange) error
	Assign(ctx context.Context, id string, staffID, byStaffID int64) error
	ConversationSummary(ctx context.Context, id string) (*store.Summary, error)
	Events(ctx context.Context, conversationID string) ([]store.Event, error)
}

// Engine runs the conversations of every connected shopper.
//
// Locks. These are every mutex in chat; one may be taken while holding
// another only in this order:
//
//	Engine.mu → conversation.mu → conn.mu → socket.mu
//	turnFeed.mu → conversation.mu (a feed broadcasts under its own lock, so
//	                               that its frames keep their order)
//	unsavedConv.saving → unsavedConvs.mu (a save holds its conversation
//	                               over the commit, so it is stored once)
//
// The others are leaves, held only over their own fields and never while
// taking another lock: staffHub.mu, staffConn.mu, socketGate.mu,
// keyedBuckets.mu, ipLimiter.mu, typingGate.mu, ratings.mu, LocalBus.mu
// (released before its handler runs), and the store's Writer.mu and
// Writer.failMu (the writer's after-commit functions run with neither
// held). Nothing is
// written to a socket under a lock: frames are queued on the socket's
// bounded queue, which never blocks.
type Engine struct {
	cfg      Config
	store    Store
	agent    Agent
	agentLog agents.Log // the agent records its steps through the engine
	writer   *store.Writer
	log      *slog.Logger
	metrics  *Metrics

	baseCtx    context.Context // cancelled when shutdown runs out of time
	cancelBase context.CancelFunc
	warm       *warm // goroutines for turns and frames (warm.go)
	turns      sync.WaitGroup

	mu      sync.Mutex
	convs   map[string]*conversation
	conns   map[*conn]struct{}
	closing bool

	ips      *ipLimiter
	admit    admissions   // shopper sockets and hellos let in
	unsaved  unsavedConvs // conversations opened and not stored yet
	ratings  ratings      // ratings stored a moment ago, and those held
	upgrader websocket.Upgrader
	bus      Bus // what happens to conversations, to every node
	staffHub staffHub

	stopErasures func() // stops the watch for kefu forget's erasures (erasures.go)
}

// Agent answers a shopper's message: agents.Runner.
type Agent interface {
	Turn(ctx context.Context, t agents.Turn, ev agents.Events) (agents.Result, error)
}

// NewEngine returns an engine over the store and the agent. The agent's
// steps are recorded through the engine (each turn is given the engine's
// log), so that each stored message reaches the shopper's sockets as it
// commits.
func NewEngine(st Store, agent Agent, cfg Config, log *slog.Logger, reg prometheus.Registerer) *Engine {
	cfg.defaults()
	if log == nil {
		log = slog.Default()
	}
	e := &Engine{cfg: cfg, store: st, agent: agent, log: log, metrics: NewMetrics(reg),
		convs: map[string]*conversation{}, conns: map[*conn]struct{}{}, ips: newIPLimiter(cfg.IPRate, cfg.IPBurst),
		staffHub: staffHub{conns: map[*staffConn]struct{}{}}}
	e.bus = cfg.Bus
	if e.bus == nil {
		e.bus = &LocalBus{}
	}
	e.bus.Subscribe(e.deliver)
	e.stopErasures = e.watchErasures()
	e.admit = newAdmissions(cfg)
	e.baseCtx, e.cancelBase = context.WithCancel(context.Background())
	e.warm = newWarm(warmKeep, warmIdle, e.baseCtx.Done())
	e.writer = store.NewWriter(st, 256, func(n int, took time.Duration) {
		e.metrics.WriteBatch.Observe(float64(n))
		e.metrics.WriteCommitSeconds.Observe(took.Seconds())
	})
	e.writer.OnPanic = func(p any, stack []byte) {
		e.log.Error("publishing stored messages panicked", "panic", p, "stack", string(stack))
	}
	e.agentLog = &agents.StoreLog{Store: engineLog{e}}
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
		return false, l.e.flushSteps(ctx, c, m)
	}
	return false, nil
}

// flushSteps commits the steps the running turn has stored so far;
// answer, if not nil, is the turn's answer among them.
func (e *Engine) flushSteps(ctx context.Context, c *conversation, answer *store.Message) error {
	c.mu.Lock()
	steps := c.steps
	c.steps = nil
	held := c.held
	c.mu.Unlock()
	if len(steps) == 0 {
		return nil
	}
	if held != nil {
		// Stored only if this node still holds the turn when it commits
		// (store.ErrLeaseLost otherwise): a node that stalled past its
		// lease does not answer what the next holder answers. The answer
		// records in the lease what it answers, in the same commit.
		for _, m := range steps {
			m.Lease = held.Lease()
		}
		if answer != nil {
			answer.Answers = held.Seq()
		}
	}
	_, err := e.appendAll(ctx, steps, nil)
	if err == nil && held != nil && answer != nil {
		held.Recorded(held.Seq())
	}
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
// publishes them to the conversation's sockets on every node (but skip,
// the shopper's tab that sent them, if any) and to the console.
func (e *Engine) appendAll(ctx context.Context, ms []*store.Message, skip *conn) ([]bool, error) {
	return e.createAndAppend(ctx, nil, ms, skip)
}

// createAndAppend is appendAll that also stores conv, if not nil, in the
// same transaction (a conversation's first message, unsaved.go).
func (e *Engine) createAndAppend(ctx context.Context, conv *store.Conversation, ms []*store.Message, skip *conn) ([]bool, error) {
	id := ms[0].ConversationID
	c := e.live(id)
	var stored []*store.Message
	// The console's entry for a message: an answer carries its turn's
	// tool calls and results, which the live conversation collected as
	// they were stored (no need to read them back).
	var entries []Entry
	after := func(dups []bool) {
		for i, m := range ms {
			if !dups[i] {
				stored = append(stored, m)
				e.bus.Publish(Event{Conversation: id, Message: m, from: skip})
			}
		}
		if c == nil {
			return
		}
		for _, m := range stored {
			c.mu.Lock()
			entry, show := c.tools.add(m)
			c.mu.Unlock()
			if show {
				entries = append(entries, entry)
			}
		}
	}
	var dups []bool
	var err error
	if conv != nil {
		dups, err = e.writer.CreateAndAppend(ctx, conv, ms, after)
	} else {
		dups, err = e.writer.AppendAll(ctx, ms, after)
	}
	if err != nil {
		e.noticeErased(ms[0].ConversationID)
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
		e.tellConsole(ctx, id, entries)
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

	mu       sync.Mutex
	state    string
	assigned int64  // the staff member it is assigned to, as stored
	staff    string // the staff member's name in the human state
	conns    map[*conn]struct{}
	queue    []queuedTurn
	running  bool
	cancel   context.CancelFunc // the running turn's
	steps    []*store.Message   // this turn's steps, committed with its answer (engineLog)
	held     HeldTurn           // this turn's lease, when nodes share the database
	feed     *turnFeed          // this turn's typing, activity and streamed text
	hist     history            // recent messages, for the model's history
	answer   answerCards        // cards and the confirm prompt for this turn's answer
	tools    turnTools          // this turn's tool calls and results, for the console's entry
}

type queuedTurn struct {
	text          string
	confirmAction string
	seq           int64 // the shopper message it answers; zero: the last
	// A turn started before its message was committed (early.go): the
	// message's gate, and the message as it was sent.
	gate    *turnGate
	pending *store.Message
	// held is the lease kept from the conversation's last turn that an
	// early turn starts on (TurnLocks.HoldKept), when nodes share the
	// database.
	held HeldTurn
}

// newConversation is the live state of a stored conversation.
func (e *Engine) newConversation(conv *store.Conversation, customerName string) *conversation {
	return &conversation{e: e, id: conv.ID, customerID: conv.CustomerID, customerName: customerName, locale: conv.Locale,
		state: conv.State, assigned: conv.AssignedStaffID, conns: map[*conn]struct{}{}}
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
		e.left(c.id)
	}
}

// left gives up the turns of a conversation that no longer lives on this
// node (no socket, no turn), for another node's shopper.
func (e *Engine) left(id string) {
	if e.cfg.TurnLocks != nil {
		e.cfg.TurnLocks.Leave(id)
	}
}

// ErrShuttingDown is returned when the engine no longer accepts sockets.
var ErrShuttingDown = errors.New("chat: shutting down")

// Shutdown closes every socket with the shutdown code, waits for running
// turns to finish (cancelling them when ctx ends), and commits what the
// writer holds. The store can be closed afterwards.
func (e *Engine) Shutdown(ctx context.Context) error {
	e.stopErasures()
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
	if e.cfg.TurnLocks != nil {
		// The other nodes take this node's conversations at once.
		e.cfg.TurnLocks.Close()
	}
	return err
}

// Writer is the engine's batched writer. kefu's wiring hands it to the
// load test's store baseline, which stores turns through it with no engine
// and no agent, to measure what storing costs, and readiness reads its
// health; the product writes only through the engine.
func (e *Engine) Writer() *store.Writer { return e.writer }
