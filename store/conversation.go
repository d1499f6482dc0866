package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// Conversation states.
const (
	StateBot    = "bot"
	StateQueued = "queued"
	StateHuman  = "human"
	StateClosed = "closed"
)

// Conversation is one chat between a shopper and the shop.
type Conversation struct {
	ID              string
	CustomerID      int64 // 0 for a guest
	State           string
	Locale          string
	AssignedStaffID int64
	LastSeq         int64
	Rating          int
	RatingComment   string
	CreatedAt       time.Time
	UpdatedAt       time.Time
	ClosedAt        *time.Time

	tokenHash string // set by NewConversation, for its insert
}

// NewConversation makes a conversation in the bot state, with the
// shopper's resume token, without storing it: Write stores it, in the
// same transaction as other conversations and messages. Only the token's
// hash is stored, so a leaked database does not let anyone resume a
// shopper's chat.
func (s *Store) NewConversation(customerID int64, locale string) (*Conversation, string, error) {
	tok := make([]byte, 24)
	if _, err := rand.Read(tok); err != nil {
		return nil, "", fmt.Errorf("store: unable to make resume token: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(tok)
	now := s.now()
	// A time-ordered id (UUIDv7): the open conversations' rows in the
	// messages indexes, which are keyed by conversation id, sit together
	// at the end, so a group commit writes a few pages for them all; a
	// random id put each at a random place, a page each. The id is no
	// capability (resuming takes the token), so its time is no secret.
	c := &Conversation{ID: uuid.Must(uuid.NewV7()).String(), CustomerID: customerID, State: StateBot, Locale: orDefault(locale, "en"),
		CreatedAt: now, UpdatedAt: now, tokenHash: hashToken(token)}
	return c, token, nil
}

// CreateConversation makes a conversation, as NewConversation does, and
// stores it.
func (s *Store) CreateConversation(ctx context.Context, customerID int64, locale string) (*Conversation, string, error) {
	c, token, err := s.NewConversation(customerID, locale)
	if err != nil {
		return nil, "", err
	}
	if _, err := s.Write(ctx, []*Conversation{c}, nil); err != nil {
		return nil, "", err
	}
	return c, token, nil
}

// insertConversation stores a conversation made by NewConversation.
func insertConversation(ctx context.Context, tx *sql.Tx, c *Conversation) error {
	if c.tokenHash == "" {
		return fmt.Errorf("store: conversation %s was not made by NewConversation", c.ID)
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO conversations (num, id, customer_id, resume_token_hash, state, locale, created_at, updated_at)
		VALUES (`+nextNum+`, ?, ?, ?, ?, ?, ?, ?)`, c.ID, nullID(c.CustomerID), c.tokenHash, c.State, c.Locale, ms(c.CreatedAt), ms(c.UpdatedAt))
	if err != nil {
		return fmt.Errorf("store: unable to create conversation: %w", err)
	}
	return nil
}

func hashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

const conversationColumns = `id, COALESCE(customer_id, 0), state, locale, COALESCE(assigned_staff_id, 0), last_seq,
	COALESCE(rating, 0), rating_comment, created_at, updated_at, closed_at`

func scanConversation(row interface{ Scan(...any) error }) (*Conversation, error) {
	var c Conversation
	var created, updated int64
	var closed sql.NullInt64
	if err := row.Scan(&c.ID, &c.CustomerID, &c.State, &c.Locale, &c.AssignedStaffID, &c.LastSeq,
		&c.Rating, &c.RatingComment, &created, &updated, &closed); err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt, c.ClosedAt = fromMS(created), fromMS(updated), fromNullMS(closed)
	return &c, nil
}

// Conversation returns the conversation with the given id.
func (s *Store) Conversation(ctx context.Context, id string) (*Conversation, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	c, err := scanConversation(s.r.QueryRowContext(ctx, `SELECT `+conversationColumns+` FROM conversations WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "conversation "+id)
	}
	return c, nil
}

// ConversationByResumeToken returns the conversation a shopper's resume
// token opens.
func (s *Store) ConversationByResumeToken(ctx context.Context, token string) (*Conversation, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	c, err := scanConversation(s.r.QueryRowContext(ctx, `SELECT `+conversationColumns+` FROM conversations WHERE resume_token_hash = ?`, hashToken(token)))
	if err != nil {
		return nil, notFound(err, "conversation")
	}
	return c, nil
}

// Event is something that happened to a conversation besides a message: a
// state change, a handoff request, a note, an assignment, a rating.
type Event struct {
	ID             int64
	ConversationID string
	Kind           string
	FromState      string
	ToState        string
	StaffID        int64
	Data           json.RawMessage
	CreatedAt      time.Time
}

// Event kinds.
const (
	EventState            = "state"
	EventHandoffRequested = "handoff_requested"
	EventNote             = "note"
	// EventRecommendationClick is a shopper following a recommended
	// product; Data is {"sku": …}, a product the shop has.
	EventRecommendationClick = "recommendation_click"
)

// AddEvent records an event that is not a state change (those go
// through ChangeState, which checks the state they start from).
func (s *Store) AddEvent(ctx context.Context, e *Event) error {
	if e.Kind == EventState || e.ToState != "" {
		return fmt.Errorf("store: a state change is made with ChangeState, not recorded as an event")
	}
	if e.CreatedAt.IsZero() {
		e.CreatedAt = s.now()
	}
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var data any
		if len(e.Data) > 0 {
			data = string(e.Data)
		}
		// A click counts only on a product the shop has: a made-up SKU,
		// sent by hand over the socket, is no recommendation followed.
		if e.Kind == EventRecommendationClick {
			var click struct {
				SKU string `json:"sku"`
			}
			json.Unmarshal(e.Data, &click)
			var one int
			if err := tx.QueryRowContext(ctx, `SELECT 1 FROM products WHERE sku = ?`, click.SKU).Scan(&one); err != nil {
				return notFound(err, "product "+click.SKU)
			}
		}
		res, err := tx.ExecContext(ctx, `
			INSERT INTO conversation_events (conversation_id, kind, from_state, to_state, staff_id, data, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, e.ConversationID, e.Kind, nullString(e.FromState), nullString(e.ToState),
			nullID(e.StaffID), data, ms(e.CreatedAt))
		if err != nil {
			return fmt.Errorf("store: unable to add %s event: %w", e.Kind, err)
		}
		e.ID, _ = res.LastInsertId()
		return nil
	})
}

// Events returns a conversation's events in the order they happened.
func (s *Store) Events(ctx context.Context, conversationID string) ([]Event, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	rows, err := s.r.QueryContext(ctx, `
		SELECT id, conversation_id, kind, COALESCE(from_state, ''), COALESCE(to_state, ''), COALESCE(staff_id, 0),
		       COALESCE(data, ''), created_at
		FROM conversation_events WHERE conversation_id = ? ORDER BY id`, conversationID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list events: %w", err)
	}
	defer rows.Close()
	var es []Event
	for rows.Next() {
		var e Event
		var data string
		var created int64
		if err := rows.Scan(&e.ID, &e.ConversationID, &e.Kind, &e.FromState, &e.ToState, &e.StaffID, &data, &created); err != nil {
			return nil, fmt.Errorf("store: unable to list events: %w", err)
		}
		if data != "" {
			e.Data = json.RawMessage(data)
		}
		e.CreatedAt = fromMS(created)
		es = append(es, e)
	}
	return es, rows.Err()
}

// RateConversation records the shopper's rating (1–5) and comment, and a
// "rated" event in place of an earlier rating's.
func (s *Store) RateConversation(ctx context.Context, id string, rating int, comment string) error {
	data, _ := json.Marshal(map[string]any{"rating": rating, "comment": comment})
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		now := ms(s.now())
		res, err := tx.ExecContext(ctx, `UPDATE conversations SET rating = ?, rating_comment = ?, updated_at = ? WHERE id = ?`,
			rating, comment, now, id)
		if err != nil {
			return fmt.Errorf("store: unable to rate conversation: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: conversation %s: %w", id, ErrNotFound)
		}
		// A conversation has one rating: the event of the one it replaces
		// goes, so the timeline holds one however often it is rated.
		if _, err := tx.ExecContext(ctx, `DELETE FROM conversation_events WHERE conversation_id = ? AND kind = 'rated'`, id); err != nil {
			return fmt.Errorf("store: unable to replace the rating: %w", err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO conversation_events (conversation_id, kind, data, created_at) VALUES (?, 'rated', ?, ?)`,
			id, string(data), now)
		if err != nil {
			return fmt.Errorf("store: unable to record rating: %w", err)
		}
		return nil
	})
}

// OrderShown is an order a conversation was shown, with the email a guest
// gave for it.
type OrderShown struct {
	OrderNumber string
	Email       string
	FirstAt     time.Time
}

// OrdersShown returns the orders conversation id was shown, first shown
// first.
func (s *Store) OrdersShown(ctx context.Context, id string) ([]OrderShown, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	rows, err := s.r.QueryContext(ctx, `SELECT order_number, email, first_at FROM conversation_orders
		WHERE conversation_id = ? ORDER BY first_at, order_number`, id)
	if err != nil {
		return nil, fmt.Errorf("store: unable to fetch the orders shown: %w", err)
	}
	defer rows.Close()
	var out []OrderShown
	for rows.Next() {
		var o OrderShown
		var at int64
		if err := rows.Scan(&o.OrderNumber, &o.Email, &at); err != nil {
			return nil, fmt.Errorf("store: unable to fetch the orders shown: %w", err)
		}
		o.FirstAt = fromMS(at)
		out = append(out, o)
	}
	return out, rows.Err()
}
