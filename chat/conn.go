package chat

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"golang.org/x/time/rate"

	"github.com/kefu-dev/kefu/store"
)

// conn is one shopper socket: a read pump that owns reads, and the
// sending half every socket has (socket).
type conn struct {
	*socket
	e       *Engine
	ip      string
	addr    string        // the socket gate's key of ip
	limiter *rate.Limiter // messages and confirms
	frames  *rate.Limiter // every frame, of any type
	typing  typingGate

	ctx    context.Context // cancelled when the socket ends
	cancel context.CancelFunc

	conv     *conversation // set by hello; read pump only
	unsaved  *unsavedConv  // conv, while nothing in it is stored; read pump only
	locale   string        // the interface language, from hello
	refused  int           // frames refused in a row by the rate limits; read pump only
	rateOK   bool          // the conversation has something to rate; read pump only
	draining bool          // a close frame was sent; frames are read and dropped; read pump only

	mu sync.Mutex
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
	// Refused before the upgrade, so that a refused socket costs its
	// descriptor only for the length of the answer.
	ip := clientIP(r)
	if e.cfg.ClientIP != nil {
		ip = e.cfg.ClientIP(r)
	}
	addr := addressKey(ip)
	if a := e.admit.sockets.admit(addr); a.status != 0 {
		e.metrics.SocketsRefused.WithLabelValues(strconv.Itoa(a.status)).Inc()
		a.refuse(w)
		return
	}
	ws, err := e.upgrader.Upgrade(w, r, nil)
	if err != nil {
		e.admit.sockets.leave(addr)
		return // the upgrader has answered
	}
	ctx, cancel := context.WithCancel(e.baseCtx)
	cn := &conn{socket: newSocket(ws, &e.cfg), e: e, ip: ip, addr: addr,
		limiter: rate.NewLimiter(e.cfg.MessageRate, e.cfg.MessageBurst), frames: rate.NewLimiter(e.cfg.FrameRate, e.cfg.FrameBurst),
		typing: typingGate{every: e.cfg.TypingEvery}, ctx: ctx, cancel: cancel}
	cn.onSlow, cn.onClose = e.metrics.SlowClients.Inc, cancel
	e.mu.Lock()
	if e.closing {
		e.mu.Unlock()
		cn.closeWith(CloseShutdown)
		e.admit.sockets.leave(addr)
		return
	}
	e.conns[cn] = struct{}{}
	e.mu.Unlock()
	e.metrics.Connections.Inc()
	cn.startPings()
	// The socket reads on a goroutine of its own, and the handler returns:
	// the HTTP server then lets go of the connection's 8 KiB of request
	// buffers and its deep stack, which an idle socket would otherwise
	// keep for hours.
	go cn.readPump()
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

// drain starts closing the socket from the read pump: the close frame is
// queued after the frames already queued (a 4029 must not overtake the
// acks of the messages that were stored), and from then on the pump reads
// and drops what the peer sends, until the peer closes too or a second
// after the close frame went out (the writer sets that deadline).
func (cn *conn) drain(code int) {
	cn.draining = true
	cn.queue(outFrame{close: code})
}

// refuse answers a frame over the socket's limits. A socket that goes on
// past maxRefused refusals in a row is a flood, not a person: it is cut
// off (4029), so that reading and refusing its frames does not slow
// everyone else.
func (cn *conn) refuse(clientID string) {
	if cn.refused++; cn.refused > maxRefused {
		cn.e.metrics.FramesRefused.WithLabelValues("flood").Inc()
		cn.drain(CloseFlood)
		return
	}
	cn.sendError(&protocolError{Code: CodeRateLimited, ClientID: clientID,
		Message: cn.say("You're sending messages too fast. Please wait a moment.", "您发送得太快了，请稍等片刻。")})
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
		e.admit.sockets.leave(cn.addr)
	}
	cn.typing.stop()
	if cn.conv != nil {
		e.detach(cn.conv, cn)
	}
	if cn.unsaved != nil {
		e.unsaved.leave(cn.unsaved)
	}
}

