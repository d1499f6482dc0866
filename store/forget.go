package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// ForgetPlan is what ForgetCustomer will erase, for the operator to see
// before it does. It names the customer (to check it is the right one);
// nothing of it is stored.
type ForgetPlan struct {
	CustomerID int64
	Name       string
	Email      string
	Orders     []string // the numbers of their orders, which are kept anonymised
	// Conversations are the customer's own; GuestConversations are those
	// of guests that looked up one of their orders or carry their email
	// or an order number. Both are deleted whole.
	Conversations      int
	GuestConversations int
	Messages           int // in those conversations
	// Redacted are messages and staff notes of other conversations that
	// name them: their email, order numbers and name are replaced.
	Redacted int
}

// ForgetReport says what ForgetCustomer removed. It is what the audit log
// records: counts, never the data.
type ForgetReport struct {
	Conversations      int64 `json:"conversations"`
	GuestConversations int64 `json:"guest_conversations"`
	Messages           int64 `json:"messages"`
	Redacted           int64 `json:"redacted"`
	Orders             int64 `json:"orders_anonymised"`
	Photos             int64 `json:"photos"`
	// PhotoFiles are the hashes of photo files no row refers to any more,
	// for the caller to remove from the photo directory (RemovePhotoFiles).
	PhotoFiles []string `json:"-"`
}

// ErasureKeep is how long the erasures table remembers a conversation
// kefu forget erased, for a kefu serving it to close its sockets.
const ErasureKeep = 24 * time.Hour

const forgottenName = "Forgotten customer"

// forgetTargets is what a privacy request erases.
type forgetTargets struct {
	plan     ForgetPlan
	ids      *identifiers
	own      map[string]bool // the customer's conversations
	erase    map[string]bool // every conversation deleted whole
	found    []mention       // messages and notes that hold an identifier
	mentions []mention       // those outside the erased conversations, to redact
	scanned  [2]int64        // the highest message and event id scanned
}

// mention is a message or a staff note that names the customer.
type mention struct {
	event  bool // conversation_events.data, else a message
	id     int64
	conv   string
	guest  bool
	num    int64
	seq    int64
	role   string
	fields [3]string // message: text, tool_calls, tool_result; event: data
	valid  [3]bool   // the column is not NULL
}

// PlanForget says what ForgetCustomer would erase, changing nothing.
func (s *Store) PlanForget(ctx context.Context, customerID int64) (*ForgetPlan, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	t, err := s.forgetTargets(ctx, s.r, customerID, nil)
	if err != nil {
		return nil, err
	}
	return &t.plan, nil
}

