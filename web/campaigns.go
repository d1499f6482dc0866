package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/kefu-dev/kefu/store"
)

// campaignStore is what the campaign handlers need; *store.Store has it.
type campaignStore interface {
	CampaignsWithFigures(ctx context.Context) ([]store.CampaignFigures, error)
	CreateCampaign(ctx context.Context, c *store.Campaign) error
	StopCampaign(ctx context.Context, id int64) error
	ReportRedemption(ctx context.Context, orderNumber, code string) (*store.Campaign, error)
	Segment(ctx context.Context, f store.SegmentFilter) ([]store.SegmentCustomer, error)
}

var _ campaignStore = (*store.Store)(nil)

func (h *handler) campaignStore() (campaignStore, error) {
	cs, ok := h.deps.Store.(campaignStore)
	if !ok {
		return nil, echo.NewHTTPError(http.StatusNotImplemented, "this store has no campaigns")
	}
	return cs, nil
}

// campaigns lists the campaigns with their figures (shown, clicked,
// dismissed, redeemed, conversion).
func (h *handler) campaigns(c echo.Context) error {
	cs, err := h.campaignStore()
	if err != nil {
		return err
	}
	list, err := cs.CampaignsWithFigures(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"campaigns": list, "shop_coupon_percent": h.couponPercent(),
		"max_active": store.MaxActiveCampaigns, "max_message": store.MaxCampaignMessage})
}

func (h *handler) couponPercent() int {
	if h.opts.CouponPercent > 0 {
		return h.opts.CouponPercent
	}
	return 10
}

// campaignRequest is a new campaign as the console posts it.
type campaignRequest struct {
	Name      string                `json:"name"`
	Segment   store.CampaignSegment `json:"segment"`
	MessageEN string                `json:"message_en"`
	MessageZH string                `json:"message_zh"`
	StartsAt  time.Time             `json:"starts_at"`
	EndsAt    time.Time             `json:"ends_at"`
	Coupon    *struct {
		Code string `json:"code"`
		// Percent: zero takes the shop's fixed percentage.
		Percent   int       `json:"percent"`
		ExpiresAt time.Time `json:"expires_at"`
	} `json:"coupon"`
}

// createCampaign turns a segment into a campaign (admins).
func (h *handler) createCampaign(c echo.Context) error {
	cs, err := h.campaignStore()
	if err != nil {
		return err
	}
	var req campaignRequest
	if err := c.Bind(&req); err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "the campaign must be JSON: name, segment, message_en, message_zh, starts_at, ends_at, coupon")
	}
	camp := &store.Campaign{Name: req.Name, Segment: req.Segment, MessageEN: req.MessageEN, MessageZH: req.MessageZH,
		StartsAt: req.StartsAt, EndsAt: req.EndsAt, CreatedBy: staffOf(c).ID}
	if req.Coupon != nil {
		camp.CouponCode, camp.CouponPercent = req.Coupon.Code, req.Coupon.Percent
		if camp.CouponPercent == 0 {
			camp.CouponPercent = h.couponPercent()
		}
		if !req.Coupon.ExpiresAt.IsZero() {
			exp := req.Coupon.ExpiresAt
			camp.CouponExpiresAt = &exp
		}
	}
	ctx := c.Request().Context()
	err = cs.CreateCampaign(ctx, camp)
	var ve *store.ValidationError
	switch {
	case errors.As(err, &ve):
		return echo.NewHTTPError(http.StatusBadRequest, strings.Join(ve.Problems, "; "))
	case errors.Is(err, store.ErrTooManyCampaigns), errors.Is(err, store.ErrCodeTaken):
		return echo.NewHTTPError(http.StatusConflict, strings.TrimPrefix(err.Error(), "store: "))
	case err != nil:
		return err
	}
	// How many the segment holds now, for the console to say.
	f, _ := camp.Segment.Filter()
	f.Limit = 5000
	members, err := cs.Segment(ctx, f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"campaign": camp, "segment_size": len(members)})
}

func (h *handler) stopCampaign(c echo.Context) error {
	cs, err := h.campaignStore()
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound, "no such campaign")
	}
	if err := cs.StopCampaign(c.Request().Context(), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// reportRedemption records that an order used a campaign's coupon code:
// for a shop whose orders do not come through kefu import.
func (h *handler) reportRedemption(c echo.Context) error {
	cs, err := h.campaignStore()
	if err != nil {
		return err
	}
	var req struct {
		OrderNumber string `json:"order_number"`
		Code        string `json:"code"`
	}
	if err := c.Bind(&req); err != nil || req.OrderNumber == "" || req.Code == "" {
		return echo.NewHTTPError(http.StatusBadRequest, "a redemption needs order_number and code")
	}
	camp, err := cs.ReportRedemption(c.Request().Context(), req.OrderNumber, req.Code)
	var ve *store.ValidationError
	if errors.As(err, &ve) {
		return echo.NewHTTPError(http.StatusUnprocessableEntity, strings.Join(ve.Problems, "; "))
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"campaign_id": camp.ID, "order_number": req.OrderNumber})
}
