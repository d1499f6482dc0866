package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Message roles.
const (
	RoleUser      = "user"
	RoleAssistant = "assistant"
	RoleTool      = "tool"
	RoleStaff     = "staff"
	RoleSystem    = "system"
)

// Message is one entry of a conversation's log. Seq numbers a
// conversation's messages from 1 without gaps; a shopper who resumes with
// last_seq gets exactly the messages after it.
type Message struct {
	ID             int64
	ConversationID string
	Seq            int64
	Role           string
	Author         string
	Text           string
	ToolCalls      json.RawMessage // assistant: the tool calls it made
	ToolResult     json.RawMessage // tool: one result
	Model          string
	LatencyMS      int64
	TokensIn       int64
	TokensOut      int64
	ClientID       string // shopper's idempotency key
	StaffID        int64
	CreatedAt      time.Time
	// Attachments are the ids of the photos a shopper message attached,
	// on the live message only (the link is in the photos table: read it
	// with PhotosByConversation).
	Attachments []string

	// ShownOrder is, on a tool result, the order the tool showed or acted
	// on for this shopper (kefu checked it was theirs), and ShownEmail its
	// email when a guest gave it. Stored in conversation_orders, not with
	// the message: read them with OrdersShown.
	ShownOrder string
	ShownEmail string

	// Lease is, on a turn's output when several nodes serve the database,
	// the turn lease its node held: Write stores the message only if the
	// lease is still that holder's, checked in the same transaction (not
	// a column).
	Lease *TurnLease
	// AssignedTo is, on a staff member's reply, their id: Write stores
	// it only if the conversation is with a person and assigned to them,
	// checked in the same transaction (ErrNotAssigned otherwise), so a
	// reply needs no read of its own before its commit.
	AssignedTo int64
	// Answers is, on a turn's answer that carries its Lease, the seq of
	// the shopper message it answers: the same transaction records it in
	// the lease (answered_through), for the node that holds it next.
	Answers int64
}

// ErrNotAssigned is Write's error for a staff reply (Message.AssignedTo)
// to a conversation that is not with a person assigned to its author.
var ErrNotAssigned = errors.New("store: the conversation is not assigned to the reply's author")

// AppendMessage stores m at the end of its conversation and sets m.Seq,
// m.ID and m.CreatedAt. If the conversation already has a message with m's
// ClientID (a shopper's retry), nothing is stored, m is filled from the
// stored message and duplicate is true.
func (s *Store) AppendMessage(ctx context.Context, m *Message) (duplicate bool, err error) {
	dups, err := s.AppendMessages(ctx, []*Message{m})
	if err != nil {
		return false, err
	}
	return dups[0], nil
}

// AppendMessages stores several messages in one transaction, as
// AppendMessage does for one: a group commit, so many shoppers' messages
// share one commit. It reports, per message, whether it was a duplicate.
// Each conversation's seqs are taken with one update for all its messages
// in the batch. If the transaction fails, nothing is stored.
func (s *Store) AppendMessages(ctx context.Context, msgs []*Message) ([]bool, error) {
	return s.Write(ctx, nil, msgs)
}

