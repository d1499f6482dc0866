package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/kefu-dev/kefu/agents"
	"github.com/kefu-dev/kefu/chat"
	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/tools"
	"github.com/kefu-dev/kefu/tools/insight"
)

func member(c echo.Context) chat.StaffMember {
	s := staffOf(c)
	return chat.StaffMember{ID: s.ID, Name: s.Name}
}

func (h *handler) conversations(c echo.Context) error {
	limit, _ := strconv.Atoi(c.QueryParam("limit"))
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	state := c.QueryParam("state")
	var mine int64
	switch state {
	case "", store.StateBot, store.StateQueued, store.StateHuman, store.StateClosed:
	case "mine":
		state, mine = "", staffOf(c).ID
	default:
		return echo.NewHTTPError(http.StatusBadRequest, "state must be queued, bot, human, closed or mine")
	}
	ss, err := h.deps.Store.Summaries(c.Request().Context(), state, mine, limit)
	if err != nil {
		return err
	}
	out := make([]chat.SummaryJSON, 0, len(ss))
	for i := range ss {
		out = append(out, chat.SummaryView(&ss[i]))
	}
	return c.JSON(http.StatusOK, map[string]any{"conversations": out})
}

func (h *handler) conversation(c echo.Context) error {
	ctx := c.Request().Context()
	id := c.Param("id")
	sm, err := h.deps.Store.ConversationSummary(ctx, id)
	if err != nil {
		return err
	}
	ms, err := h.deps.Store.Messages(ctx, id, 0, 5000)
	if err != nil {
		return err
	}
	evs, err := h.deps.Store.Events(ctx, id)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	staffName := func(sid int64) string {
		if n, ok := names[sid]; ok {
			return n
		}
		if st, err := h.deps.Store.StaffMember(ctx, sid); err == nil {
			names[sid] = st.Name
		}
		return names[sid]
	}
	photos, err := h.photoViews(ctx, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"conversation": chat.SummaryView(sm), "timeline": chat.Timeline(ms, evs, staffName), "photos": photos})
}

