package chat

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"golang.org/x/time/rate"

	"github.com/kefu-dev/kefu/store"
)

// conn is one shopper socket: a read pump that owns reads, and a bounded
// queue of outgoing frames that a writer goroutine drains. The writer runs
// only while there is something to send, so that an idle socket (most of
// them) costs one goroutine, not two, and holds no write buffer.
type conn struct {
	e       *Engine
	ws      *websocket.Conn
	ip      string
	limiter *rate.Limiter
	ping    *time.Timer

	closeOnce sync.Once
	quit      chan struct{}
	ctx       context.Context // cancelled when the socket ends
	cancel    context.CancelFunc

	conv     *conversation // set by hello; read pump only
	locale   string        // the interface language, from hello
	refused  int           // messages refused in a row by the rate limits; read pump only
	draining bool          // a close frame was sent; frames are read and dropped; read pump only

	mu      sync.Mutex
	out     [][]byte // frames to write; a nil frame is a ping
	writing bool     // a writer goroutine is draining out
	// The resume sent every message up to seq replayedTo; a live frame of
	// one of them is not sent again. Live frames are otherwise sent as
	// they come: two messages committed at once may be published out of
	// order, and the widget places messages by seq.
	replayedTo int64
	replaying  bool     // history is being sent; live frames wait
	held       [][]byte // live frames held during the replay
	heldSeq    []int64
}

// ServeWS upgrades a shopper's request to a socket and runs it.
func (e *Engine) ServeWS(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	closing := e.closing
	e.mu.Unlock()
	if closing {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	if !e.checkOrigin(r) {
		http.Error(w, "origin not allowed", http.StatusForbidden)
		return
	}
	ws, err := e.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader has answered
	}
	ctx, cancel := context.WithCancel(e.baseCtx)
	cn := &conn{e: e, ws: ws, ip: clientIP(r),
		limiter: rate.NewLimiter(e.cfg.MessageRate, e.cfg.MessageBurst), quit: make(chan struct{}), ctx: ctx, cancel: cancel}
	e.mu.Lock()
	if e.closing {
		e.mu.Unlock()
		cn.closeWith(CloseShutdown)
		return
	}
	e.conns[cn] = struct{}{}
	e.mu.Unlock()
	e.metrics.Connections.Inc()
	cn.ping = time.AfterFunc(e.cfg.PingPeriod, cn.sendPing)
	// The socket reads on a goroutine of its own, and the handler returns:
	// the HTTP server then lets go of the connection's 8 KiB of request
	// buffers and its deep stack, which an idle socket would otherwise
	// keep for hours.
	go func() {
		defer cn.ping.Stop()
		cn.readPump()
	}()
}

// send queues a frame; it never blocks. A socket whose queue is full is
// too slow to keep up and is closed, so it cannot hold anyone up.
func (cn *conn) send(b []byte, seq int64) {
	cn.mu.Lock()
	if seq > 0 && seq <= cn.replayedTo {
		cn.mu.Unlock()
		return // sent by the resume
	}
	if cn.replaying {
		cn.held = append(cn.held, b)
		cn.heldSeq = append(cn.heldSeq, seq)
		cn.mu.Unlock()
		return
	}
	cn.mu.Unlock()
	cn.enqueue(b)
}

func (cn *conn) enqueue(b []byte) {
	select {
	case <-cn.quit:
		return
	default:
	}
	cn.mu.Lock()
	if len(cn.out) >= cn.e.cfg.SendQueue {
		cn.mu.Unlock()
		cn.e.metrics.SlowClients.Inc()
		// Not here: enqueue runs on the writer's goroutine too, and the
		// close frame may wait WriteWait for a socket that is not reading.
		go cn.closeWith(CloseSlow)
		return
	}
	cn.out = append(cn.out, b)
	start := !cn.writing
	cn.writing = true
	cn.mu.Unlock()
	if start {
		go cn.write()
	}
}

