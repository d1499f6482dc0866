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

// conn is one shopper socket: a read pump that owns reads, a write pump
// that owns writes (frames, pings and the close frame), and a bounded queue
// between the engine and the write pump.
type conn struct {
	e       *Engine
	ws      *websocket.Conn
	ip      string
	out     chan []byte
	limiter *rate.Limiter

	closeOnce sync.Once
	quit      chan struct{}
	ctx       context.Context // cancelled when the socket ends
	cancel    context.CancelFunc

	conv   *conversation // set by hello; read pump only
	locale string        // the interface language, from hello

	mu        sync.Mutex
	lastSeq   int64    // highest message seq queued to this socket
	replaying bool     // history is being sent; live frames wait
	held      [][]byte // live frames held during the replay
	heldSeq   []int64
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
	cn := &conn{e: e, ws: ws, ip: clientIP(r), out: make(chan []byte, e.cfg.SendQueue),
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
	go cn.writePump()
	cn.readPump()
}

// send queues a frame; it never blocks. A socket whose queue is full is
// too slow to keep up and is closed, so it cannot hold anyone up.
func (cn *conn) send(b []byte, seq int64) {
	cn.mu.Lock()
	if seq > 0 {
		if seq <= cn.lastSeq {
			cn.mu.Unlock()
			return // already sent (by a resume)
		}
	}
	if cn.replaying {
		cn.held = append(cn.held, b)
		cn.heldSeq = append(cn.heldSeq, seq)
		cn.mu.Unlock()
		return
	}
	if seq > 0 {
		cn.lastSeq = seq
	}
	cn.mu.Unlock()
	cn.enqueue(b)
}

func (cn *conn) enqueue(b []byte) {
	select {
	case <-cn.quit:
	case cn.out <- b:
	default:
		cn.e.metrics.SlowClients.Inc()
		cn.closeWith(CloseSlow)
	}
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

func (cn *conn) writePump() {
	ping := time.NewTicker(cn.e.cfg.PingPeriod)
	defer ping.Stop()
	for {
		select {
		case b := <-cn.out:
			cn.ws.SetWriteDeadline(time.Now().Add(cn.e.cfg.WriteWait))
			if err := cn.ws.WriteMessage(websocket.TextMessage, b); err != nil {
				cn.closeWith(websocket.CloseGoingAway)
				return
			}
		case <-ping.C:
			if err := cn.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(cn.e.cfg.WriteWait)); err != nil {
				cn.closeWith(websocket.CloseGoingAway)
				return
			}
		case <-cn.quit:
			return
		}
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
			var ce *websocket.CloseError
			if errors.As(err, &ce) && ce.Code == websocket.CloseMessageTooBig {
				return
			}
			return
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
		ext, perr := verify(e.cfg.IdentitySecret, f.Identity, e.cfg.Now())
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
		c, tok, err := e.store.CreateConversation(ctx, customerID, orDefault(locale, "en"))
		if err != nil {
			return err
		}
		conv, token = c, tok
	}
	if customerID != 0 && name == "" {
		if c, err := e.store.Customer(ctx, customerID); err == nil {
			name = c.Name
		}
	}
	// Hold live frames until the history is sent, so the socket sees
	// every message once, in order.
	cn.mu.Lock()
	cn.replaying = true
	cn.mu.Unlock()
	cn.conv = e.attach(conv, name, cn)
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
	cn.mu.Lock()
	cn.lastSeq = max(cn.lastSeq, f.LastSeq)
	for i, b := range frames {
		if seqs[i] > 0 {
			if seqs[i] <= cn.lastSeq {
				continue
			}
			cn.lastSeq = seqs[i]
		}
		cn.mu.Unlock()
		cn.enqueue(b)
		cn.mu.Lock()
	}
	held, heldSeq := cn.held, cn.heldSeq
	cn.held, cn.heldSeq, cn.replaying = nil, nil, false
	for i, b := range held {
		if heldSeq[i] > 0 {
			if heldSeq[i] <= cn.lastSeq {
				continue
			}
			cn.lastSeq = heldSeq[i]
		}
		cn.enqueue(b)
	}
	cn.mu.Unlock()
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
		if !cn.limiter.Allow() || !e.ips.allow(cn.ip) {
			cn.sendError(&protocolError{Code: CodeRateLimited, ClientID: f.ClientID,
				Message: cn.say("You're sending messages too fast. Please wait a moment.", "您发送得太快了，请稍等片刻。")})
			return
		}
		e.shopperMessage(cn.ctx, c, cn, f, "")
	case "confirm":
		if !cn.limiter.Allow() {
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
		e.staffHub.shopperTyping(c.id, f.Typing)
	case "click":
		// A shopper followed a recommendation: counted for the dashboard.
		if !cn.limiter.Allow() {
			return
		}
		data, _ := json.Marshal(map[string]string{"sku": f.SKU})
		if err := e.store.AddEvent(cn.ctx, &store.Event{ConversationID: c.id, Kind: "recommendation_click", Data: data}); err != nil {
			e.log.Warn("click not stored", "conversation_id", c.id, "err", err)
			return
		}
		e.metrics.RecommendationClicks.Inc()
	case "rate":
		if err := e.store.RateConversation(cn.ctx, c.id, f.Rating, f.Comment); err != nil {
			e.log.Error("rating not stored", "conversation_id", c.id, "err", err)
			cn.sendError(&protocolError{Code: CodeNotSaved, Message: cn.say("Your rating could not be saved. Please try again.", "评价未能保存，请重试。")})
		}
	}
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
