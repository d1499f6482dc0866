package store

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// TranscriptJSON is one conversation in a JSONL export: everything kefu
// stored about it, message by message and event by event.
type TranscriptJSON struct {
	ID            string        `json:"id"`
	CustomerID    int64         `json:"customer_id,omitempty"`
	CustomerName  string        `json:"customer_name,omitempty"`
	State         string        `json:"state"`
	Locale        string        `json:"locale"`
	Rating        int           `json:"rating,omitempty"`
	RatingComment string        `json:"rating_comment,omitempty"`
	CreatedAt     time.Time     `json:"created_at"`
	UpdatedAt     time.Time     `json:"updated_at"`
	ClosedAt      *time.Time    `json:"closed_at,omitempty"`
	Messages      []MessageJSON `json:"messages"`
	Events        []EventJSON   `json:"events"`
}

// MessageJSON is a stored message with its tool calls and result as JSON.
type MessageJSON struct {
	Seq        int64           `json:"seq"`
	Role       string          `json:"role"`
	Author     string          `json:"author,omitempty"`
	Text       string          `json:"text,omitempty"`
	ToolCalls  json.RawMessage `json:"tool_calls,omitempty"`
	ToolResult json.RawMessage `json:"tool_result,omitempty"`
	Model      string          `json:"model,omitempty"`
	LatencyMS  int64           `json:"latency_ms,omitempty"`
	TokensIn   int64           `json:"tokens_in,omitempty"`
	TokensOut  int64           `json:"tokens_out,omitempty"`
	ClientID   string          `json:"client_id,omitempty"`
	StaffID    int64           `json:"staff_id,omitempty"`
	CreatedAt  time.Time       `json:"created_at"`
	// Photos link the photos the message attached (PhotoPath), which
	// staff open signed in; the pictures are not in the export.
	Photos []string `json:"photos,omitempty"`
}

// EventJSON is a stored event.
type EventJSON struct {
	Kind      string          `json:"kind"`
	FromState string          `json:"from_state,omitempty"`
	ToState   string          `json:"to_state,omitempty"`
	StaffID   int64           `json:"staff_id,omitempty"`
	Data      json.RawMessage `json:"data,omitempty"`
	CreatedAt time.Time       `json:"created_at"`
}

// Transcript loads one conversation in full.
func (s *Store) Transcript(ctx context.Context, sm Summary) (*TranscriptJSON, error) {
	t := &TranscriptJSON{ID: sm.ID, CustomerID: sm.CustomerID, CustomerName: sm.CustomerName, State: sm.State, Locale: sm.Locale,
		Rating: sm.Rating, RatingComment: sm.RatingComment, CreatedAt: sm.CreatedAt, UpdatedAt: sm.UpdatedAt, ClosedAt: sm.ClosedAt,
		Messages: []MessageJSON{}, Events: []EventJSON{}}
	for after := int64(0); ; {
		ms, err := s.Messages(ctx, sm.ID, after, 1000)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			t.Messages = append(t.Messages, MessageJSON{Seq: m.Seq, Role: m.Role, Author: m.Author, Text: m.Text,
				ToolCalls: m.ToolCalls, ToolResult: m.ToolResult, Model: m.Model, LatencyMS: m.LatencyMS, TokensIn: m.TokensIn,
				TokensOut: m.TokensOut, ClientID: m.ClientID, StaffID: m.StaffID, CreatedAt: m.CreatedAt})
		}
		if len(ms) < 1000 {
			break
		}
		after = ms[len(ms)-1].Seq
	}
	links, err := s.photoLinks(ctx, sm.ID)
	if err != nil {
		return nil, err
	}
	for i := range t.Messages {
		t.Messages[i].Photos = links[t.Messages[i].Seq]
	}
	evs, err := s.Events(ctx, sm.ID)
	if err != nil {
		return nil, err
	}
	for _, e := range evs {
		t.Events = append(t.Events, EventJSON{Kind: e.Kind, FromState: e.FromState, ToState: e.ToState, StaffID: e.StaffID,
			Data: e.Data, CreatedAt: e.CreatedAt})
	}
	return t, nil
}

// ExportJSONL writes every conversation matching f as one JSON object per
// line, streaming: memory stays constant however many there are. It
// returns how many it wrote.
func (s *Store) ExportJSONL(ctx context.Context, f TranscriptFilter, w io.Writer) (int, error) {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return s.eachFullTranscript(ctx, f, func(t *TranscriptJSON) error { return enc.Encode(t) })
}

// eachFullTranscript calls fn with the whole transcript of every
// conversation matching f, as EachTranscript does with summaries, and
// returns how many it read.
func (s *Store) eachFullTranscript(ctx context.Context, f TranscriptFilter, fn func(*TranscriptJSON) error) (int, error) {
	n := 0
	err := s.EachTranscript(ctx, f, func(sm Summary) error {
		t, err := s.Transcript(ctx, sm)
		if err != nil {
			return err
		}
		n++
		return fn(t)
	})
	return n, err
}

// csvHeader is the CSV export's columns: one row per message.
var csvHeader = []string{"conversation_id", "customer_id", "locale", "state", "rating", "seq", "created_at", "role",
	"author", "text", "model", "latency_ms", "tool_calls", "tool_result", "photos"}

// ExportCSV writes one row per message of every conversation matching f,
// streaming. It returns how many conversations it wrote.
func (s *Store) ExportCSV(ctx context.Context, f TranscriptFilter, w io.Writer) (int, error) {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return 0, err
	}
	n, err := s.eachFullTranscript(ctx, f, func(t *TranscriptJSON) error {
		for _, m := range t.Messages {
			row := []string{t.ID, strconv.FormatInt(t.CustomerID, 10), t.Locale, t.State, strconv.Itoa(t.Rating),
				strconv.FormatInt(m.Seq, 10), m.CreatedAt.Format(time.RFC3339Nano), m.Role, m.Author, csvSafe(m.Text), m.Model,
				strconv.FormatInt(m.LatencyMS, 10), string(m.ToolCalls), string(m.ToolResult), strings.Join(m.Photos, " ")}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	})
	cw.Flush()
	if err == nil {
		err = cw.Error()
	}
	if err != nil {
		return n, fmt.Errorf("store: export: %w", err)
	}
	return n, nil
}

// csvSafe defuses text that a spreadsheet would run as a formula
// (shopper text is untrusted: "=HYPERLINK(...)").
func csvSafe(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}