func (h *handler) customer(c echo.Context) error {
	ctx := c.Request().Context()
	conv, err := h.deps.Store.Conversation(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	out := map[string]any{"customer": nil, "orders": []any{}, "returns": []any{}, "conversations": []any{}}
	if conv.CustomerID == 0 {
		// A guest: the orders kefu showed them, and the emails they gave.
		shown, err := h.deps.Store.OrdersShown(ctx, conv.ID)
		if err != nil {
			return err
		}
		emails, orders := []string{}, []string{}
		for _, o := range shown {
			orders = append(orders, o.OrderNumber)
			if o.Email != "" && !slices.Contains(emails, o.Email) {
				emails = append(emails, o.Email)
			}
		}
		out["revealed"] = map[string]any{"emails": emails, "orders": orders}
		return c.JSON(http.StatusOK, out)
	}
	cu, err := h.deps.Store.Customer(ctx, conv.CustomerID)
	if err != nil {
		return err
	}
	out["customer"] = map[string]any{"id": cu.ID, "name": cu.Name, "email": cu.Email, "locale": cu.Locale}
	os, err := h.deps.Store.OrdersByCustomer(ctx, cu.ID, 20)
	if err != nil {
		return err
	}
	orders, returns := []map[string]any{}, []map[string]any{}
	for _, o := range os {
		var items []map[string]any
		for _, it := range o.Items {
			items = append(items, map[string]any{"title": it.Title, "quantity": it.Quantity})
		}
		orders = append(orders, map[string]any{"number": o.Number, "status": o.Status, "total": o.Total.String(),
			"currency": o.Currency, "placed_at": o.PlacedAt, "items": items})
		rs, err := h.deps.Store.ReturnsByOrder(ctx, o.ID)
		if err != nil {
			return err
		}
		for _, r := range rs {
			entry := map[string]any{"rma": r.RMA, "order_number": r.OrderNumber, "status": r.Status, "refund": r.Refund.String()}
			if r.Kind == store.ReturnKindExchange {
				// An exchange sends a replacement out rather than a refund.
				var out []string
				for _, it := range r.Items {
					out = append(out, it.ReplacementTitle)
				}
				entry["kind"], entry["exchanged_for"] = r.Kind, strings.Join(out, "; ")
			}
			returns = append(returns, entry)
		}
	}
	convs, handed, err := h.deps.Store.ConversationsByCustomer(ctx, cu.ID, 20)
	if err != nil {
		return err
	}
	past := []map[string]any{}
	for i, cv := range convs {
		past = append(past, map[string]any{"id": cv.ID, "state": cv.State, "created_at": cv.CreatedAt, "rating": cv.Rating, "handed_off": handed[i]})
	}
	coupons, err := h.deps.Store.CouponsByCustomer(ctx, cu.ID)
	if err != nil {
		return err
	}
	cs := []map[string]any{}
	for _, cp := range coupons {
		cs = append(cs, map[string]any{"code": cp.Code, "percent": cp.Percent, "reason": cp.Reason, "created_at": cp.CreatedAt,
			"expires_at": cp.ExpiresAt, "evidence": cp.Evidence})
	}
	out["orders"], out["returns"], out["conversations"], out["coupons"] = orders, returns, past, cs
	return c.JSON(http.StatusOK, out)
}

func (h *handler) staffList(c echo.Context) error {
	ss, err := h.deps.Store.StaffList(c.Request().Context())
	if err != nil {
		return err
	}
	out := make([]staffJSON, 0, len(ss))
	for i := range ss {
		out = append(out, staffView(&ss[i]))
	}
	return c.JSON(http.StatusOK, map[string]any{"staff": out})
}

func (h *handler) addStaff(c echo.Context) error {
	var in struct {
		Email, Name, Role, Password string
	}
	if err := c.Bind(&in); err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "send email, name, role and password as JSON")
	}
	in.Email, in.Name = strings.TrimSpace(in.Email), strings.TrimSpace(in.Name)
	if err := store.ValidStaffEmail(in.Email); err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, err.Error())
	}
	if in.Name == "" || (in.Role != store.RoleAdmin && in.Role != store.RoleAgent) {
		return echo.NewHTTPError(http.StatusBadRequest, "a name and a role of admin or agent are required")
	}
	hash, err := HashPassword(in.Password)
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, err.Error())
	}
	// The admin chose the password and knows it: the new member replaces
	// it at their first sign-in.
	st := &store.Staff{Email: in.Email, Name: in.Name, Role: in.Role, PasswordHash: hash, MustChangePassword: true}
	if err := h.deps.Store.CreateStaff(c.Request().Context(), st); errors.Is(err, store.ErrDuplicate) {
		return echo.NewHTTPError(http.StatusConflict, "a staff member with that email exists")
	} else if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, staffView(st))
}

// mapChatError turns the engine's refusals into HTTP errors.
func mapChatError(err error) error {
	var taken *chat.ErrTaken
	switch {
	case err == nil:
		return nil
	case errors.As(err, &taken):
		return echo.NewHTTPError(http.StatusConflict, taken.Holder+" from support has it")
	case errors.Is(err, chat.ErrNotYours):
		return echo.NewHTTPError(http.StatusConflict, "take the conversation over first")
	case errors.Is(err, store.ErrConflict):
		return echo.NewHTTPError(http.StatusConflict, "the conversation is closed")
	}
	return err
}

func (h *handler) takeover(c echo.Context) error {
	if err := mapChatError(h.deps.Engine.TakeOver(c.Request().Context(), c.Param("id"), member(c))); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"state": store.StateHuman, "staff": staffOf(c).Name})
}

func textBody(c echo.Context, max int) (string, string, error) {
	var in struct {
		Text     string `json:"text"`
		ClientID string `json:"client_id"`
	}
	if err := c.Bind(&in); err != nil {
		return "", "", echo.NewHTTPError(http.StatusBadRequest, "send text as JSON")
	}
	in.Text = strings.TrimSpace(in.Text)
	if in.Text == "" || utf8.RuneCountInString(in.Text) > max || len(in.ClientID) > 64 {
		return "", "", echo.NewHTTPError(http.StatusBadRequest, "text must be 1 to "+strconv.Itoa(max)+" characters")
	}
	return in.Text, in.ClientID, nil
}

func (h *handler) reply(c echo.Context) error {
	text, clientID, err := textBody(c, chat.MaxTextRunes)
	if err != nil {
		return err
	}
	seq, err := h.deps.Engine.StaffReply(c.Request().Context(), c.Param("id"), member(c), clientID, text)
	if err := mapChatError(err); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]int64{"seq": seq})
}

