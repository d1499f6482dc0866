package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/crypto/bcrypt"

	"github.com/kefu-dev/kefu/store"
)

// changePassword lets the staff member signed in choose a new password,
// giving the current one: a session left open on a shared computer is
// not enough to take the account. Wrong current passwords count against
// the sign-in limits, as a wrong sign-in does. The session stays signed
// in; the member's other sessions end.
func (h *handler) changePassword(c echo.Context) error {
	var in struct {
		Current string `json:"current_password"`
		New     string `json:"new_password"`
	}
	if err := c.Bind(&in); err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "send current_password and new_password as JSON")
	}
	st := staffOf(c)
	ctx := c.Request().Context()
	addr, now := loginAddress(c.RealIP()), h.deps.Now()
	if ok, wait := h.logins.take(st.Email, addr, true, now); !ok {
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(wait/time.Second)+1))
		return echo.NewHTTPError(http.StatusTooManyRequests, "too many wrong passwords; wait a minute")
	}
	if bcrypt.CompareHashAndPassword([]byte(st.PasswordHash), []byte(in.Current)) != nil {
		return echo.NewHTTPError(http.StatusForbidden, "the current password is wrong")
	}
	h.logins.succeeded(st.Email, addr, true, now)
	if in.New == in.Current {
		return echo.NewHTTPError(http.StatusBadRequest, "the new password must differ from the current one")
	}
	hash, err := HashPassword(in.New)
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, err.Error())
	}
	token, _ := c.Get("session").(string)
	if err := h.deps.Store.ChangeOwnPassword(ctx, st.ID, hash, token); errors.Is(err, store.ErrNotFound) {
		return echo.NewHTTPError(http.StatusUnauthorized, "your account was removed")
	} else if err != nil {
		return err
	}
	st.MustChangePassword = false
	return c.JSON(http.StatusOK, map[string]any{"staff": selfView(st), "csrf_token": c.Get("csrf")})
}
