// Package natsbus carries chat's events between kefu nodes over core NATS
// (KEFU_NATS_URL). Every node publishes what happens to its conversations
// on one subject and hears every other node's; the engine keeps the events
// of the conversations it serves and drops the rest.
//
// Core NATS delivers at most once: a node that is cut off misses events.
// That costs nothing that seq resume does not bring back, because the
// database, not the bus, holds every message: a shopper's widget resumes
// after its last seq, and a console re-reads its lists.
package natsbus

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/kefu-dev/kefu/chat"
)

// DefaultSubject is where the nodes of one kefu publish.
const DefaultSubject = "kefu.events"

// Bus is a chat.Bus over a NATS connection.
type Bus struct {
	nc      *nats.Conn
	subject string
	log     *slog.Logger

	mu     sync.RWMutex
	handle func(chat.Event)
}

// Options tune Connect. Zero values mean the defaults.
type Options struct {
	Subject string // DefaultSubject
	Name    string // the connection's name on the NATS server, e.g. the node's host
	// Node is this node's name among the nodes (chat.TurnLeases.Node):
	// the bus answers NodeAlive questions about it while it is
	// connected. Empty: it answers none.
	Node string
	Log  *slog.Logger // slog.Default()
}

// Connect connects to the NATS servers at url (comma-separated) and
// subscribes to the nodes' events. It keeps reconnecting for as long as
// the node runs; events published while it is cut off are dropped, not
// queued without bound.
func Connect(url string, o Options) (*Bus, error) {
	if o.Subject == "" {
		o.Subject = DefaultSubject
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Name == "" {
		o.Name = "kefu"
	}
	b := &Bus{subject: o.Subject, log: o.Log}
	nc, err := nats.Connect(url,
		nats.Name(o.Name),
		nats.NoEcho(), // a node delivers its own events itself, at once
		nats.Timeout(5*time.Second),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(250*time.Millisecond),
		nats.ReconnectBufSize(8<<20),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
			o.Log.Warn("nats bus", "err", err) // a slow consumer drops events: resume recovers them
		}),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			o.Log.Warn("nats bus disconnected; live events from other nodes wait for the reconnect", "err", err)
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) { o.Log.Info("nats bus reconnected", "server", nc.ConnectedUrlRedacted()) }),
	)
	if err != nil {
		return nil, err
	}
	if _, err := nc.Subscribe(o.Subject, b.receive); err != nil {
		nc.Close()
		return nil, err
	}
	if o.Node != "" {
		_, err := nc.Subscribe(nodeSubject(o.Subject, o.Node), func(m *nats.Msg) { m.Respond(nil) })
		if err != nil {
			nc.Close()
			return nil, err
		}
	}
	if err := nc.Flush(); err != nil { // the subscription is in place before the first event
		nc.Close()
		return nil, err
	}
	b.nc = nc
	return b, nil
}

// Subscribe sets the engine's handler.
func (b *Bus) Subscribe(handle func(chat.Event)) {
	b.mu.Lock()
	b.handle = handle
	b.mu.Unlock()
}

func (b *Bus) handler() func(chat.Event) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.handle
}

// Publish delivers ev on this node at once, then to the other nodes. A
// failure to publish is logged: the other nodes' sockets catch up by
// resuming.
func (b *Bus) Publish(ev chat.Event) {
	if h := b.handler(); h != nil {
		h(ev)
	}
	data, err := json.Marshal(ev)
	if err == nil {
		err = b.nc.Publish(b.subject, data)
	}
	if err != nil {
		b.log.Warn("event not published to the other nodes", "conversation_id", ev.Conversation, "err", err)
	}
}

func (b *Bus) receive(m *nats.Msg) {
	var ev chat.Event
	err := json.Unmarshal(m.Data, &ev)
	if err == nil && ev.Conversation == "" {
		err = errors.New("no conversation")
	}
	if err != nil {
		b.log.Warn("a malformed event on the bus was dropped", "err", err)
		return
	}
	if m := ev.Message; m != nil {
		// A nil json.RawMessage goes out as null and comes back as the
		// four bytes "null": an answer would look like a tool call.
		m.ToolCalls, m.ToolResult = nullAsNil(m.ToolCalls), nullAsNil(m.ToolResult)
	}
	if h := b.handler(); h != nil {
		h(ev)
	}
}

func nullAsNil(r json.RawMessage) json.RawMessage {
	if string(r) == "null" {
		return nil
	}
	return r
}

// nodeSubject is where node answers whether it runs: its name hex-encoded,
// since a host name may hold dots, which separate a subject's tokens.
func nodeSubject(subject, node string) string {
	return subject + ".node." + hex.EncodeToString([]byte(node))
}

// NodeAlive asks another node whether it runs (chat.Liveness; a node does
// not hear its own requests, see NoEcho). A node that is not
// connected to NATS has no subscription to answer on, and the server says
// so at once (no responders): that is false. Any other failure, this
// node's own connection lost included, is an error: it cannot tell.
func (b *Bus) NodeAlive(ctx context.Context, node string) (bool, error) {
	_, err := b.nc.RequestWithContext(ctx, nodeSubject(b.subject, node), nil)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, nats.ErrNoResponders):
		return false, nil
	default:
		return false, err
	}
}

// Close flushes what was published and closes the connection.
func (b *Bus) Close() {
	b.nc.Flush()
	b.nc.Close()
}