func (h *handler) note(c echo.Context) error {
	text, _, err := textBody(c, 4000)
	if err != nil {
		return err
	}
	// A note on a conversation that does not exist is a 404, not a
	// failed insert.
	if _, err := h.deps.Store.Conversation(c.Request().Context(), c.Param("id")); err != nil {
		return err
	}
	if err := h.deps.Engine.Note(c.Request().Context(), c.Param("id"), member(c), text); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (h *handler) assign(c echo.Context) error {
	var in struct {
		StaffID int64 `json:"staff_id"`
	}
	if err := c.Bind(&in); err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "send staff_id as JSON")
	}
	to, err := h.deps.Store.StaffMember(c.Request().Context(), in.StaffID)
	if err != nil {
		return err
	}
	if err := mapChatError(h.deps.Engine.Assign(c.Request().Context(), c.Param("id"), chat.StaffMember{ID: to.ID, Name: to.Name}, member(c))); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (h *handler) handback(c echo.Context) error {
	if err := mapChatError(h.deps.Engine.HandBack(c.Request().Context(), c.Param("id"), member(c))); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (h *handler) closeConversation(c echo.Context) error {
	if err := mapChatError(h.deps.Engine.Close(c.Request().Context(), c.Param("id"), member(c))); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (h *handler) staffTyping(c echo.Context) error {
	var in struct {
		Typing bool `json:"typing"`
	}
	c.Bind(&in)
	h.deps.Engine.StaffTyping(c.Param("id"), in.Typing)
	return c.NoContent(http.StatusNoContent)
}

func (h *handler) staffSocket(c echo.Context) error {
	h.deps.Engine.ServeStaffWS(c.Response(), c.Request(), member(c))
	return nil
}

// customerPage is the customer page: profile, timeline, needs profile with
// its evidence, and recommendations from recommend_products.
func (h *handler) customerPage(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "a customer id is a number")
	}
	cu, err := h.deps.Store.Customer(ctx, id)
	if err != nil {
		return err
	}
	timeline, needs, err := insight.History(ctx, h.deps.Store, id, h.deps.Now())
	if err != nil {
		return err
	}
	rec, err := tools.Recommend(ctx, h.deps.Store, id, 4)
	if err != nil {
		return err
	}
	// With the built-in model the needs profile is the summary; with a
	// hosted one, a written summary once staff asked for it.
	var summary any
	if cached, err := h.deps.Store.CachedSummary(ctx, id); err == nil && cached.FactsHash == insight.FactsHash(needs) {
		summary = cached
	}
	return c.JSON(http.StatusOK, map[string]any{
		"customer":        map[string]any{"id": cu.ID, "name": cu.Name, "email": cu.Email, "locale": cu.Locale, "since": cu.CreatedAt},
		"needs":           needs,
		"timeline":        timeline,
		"recommendations": rec,
		"summary":         summary,
		"can_summarise":   h.deps.Summary.Model != nil,
	})
}

// summarise asks the hosted model for a short summary of the customer from
// their needs profile, and caches it until the facts change.
func (h *handler) summarise(c echo.Context) error {
	if h.deps.Summary.Model == nil {
		return echo.NewHTTPError(http.StatusConflict, "kefu runs the built-in model: the needs profile is the summary")
	}
	ctx := c.Request().Context()
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "a customer id is a number")
	}
	if _, err := h.deps.Store.Customer(ctx, id); err != nil {
		return err
	}
	_, needs, err := insight.History(ctx, h.deps.Store, id, h.deps.Now())
	if err != nil {
		return err
	}
	hash := insight.FactsHash(needs)
	if cached, err := h.deps.Store.CachedSummary(ctx, id); err == nil && cached.FactsHash == hash {
		return c.JSON(http.StatusOK, map[string]any{"summary": cached, "cached": true})
	}
	text, err := agents.Summarise(ctx, h.deps.Summary, insight.Facts(needs), 30*time.Second)
	if err != nil {
		h.deps.Log.Warn("customer summary failed", "customer_id", id, "err", err)
		return echo.NewHTTPError(http.StatusBadGateway, "the model could not write a summary; the needs profile below has the facts")
	}
	s := &store.CustomerSummary{Model: h.deps.Summary.Name, Text: text, FactsHash: hash}
	if err := h.deps.Store.SaveSummary(ctx, id, s); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"summary": s, "cached": false})
}
