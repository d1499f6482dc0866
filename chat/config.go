package chat

import (
	"net/http"
	"time"

	"github.com/kefu-dev/kefu/agents/voice"

	"golang.org/x/time/rate"
)

// Config tunes the engine. Zero values mean the documented defaults.
type Config struct {
	// ClientIP is a socket's client address for the per-address limits
	// (sockets, hellos): behind trusted proxies, read from the header they
	// set. Nil: the connection's address.
	ClientIP func(*http.Request) string
	// Voice is the shop's voice and hours: outside its hours a handoff
	// says when a person answers and asks for an email (hours.go). Nil:
	// always staffed.
	Voice *voice.Live
	// Mail sends a staff reply to a shopper who left, at the email they
	// left outside hours (continue.go); nil: no email. PublicURL is the
	// shop page the email's link opens with the widget; empty: no link.
	// ContinueLifetime is how long the link works; zero: 7 days.
	Mail             Mailer
	PublicURL        string
	ContinueLifetime time.Duration
	// IdentitySecret verifies signed shopper identities. Empty: every
	// identity is refused and shoppers chat as guests.
	IdentitySecret []byte
	// MaxIdentityLifetime refuses a signed identity that expires further
	// ahead than this. Zero: 7 days.
	MaxIdentityLifetime time.Duration
	// AllowedOrigins may open sockets besides kefu's own host, as
	// scheme://host[:port]. Zero value: same origin only.
	AllowedOrigins []string
	HelloTimeout   time.Duration // zero: 10s
	IdleTimeout    time.Duration // a socket with no shopper frame for this long is closed; zero: 30m
	PingPeriod     time.Duration // zero: 25s
	PongWait       time.Duration // zero: PingPeriod + 10s
	WriteWait      time.Duration // zero: 2s
	SendQueue      int           // frames queued per socket before it counts as slow; zero: 512
	TurnTimeout    time.Duration // zero: 2m
	FeedDelay      time.Duration // a turn shows typing, activity and streamed text after this long; zero: 150ms; negative: at once
	DeltaEvery     time.Duration // streamed text is sent at most once per this interval (feed.go); zero: 50ms; negative: as it comes
	MaxQueuedTurns int           // shopper messages waiting for the agent per conversation; zero: 16
	MessageRate    rate.Limit    // messages per second per socket; zero: 5
	MessageBurst   int           // zero: 10
	IPRate         rate.Limit    // messages per second per client IP; zero: 20
	IPBurst        int           // zero: 60
	// SocketsPerAddress bounds the shopper sockets open from one client
	// address (an IPv6 /64 is one); more are refused with 429 before the
	// upgrade. Zero: 50.
	SocketsPerAddress int
	// MaxSockets bounds the shopper sockets open in all; more are refused
	// with 503. Zero: the descriptor limit (RLIMIT_NOFILE) less
	// DescriptorReserve, kept for health checks, the console, staff
	// sockets and the database.
	MaxSockets        int
	DescriptorReserve int           // zero: a quarter of the limit, at most 1000
	HelloRate         rate.Limit    // hellos per second per client address; zero: 2
	HelloBurst        int           // zero: 60
	TokenHelloRate    rate.Limit    // hellos per second with one resume token; zero: 0.5 (page loads of a shopper browsing)
	TokenHelloBurst   int           // zero: 20
	FrameRate         rate.Limit    // frames of any type per second per socket; zero: 20, or 4 × MessageRate if more
	FrameBurst        int           // zero: 60, or 4 × MessageBurst if more
	TypingEvery       time.Duration // a socket's typing reaches staff at most this often (the last state wins); zero: 1s
	RatingEvery       time.Duration // a conversation's rating is stored at most this often (the last one wins); zero: 2s
	Now               func() time.Time
	// Bus carries conversations' events between the nodes serving them.
	// Nil: a LocalBus, for one node.
	Bus Bus
	// TurnLocks lets one node at a time run a conversation's turns when
	// several serve one database (TurnLeases). Nil: one node.
	TurnLocks TurnLocks
}

func (c *Config) defaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.HelloTimeout, 10*time.Second)
	def(&c.ContinueLifetime, 7*24*time.Hour)
	def(&c.IdleTimeout, 30*time.Minute)
	def(&c.PingPeriod, 25*time.Second)
	def(&c.PongWait, c.PingPeriod+10*time.Second)
	def(&c.WriteWait, 2*time.Second)
	def(&c.TurnTimeout, 2*time.Minute)
	def(&c.MaxIdentityLifetime, 7*24*time.Hour)
	if c.FeedDelay == 0 {
		c.FeedDelay = 150 * time.Millisecond
	}
	if c.DeltaEvery == 0 {
		c.DeltaEvery = 50 * time.Millisecond
	}
	if c.SendQueue <= 0 {
		c.SendQueue = 512
	}
	if c.MaxQueuedTurns <= 0 {
		c.MaxQueuedTurns = 16
	}
	if c.MessageRate <= 0 {
		c.MessageRate, c.MessageBurst = 5, max(c.MessageBurst, 10)
	}
	if c.MessageBurst <= 0 {
		c.MessageBurst = 10
	}
	if c.IPRate <= 0 {
		c.IPRate, c.IPBurst = 20, max(c.IPBurst, 60)
	}
	if c.IPBurst <= 0 {
		c.IPBurst = 60
	}
	if c.SocketsPerAddress <= 0 {
		c.SocketsPerAddress = 50
	}
	rateDefaults := func(r *rate.Limit, b *int, rv rate.Limit, bv int) {
		if *r <= 0 {
			*r = rv
		}
		if *b <= 0 {
			*b = bv
		}
	}
	rateDefaults(&c.HelloRate, &c.HelloBurst, 2, 60)
	rateDefaults(&c.TokenHelloRate, &c.TokenHelloBurst, 0.5, 20)
	// Every frame counts, messages too: the frame limit leaves room for
	// the message limit, whatever it was set to.
	rateDefaults(&c.FrameRate, &c.FrameBurst, max(20, 4*c.MessageRate), max(60, 4*c.MessageBurst))
	def(&c.TypingEvery, time.Second)
	def(&c.RatingEvery, 2*time.Second)
	if c.Now == nil {
		c.Now = time.Now
	}
}