func (cn *conn) readPump() {
	defer cn.teardown()
	e := cn.e
	cn.ws.SetReadLimit(MaxFrameBytes)
	cn.ws.SetReadDeadline(time.Now().Add(e.cfg.PongWait))
	cn.ws.SetPongHandler(func(string) error {
		if !cn.draining {
			cn.ws.SetReadDeadline(time.Now().Add(e.cfg.PongWait))
		}
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
		if !cn.aside(func() bool { return cn.frame(kind, b, hello) }) {
			return
		}
	}
}

// aside runs a frame's handling on a goroutine of its own and waits for
// it. Decoding JSON, a hello's reads and a turn's commit grew the read
// pump's stack to 8 KiB, which the pump kept while the socket was idle
// (it did not shrink back: 82.8 MB of stacks for 10,000 idle sockets,
// garbage collection or not); the pump itself only reads frames, in
// 4 KiB (42 MB for the same sockets). The goroutine is the engine's warm
// one (warm.go), whose stack has grown already.
func (cn *conn) aside(handle func() bool) bool {
	done := make(chan bool, 1)
	cn.e.warm.run(func() { done <- handle() })
	return <-done
}

// frame handles one frame read by the pump; false ends the socket.
func (cn *conn) frame(kind int, b []byte, hello *time.Timer) bool {
	e := cn.e
	var f *inFrame
	var err error = &protocolError{Code: CodeBadFrame, Message: "frames must be JSON text"}
	if kind == websocket.TextMessage {
		f, err = decodeFrame(b)
	}
	// Every frame counts against the socket's limit, whatever its
	// type and whether or not it makes sense.
	if !cn.frames.AllowN(e.cfg.Now(), 1) {
		var pe *protocolError
		if errors.As(err, &pe) {
			cn.refuse(pe.ClientID)
		} else {
			cn.refuse(f.ClientID)
		}
		return true
	}
	if err != nil {
		var pe *protocolError
		if errors.As(err, &pe) {
			cn.sendError(pe)
		}
		return true
	}
	if f.Type == "hello" {
		if cn.conv != nil {
			cn.sendError(&protocolError{Code: CodeBadFrame, Message: "hello was already received"})
			return true
		}
		// Each hello starts a conversation or reads one's history:
		// limited per address and per resume token.
		if !e.admit.hello(cn.addr, f.ResumeToken, e.cfg.Now()) {
			cn.locale = f.Locale
			e.metrics.FramesRefused.WithLabelValues("hello_limited").Inc()
			cn.sendError(&protocolError{Code: CodeRateLimited, Message: cn.say("Too many chats were opened from here. Please try again in a moment.",
				"此处打开的对话过多，请稍后再试。")})
			cn.drain(CloseFlood)
			return true
		}
		if err := cn.hello(f); err != nil {
			e.log.Error("hello failed", "err", err)
			cn.sendError(&protocolError{Code: CodeInternal, Message: cn.say("The chat is unavailable right now. Please try again.", "在线客服暂时不可用，请稍后再试。")})
			return false
		}
		hello.Stop()
		return true
	}
	if cn.conv == nil {
		cn.sendError(&protocolError{Code: CodeNotReady, Message: "send hello first"})
		return true
	}
	cn.handle(f)
	return true
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
	if f.Continue != "" {
		if tok, err := e.continued(ctx, f.Continue, customerID); err == nil {
			f.ResumeToken = tok
		} else {
			cn.sendError(&protocolError{Code: CodeContinueInvalid, Message: cn.say("That link has expired or is not valid; you can start a new chat here.",
				"该链接已过期或无效，您可以在这里重新开始咨询。")})
		}
	}
	var conv *store.Conversation
	var token string
	resumed := false
	if f.ResumeToken != "" {
		// Another tab of a conversation nothing was stored in yet.
		if uc := e.unsaved.join(f.ResumeToken); uc != nil && uc.conv.CustomerID == customerID {
			conv, token, resumed, cn.unsaved = uc.conv, f.ResumeToken, true, uc
		} else if uc != nil {
			e.unsaved.leave(uc)
		}
	}
	if f.ResumeToken != "" && conv == nil {
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
		// Not stored until something in it must be (unsaved.go).
		c, tok, err := e.store.NewConversation(customerID, orDefault(locale, "en"))
		if err != nil {
			return err
		}
		conv, token, cn.unsaved = c, tok, e.unsaved.open(c, tok)
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
	// sent, queued before any that come after (conn.mu, then socket.mu).
	cn.mu.Lock()
	cn.replayedTo = replayed
	for i, b := range cn.held {
		if cn.heldSeq[i] > 0 && cn.heldSeq[i] <= replayed {
			continue
		}
		cn.enqueue(b)
	}
	cn.held, cn.heldSeq, cn.replaying = nil, nil, false
	cn.mu.Unlock()
	if loaded && resumed {
		e.answerLeftovers(ctx, cn.conv)
	}
	cn.offer(customerID)
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
		if !cn.limiter.AllowN(now, 1) || !e.ips.allow(cn.addr, now) {
			cn.refuse(f.ClientID)
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
		cn.typing.set(f.Typing, func(on bool) { e.bus.Publish(Event{Conversation: c.id, Typing: &TypingEvent{Typing: on}}) })
	case "click":
		// A shopper followed a recommendation: counted for the dashboard.
		// (Nothing was recommended in a conversation not stored.)
		if !cn.limiter.AllowN(e.cfg.Now(), 1) || (cn.unsaved != nil && !cn.unsaved.isSaved()) {
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
	case "offer":
		cn.offerResponse(f)
	case "rate":
		cn.rate(f)
	}
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
