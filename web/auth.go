package web

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"golang.org/x/crypto/bcrypt"

	"github.com/kefu-dev/kefu/chat"
	"github.com/kefu-dev/kefu/store"
)

const (
	sessionCookie = "kefu_session"
	sessionTTL    = 12 * time.Hour
	csrfHeader    = "X-CSRF-Token"
)

// sessionAuth requires a staff session on every console route, and the
// session's CSRF token on every state-changing request. A shopper's resume
// token is not a session: nothing here reads it.
func (h *handler) sessionAuth(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ck, err := c.Cookie(sessionCookie)
		if err != nil || ck.Value == "" {
			return echo.NewHTTPError(http.StatusUnauthorized, "sign in first")
		}
		st, csrf, err := h.deps.Store.Session(c.Request().Context(), ck.Value)
		if errors.Is(err, store.ErrNotFound) {
			return echo.NewHTTPError(http.StatusUnauthorized, "your session has expired; sign in again")
		}
		if err != nil {
			return err
		}
		if c.Request().Method != http.MethodGet && c.Request().Method != http.MethodHead {
			got := c.Request().Header.Get(csrfHeader)
			if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(csrf)) != 1 {
				return echo.NewHTTPError(http.StatusForbidden, "missing or wrong CSRF token")
			}
		}
		if st.MustChangePassword && !passwordChangeRoutes[c.Path()] {
			return echo.NewHTTPError(http.StatusForbidden, "choose a new password first (POST /api/console/password)")
		}
		c.Set("staff", st)
		c.Set("csrf", csrf)
		c.Set("session", ck.Value)
		return next(c)
	}
}

// passwordChangeRoutes are what a session may use while its staff member
// must choose a new password: someone else knows the one they signed in
// with (the first admin's one-time password, printed to the log).
var passwordChangeRoutes = map[string]bool{
	"/api/console/me":       true,
	"/api/console/logout":   true,
	"/api/console/password": true,
}

// sameOriginWrites refuses a console request that changes something
// (sign-in included) from a page that is not kefu's own. The shops'
// origins (KEFU_ALLOWED_ORIGINS) may embed the widget, not act for staff:
// a page on a sibling subdomain is same-site, so a SameSite cookie alone
// does not keep it out.
func sameOriginWrites(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		m := c.Request().Method
		if m != http.MethodGet && m != http.MethodHead && !chat.SameOrigin(c.Request()) {
			return echo.NewHTTPError(http.StatusForbidden, "the console accepts changes only from its own pages")
		}
		return next(c)
	}
}

func adminOnly(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if staffOf(c).Role != store.RoleAdmin {
			return echo.NewHTTPError(http.StatusForbidden, "only admins can do that")
		}
		return next(c)
	}
}

func staffOf(c echo.Context) *store.Staff { return c.Get("staff").(*store.Staff) }

// dummyHash makes a wrong email cost as much as a wrong password, so
// timing does not reveal which emails are staff. It is made on the first
// sign-in, not when any kefu command starts.
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("not a password"), bcrypt.DefaultCost)
	return h
})

func (h *handler) login(c echo.Context) error {
	var in struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if err := c.Bind(&in); err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "send email and password as JSON")
	}
	email := strings.ToLower(strings.TrimSpace(in.Email))
	if len(email) > 254 {
		return echo.NewHTTPError(http.StatusBadRequest, "the email is longer than 254 characters")
	}
	ctx := c.Request().Context()
	addr := loginAddress(c.RealIP())
	st, err := h.deps.Store.StaffByEmail(ctx, email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	// The look-up runs for an unknown email too (staff id 0), so that
	// its timing does not tell which emails are staff.
	var staffID int64
	if st != nil {
		staffID = st.ID
	}
	known, err := h.deps.Store.KnownLoginAddress(ctx, staffID, addr)
	if err != nil {
		return err
	}
	now := h.deps.Now()
	if ok, wait := h.logins.take(email, addr, known, now); !ok {
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(wait/time.Second)+1))
		return echo.NewHTTPError(http.StatusTooManyRequests, "too many sign-in attempts; wait a minute")
	}
	hash := dummyHash()
	if st != nil {
		hash = []byte(st.PasswordHash)
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(in.Password)) != nil || st == nil {
		return echo.NewHTTPError(http.StatusUnauthorized, "wrong email or password")
	}
	h.logins.succeeded(email, addr, known, now)
	if err := h.deps.Store.RememberLoginAddress(ctx, st.ID, addr); err != nil {
		return err
	}
	token, csrf, err := h.deps.Store.CreateSession(ctx, st.ID, sessionTTL)
	if err != nil {
		return err
	}
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: c.IsTLS() || c.Request().Header.Get("X-Forwarded-Proto") == "https", Expires: time.Now().Add(sessionTTL)})
	return c.JSON(http.StatusOK, map[string]any{"staff": selfView(st), "csrf_token": csrf})
}

func (h *handler) logout(c echo.Context) error {
	if ck, err := c.Cookie(sessionCookie); err == nil {
		h.deps.Store.DeleteSession(c.Request().Context(), ck.Value)
	}
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode, MaxAge: -1})
	return c.NoContent(http.StatusNoContent)
}

func (h *handler) me(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]any{"staff": selfView(staffOf(c)), "csrf_token": c.Get("csrf")})
}

type staffJSON struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
	Role  string `json:"role"`
	// Set only for the staff member signed in: the console shows the
	// change-password screen instead of the inbox.
	MustChangePassword bool `json:"must_change_password,omitempty"`
}

func staffView(s *store.Staff) staffJSON {
	return staffJSON{ID: s.ID, Name: s.Name, Email: s.Email, Role: s.Role}
}

// selfView is the signed-in staff member as they see themselves.
func selfView(s *store.Staff) staffJSON {
	v := staffView(s)
	v.MustChangePassword = s.MustChangePassword
	return v
}

// MinPasswordLength is the shortest staff password, in characters.
const MinPasswordLength = 10

// HashPassword hashes a staff password with bcrypt, refusing short ones.
func HashPassword(pw string) (string, error) {
	if utf8.RuneCountInString(pw) < MinPasswordLength {
		return "", fmt.Errorf("the password must be at least %d characters", MinPasswordLength)
	}
	if len(pw) > 72 {
		return "", errors.New("the password must be at most 72 bytes (a bcrypt limit)")
	}
	b, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	return string(b), err
}
