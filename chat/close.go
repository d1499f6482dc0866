package chat

// WebSocket close codes kefu sends, in the 4000 range the protocol leaves
// to applications, with reasons short enough for a control frame (at most
// 123 bytes). docs/protocol.md says what the widget does with each.
const (
	CloseNoHello   = 4001 // no hello in time
	CloseOrigin    = 4003 // origin not allowed
	CloseSlow      = 4008 // the outbound queue overflowed
	CloseIdle      = 4009 // idle too long
	CloseShutdown  = 4010 // the server is shutting down
	CloseFlood     = 4029 // went on sending after many rate_limited errors
	closeReasonMax = 123
)

var closeReasons = map[int]string{
	CloseNoHello:  "no hello received in time",
	CloseOrigin:   "origin not allowed",
	CloseSlow:     "too slow to receive messages",
	CloseIdle:     "idle for too long",
	CloseShutdown: "server shutting down",
	CloseFlood:    "too many messages; slow down",
}