// write sends the queued frames in order until the queue is empty. Only one
// runs at a time (conn.writing).
func (cn *conn) write() {
	for {
		cn.mu.Lock()
		frames := cn.out
		cn.out = nil
		if len(frames) == 0 {
			cn.writing = false
			cn.mu.Unlock()
			return
		}
		cn.mu.Unlock()
		for _, b := range frames {
			var err error
			deadline := time.Now().Add(cn.e.cfg.WriteWait)
			if b == nil {
				err = cn.ws.WriteControl(websocket.PingMessage, nil, deadline)
			} else {
				cn.ws.SetWriteDeadline(deadline)
				err = cn.ws.WriteMessage(websocket.TextMessage, b)
			}
			if err != nil {
				cn.closeWith(websocket.CloseGoingAway)
				cn.mu.Lock()
				cn.out, cn.writing = nil, false
				cn.mu.Unlock()
				return
			}
		}
	}
}

// drain starts closing the socket from the read pump: the close frame goes
// out at once, and the pump reads and drops what the peer still sends for
// a second, until it closes too. Closing the TCP connection with unread
// frames in it would reset it, and the peer would never see the code.
func (cn *conn) drain(code int) {
	cn.draining = true
	msg := websocket.FormatCloseMessage(code, closeReasons[code])
	cn.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(cn.e.cfg.WriteWait))
	cn.ws.SetReadDeadline(time.Now().Add(time.Second))
}

// sendPing queues a ping, and the next one.
func (cn *conn) sendPing() {
	select {
	case <-cn.quit:
		return
	default:
	}
	cn.enqueue(nil)
	cn.ping.Reset(cn.e.cfg.PingPeriod)
}

func (cn *conn) sendError(pe *protocolError) {
	cn.e.metrics.FramesRefused.WithLabelValues(pe.Code).Inc()
	cn.enqueue(mustJSON(errorFrame{Type: "error", Code: pe.Code, Message: pe.Message, ClientID: pe.ClientID}))
}

// say picks the shopper's language for a message kefu writes.
func (cn *conn) say(en, zh string) string {
	if cn.locale == "zh" {
		return zh
	}
	return en
}

func (cn *conn) sendAck(clientID string, seq int64) {
	cn.enqueue(mustJSON(ackFrame{Type: "ack", ClientID: clientID, Seq: seq}))
}

// closeWith ends the socket with a close code; safe to call many times
// and from any goroutine.
func (cn *conn) closeWith(code int) {
	cn.closeOnce.Do(func() {
		close(cn.quit)
		cn.cancel()
		msg := websocket.FormatCloseMessage(code, closeReasons[code])
		cn.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(cn.e.cfg.WriteWait))
		cn.ws.Close()
	})
}

// teardown unregisters the socket once both pumps are done with it.
func (cn *conn) teardown() {
	cn.closeWith(websocket.CloseNormalClosure)
	e := cn.e
	e.mu.Lock()
	_, registered := e.conns[cn]
	delete(e.conns, cn)
	e.mu.Unlock()
	if registered {
		e.metrics.Connections.Dec()
	}
	if cn.conv != nil {
		e.detach(cn.conv, cn)
	}
}

func (cn *conn) readPump() {
	defer cn.teardown()
	e := cn.e
	cn.ws.SetReadLimit(MaxFrameBytes)
	cn.ws.SetReadDeadline(time.Now().Add(e.cfg.PongWait))
	cn.ws.SetPongHandler(func(string) error {
		cn.ws.SetReadDeadline(time.Now().Add(e.cfg.PongWait))
		return nil
	})
	hello := time.AfterFunc(e.cfg.HelloTimeout, func() { cn.closeWith(CloseNoHello) })
	defer hello.Stop()
	// Forgotten tabs do not pile up: a socket the shopper has not used for
	// IdleTimeout is closed (the widget reconnects when they type).
	idle := time.AfterFunc(e.cfg.IdleTimeout, func() { cn.closeWith(CloseIdle) })
	defer idle.Stop()
	for {
		kind, b, err := cn.ws.ReadMessage()
		if err != nil {
			return // closed, timed out, or a frame over MaxFrameBytes
		}
		if cn.draining {
			continue // closing: read what the peer still sends, do nothing
		}
		// Any frame from the peer proves it is alive.
		cn.ws.SetReadDeadline(time.Now().Add(e.cfg.PongWait))
		idle.Reset(e.cfg.IdleTimeout)
		if kind != websocket.TextMessage {
			cn.sendError(&protocolError{Code: CodeBadFrame, Message: "frames must be JSON text"})
			continue
		}
		f, err := decodeFrame(b)
		if err != nil {
			var pe *protocolError
			if errors.As(err, &pe) {
				cn.sendError(pe)
			}
			continue
		}
		if f.Type == "hello" {
			if cn.conv != nil {
				cn.sendError(&protocolError{Code: CodeBadFrame, Message: "hello was already received"})
				continue
			}
			if err := cn.hello(f); err != nil {
				e.log.Error("hello failed", "err", err)
				cn.sendError(&protocolError{Code: CodeInternal, Message: cn.say("The chat is unavailable right now. Please try again.", "在线客服暂时不可用，请稍后再试。")})
				return
			}
			hello.Stop()
			continue
		}
		if cn.conv == nil {
			cn.sendError(&protocolError{Code: CodeNotReady, Message: "send hello first"})
			continue
		}
		cn.handle(f)
	}
}

