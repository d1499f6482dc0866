package web

import (
	"context"
	"io"
	"net/http"
	"time"

	"github.com/kefu-dev/kefu/chat"
	"github.com/kefu-dev/kefu/store"
)

// The handlers' view of the store, one interface per concern: each says
// what its handlers read and write, and a test may pass anything that
// has those methods. *store.Store has them all.
type (
	// sessionStore: sign-in, sessions and passwords (auth.go, password.go).
	sessionStore interface {
		StaffByEmail(ctx context.Context, email string) (*store.Staff, error)
		CreateSession(ctx context.Context, staffID int64, ttl time.Duration) (token, csrf string, err error)
		Session(ctx context.Context, token string) (*store.Staff, string, error)
		DeleteSession(ctx context.Context, token string) error
		KnownLoginAddress(ctx context.Context, staffID int64, address string) (bool, error)
		RememberLoginAddress(ctx context.Context, staffID int64, address string) error
		ChangeOwnPassword(ctx context.Context, id int64, hash, keep string) error
	}
	// consoleStore: the live inbox, a conversation and its customer, and
	// the staff list (console.go).
	consoleStore interface {
		Summaries(ctx context.Context, state string, mine int64, limit int) ([]store.Summary, error)
		Conversation(ctx context.Context, id string) (*store.Conversation, error)
		ConversationSummary(ctx context.Context, id string) (*store.Summary, error)
		Messages(ctx context.Context, conversationID string, afterSeq int64, limit int) ([]store.Message, error)
		Events(ctx context.Context, conversationID string) ([]store.Event, error)
		OrdersShown(ctx context.Context, id string) ([]store.OrderShown, error)
		Customer(ctx context.Context, id int64) (*store.Customer, error)
		CachedSummary(ctx context.Context, customerID int64) (*store.CustomerSummary, error)
		SaveSummary(ctx context.Context, customerID int64, c *store.CustomerSummary) error
		StaffList(ctx context.Context) ([]store.Staff, error)
		StaffMember(ctx context.Context, id int64) (*store.Staff, error)
		CreateStaff(ctx context.Context, st *store.Staff) error
	}
	// customerStore: what a customer's page is built from (the insight
	// package's History, and tools.Recommend).
	customerStore interface {
		OrdersByCustomer(ctx context.Context, customerID int64, limit int) ([]store.Order, error)
		ReturnsByOrder(ctx context.Context, orderID int64) ([]store.Return, error)
		ReviewsByCustomer(ctx context.Context, customerID int64) ([]store.Review, error)
		ConversationsByCustomer(ctx context.Context, customerID int64, limit int) ([]store.Summary, []bool, error)
		CouponsByCustomer(ctx context.Context, customerID int64) ([]store.Coupon, error)
		PurchasesByCustomer(ctx context.Context, customerID int64) ([]store.PurchasedItem, error)
		Products(ctx context.Context) ([]store.ProductStats, error)
	}
	// reportStore: transcripts, exports, replays, segments and the
	// dashboard (transcripts.go, export.go, replay.go, segments.go,
	// stats.go).
	reportStore interface {
		SearchTranscripts(ctx context.Context, f store.TranscriptFilter) (*store.TranscriptPage, error)
		Transcript(ctx context.Context, sm store.Summary) (*store.TranscriptJSON, error)
		ExportCSV(ctx context.Context, f store.TranscriptFilter, w io.Writer) (int, error)
		ExportJSONL(ctx context.Context, f store.TranscriptFilter, w io.Writer) (int, error)
		Segment(ctx context.Context, f store.SegmentFilter) ([]store.SegmentCustomer, error)
		DailyStats(ctx context.Context, from, to time.Time, locale string) ([]store.DayStats, error)
		ToolStats(ctx context.Context, from, to time.Time) (map[string]map[string]int, error)
	}
	// demoStore: the demo shop's customers and products (demo.go).
	demoStore interface {
		Customers(ctx context.Context) ([]store.Customer, error)
		CustomerByExternalID(ctx context.Context, ext string) (*store.Customer, error)
	}
)

// Store is every store method the handlers use.
type Store interface {
	sessionStore
	consoleStore
	customerStore
	reportStore
	demoStore
	Ping(ctx context.Context) error
}

// Engine is what the handlers ask of the conversation engine: the two
// sockets and the staff's actions. *chat.Engine is one.
type Engine interface {
	ServeWS(w http.ResponseWriter, r *http.Request)
	ServeStaffWS(w http.ResponseWriter, r *http.Request, s chat.StaffMember)
	TakeOver(ctx context.Context, id string, s chat.StaffMember) error
	StaffReply(ctx context.Context, id string, s chat.StaffMember, clientID, text string) (int64, error)
	StaffTyping(id string, typing bool)
	Note(ctx context.Context, id string, s chat.StaffMember, text string) error
	Assign(ctx context.Context, id string, to, by chat.StaffMember) error
	HandBack(ctx context.Context, id string, s chat.StaffMember) error
	Close(ctx context.Context, id string, s chat.StaffMember) error
	Writer() *store.Writer // readiness reads its health
}

var (
	_ Store  = (*store.Store)(nil)
	_ Engine = (*chat.Engine)(nil)
)
