package chat

import (
	"net/http"
	"net/url"
	"strings"
)

// checkOrigin allows the socket's own host and the configured origins.
// Requests without an Origin header come from programs, not browsers, so
// they cannot be cross-site hijacks.
func (e *Engine) checkOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil {
		return false
	}
	if strings.EqualFold(u.Host, r.Host) {
		return true
	}
	for _, o := range e.cfg.AllowedOrigins {
		if strings.EqualFold(strings.TrimRight(o, "/"), origin) {
			return true
		}
	}
	return false
}

// SameOrigin allows only kefu's own host: the staff socket and the
// console API. The console is kefu's own page, never embedded in a shop's,
// so the widget's allowed origins do not apply to it; a page on one of
// them must not act with a staff member's session. Like checkOrigin, a
// request without an Origin header (a program, not a browser) passes.
func SameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host != "" && strings.EqualFold(u.Host, r.Host)
}
