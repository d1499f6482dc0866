package chat

import (
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// socket is the sending half of every socket, a shopper's or a staff
// member's: a bounded queue of outgoing frames that a writer goroutine
// drains. The writer runs only while there is something to send, so that
// an idle socket (most of them) costs one goroutine, its reader, not two,
// and holds no write buffer. Pings are queued like frames, by a timer.
type socket struct {
	ws        *websocket.Conn
	writeWait time.Duration
	maxQueue  int
	pingEvery time.Duration
	onSlow    func() // the queue was full: the socket is being closed
	onClose   func() // runs once, when the socket closes

	closeOnce sync.Once
	quit      chan struct{} // closed when the socket closes
	ping      *time.Timer   // guarded by mu: a close can come from Shutdown as pings start

	mu      sync.Mutex
	out     []outFrame // frames to write
	writing bool       // a writer goroutine is draining out
	ending  bool       // a close frame is queued: nothing more is
}

// outFrame is a frame queued for the writer: a text frame, a ping, or
// the close frame that ends the socket.
type outFrame struct {
	b     []byte
	ping  bool
	close int // a close code
}

func newSocket(ws *websocket.Conn, cfg *Config) *socket {
	return &socket{ws: ws, writeWait: cfg.WriteWait, maxQueue: cfg.SendQueue, pingEvery: cfg.PingPeriod, quit: make(chan struct{})}
}

// startPings pings the peer every pingEvery until the socket closes.
func (s *socket) startPings() {
	s.mu.Lock()
	s.ping = time.AfterFunc(s.pingEvery, s.sendPing)
	s.mu.Unlock()
}

// enqueue queues a text frame; it never blocks. A socket whose queue is
// full is too slow to keep up and is closed, so it cannot hold anyone up.
func (s *socket) enqueue(b []byte) { s.queue(outFrame{b: b}) }

func (s *socket) queue(f outFrame) {
	select {
	case <-s.quit:
		return
	default:
	}
	s.mu.Lock()
	if s.ending {
		s.mu.Unlock()
		return // the close frame is queued: the peer reads nothing after it
	}
	s.ending = f.close != 0
	if len(s.out) >= s.maxQueue && f.close == 0 {
		s.mu.Unlock()
		if s.onSlow != nil {
			s.onSlow()
		}
		// Not here: queue runs on the writer's goroutine too, and the
		// close frame may wait writeWait for a socket that is not reading.
		go s.closeWith(CloseSlow)
		return
	}
	s.out = append(s.out, f)
	start := !s.writing
	s.writing = true
	s.mu.Unlock()
	if start {
		go s.write()
	}
}

// write sends the queued frames in order until the queue is empty. Only one
// runs at a time (socket.writing).
func (s *socket) write() {
	for {
		s.mu.Lock()
		frames := s.out
		s.out = nil
		if len(frames) == 0 {
			s.writing = false
			s.mu.Unlock()
			return
		}
		s.mu.Unlock()
		for _, f := range frames {
			var err error
			deadline := time.Now().Add(s.writeWait)
			switch {
			case f.close != 0:
				// Sent after every frame queued before it (the acks of
				// what was stored, the errors of what was refused). The
				// read pump drops what the peer still sends for a second,
				// until it closes too: closing the TCP connection with
				// unread frames in it would reset it, and the peer would
				// lose what it was sent.
				s.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(f.close, closeReasons[f.close]), deadline)
				s.ws.SetReadDeadline(time.Now().Add(time.Second))
				s.mu.Lock()
				s.out, s.writing = nil, false
				s.mu.Unlock()
				return
			case f.ping:
				err = s.ws.WriteControl(websocket.PingMessage, nil, deadline)
			default:
				s.ws.SetWriteDeadline(deadline)
				err = s.ws.WriteMessage(websocket.TextMessage, f.b)
			}
			if err != nil {
				s.closeWith(websocket.CloseGoingAway)
				s.mu.Lock()
				s.out, s.writing = nil, false
				s.mu.Unlock()
				return
			}
		}
	}
}

// sendPing queues a ping, and the next one.
func (s *socket) sendPing() {
	select {
	case <-s.quit:
		return
	default:
	}
	s.queue(outFrame{ping: true})
	s.mu.Lock()
	s.ping.Reset(s.pingEvery)
	s.mu.Unlock()
}

// closeWith ends the socket with a close code at once; safe to call many
// times and from any goroutine.
func (s *socket) closeWith(code int) {
	s.closeOnce.Do(func() {
		close(s.quit)
		s.mu.Lock()
		if s.ping != nil {
			s.ping.Stop()
		}
		s.mu.Unlock()
		if s.onClose != nil {
			s.onClose()
		}
		msg := websocket.FormatCloseMessage(code, closeReasons[code])
		s.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(s.writeWait))
		s.ws.Close()
	})
}