// forgetTargets finds the customer's conversations and the mentions of
// them elsewhere. With prior (a scan made outside the transaction), only
// messages and notes stored since are scanned again.
func (s *Store) forgetTargets(ctx context.Context, q querier, customerID int64, prior *forgetTargets) (*forgetTargets, error) {
	t := &forgetTargets{own: map[string]bool{}, erase: map[string]bool{}}
	t.plan.CustomerID = customerID
	err := q.QueryRowContext(ctx, `SELECT name, email FROM customers WHERE id = ?`, customerID).Scan(&t.plan.Name, &t.plan.Email)
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("customer %d", customerID))
	}
	emails := []string{strings.ToLower(t.plan.Email)}
	rows, err := q.QueryContext(ctx, `SELECT number, email FROM orders WHERE customer_id = ? ORDER BY placed_at, id`, customerID)
	if err != nil {
		return nil, fmt.Errorf("store: forget: %w", err)
	}
	for rows.Next() {
		var number, email string
		if err := rows.Scan(&number, &email); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: forget: %w", err)
		}
		t.plan.Orders = append(t.plan.Orders, number)
		if e := strings.ToLower(email); e != emails[0] && !strings.HasSuffix(e, "@invalid") {
			emails = append(emails, e)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: forget: %w", err)
	}
	t.ids = newIdentifiers(emails, t.plan.Orders, t.plan.Name)

	if err := collect(ctx, q, `SELECT id FROM conversations WHERE customer_id = ?`, []any{customerID}, t.own); err != nil {
		return nil, err
	}
	// Conversations kefu recorded as shown one of the orders, or given
	// the order's email (migration 0010).
	revealed := map[string]bool{}
	if err := collect(ctx, q, `SELECT DISTINCT conversation_id FROM conversation_orders
		WHERE order_number IN (SELECT value FROM json_each(?)) OR (email != '' AND lower(email) IN (SELECT value FROM json_each(?)))`,
		[]any{jsonList(t.plan.Orders), jsonList(emails)}, revealed); err != nil {
		return nil, err
	}
	for id := range t.own {
		t.erase[id] = true
	}
	for id := range revealed {
		t.erase[id] = true
	}

	if prior != nil {
		t.found, t.scanned = prior.found, prior.scanned
	}
	if err := t.scan(ctx, q); err != nil {
		return nil, err
	}
	// A guest conversation that carries an email or order number of theirs
	// is about their order (conversations stored before migration 0010
	// have no conversation_orders rows): it goes whole.
	for _, m := range t.found {
		if m.guest && !t.erase[m.conv] && t.ids.carriesSpecific(strings.Join(m.fields[:], "\n")) {
			t.erase[m.conv] = true
		}
	}
	for _, m := range t.found {
		if !t.erase[m.conv] && m.changed(t.ids) {
			t.mentions = append(t.mentions, m)
		}
	}

	t.plan.Conversations = len(t.own)
	t.plan.GuestConversations = len(t.erase) - len(t.own)
	t.plan.Redacted = len(t.mentions)
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM messages WHERE conversation_id IN (SELECT value FROM json_each(?))`,
		jsonSet(t.erase)).Scan(&t.plan.Messages); err != nil {
		return nil, fmt.Errorf("store: forget: %w", err)
	}
	return t, nil
}

// scan adds the messages and staff notes stored after t.scanned that
// hold one of the identifiers. A LIKE on each identifier's longest run of
// letters or digits picks the rows; the patterns decide.
func (t *forgetTargets) scan(ctx context.Context, q querier) error {
	if len(t.ids.cores) == 0 {
		return nil
	}
	var like []string
	var args []any
	for _, c := range t.ids.cores {
		like = append(like, `hay LIKE ?`)
		args = append(args, "%"+c+"%")
	}
	where := strings.Join(like, " OR ")
	queries := [2]string{
		`SELECT id, conversation_id, guest, num, seq, role, text, tool_calls, tool_result FROM (
			SELECT m.id, m.conversation_id, c.customer_id IS NULL AS guest, c.num, m.seq, m.role, m.text, m.tool_calls, m.tool_result,
				lower(m.text || ' ' || COALESCE(m.tool_calls, '') || ' ' || COALESCE(m.tool_result, '')) AS hay
			FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.id > ?) AS x WHERE ` + where + ` ORDER BY id`,
		`SELECT id, conversation_id, guest, 0, 0, '', data, NULL, NULL FROM (
			SELECT e.id, e.conversation_id, c.customer_id IS NULL AS guest, e.data, lower(COALESCE(e.data, '')) AS hay
			FROM conversation_events e JOIN conversations c ON c.id = e.conversation_id WHERE e.id > ?) AS x WHERE ` + where + ` ORDER BY id`,
	}
	for i, query := range queries {
		rows, err := q.QueryContext(ctx, query, append([]any{t.scanned[i]}, args...)...)
		if err != nil {
			return fmt.Errorf("store: forget: unable to scan for mentions: %w", err)
		}
		for rows.Next() {
			m := mention{event: i == 1}
			var f [3]sql.NullString
			if err := rows.Scan(&m.id, &m.conv, &m.guest, &m.num, &m.seq, &m.role, &f[0], &f[1], &f[2]); err != nil {
				rows.Close()
				return fmt.Errorf("store: forget: unable to scan for mentions: %w", err)
			}
			for j := range f {
				m.fields[j], m.valid[j] = f[j].String, f[j].Valid
			}
			t.found = append(t.found, m)
			t.scanned[i] = max(t.scanned[i], m.id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: forget: unable to scan for mentions: %w", err)
		}
	}
	return nil
}

// changed reports whether redacting changes the mention.
func (m *mention) changed(ids *identifiers) bool {
	for _, f := range m.fields {
		if f != "" && ids.redact(f) != f {
			return true
		}
	}
	return false
}

// ForgetCustomer answers a privacy request in one transaction: the
// customer's conversations and those of guests that looked up one of
// their orders (or carry their email or an order number) are deleted
// (messages, tool calls, events, pending changes, search index); other
// messages and staff notes that name them have their email, order
// numbers and name replaced, in the search index too; their name, email
// and shop id are replaced, and their orders keep only what bookkeeping
// needs (the email and address are removed). The erased conversations go
// in the erasures table, for a kefu serving them to close their sockets.
// An audit entry records who did it and the counts, never the data.
func (s *Store) ForgetCustomer(ctx context.Context, customerID int64, actor string) (ForgetReport, error) {
	var rep ForgetReport
	// The index is brought up to date first (so that every redacted
	// message's entry is there to replace), and the indexer waits until
	// the deletions are committed.
	if _, err := s.IndexMessages(ctx); err != nil {
		return rep, err
	}
	s.ix.mu.Lock()
	defer s.ix.mu.Unlock()
	// The scan runs on the read pool, outside the write transaction, so
	// that shoppers' messages are not held behind it; in the transaction
	// only what was stored since is scanned.
	prior, err := s.forgetTargets(ctx, s.r, customerID, nil)
	if err != nil {
		return rep, err
	}
	err = s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		t, err := s.forgetTargets(ctx, tx, customerID, prior)
		if err != nil {
			return err
		}
		erase := jsonSet(t.erase)
		if err := forgetPhotos(ctx, tx, erase, &rep); err != nil {
			return err
		}
		steps := []struct {
			sql   string
			args  []any
			count *int64
		}{
			{`DELETE FROM messages_fts WHERE docid IN (SELECT (c.num << ` + seqBitsSQL + `) | m.seq FROM messages m
				JOIN conversations c ON c.id = m.conversation_id WHERE c.id IN (SELECT value FROM json_each(?)))`, []any{erase}, nil},
			{`DELETE FROM messages WHERE conversation_id IN (SELECT value FROM json_each(?))`, []any{erase}, &rep.Messages},
			{`DELETE FROM conversation_events WHERE conversation_id IN (SELECT value FROM json_each(?))`, []any{erase}, nil},
			{`DELETE FROM pending_actions WHERE customer_id = ? OR conversation_id IN (SELECT value FROM json_each(?))`, []any{customerID, erase}, nil},
			{`DELETE FROM conversation_tools WHERE conversation_id IN (SELECT value FROM json_each(?))`, []any{erase}, nil},
			{`DELETE FROM conversation_orders WHERE conversation_id IN (SELECT value FROM json_each(?))`, []any{erase}, nil},
			{`UPDATE coupons SET conversation_id = NULL WHERE customer_id = ? OR conversation_id IN (SELECT value FROM json_each(?))`, []any{customerID, erase}, nil},
			{`DELETE FROM customer_summaries WHERE customer_id = ?`, []any{customerID}, nil},
			{`DELETE FROM conversations WHERE id IN (SELECT value FROM json_each(?))`, []any{erase}, nil},
		}
		for _, st := range steps {
			res, err := tx.ExecContext(ctx, st.sql, st.args...)
			if err != nil {
				return fmt.Errorf("store: forget: %w", err)
			}
			if st.count != nil {
				*st.count, _ = res.RowsAffected()
			}
		}
		rep.Conversations, rep.GuestConversations = int64(len(t.own)), int64(len(t.erase)-len(t.own))
		touched := map[string]bool{}
		for id := range t.erase {
			touched[id] = true
		}
		for _, m := range t.mentions {
			if err := redactMention(ctx, tx, &m, t.ids); err != nil {
				return err
			}
			touched[m.conv] = true
			rep.Redacted++
		}
		if err := lowerIndexWatermark(ctx, tx); err != nil {
			return err
		}
		forgotten := fmt.Sprintf("forgotten-%d@invalid", customerID)
		if _, err := tx.ExecContext(ctx, `DELETE FROM order_address_changes WHERE order_id IN (SELECT id FROM orders WHERE customer_id = ?)`,
			customerID); err != nil {
			return fmt.Errorf("store: forget: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE customers SET name = ?, email = ?, external_id = NULL, addresses = '' WHERE id = ?`,
			forgottenName, forgotten, customerID); err != nil {
			return fmt.Errorf("store: forget: %w", err)
		}
		res, err := tx.ExecContext(ctx, `UPDATE orders SET email = ?, ship_to = '', address = '' WHERE customer_id = ?`, forgotten, customerID)
		if err != nil {
			return fmt.Errorf("store: forget: %w", err)
		}
		rep.Orders, _ = res.RowsAffected()
		if err := recordErasures(ctx, tx, touched, s.now()); err != nil {
			return err
		}
		data, _ := json.Marshal(rep)
		_, err = tx.ExecContext(ctx, `INSERT INTO audit_log (actor, action, subject, data, created_at) VALUES (?, 'forget_customer', ?, ?, ?)`,
			actor, fmt.Sprintf("customer:%d", customerID), string(data), ms(s.now()))
		return err
	})
	return rep, err
}

