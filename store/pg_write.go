package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
)

// insertMessagesPG stores a batch's messages (their seqs set) in one
// multi-row INSERT: on PostgreSQL each statement is a round trip on the
// one writer connection, which every acknowledgement of the batch waits
// for; one statement a message made the writer the bottleneck of a node.
func insertMessagesPG(ctx context.Context, tx *sql.Tx, msgs []*Message) error {
	const chunk = 200 // rows per statement, to keep each statement's text bounded
	for len(msgs) > 0 {
		n := min(chunk, len(msgs))
		if err := insertMessageRows(ctx, tx, msgs[:n]); err != nil {
			return err
		}
		msgs = msgs[n:]
	}
	return nil
}

func insertMessageRows(ctx context.Context, tx *sql.Tx, msgs []*Message) error {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", 14), ", ") + ")"
	args := make([]any, 0, 14*len(msgs))
	for _, m := range msgs {
		args = append(args, messageInsertValues(m)...)
	}
	rows, err := tx.QueryContext(ctx, `INSERT INTO messages (`+messageInsertColumns+`) VALUES `+
		strings.TrimSuffix(strings.Repeat(row+", ", len(msgs)), ", ")+` RETURNING id, conversation_id, seq`, args...)
	if err != nil {
		return fmt.Errorf("store: unable to append messages: %w", err)
	}
	type key struct {
		conv string
		seq  int64
	}
	byKey := make(map[key]*Message, len(msgs))
	for _, m := range msgs {
		byKey[key{m.ConversationID, m.Seq}] = m
	}
	for rows.Next() {
		var id, seq int64
		var conv string
		if err := rows.Scan(&id, &conv, &seq); err != nil {
			rows.Close()
			return fmt.Errorf("store: unable to append messages: %w", err)
		}
		if m := byKey[key{conv, seq}]; m != nil {
			m.ID = id
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: unable to append messages: %w", err)
	}
	for _, m := range msgs {
		if err := recordMessageExtras(ctx, tx, m); err != nil {
			return err
		}
	}
	return nil
}

// storedClientIDs returns the batch's client ids that are stored already,
// keyed by conversation and client id, with their seq, id and created_at:
// one query for the batch where SQLite asks once a message.
func storedClientIDs(ctx context.Context, tx *sql.Tx, msgs []*Message) (map[[2]string][3]int64, error) {
	var convs, clients []string
	for _, m := range msgs {
		if m.ClientID != "" {
			convs, clients = append(convs, m.ConversationID), append(clients, m.ClientID)
		}
	}
	out := map[[2]string][3]int64{}
	if len(clients) == 0 {
		return out, nil
	}
	cj, _ := json.Marshal(convs)
	kj, _ := json.Marshal(clients)
	rows, err := tx.QueryContext(ctx, `SELECT conversation_id, client_id, seq, id, created_at FROM messages
		WHERE client_id IN (SELECT value FROM json_each(?)) AND conversation_id IN (SELECT value FROM json_each(?))`, string(kj), string(cj))
	if err != nil {
		return nil, fmt.Errorf("store: unable to check client ids: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var conv, client string
		var v [3]int64
		if err := rows.Scan(&conv, &client, &v[0], &v[1], &v[2]); err != nil {
			return nil, fmt.Errorf("store: unable to check client ids: %w", err)
		}
		out[[2]string{conv, client}] = v
	}
	return out, rows.Err()
}

// convSeqUpdate is a conversation's new last seq and updated_at (at
// least) after a batch.
type convSeqUpdate struct {
	id       string
	last, at int64
}

// updateConversationSeqsPG moves the batch's conversations to their new
// last seqs in one UPDATE … FROM (VALUES …), where SQLite runs one a
// conversation. Their rows are locked already (the batch read them FOR
// UPDATE).
func updateConversationSeqsPG(ctx context.Context, tx *sql.Tx, ups []convSeqUpdate) error {
	const chunk = 200
	for len(ups) > 0 {
		n := min(chunk, len(ups))
		args := make([]any, 0, 3*n)
		for _, u := range ups[:n] {
			args = append(args, u.id, u.last, u.at)
		}
		_, err := tx.ExecContext(ctx, `UPDATE conversations AS c SET last_seq = v.last_seq, updated_at = GREATEST(c.updated_at, v.at)
			FROM (VALUES `+strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", n), ", ")+`) AS v (id, last_seq, at)
			WHERE c.id = v.id`, args...)
		if err != nil {
			return fmt.Errorf("store: unable to update conversations: %w", err)
		}
		ups = ups[n:]
	}
	return nil
}