// Write stores new conversations (made by NewConversation) and then
// messages, as AppendMessages does, in one transaction: the batched
// writer's group commit, which a shopper's first hello shares with other
// shoppers' messages.
func (s *Store) Write(ctx context.Context, convs []*Conversation, msgs []*Message) ([]bool, error) {
	dups := make([]bool, len(msgs))
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for _, c := range convs {
			if err := insertConversation(ctx, tx, c); err != nil {
				return err
			}
		}
		if err := checkLeases(ctx, tx, msgs); err != nil {
			return err
		}
		now := s.now()
		// Retries first: a client id already stored, or twice in the batch.
		type key struct{ conv, client string }
		inBatch := map[key]*Message{}
		var stored map[[2]string][3]int64
		if s.pg { // one query for the batch: each is a round trip there
			var err error
			if stored, err = storedClientIDs(ctx, tx, msgs); err != nil {
				return err
			}
		}
		for i, m := range msgs {
			if m.CreatedAt.IsZero() {
				m.CreatedAt = now
			}
			if m.ClientID == "" {
				continue
			}
			k := key{m.ConversationID, m.ClientID}
			if first := inBatch[k]; first != nil {
				dups[i] = true
				continue
			}
			inBatch[k] = m
			if stored != nil {
				if v, ok := stored[[2]string{m.ConversationID, m.ClientID}]; ok {
					m.Seq, m.ID, m.CreatedAt = v[0], v[1], fromMS(v[2])
					dups[i] = true
				}
				continue
			}
			var seq, id, created int64
			err := tx.QueryRowContext(ctx, `SELECT seq, id, created_at FROM messages WHERE conversation_id = ? AND client_id = ?`,
				m.ConversationID, m.ClientID).Scan(&seq, &id, &created)
			if err == nil {
				m.Seq, m.ID, m.CreatedAt = seq, id, fromMS(created)
				dups[i] = true
				continue
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("store: unable to check client id: %w", err)
			}
		}
		// Seqs: one update per conversation.
		type convSeqs struct {
			n        int64
			last     time.Time
			next     int64
			num      int64
			assigned bool
			state    string
			staff    int64
		}
		convs := map[string]*convSeqs{}
		var order []string
		for i, m := range msgs {
			if dups[i] {
				continue
			}
			c := convs[m.ConversationID]
			if c == nil {
				c = &convSeqs{}
				convs[m.ConversationID] = c
				order = append(order, m.ConversationID)
			}
			c.n++
			if m.CreatedAt.After(c.last) {
				c.last = m.CreatedAt
			}
		}
		// One read for the batch's conversations, then a plain update
		// each: with mattn/go-sqlite3 a query (or UPDATE … RETURNING)
		// costs several times an Exec.
		if len(order) > 0 {
			ids, _ := json.Marshal(order)
			rows, err := tx.QueryContext(ctx, `SELECT id, last_seq, num, state, COALESCE(assigned_staff_id, 0) FROM conversations WHERE id IN (SELECT value FROM json_each(?)) /*FOR UPDATE*/`, string(ids))
			if err != nil {
				return fmt.Errorf("store: unable to read conversations: %w", err)
			}
			for rows.Next() {
				var id, state string
				var last, num, staff int64
				if err := rows.Scan(&id, &last, &num, &state, &staff); err != nil {
					rows.Close()
					return fmt.Errorf("store: unable to read conversations: %w", err)
				}
				c := convs[id]
				c.next, c.num, c.assigned, c.state, c.staff = last+1, num, true, state, staff
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return fmt.Errorf("store: unable to read conversations: %w", err)
			}
		}
		var seqUpdates []convSeqUpdate
		for _, id := range order {
			c := convs[id]
			if !c.assigned {
				return fmt.Errorf("store: conversation %s: %w", id, ErrNotFound)
			}
			for i, m := range msgs {
				if !dups[i] && m.ConversationID == id && m.AssignedTo != 0 && (c.state != StateHuman || c.staff != m.AssignedTo) {
					return fmt.Errorf("store: conversation %s is %s, assigned to %d: %w", id, c.state, c.staff, ErrNotAssigned)
				}
			}
			if s.pg { // one statement for the batch there (pg_write.go)
				seqUpdates = append(seqUpdates, convSeqUpdate{id, c.next + c.n - 1, ms(c.last)})
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE conversations SET last_seq = ?, updated_at = max(updated_at, ?) WHERE id = ?`,
				c.next+c.n-1, ms(c.last), id); err != nil {
				return fmt.Errorf("store: unable to update conversation %s: %w", id, err)
			}
		}
		if err := updateConversationSeqsPG(ctx, tx, seqUpdates); err != nil {
			return err
		}
		var fresh []*Message
		for i, m := range msgs {
			if dups[i] {
				continue
			}
			c := convs[m.ConversationID]
			m.Seq = c.next
			c.next++
			fresh = append(fresh, m)
		}
		if s.pg {
			if err := insertMessagesPG(ctx, tx, fresh); err != nil {
				return err
			}
		} else {
			for _, m := range fresh {
				if err := insertMessage(ctx, tx, m); err != nil {
					return err
				}
			}
		}
		// A retry within the batch is its first's duplicate.
		for i, m := range msgs {
			if first := inBatch[key{m.ConversationID, m.ClientID}]; dups[i] && m.ClientID != "" && first != nil && first != m {
				m.Seq, m.ID, m.CreatedAt = first.Seq, first.ID, first.CreatedAt
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return dups, nil
}

// insertMessage writes a message whose seq is set. The indexer adds it to
// the full-text index after the commit (search_index.go).
func insertMessage(ctx context.Context, tx *sql.Tx, m *Message) error {
	res, err := tx.ExecContext(ctx, `
		INSERT INTO messages (`+messageInsertColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, messageInsertValues(m)...)
	if err != nil {
		return fmt.Errorf("store: unable to append message: %w", err)
	}
	m.ID, _ = res.LastInsertId()
	return recordMessageExtras(ctx, tx, m)
}

const messageInsertColumns = `conversation_id, seq, role, author, text, tool_calls, tool_result, model, latency_ms,
		                      tokens_in, tokens_out, client_id, staff_id, created_at`

func messageInsertValues(m *Message) []any {
	return []any{m.ConversationID, m.Seq, m.Role, m.Author, m.Text, nullJSON(m.ToolCalls), nullJSON(m.ToolResult), m.Model,
		nullInt(m.LatencyMS), nullInt(m.TokensIn), nullInt(m.TokensOut), nullString(m.ClientID), nullID(m.StaffID), ms(m.CreatedAt)}
}

// recordMessageExtras records what a stored message showed (an order) and
// used (tools).
func recordMessageExtras(ctx context.Context, tx *sql.Tx, m *Message) error {
	if m.ShownOrder != "" {
		if _, err := tx.ExecContext(ctx, `INSERT INTO conversation_orders (conversation_id, order_number, email, first_at, last_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (conversation_id, order_number) DO UPDATE SET last_at = excluded.last_at,
			email = CASE WHEN excluded.email <> '' THEN excluded.email ELSE conversation_orders.email END`,
			m.ConversationID, m.ShownOrder, m.ShownEmail, ms(m.CreatedAt), ms(m.CreatedAt)); err != nil {
			return fmt.Errorf("store: unable to record the order shown: %w", err)
		}
	}
	if len(m.ToolCalls) > 0 {
		// Index the tools used, for the transcript filter.
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO conversation_tools (conversation_id, tool)
			SELECT ?, json_extract(j.value, '$.name') FROM json_each(?) j WHERE json_extract(j.value, '$.name') IS NOT NULL`,
			m.ConversationID, string(m.ToolCalls)); err != nil {
			return fmt.Errorf("store: unable to index tool calls: %w", err)
		}
	}
	return nil
}

const messageColumns = `id, conversation_id, seq, role, author, text, COALESCE(tool_calls, ''), COALESCE(tool_result, ''),
	model, COALESCE(latency_ms, 0), COALESCE(tokens_in, 0), COALESCE(tokens_out, 0), COALESCE(client_id, ''),
	COALESCE(staff_id, 0), created_at`

// scanMessage scans messageColumns followed by any extra columns.
func scanMessage(row interface{ Scan(...any) error }, extra ...any) (*Message, error) {
	var m Message
	var calls, result string
	var created int64
	dest := append([]any{&m.ID, &m.ConversationID, &m.Seq, &m.Role, &m.Author, &m.Text, &calls, &result,
		&m.Model, &m.LatencyMS, &m.TokensIn, &m.TokensOut, &m.ClientID, &m.StaffID, &created}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	if calls != "" {
		m.ToolCalls = json.RawMessage(calls)
	}
	if result != "" {
		m.ToolResult = json.RawMessage(result)
	}
	m.CreatedAt = fromMS(created)
	return &m, nil
}

// Messages returns up to limit messages of a conversation with seq greater
// than afterSeq, in order.
func (s *Store) Messages(ctx context.Context, conversationID string, afterSeq int64, limit int) ([]Message, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	rows, err := s.r.QueryContext(ctx, `SELECT `+messageColumns+` FROM messages
		WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?`, conversationID, afterSeq, limit)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list messages: %w", err)
	}
	defer rows.Close()
	var ms []Message
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, fmt.Errorf("store: unable to list messages: %w", err)
		}
		ms = append(ms, *m)
	}
	return ms, rows.Err()
}