// hello verifies the identity, opens or resumes the conversation, and
// replays what the socket has not seen.
func (cn *conn) hello(f *inFrame) error {
	e := cn.e
	ctx := cn.ctx
	var customerID int64
	var name, locale string
	cn.locale = f.Locale
	if f.Identity != nil {
		ext, perr := verifyWithin(e.cfg.IdentitySecret, f.Identity, e.cfg.Now(), e.cfg.MaxIdentityLifetime)
		if perr != nil {
			if cn.locale == "zh" {
				perr.Message = map[string]string{CodeIdentityInvalid: "无法验证您的登录信息，您将以游客身份咨询。",
					CodeIdentityExpired: "登录信息已过期，您将以游客身份咨询。刷新页面可重新登录。"}[perr.Code]
			}
			cn.sendError(perr)
		} else if c, err := e.store.CustomerByExternalID(ctx, ext); err == nil {
			customerID, name, locale = c.ID, c.Name, c.Locale
		} else if errors.Is(err, store.ErrNotFound) {
			cn.sendError(&protocolError{Code: CodeIdentityInvalid, Message: cn.say("That customer is unknown to the shop; you are chatting as a guest.",
				"店铺中没有这位顾客，您将以游客身份咨询。")})
		} else {
			return err
		}
	}
	if f.Locale != "" {
		locale = f.Locale
	}
	cn.locale = orDefault(locale, "en")
	var conv *store.Conversation
	var token string
	resumed := false
	if f.ResumeToken != "" {
		c, err := e.store.ConversationByResumeToken(ctx, f.ResumeToken)
		switch {
		case err == nil && c.CustomerID == customerID:
			// A token opens only a conversation of the same shopper: a
			// signed-out browser does not reopen a signed-in chat.
			conv, token, resumed = c, f.ResumeToken, true
		case err != nil && !errors.Is(err, store.ErrNotFound):
			return err
		}
	}
	if conv == nil {
		c, tok, err := e.store.NewConversation(customerID, orDefault(locale, "en"))
		if err != nil {
			return err
		}
		if err := e.writer.Create(ctx, c); err != nil {
			return err
		}
		conv, token = c, tok
	}
	// Hold live frames until the history is sent, so the socket sees
	// every message once, in order.
	cn.mu.Lock()
	cn.replaying = true
	cn.mu.Unlock()
	var loaded bool
	cn.conv, loaded = e.attach(conv, name, cn, !resumed)
	state, staff := cn.conv.currentState()
	w := welcomeFrame{Type: "welcome", ConversationID: conv.ID, ResumeToken: token, State: state, Staff: staff, Resumed: resumed}
	if name != "" {
		w.Customer = &customer{Name: name}
	}
	cn.enqueue(mustJSON(w))
	var frames [][]byte
	var seqs []int64
	if resumed {
		var err error
		frames, seqs, err = e.history(ctx, cn.conv, f.LastSeq)
		if err != nil {
			return err
		}
	}
	// last_seq counts only in the conversation it came from: a token
	// that opened nothing starts a new one from seq 1.
	var replayed int64
	if resumed {
		replayed = f.LastSeq
	}
	for i, b := range frames {
		if seqs[i] > 0 && seqs[i] <= replayed {
			continue
		}
		replayed = max(replayed, seqs[i])
		cn.enqueue(b)
	}
	// Live frames that came during the replay, but for the messages it
	// sent. (enqueue takes cn.mu, so they are sent after unlocking.)
	cn.mu.Lock()
	cn.replayedTo = replayed
	held, heldSeq := cn.held, cn.heldSeq
	cn.held, cn.heldSeq, cn.replaying = nil, nil, false
	cn.mu.Unlock()
	for i, b := range held {
		if heldSeq[i] > 0 && heldSeq[i] <= replayed {
			continue
		}
		cn.enqueue(b)
	}
	if loaded && resumed {
		e.answerLeftovers(ctx, cn.conv)
	}
	return nil
}