// redactMention replaces the identifiers in a message (and its search
// index entry) or a staff note.
func redactMention(ctx context.Context, tx *sql.Tx, m *mention, ids *identifiers) error {
	var out [3]any
	for i, f := range m.fields {
		if m.valid[i] {
			out[i] = ids.redact(f)
		}
	}
	if m.event {
		if _, err := tx.ExecContext(ctx, `UPDATE conversation_events SET data = ? WHERE id = ?`, out[0], m.id); err != nil {
			return fmt.Errorf("store: forget: unable to redact a note: %w", err)
		}
		return nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE messages SET text = ?, tool_calls = ?, tool_result = ? WHERE id = ?`, out[0], out[1], out[2], m.id); err != nil {
		return fmt.Errorf("store: forget: unable to redact a message: %w", err)
	}
	// The index holds the message if the indexer got to it; the indexer
	// indexes the redacted text of one it has not.
	var through int64
	if err := tx.QueryRowContext(ctx, `SELECT indexed_through FROM search_index_state WHERE id = 1`).Scan(&through); err != nil {
		return fmt.Errorf("store: forget: %w", err)
	}
	if m.id > through {
		return nil
	}
	docid := m.num<<seqBits | m.seq
	if _, err := tx.ExecContext(ctx, `DELETE FROM messages_fts WHERE docid = ?`, docid); err != nil {
		return fmt.Errorf("store: forget: unable to redact a message: %w", err)
	}
	if text, _ := out[0].(string); indexed(m.role, text, m.seq) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO messages_fts (docid, words) VALUES (?, ?)`, docid, ftsText(text)); err != nil {
			return fmt.Errorf("store: forget: unable to redact a message: %w", err)
		}
	}
	return nil
}

// collect adds the first column of every row to set.
func collect(ctx context.Context, q querier, query string, args []any, set map[string]bool) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("store: forget: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return fmt.Errorf("store: forget: %w", err)
		}
		set[v] = true
	}
	return rows.Err()
}

func jsonList(vs []string) string {
	if vs == nil {
		vs = []string{}
	}
	b, _ := json.Marshal(vs)
	return string(b)
}

func jsonSet(set map[string]bool) string {
	vs := make([]string, 0, len(set))
	for v := range set {
		vs = append(vs, v)
	}
	return jsonList(vs)
}

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	Actor, Action, Subject string
	Data                   json.RawMessage
}

// Audit returns the audit log, oldest first.
func (s *Store) Audit(ctx context.Context) ([]AuditEntry, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT actor, action, subject, COALESCE(data, '') FROM audit_log ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read the audit log: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var data string
		if err := rows.Scan(&e.Actor, &e.Action, &e.Subject, &data); err != nil {
			return nil, err
		}
		e.Data = json.RawMessage(data)
		out = append(out, e)
	}
	return out, rows.Err()
}
