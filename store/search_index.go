package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// Messages are added to the full-text index after their commit, not in it
// (migration 0009): an indexer goroutine indexes every message with an id
// above search_index_state.indexed_through, in batches, every indexEvery.
// A batch and the new watermark are one transaction, so a crash loses no
// index entry and makes none twice; the next start catches up. Message
// ids only grow: SQLite gives a new row max(id)+1, and the deletions that
// could lower max(id) (forgetting a customer, a reset) hold the indexer's
// lock and lower the watermark with it.
const (
	indexEvery = 250 * time.Millisecond
	indexBatch = 2048
)

// indexer runs the catch-up in the background and lets a search run it
// first, so a search sees every committed message.
type indexer struct {
	// mu is held by a catch-up, from reading the messages to committing
	// their entries, and by deletions of messages, which must not happen
	// in between.
	mu   sync.Mutex
	stop func()
	// idle is how many background rounds to skip, backoff how many were
	// skipped after the last lost batch (the background goroutine's own).
	idle, backoff int
}

func (s *Store) startIndexer() {
	s.ix.stop = every(indexEvery, s.indexInBackground)
}

// indexInBackground is the indexer's round. With several nodes on one
// PostgreSQL database every node has an indexer, and one batch at a time
// can win the watermark: a node that lost one skips 1, 2, 4, then 8 rounds,
// so that the nodes do not each read and tokenize every message.
func (s *Store) indexInBackground() {
	if s.ix.idle > 0 {
		s.ix.idle--
		return
	}
	if _, lost, _ := s.indexMessages(context.Background(), false); lost {
		s.ix.backoff = min(max(1, 2*s.ix.backoff), 8)
		s.ix.idle = s.ix.backoff
	} else {
		s.ix.backoff = 0
	}
}

// stopIndexer stops the goroutine and indexes what is left, so that a
// clean stop leaves the index complete.
func (s *Store) stopIndexer() error {
	if s.ix.stop == nil {
		return nil
	}
	s.ix.stop()
	_, err := s.IndexMessages(context.Background())
	return err
}

// IndexMessages adds the messages stored since the last call to the
// full-text index and reports how many it looked at. The background
// indexer calls it; so does a search, and a test that wants the index
// current.
func (s *Store) IndexMessages(ctx context.Context) (int, error) {
	n, _, err := s.indexMessages(ctx, true)
	return n, err
}

// indexBusyWait bounds how long IndexMessages waits for another node's
// batch before it returns with what is indexed.
const indexBusyWait = 5 * time.Second

// indexMessages indexes what is stored and not indexed. lost reports a
// batch another node indexed, or was indexing: with wait, that node's
// batch is waited for (outside any transaction, so that this node's
// writer is not held), up to indexBusyWait.
func (s *Store) indexMessages(ctx context.Context, wait bool) (total int, lost bool, err error) {
	s.ix.mu.Lock()
	defer s.ix.mu.Unlock()
	deadline := time.Now().Add(indexBusyWait)
	for {
		n, err := s.indexBatch(ctx)
		if moved, busy := errors.Is(err, errIndexMoved), errors.Is(err, errIndexBusy); moved || busy {
			lost = true
			if !wait || time.Now().After(deadline) {
				return total, lost, nil
			}
			if busy {
				select {
				case <-ctx.Done():
					return total, lost, ctx.Err()
				case <-time.After(20 * time.Millisecond):
				}
			}
			continue // go on from the other's watermark
		}
		total += n
		if err != nil || n < indexBatch {
			return total, lost, err
		}
	}
}

type pendingDoc struct {
	id, docid int64
	words     string
}

