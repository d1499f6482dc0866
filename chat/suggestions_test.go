package chat

import (
	"slices"
	"testing"
	"time"
)

// suggestionFrame is a message frame with the suggestions it offers.
type suggestionFrame struct {
	Type        string   `json:"type"`
	Role        string   `json:"role"`
	Seq         int64    `json:"seq"`
	Text        string   `json:"text"`
	Suggestions []string `json:"suggestions"`
}

// readUntilAnswer reads frames until an assistant message after seq.
func (c *client) readUntilAnswer(after int64) suggestionFrame {
	c.t.Helper()
	for {
		c.ws.SetReadDeadline(time.Now().Add(5 * time.Second))
		var f suggestionFrame
		if err := c.ws.ReadJSON(&f); err != nil {
			c.t.Fatalf("read: %v", err)
		}
		if f.Type == "message" && f.Role == "assistant" && f.Seq > after {
			return f
		}
	}
}

// A clarifying question's options reach the widget over a real socket as
// the answer's suggestions, live and again when the conversation is
// resumed; a suggestion sent back as the shopper's message (what a click
// does) is answered as the option it names, with no suggestions.
func TestSuggestionsOverTheSocket(t *testing.T) {
	ts := newTestServer(t, nil)
	c := ts.dial(nil)
	w := c.hello(nil)
	c.send(map[string]any{"type": "message", "client_id": "m1", "text": "hmm the zibber thingamajig wotsit"})
	q := c.readUntilAnswer(0)
	if n := len(q.Suggestions); n < 2 || n > 3 {
		t.Fatalf("answer %q offers %q: want 2 or 3 suggestions", q.Text, q.Suggestions)
	}

	// Resumed on a new socket: the same answer with the same suggestions.
	c2 := ts.dial(nil)
	c2.send(map[string]any{"type": "hello", "resume_token": w.ResumeToken, "last_seq": 0})
	again := c2.readUntilAnswer(0)
	if again.Seq != q.Seq || !slices.Equal(again.Suggestions, q.Suggestions) {
		t.Fatalf("resumed answer %+v, want seq %d with %q", again, q.Seq, q.Suggestions)
	}

	// A click sends the chip's text as a message.
	c2.send(map[string]any{"type": "message", "client_id": "m2", "text": q.Suggestions[0]})
	next := c2.readUntilAnswer(q.Seq)
	if len(next.Suggestions) != 0 || next.Text == q.Text {
		t.Errorf("after %q: %+v", q.Suggestions[0], next)
	}
}
