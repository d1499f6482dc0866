package chat

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/kefu-dev/kefu/chat/mail"
	"github.com/kefu-dev/kefu/store"
)

// Continuing a conversation from an email. A staff reply to a shopper who
// has left (no socket open on this node) and who left an email outside
// the shop's hours goes to that email, with a link that opens the widget
// on the same conversation: ?kefu_continue=<token>, where the token is
// the conversation id and an expiry signed with the identity secret. A
// forged, altered or expired token opens nothing.

// Mailer queues an email: mail.Sender.
type Mailer interface {
	Send(m mail.Message) error
}

// ContinueParam is the query parameter of the link in the email.
const ContinueParam = "kefu_continue"

// continueStore is what continuing needs from the store.
type continueStore interface {
	ContactEmail(ctx context.Context, conversationID string) (string, error)
	RotateResumeToken(ctx context.Context, conversationID string) (string, error)
}

func continueMAC(secret []byte, payload string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("continue:" + payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// SignContinuation is the token that continues conversation id until
// expires.
func SignContinuation(secret []byte, id string, expires time.Time) string {
	payload := id + "." + strconv.FormatInt(expires.Unix(), 10)
	return payload + "." + continueMAC(secret, payload)
}

// errContinuation: the link is forged, altered or expired.
var errContinuation = errors.New("chat: the continuation link is not valid")

// verifyContinuation returns the conversation a token continues.
func verifyContinuation(secret []byte, token string, now time.Time) (string, error) {
	i := strings.LastIndexByte(token, '.')
	if len(secret) == 0 || i < 0 || len(token) > 256 {
		return "", errContinuation
	}
	payload, mac := token[:i], token[i+1:]
	if !hmac.Equal([]byte(mac), []byte(continueMAC(secret, payload))) {
		return "", errContinuation
	}
	j := strings.LastIndexByte(payload, '.')
	exp, err := strconv.ParseInt(payload[j+1:], 10, 64)
	if j < 0 || err != nil || exp <= now.Unix() {
		return "", errContinuation
	}
	return payload[:j], nil
}

// continueLink is the link a mailed reply carries; "" without a public URL.
func (e *Engine) continueLink(id string) string {
	if e.cfg.PublicURL == "" {
		return ""
	}
	u, err := url.Parse(e.cfg.PublicURL)
	if err != nil {
		return ""
	}
	q := u.Query()
	q.Set(ContinueParam, SignContinuation(e.cfg.IdentitySecret, id, e.cfg.Now().Add(e.cfg.ContinueLifetime)))
	u.RawQuery = q.Encode()
	return u.String()
}

// continued is the resume token for a hello that carries a continuation
// token: a new one for the conversation it names, if it is the same
// shopper's (a guest's, or the signed-in customer's).
func (e *Engine) continued(ctx context.Context, token string, customerID int64) (string, error) {
	cs, ok := e.store.(continueStore)
	id, err := verifyContinuation(e.cfg.IdentitySecret, token, e.cfg.Now())
	if err != nil || !ok {
		return "", errContinuation
	}
	conv, err := e.store.Conversation(ctx, id)
	if err != nil {
		return "", errContinuation
	}
	if conv.CustomerID != customerID {
		return "", errContinuation
	}
	return cs.RotateResumeToken(ctx, id)
}

// shopperAway reports whether no socket of the shopper's is open on this
// node.
func (e *Engine) shopperAway(id string) bool {
	e.mu.Lock()
	c := e.convs[id]
	e.mu.Unlock()
	if c == nil {
		return true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.conns) == 0
}

// mailReply sends a staff reply to a shopper who has left, at the email
// they left; the outcome (sent, or why not) is a note staff see in the
// conversation. A reply is stored whatever happens to its email.
func (e *Engine) mailReply(ctx context.Context, id, staffName, text string) {
	cs, ok := e.store.(continueStore)
	if e.cfg.Mail == nil || !ok || !e.shopperAway(id) {
		return
	}
	to, err := cs.ContactEmail(ctx, id)
	if err != nil || to == "" {
		return
	}
	conv, err := e.store.Conversation(ctx, id)
	if err != nil {
		return
	}
	subject, body := "A reply to your question", fmt.Sprintf("%s replied:\n\n%s\n", staffName, text)
	if conv.Locale == "zh" {
		subject, body = "您的咨询有了回复", fmt.Sprintf("%s 回复了您：\n\n%s\n", staffName, text)
	}
	if link := e.continueLink(id); link != "" {
		if conv.Locale == "zh" {
			body += "\n点击链接继续对话：\n" + link + "\n"
		} else {
			body += "\nContinue the conversation here:\n" + link + "\n"
		}
	}
	note := func(text string) {
		data, _ := json.Marshal(map[string]string{"text": text})
		ev := &store.Event{ConversationID: id, Kind: store.EventNote, Data: data}
		if err := e.store.AddEvent(context.WithoutCancel(ctx), ev); err != nil {
			e.log.Error("mail note not stored", "conversation_id", id, "err", err)
			return
		}
		e.tellConsole(context.WithoutCancel(ctx), id, []Entry{eventEntry(*ev, "kefu")})
	}
	err = e.cfg.Mail.Send(mail.Message{To: to, Subject: subject, Body: body, Done: func(err error) {
		if err != nil {
			note("The reply could not be emailed to " + to + ": " + err.Error())
			return
		}
		note("The reply was emailed to " + to + ".")
	}})
	if err != nil {
		e.log.Error("reply not queued for email", "conversation_id", id, "err", err)
		note("The reply could not be emailed to " + to + ": " + err.Error())
	}
}
