package tools

import "sync"

// DecodeShared is Decode for readers that only look: a tool result is
// read back several times in its own turn (by the built-in model, the
// claim check, the look-up of a pending action and the shopper's cards)
// and again in every later turn whose history holds it, so the decoded
// results are kept, a bounded number of them, keyed by tool and content.
// The Result and its Data are shared between callers: read them, never
// change them.
func DecodeShared(tool, content string) (Result, error) {
	k := sharedKey{tool, content}
	shared.mu.Lock()
	d, ok := shared.m[k]
	shared.mu.Unlock()
	if ok {
		return d.r, d.err
	}
	d.r, d.err = Decode(tool, content)
	shared.mu.Lock()
	if shared.m == nil || len(shared.m) >= sharedMax {
		shared.m = make(map[sharedKey]sharedResult) // starting over is crude, but bounded and rare
	}
	shared.m[k] = d
	shared.mu.Unlock()
	return d.r, d.err
}

// sharedMax bounds the decoded results kept: a few per open conversation
// for a few thousand conversations.
const sharedMax = 8192

type sharedKey struct{ tool, content string }

type sharedResult struct {
	r   Result
	err error
}

var shared struct {
	mu sync.Mutex
	m  map[sharedKey]sharedResult
}