// MessageHit is a message found by SearchMessages.
type MessageHit struct {
	Message
	Score float64
}

// SearchMessages finds shopper, bot and staff messages matching a free-text
// query (English or Chinese), most relevant first.
func (s *Store) SearchMessages(ctx context.Context, query string, limit int) ([]MessageHit, error) {
	match := ftsLiteral(query)
	if match == "" {
		return nil, nil
	}
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	s.catchUpIndex(ctx)
	rank, args := `SELECT docid, kefu_bm25(matchinfo(messages_fts, 'pcnalx'), ?) AS score
			FROM messages_fts WHERE messages_fts MATCH ? ORDER BY score DESC, docid DESC LIMIT ?`, []any{0, match, limit}
	if s.pg {
		rank, args = pgMessageRank, []any{match, match, limit}
	}
	rows, err := s.r.QueryContext(ctx, `
		SELECT `+messageColumns+`, h.score FROM (`+rank+`) h JOIN messages ON messages.conversation_id = (SELECT id FROM conversations WHERE num = h.docid >> `+seqBitsSQL+`)
			AND messages.seq = h.docid & `+seqMaskSQL+`
		ORDER BY h.score DESC, h.docid DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: unable to search messages: %w", err)
	}
	defer rows.Close()
	var hits []MessageHit
	for rows.Next() {
		var score float64
		m, err := scanMessage(rows, &score)
		if err != nil {
			return nil, fmt.Errorf("store: unable to search messages: %w", err)
		}
		hits = append(hits, MessageHit{Message: *m, Score: score})
	}
	return hits, rows.Err()
}

func nullJSON(b json.RawMessage) any {
	if len(b) == 0 {
		return nil
	}
	return string(b)
}

func nullInt(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

// LastMessages returns the last n messages of a conversation in order, and
// the seq of the message before the first one returned (0 when there is
// none), so a caller can summarise what came before.
func (s *Store) LastMessages(ctx context.Context, conversationID string, n int) ([]Message, int64, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	rows, err := s.r.QueryContext(ctx, `SELECT `+messageColumns+` FROM messages
		WHERE conversation_id = ? ORDER BY seq DESC LIMIT ?`, conversationID, n)
	if err != nil {
		return nil, 0, fmt.Errorf("store: unable to list messages: %w", err)
	}
	defer rows.Close()
	var ms []Message
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("store: unable to list messages: %w", err)
		}
		ms = append(ms, *m)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("store: unable to list messages: %w", err)
	}
	for i, j := 0, len(ms)-1; i < j; i, j = i+1, j-1 {
		ms[i], ms[j] = ms[j], ms[i]
	}
	var before int64
	if len(ms) > 0 {
		before = ms[0].Seq - 1
	}
	return ms, before, nil
}

// ShopperTexts returns the text of the last n shopper messages before seq
// beforeSeq, oldest first: what a summary of older turns needs, without
// reading everything else.
func (s *Store) ShopperTexts(ctx context.Context, conversationID string, beforeSeq int64, n int) ([]string, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	rows, err := s.r.QueryContext(ctx, `SELECT text FROM messages
		WHERE conversation_id = ? AND seq < ? AND role = 'user' ORDER BY seq DESC LIMIT ?`, conversationID, beforeSeq, n)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list shopper messages: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, fmt.Errorf("store: unable to list shopper messages: %w", err)
		}
		out = append(out, t)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, rows.Err()
}
