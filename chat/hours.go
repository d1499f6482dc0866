package chat

import (
	"context"
	"net/mail"
	"regexp"
	"strings"
	"unicode"

	"github.com/kefu-dev/kefu/store"
)

// AfterHoursAuthor is the author of kefu's messages about the shop's
// hours: when a person will answer, and the email it took.
const AfterHoursAuthor = "kefu-hours"

// contactStore keeps the email a shopper leaves outside the shop's hours
// (the store; an engine over a store without it asks for none).
type contactStore interface {
	SetContactEmail(ctx context.Context, conversationID, email string) error
}

var emailRE = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)

// closedNow reports whether the shop's people are away now (its hours,
// on the engine's clock); a shop with no hours is always staffed.
func (e *Engine) closedNow(ctx context.Context) bool {
	h := e.cfg.Voice.Get(ctx).Schedule()
	return h.Set() && !h.Open(e.cfg.Now())
}

// afterHours follows a handoff made outside the shop's hours: the shopper
// is told when a person will answer (the next opening, in the shop's zone,
// in their language) and asked for an email to get the answer at.
func (e *Engine) afterHours(ctx context.Context, c *conversation, lang string) {
	if _, ok := e.store.(contactStore); !ok || !e.closedNow(ctx) {
		return
	}
	h := e.cfg.Voice.Get(ctx).Schedule()
	now := e.cfg.Now()
	next, ok := h.NextOpen(now)
	if !ok {
		return
	}
	when := h.When(next, now, lang)
	text := "Our team is away right now; a person will answer " + when + ". Leave your email here and we'll send the reply to it, so you needn't keep this page open."
	if lang == "zh" {
		text = "我们的客服人员现在不在线，将在" + when + "回复您。请在这里留下您的邮箱，回复会发送到邮箱，您无需一直开着这个页面。"
	}
	if _, err := e.append(context.WithoutCancel(ctx), &store.Message{ConversationID: c.id, Role: store.RoleAssistant, Author: AfterHoursAuthor, Model: AfterHoursAuthor, Text: text}); err != nil {
		e.log.Error("after-hours notice not stored", "conversation_id", c.id, "err", err)
	}
}

// takeContactEmail stores the email in a shopper's message to a
// conversation waiting for a person outside the shop's hours, and says so.
func (e *Engine) takeContactEmail(ctx context.Context, c *conversation, text string) {
	cs, ok := e.store.(contactStore)
	if state, _ := c.currentState(); !ok || state != store.StateQueued || !e.closedNow(ctx) {
		return
	}
	found := emailRE.FindString(text)
	a, err := mail.ParseAddress(found)
	if found == "" || err != nil {
		return
	}
	ctx = context.WithoutCancel(ctx)
	if err := cs.SetContactEmail(ctx, c.id, a.Address); err != nil {
		e.log.Error("contact email not stored", "conversation_id", c.id, "err", err)
		return
	}
	reply := "Thank you: a person will reply to " + a.Address + " as soon as the team is back."
	if shopperLang(text, c.locale) == "zh" {
		reply = "谢谢！客服人员上班后会回复到 " + a.Address + "。"
	}
	if _, err := e.append(ctx, &store.Message{ConversationID: c.id, Role: store.RoleAssistant, Author: AfterHoursAuthor, Model: AfterHoursAuthor, Text: reply}); err != nil {
		e.log.Error("contact email reply not stored", "conversation_id", c.id, "err", err)
	}
}

// shopperLang is the language of what the shopper wrote: Chinese when it
// has Han characters, else the conversation's.
func shopperLang(text, locale string) string {
	if strings.IndexFunc(text, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0 {
		return "zh"
	}
	if locale == "zh" && strings.IndexFunc(text, unicode.IsLetter) < 0 {
		return "zh"
	}
	if strings.IndexFunc(text, unicode.IsLetter) >= 0 {
		return "en"
	}
	return locale
}
