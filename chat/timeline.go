package chat

import (
	"encoding/json"
	"time"

	"github.com/kefu-dev/kefu/agents"
	"github.com/kefu-dev/kefu/store"
)

// Entry is one line of a conversation's timeline in the console: a
// message (an assistant answer with the tool calls and results of its
// turn), or an event (state change, handoff request, note, assignment,
// rating).
type Entry struct {
	Kind        string                    `json:"kind"` // message or event
	Seq         int64                     `json:"seq,omitempty"`
	Role        string                    `json:"role,omitempty"`
	Author      string                    `json:"author,omitempty"`
	Text        string                    `json:"text,omitempty"`
	Model       string                    `json:"model,omitempty"`
	ToolCalls   []agents.ToolCallRecord   `json:"tool_calls,omitempty"`
	ToolResults []agents.ToolResultRecord `json:"tool_results,omitempty"`
	Type        string                    `json:"type,omitempty"` // event type
	From        string                    `json:"from,omitempty"`
	To          string                    `json:"to,omitempty"`
	Staff       string                    `json:"staff,omitempty"`
	At          time.Time                 `json:"at"`
	// Photos are the ids of the photos a live shopper message attached
	// (a fetched conversation lists its photos beside the timeline).
	Photos []string `json:"photos,omitempty"`
}

// turnTools collects the tool calls and results of a turn until its answer.
type turnTools struct {
	calls   []agents.ToolCallRecord
	results []agents.ToolResultRecord
}

// add takes a stored message; it returns the entry to show, if any.
func (t *turnTools) add(m *store.Message) (Entry, bool) {
	switch m.Role {
	case store.RoleTool:
		if r, ok := agents.ToolResultOf(m.ToolResult); ok {
			t.results = append(t.results, r)
		}
		return Entry{}, false
	case store.RoleAssistant:
		if len(m.ToolCalls) > 0 {
			if cs, ok := agents.ToolCallsOf(m.ToolCalls); ok {
				t.calls = append(t.calls, cs...)
			}
			if m.Text == "" {
				return Entry{}, false
			}
		}
		author := "kefu"
		if m.Author == CampaignAuthor {
			author = CampaignAuthor // the console marks a campaign's message
		}
		e := Entry{Kind: "message", Seq: m.Seq, Role: m.Role, Author: author, Text: m.Text, Model: m.Model, At: m.CreatedAt,
			ToolCalls: t.calls, ToolResults: t.results}
		t.calls, t.results = nil, nil
		return e, true
	case store.RoleUser:
		t.calls, t.results = nil, nil
	}
	return Entry{Kind: "message", Seq: m.Seq, Role: m.Role, Author: m.Author, Text: m.Text, Model: m.Model, At: m.CreatedAt, Photos: m.Attachments}, true
}

// eventEntry shows an event; staff names are looked up by the caller.
func eventEntry(ev store.Event, staffName string) Entry {
	e := Entry{Kind: "event", Type: ev.Kind, From: ev.FromState, To: ev.ToState, Staff: staffName, At: ev.CreatedAt}
	var d struct {
		Text    string `json:"text"`
		Reason  string `json:"reason"`
		Staff   string `json:"staff"`
		Rating  int    `json:"rating"`
		Comment string `json:"comment"`
	}
	if json.Unmarshal(ev.Data, &d) == nil {
		e.Text = d.Text
		if d.Reason != "" {
			e.Text = d.Reason
		}
		if e.Staff == "" {
			e.Staff = d.Staff
		}
		if ev.Kind == "rated" {
			e.Text = d.Comment
		}
	}
	return e
}

// Timeline merges a conversation's messages and events in time order.
func Timeline(ms []store.Message, evs []store.Event, staffName func(int64) string) []Entry {
	var out []Entry
	var tt turnTools
	i, j := 0, 0
	for i < len(ms) || j < len(evs) {
		if j < len(evs) && (i == len(ms) || evs[j].CreatedAt.Before(ms[i].CreatedAt)) {
			name := ""
			if evs[j].StaffID != 0 && staffName != nil {
				name = staffName(evs[j].StaffID)
			}
			out = append(out, eventEntry(evs[j], name))
			j++
			continue
		}
		if e, ok := tt.add(&ms[i]); ok {
			out = append(out, e)
		}
		i++
	}
	return out
}
