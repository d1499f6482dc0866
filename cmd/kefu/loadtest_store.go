package main

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/gorilla/websocket"

	"github.com/kefu-dev/kefu/cmd/kefu/loadtest"
	"github.com/kefu-dev/kefu/cmd/kefu/stack"
	"github.com/kefu-dev/kefu/store"
)

// storeEcho serves a second baseline: the echo server plus kefu's store.
// Each hello stores a new conversation; each message is stored before its
// ack and the reply (the message's text) before it is sent, through the
// same group-committing writer and store kefu uses (those of a kefu built
// by stack.New), with no engine and no agent. The difference between it
// and kefu is the conversation engine and the agent; between it and the
// echo server, what storing a turn costs. The database is a new one at
// path; stop closes it.
func storeEcho(ctx context.Context, path, addr string) (url string, stop func(), err error) {
	s, err := stack.New(ctx, stack.Config{DB: path}, stack.Options{Log: slog.New(slog.DiscardHandler), Version: version})
	if err != nil {
		return "", nil, err
	}
	url, stopServer, err := loadtest.ServeOn(addr, storeEchoHandler(s.Store, s.Engine.Writer()))
	if err != nil {
		s.Shutdown(context.Background())
		return "", nil, err
	}
	return url, func() { stopServer(); s.Shutdown(context.Background()) }, nil
}

func storeEchoHandler(st *store.Store, w *store.Writer) http.Handler {
	return loadtest.FrameHandler(func(ctx context.Context) func(ws *websocket.Conn, in loadtest.Frame) {
		var conv *store.Conversation
		fail := func(ws *websocket.Conn, err error) {
			ws.WriteJSON(map[string]any{"type": "error", "code": "store", "message": err.Error()})
		}
		return func(ws *websocket.Conn, in loadtest.Frame) {
			switch {
			case in.Type == "hello":
				c, token, err := st.NewConversation(0, "en")
				if err == nil {
					err = w.Create(ctx, c)
				}
				if err != nil {
					fail(ws, err)
					ws.Close()
					return
				}
				conv = c
				ws.WriteJSON(map[string]any{"type": "welcome", "conversation_id": c.ID, "resume_token": token, "state": "bot"})
			case in.Type == "message" && conv != nil:
				m := &store.Message{ConversationID: conv.ID, Role: store.RoleUser, Text: in.Text, ClientID: in.ClientID}
				if _, err := w.AppendAll(ctx, []*store.Message{m}, nil); err != nil {
					fail(ws, err)
					return
				}
				ws.WriteJSON(map[string]any{"type": "ack", "client_id": in.ClientID, "seq": m.Seq})
				a := &store.Message{ConversationID: conv.ID, Role: store.RoleAssistant, Author: "echo", Text: in.Text}
				if _, err := w.AppendAll(ctx, []*store.Message{a}, nil); err != nil {
					fail(ws, err)
					return
				}
				ws.WriteJSON(map[string]any{"type": "message", "seq": a.Seq, "role": "assistant", "text": in.Text})
			}
		}
	})
}