// indexBatch indexes up to indexBatch messages. The messages are read and
// tokenized on the read pool, outside the write lock; only the inserts
// hold it.
func (s *Store) indexBatch(ctx context.Context) (int, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	var from int64
	if err := s.r.QueryRowContext(ctx, `SELECT indexed_through FROM search_index_state WHERE id = 1`).Scan(&from); err != nil {
		return 0, fmt.Errorf("store: unable to read the index watermark: %w", err)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT m.id, c.num, m.seq, m.role, m.text FROM messages m
		JOIN conversations c ON c.id = m.conversation_id WHERE m.id > ? ORDER BY m.id LIMIT ?`, from, indexBatch)
	if err != nil {
		return 0, fmt.Errorf("store: unable to read messages to index: %w", err)
	}
	var docs []pendingDoc
	n, through := 0, from
	for rows.Next() {
		var id, num, seq int64
		var role, text string
		if err := rows.Scan(&id, &num, &seq, &role, &text); err != nil {
			rows.Close()
			return 0, fmt.Errorf("store: unable to read messages to index: %w", err)
		}
		n, through = n+1, id
		if indexed(role, text, seq) {
			docs = append(docs, pendingDoc{id: id, docid: num<<seqBits | seq, words: ftsText(text)})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("store: unable to read messages to index: %w", err)
	}
	if n == 0 {
		return 0, nil
	}
	// In docid order: FTS4 writes its pending terms out as a new segment
	// whenever a docid is lower than the one before, and docids
	// (conversation, seq) interleave in id order. Unsorted, nearly every
	// entry made a segment of its own, and merging them cost five times
	// the inserts.
	slices.SortFunc(docs, func(a, b pendingDoc) int { return cmp.Compare(a.docid, b.docid) })
	err = s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		// Another process on the same database (a `kefu import` beside
		// the server, another node) has an indexer of its own: the
		// watermark moves only from where this batch read it, and a
		// message deleted since it was read is not indexed. On
		// PostgreSQL the watermark's row is claimed first without
		// waiting: waiting for another node's batch would hold this
		// node's one writer connection, and every commit behind it.
		var at int64
		err := tx.QueryRowContext(ctx, `SELECT indexed_through FROM search_index_state WHERE id = 1 /*FOR UPDATE SKIP LOCKED*/`).Scan(&at)
		if errors.Is(err, sql.ErrNoRows) {
			return errIndexBusy
		}
		if err != nil {
			return err
		}
		if at != from {
			return errIndexMoved
		}
		// The row is this transaction's now (PostgreSQL's lock, SQLite's
		// one writer): the watermark moves from where it was read.
		if _, err := tx.ExecContext(ctx, `UPDATE search_index_state SET indexed_through = ? WHERE id = 1`, through); err != nil {
			return err
		}
		kept, err := stillStored(ctx, tx, from, through, n)
		if err != nil {
			return err
		}
		if kept != nil {
			docs = slices.DeleteFunc(docs, func(d pendingDoc) bool { return !kept[d.id] })
		}
		if s.pg {
			return insertFTSRows(ctx, tx, docs)
		}
		// One row per statement: an INSERT … SELECT opens a statement
		// savepoint, and FTS4 writes its pending terms out as a segment
		// at every savepoint, which made each entry cost 2.5 times as
		// much.
		for _, d := range docs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO messages_fts (docid, words) VALUES (?, ?)`, d.docid, d.words); err != nil {
				return fmt.Errorf("store: unable to index message %d: %w", d.id, err)
			}
		}
		return nil
	})
	if errors.Is(err, errIndexMoved) || errors.Is(err, errIndexBusy) {
		return 0, err // someone else indexed these, or is indexing them
	}
	if err != nil {
		return 0, fmt.Errorf("store: unable to index messages: %w", err)
	}
	return n, nil
}

var (
	errIndexMoved = errors.New("store: the index watermark moved")
	errIndexBusy  = errors.New("store: another node is indexing")
)

// stillStored returns the ids in (from, through] that are still stored,
// or nil if all the read ones are: another process may have forgotten a
// customer since they were read. Usually it only counts them.
func stillStored(ctx context.Context, tx *sql.Tx, from, through int64, read int) (map[int64]bool, error) {
	var stored int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM messages WHERE id > ? AND id <= ?`, from, through).Scan(&stored); err != nil {
		return nil, fmt.Errorf("store: unable to check messages to index: %w", err)
	}
	if stored == read {
		return nil, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT id FROM messages WHERE id > ? AND id <= ?`, from, through)
	if err != nil {
		return nil, fmt.Errorf("store: unable to check messages to index: %w", err)
	}
	defer rows.Close()
	kept := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: unable to check messages to index: %w", err)
		}
		kept[id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: unable to check messages to index: %w", err)
	}
	return kept, nil
}

// indexed reports whether a message goes into the full-text index: the
// words of shoppers, the bot and staff (not tool results or system
// notes), in a conversation's first 2^24 messages.
func indexed(role, text string, seq int64) bool {
	return text != "" && (role == RoleUser || role == RoleAssistant || role == RoleStaff) && seq < 1<<seqBits
}

// lowerIndexWatermark keeps the watermark at or below the highest message
// id after messages are deleted, so that the ids SQLite hands out next are
// above it and get indexed. The caller holds s.ix.mu.
func lowerIndexWatermark(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `UPDATE search_index_state SET indexed_through = min(indexed_through, (SELECT COALESCE(max(id), 0) FROM messages)) WHERE id = 1`)
	if err != nil {
		return fmt.Errorf("store: unable to lower the index watermark: %w", err)
	}
	return nil
}

// catchUpIndex indexes what the background indexer has not reached yet
// (at most indexEvery's worth of messages) before a text search, so the
// search sees every committed message. If it fails (the database is
// locked, say), the search still runs, on the index as it is.
func (s *Store) catchUpIndex(ctx context.Context) {
	s.IndexMessages(ctx)
}

// ftsRowsAStatement is how many index entries go into PostgreSQL in one
// statement: each statement is a round trip to the server, and one a row
// made the indexer a tenth of a PostgreSQL node's CPU.
const ftsRowsAStatement = 64

// insertFTSRows adds docs to the index on PostgreSQL, several rows a
// statement.
func insertFTSRows(ctx context.Context, tx *sql.Tx, docs []pendingDoc) error {
	for chunk := range slices.Chunk(docs, ftsRowsAStatement) {
		args := make([]any, 0, 2*len(chunk))
		for _, d := range chunk {
			args = append(args, d.docid, d.words)
		}
		query := `INSERT INTO messages_fts (docid, words) VALUES ` + strings.TrimSuffix(strings.Repeat("(?, ?), ", len(chunk)), ", ")
		if _, err := tx.ExecContext(ctx, query, args...); err != nil {
			return fmt.Errorf("store: unable to index messages %d to %d: %w", chunk[0].id, chunk[len(chunk)-1].id, err)
		}
	}
	return nil
}
