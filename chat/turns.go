package chat

import (
	"context"
	"errors"
	"runtime/debug"
	"time"

	"github.com/kefu-dev/kefu/agents"
	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/tools"
)

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
		if !e.queueTurn(c, queuedTurn{text: m.Text, seq: m.Seq}) {
			return
		}
	}
}

// shopperMessage stores a shopper's message, acknowledges it after the
// commit, and queues an agent turn when the bot is answering.
func (e *Engine) shopperMessage(ctx context.Context, c *conversation, cn *conn, f *inFrame, confirmAction string) {
	m := &store.Message{ConversationID: c.id, Role: store.RoleUser, Text: f.Text, ClientID: f.ClientID,
		Attachments: e.ownPhotos(ctx, c.id, f.Attachments)}
	// "No more offers" is honoured by code before any model reads it
	// (campaigns.go): no turn for it, early or not.
	optOutLang, optOut := optOutRequest(f.Text)
	optOut = optOut && confirmAction == ""
	// When the bot is idle its turn starts now, beside the commit, held at
	// its gate until the ack has gone out (early.go).
	var gate *turnGate
	if !optOut {
		gate = e.startEarly(c, m, confirmAction)
	}
	defer func() {
		if gate != nil {
			gate.fail() // not stored, a retry, or no longer the bot's: no answer
		}
	}()
	// The shopper's other tabs and staff watching the conversation see the
	// message as it comes (a person who took over reads the answers live).
	dups, err := e.appendSaving(ctx, cn.unsaved, []*store.Message{m}, cn)
	if err != nil {
		e.log.Error("message not stored", "conversation_id", c.id, "err", err)
		cn.sendError(&protocolError{Code: CodeNotSaved, ClientID: f.ClientID,
			Message: cn.say("Your message could not be saved. It will be sent again.", "消息未能保存，将自动重发。")})
		return
	}
	if !dups[0] {
		e.attachPhotos(ctx, c.id, m.Seq, m.Attachments)
	}
	cn.sendAck(f.ClientID, m.Seq)
	if dups[0] {
		return // a retry: acknowledged again, stored and answered once
	}
	if gate != nil {
		if state, _ := c.currentState(); state == store.StateBot {
			gate.open(m.Seq)
			gate = nil
			return
		}
		// The state moved while the message was stored: drop the early
		// turn, and go on as if there had been none.
		gate.fail()
		gate = nil
	}
	state, _ := c.currentState()
	if state == store.StateClosed {
		// Writing again reopens a closed conversation with the bot.
		e.move(ctx, c, store.StateBot, StaffMember{})
		state = store.StateBot
	}
	if optOut {
		// A person who has the conversation answers it themselves.
		e.optOut(ctx, c, optOutLang, state == store.StateBot)
		return
	}
	if state != store.StateBot {
		e.takeContactEmail(ctx, c, f.Text) // outside the shop's hours, where the answer goes
		return                             // a person answers; the bot stays silent
	}
	if !e.queueTurn(c, queuedTurn{text: f.Text, confirmAction: confirmAction, seq: m.Seq}) {
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
		e.warm.run(func() { e.runTurns(c) })
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
					e.left(c.id)
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

		// A turn whose message was not stored (early.go) has nothing to
		// answer.
		if q.gate != nil && !q.gate.setCancel(cancel) {
			if q.held != nil {
				q.held.Release(0)
			}
		} else {
			if held, answer := e.leaseTurn(ctx, c, q); answer {
				c.mu.Lock()
				c.held = held
				c.mu.Unlock()
				answered := e.turn(ctx, c, q)
				c.mu.Lock()
				c.held = nil
				c.mu.Unlock()
				if held != nil {
					held.Release(answered)
				}
			} else if held != nil {
				held.Release(0)
			}
		}
		cancel()
		c.mu.Lock()
		c.cancel = nil
		c.mu.Unlock()
	}
}

// leaseTurn waits, when several nodes serve the database, until this node
// holds the conversation's turns (turn_leases.go), and reports whether
// the message still needs its answer and the bot still answers. Losing
// the hold mid-turn cancels the turn. One node holds nothing and always
// answers. The wait counts against the turn's time-out, and a take-over
// cancels it as it cancels a turn.
func (e *Engine) leaseTurn(ctx context.Context, c *conversation, q queuedTurn) (HeldTurn, bool) {
	if e.cfg.TurnLocks == nil {
		return nil, true
	}
	held, answer, err := q.held, true, error(nil)
	if held == nil {
		held, answer, err = e.cfg.TurnLocks.Hold(ctx, c.id, q.seq, func() {
			e.bus.Publish(Event{Conversation: c.id, LeaseWanted: true})
		})
	}
	if err != nil {
		if ctx.Err() == nil {
			e.log.Error("turn not run: its lease could not be taken", "conversation_id", c.id, "seq", q.seq, "err", err)
		}
		return nil, false
	}
	if !answer {
		e.log.Info("message already answered on another node", "conversation_id", c.id, "seq", q.seq)
		return held, false
	}
	if state, _ := c.currentState(); state != store.StateBot {
		return held, false // a person took over while this node waited
	}
	c.mu.Lock()
	cancel := c.cancel
	c.mu.Unlock()
	go func() { // ends with the turn: runTurns cancels ctx after it
		select {
		case <-held.Lost():
			cancel()
		case <-ctx.Done():
		}
	}()
	return held, true
}

// turn runs one turn; it returns q.seq when the turn answered it (or
// handed it to a person), 0 when it failed or was cancelled.
func (e *Engine) turn(ctx context.Context, c *conversation, q queuedTurn) (answered int64) {
	start := time.Now()
	feed := c.startFeed(e.cfg.FeedDelay, e.cfg.DeltaEvery, q.gate)
	c.mu.Lock()
	c.feed = feed
	c.mu.Unlock()
	id := tools.Identity{CustomerID: c.customerID, ConversationID: c.id, Locale: c.locale}
	res, err := e.agent.Turn(ctx, agents.Turn{ConversationID: c.id, Identity: id, ShopperName: c.customerName,
		Text: q.text, ConfirmAction: q.confirmAction, Seq: q.seq, Log: e.turnLog(q)}, agents.Events{
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
	if err := e.flushSteps(context.WithoutCancel(ctx), c, nil); err != nil && !errors.Is(err, store.ErrLeaseLost) {
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
	case errors.Is(err, store.ErrLeaseLost):
		// Another node holds the turn now and answers the message: this
		// node's late answer was refused by the commit, and it says
		// nothing more.
		e.log.Warn("turn dropped: its lease passed to another node", "conversation_id", c.id, "seq", q.seq)
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
		e.move(ctx, c, store.StateQueued, StaffMember{})
		e.afterHours(ctx, c, shopperLang(q.text, c.locale))
		return q.seq
	default:
		e.metrics.Turns.WithLabelValues("answered").Inc()
		return q.seq
	}
	return 0
}
