package store

import (
	"bufio"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
)

// TranscriptImport counts what ImportTranscripts did.
type TranscriptImport struct {
	Imported, Skipped int
}

// ImportTranscripts reads a JSONL export (one TranscriptJSON per line) and
// stores each conversation that the database does not have yet, with its
// messages (same seq), tool calls, events and rating; a conversation it has
// is skipped, so importing twice changes nothing. Customers and staff the
// database does not know are left out of the records (the text stays). The
// conversations cannot be resumed by a shopper: their resume tokens are
// not in the export.
func (s *Store) ImportTranscripts(ctx context.Context, r io.Reader) (TranscriptImport, error) {
	var rep TranscriptImport
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	line := 0
	for sc.Scan() {
		line++
		if len(sc.Bytes()) == 0 {
			continue
		}
		var t TranscriptJSON
		if err := json.Unmarshal(sc.Bytes(), &t); err != nil {
			return rep, fmt.Errorf("line %d: %w", line, err)
		}
		if t.ID == "" {
			return rep, fmt.Errorf("line %d: no conversation id", line)
		}
		imported, err := s.importTranscript(ctx, &t)
		if err != nil {
			return rep, fmt.Errorf("line %d: %w", line, err)
		}
		if imported {
			rep.Imported++
		} else {
			rep.Skipped++
		}
	}
	return rep, sc.Err()
}

func (s *Store) importTranscript(ctx context.Context, t *TranscriptJSON) (bool, error) {
	imported := false
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM conversations WHERE id = ?`, t.ID).Scan(&n); err != nil || n > 0 {
			return err
		}
		known := func(table string, id int64) any {
			if id == 0 {
				return nil
			}
			var x int
			if tx.QueryRowContext(ctx, `SELECT count(*) FROM `+table+` WHERE id = ?`, id).Scan(&x) != nil || x == 0 {
				return nil
			}
			return id
		}
		tok := make([]byte, 32)
		rand.Read(tok)
		var lastSeq int64
		for _, m := range t.Messages {
			lastSeq = max(lastSeq, m.Seq)
		}
		var rating any
		if t.Rating > 0 {
			rating = t.Rating
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO conversations (num, id, customer_id, resume_token_hash, state, locale, last_seq, rating,
			rating_comment, created_at, updated_at, closed_at) VALUES (`+nextNum+`, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			t.ID, known("customers", t.CustomerID), "imported:"+hex.EncodeToString(tok), t.State, orDefault(t.Locale, "en"), lastSeq,
			rating, t.RatingComment, ms(t.CreatedAt), ms(t.UpdatedAt), msPtr(t.ClosedAt)); err != nil {
			return fmt.Errorf("store: unable to import conversation %s: %w", t.ID, err)
		}
		for _, m := range t.Messages {
			// A staff member this database does not have is left out.
			staff, _ := known("staff_users", m.StaffID).(int64)
			msg := Message{ConversationID: t.ID, Seq: m.Seq, Role: m.Role, Author: m.Author, Text: m.Text, ToolCalls: m.ToolCalls,
				ToolResult: m.ToolResult, Model: m.Model, LatencyMS: m.LatencyMS, TokensIn: m.TokensIn, TokensOut: m.TokensOut,
				ClientID: m.ClientID, StaffID: staff, CreatedAt: m.CreatedAt}
			if err := insertMessage(ctx, tx, &msg); err != nil {
				return fmt.Errorf("store: unable to import message %d of %s: %w", m.Seq, t.ID, err)
			}
		}
		for _, e := range t.Events {
			if _, err := tx.ExecContext(ctx, `INSERT INTO conversation_events (conversation_id, kind, from_state, to_state, staff_id, data, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, t.ID, e.Kind, nullString(e.FromState), nullString(e.ToState), known("staff_users", e.StaffID),
				nullJSON(e.Data), ms(e.CreatedAt)); err != nil {
				return fmt.Errorf("store: unable to import an event of %s: %w", t.ID, err)
			}
		}
		imported = true
		return nil
	})
	return imported, err
}
