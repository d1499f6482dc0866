package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"

	"github.com/labstack/echo/v4"

	"github.com/kefu-dev/kefu/store"
)

// errorHandler writes every error as {"status", "message"} JSON. The cause
// stays in the log; a shopper or a shop's script sees only the public
// message. store.ErrNotFound is a 404. 5xx errors are logged once, here.
func errorHandler(log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		status, msg := http.StatusInternalServerError, "internal error"
		var he *echo.HTTPError
		switch {
		case errors.As(err, &he):
			status = he.Code
			msg = fmt.Sprint(he.Message)
		case errors.Is(err, store.ErrNotFound):
			status, msg = http.StatusNotFound, "not found"
		}
		if status >= 500 {
			log.Error("request failed", slog.Group("request", "method", c.Request().Method, "uri", c.Request().RequestURI),
				"client_ip", c.RealIP(), "status", status, "err", err)
		}
		if c.Request().Method == http.MethodHead {
			c.NoContent(status)
			return
		}
		c.JSON(status, map[string]any{"status": status, "message": msg})
	}
}

// recoverMiddleware turns a panic into a 500 instead of a crash, except
// http.ErrAbortHandler, which must abort the connection.
func recoverMiddleware(log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) (err error) {
			defer func() {
				if p := recover(); p != nil {
					if p == http.ErrAbortHandler {
						panic(p)
					}
					log.Error("handler panicked", "panic", p, "stack", string(debug.Stack()))
					err = echo.NewHTTPError(http.StatusInternalServerError, "internal error")
				}
			}()
			return next(c)
		}
	}
}