func (c *conversation) currentState() (state, staff string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state, c.staff
}

// handle dispatches a frame after hello.
func (cn *conn) handle(f *inFrame) {
	e, c := cn.e, cn.conv
	switch f.Type {
	case "message":
		now := e.cfg.Now() // the engine's clock: tests move it instead of sleeping
		if !cn.limiter.AllowN(now, 1) || !e.ips.allow(cn.ip, now) {
			// A socket that ignores maxRefused refusals in a row is a
			// flood, not a person: it is cut off, so that reading and
			// refusing its frames does not slow everyone else.
			if cn.refused++; cn.refused > maxRefused {
				e.metrics.FramesRefused.WithLabelValues("flood").Inc()
				cn.drain(CloseFlood)
				return
			}
			cn.sendError(&protocolError{Code: CodeRateLimited, ClientID: f.ClientID,
				Message: cn.say("You're sending messages too fast. Please wait a moment.", "您发送得太快了，请稍等片刻。")})
			return
		}
		cn.refused = 0
		e.shopperMessage(cn.ctx, c, cn, f, "")
	case "confirm":
		if !cn.limiter.AllowN(e.cfg.Now(), 1) {
			cn.sendError(&protocolError{Code: CodeRateLimited, Message: cn.say("Please wait a moment.", "请稍等片刻。")})
			return
		}
		// The button press is stored as the shopper's answer, once: a
		// double click has the same client id.
		text := map[string][2]string{"yes": {"Yes, go ahead.", "确认"}, "no": {"No, leave it.", "不用了"}}[f.Answer]
		msg := &inFrame{Type: "message", ClientID: clip("confirm-"+f.ActionID, MaxClientID), Text: text[0]}
		if c.locale == "zh" {
			msg.Text = text[1]
		}
		action := ""
		if f.Answer == "yes" {
			action = f.ActionID
		}
		e.shopperMessage(cn.ctx, c, cn, msg, action)
	case "typing":
		e.bus.Publish(Event{Conversation: c.id, Typing: &TypingEvent{Typing: f.Typing}})
	case "click":
		// A shopper followed a recommendation: counted for the dashboard.
		if !cn.limiter.AllowN(e.cfg.Now(), 1) {
			return
		}
		data, _ := json.Marshal(map[string]string{"sku": f.SKU})
		if err := e.store.AddEvent(cn.ctx, &store.Event{ConversationID: c.id, Kind: store.EventRecommendationClick, Data: data}); err != nil {
			if !errors.Is(err, store.ErrNotFound) { // not found: a SKU the shop does not have, not counted
				e.log.Warn("click not stored", "conversation_id", c.id, "err", err)
			}
			return
		}
		e.metrics.RecommendationClicks.Inc()
	case "rate":
		if err := e.store.RateConversation(cn.ctx, c.id, f.Rating, f.Comment); err != nil {
			e.log.Error("rating not stored", "conversation_id", c.id, "err", err)
			cn.sendError(&protocolError{Code: CodeNotSaved, Message: cn.say("Your rating could not be saved. Please try again.", "评价未能保存，请重试。")})
			return
		}
		e.tellConsole(cn.ctx, c.id, []Entry{{Kind: "event", Type: "rated", Text: f.Comment, At: e.cfg.Now()}})
	}
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
