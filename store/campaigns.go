package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Bounds of campaigns: what a shopper is shown is short, and what kefu
// checks as a shopper opens the widget is a few one-customer queries.
const (
	MaxCampaignMessage = 600 // characters, in each language
	MaxCampaignName    = 100
	MaxActiveCampaigns = 10 // running or scheduled at once
	MaxCouponCode      = 32
)

// ErrTooManyCampaigns is returned by CreateCampaign when MaxActiveCampaigns
// are running or scheduled.
var ErrTooManyCampaigns = fmt.Errorf("store: at most %d campaigns may run or be scheduled at once", MaxActiveCampaigns)

// ErrCodeTaken is returned by CreateCampaign when another campaign has the
// coupon code.
var ErrCodeTaken = errors.New("store: another campaign has that coupon code")

// CampaignSegment is a campaign's segment: the console's segment filter
// (SegmentFilter), as it is stored.
type CampaignSegment struct {
	Category     string  `json:"category,omitempty"`
	BoughtAfter  string  `json:"bought_after,omitempty"` // YYYY-MM-DD
	BoughtBefore string  `json:"bought_before,omitempty"`
	PriceMin     Money   `json:"price_min,omitempty"`
	PriceMax     Money   `json:"price_max,omitempty"`
	MinRating    float64 `json:"min_rating,omitempty"`
	MaxRating    float64 `json:"max_rating,omitempty"`
	Locale       string  `json:"lang,omitempty"`
}

// Filter is the segment as a SegmentFilter.
func (g CampaignSegment) Filter() (SegmentFilter, error) {
	f := SegmentFilter{Category: g.Category, PriceMin: g.PriceMin, PriceMax: g.PriceMax,
		MinRating: g.MinRating, MaxRating: g.MaxRating, Locale: g.Locale}
	for _, d := range []struct {
		v   string
		dst *time.Time
	}{{g.BoughtAfter, &f.BoughtAfter}, {g.BoughtBefore, &f.BoughtBefore}} {
		if d.v == "" {
			continue
		}
		t, err := time.Parse("2006-01-02", d.v)
		if err != nil {
			return f, fmt.Errorf("store: a segment date must be YYYY-MM-DD, not %q", d.v)
		}
		*d.dst = t
	}
	return f, nil
}

// Campaign is a targeted offer: a segment, a message in each language, an
// optional coupon, and when it runs.
type Campaign struct {
	ID              int64           `json:"id"`
	Name            string          `json:"name"`
	Segment         CampaignSegment `json:"segment"`
	MessageEN       string          `json:"message_en"`
	MessageZH       string          `json:"message_zh"`
	CouponCode      string          `json:"coupon_code,omitempty"`
	CouponPercent   int             `json:"coupon_percent,omitempty"`
	CouponExpiresAt *time.Time      `json:"coupon_expires_at,omitempty"`
	StartsAt        time.Time       `json:"starts_at"`
	EndsAt          time.Time       `json:"ends_at"`
	CreatedBy       int64           `json:"created_by,omitempty"`
	CreatedAt       time.Time       `json:"created_at"`
	StoppedAt       *time.Time      `json:"stopped_at,omitempty"`
}

// Message is the campaign's message in locale (en or zh).
func (c *Campaign) Message(locale string) string {
	if locale == "zh" {
		return c.MessageZH
	}
	return c.MessageEN
}

// Validate checks what a campaign must be before it is stored.
func (c *Campaign) Validate() error {
	c.Name, c.MessageEN, c.MessageZH = strings.TrimSpace(c.Name), strings.TrimSpace(c.MessageEN), strings.TrimSpace(c.MessageZH)
	c.CouponCode = strings.ToUpper(strings.TrimSpace(c.CouponCode))
	switch {
	case c.Name == "" || utf8.RuneCountInString(c.Name) > MaxCampaignName:
		return fmt.Errorf("a campaign needs a name of at most %d characters", MaxCampaignName)
	case c.MessageEN == "" || c.MessageZH == "":
		return errors.New("a campaign needs its message in both English and Chinese")
	case utf8.RuneCountInString(c.MessageEN) > MaxCampaignMessage || utf8.RuneCountInString(c.MessageZH) > MaxCampaignMessage:
		return fmt.Errorf("a campaign's message is at most %d characters in each language", MaxCampaignMessage)
	case c.StartsAt.IsZero() || c.EndsAt.IsZero() || !c.EndsAt.After(c.StartsAt):
		return errors.New("a campaign needs a start and an end after it")
	case c.Segment.Locale != "" && c.Segment.Locale != "en" && c.Segment.Locale != "zh":
		return errors.New("a segment's lang must be en or zh")
	}
	if _, err := c.Segment.Filter(); err != nil {
		return errors.New(strings.TrimPrefix(err.Error(), "store: "))
	}
	if c.CouponCode == "" {
		if c.CouponPercent != 0 || c.CouponExpiresAt != nil {
			return errors.New("a coupon's percentage and expiry need its code")
		}
		return nil
	}
	if len(c.CouponCode) > MaxCouponCode || strings.IndexFunc(c.CouponCode, func(r rune) bool {
		return !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_')
	}) >= 0 {
		return fmt.Errorf("a coupon code is up to %d letters, digits, - and _", MaxCouponCode)
	}
	if c.CouponPercent < 1 || c.CouponPercent > 90 {
		return errors.New("a coupon's percentage is from 1 to 90")
	}
	if c.CouponExpiresAt == nil || c.CouponExpiresAt.Before(c.StartsAt) {
		return errors.New("a coupon needs an expiry after the campaign starts")
	}
	return nil
}

const campaignColumns = `id, name, segment, message_en, message_zh, COALESCE(coupon_code, ''), coupon_percent, coupon_expires_at,
	starts_at, ends_at, COALESCE(created_by, 0), created_at, stopped_at`

func scanCampaign(row interface{ Scan(...any) error }) (*Campaign, error) {
	var c Campaign
	var seg string
	var starts, ends, created int64
	var expires, stopped sql.NullInt64
	if err := row.Scan(&c.ID, &c.Name, &seg, &c.MessageEN, &c.MessageZH, &c.CouponCode, &c.CouponPercent, &expires,
		&starts, &ends, &c.CreatedBy, &created, &stopped); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(seg), &c.Segment); err != nil {
		return nil, fmt.Errorf("campaign %d's segment: %w", c.ID, err)
	}
	c.StartsAt, c.EndsAt, c.CreatedAt = fromMS(starts), fromMS(ends), fromMS(created)
	c.CouponExpiresAt, c.StoppedAt = fromNullMS(expires), fromNullMS(stopped)
	return &c, nil
}

// CreateCampaign validates and stores c, setting its ID and CreatedAt.
// At most MaxActiveCampaigns may be running or scheduled (counted in the
// same transaction).
func (s *Store) CreateCampaign(ctx context.Context, c *Campaign) error {
	if err := c.Validate(); err != nil {
		return &ValidationError{Problems: []string{err.Error()}}
	}
	seg, _ := json.Marshal(c.Segment)
	c.CreatedAt = s.now()
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var active int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM campaigns WHERE stopped_at IS NULL AND ends_at > ?`, ms(c.CreatedAt)).Scan(&active); err != nil {
			return fmt.Errorf("store: unable to count campaigns: %w", err)
		}
		if active >= MaxActiveCampaigns {
			return ErrTooManyCampaigns
		}
		if c.CouponCode != "" {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM campaigns WHERE coupon_code = ?`, c.CouponCode).Scan(&n); err != nil {
				return fmt.Errorf("store: unable to check the coupon code: %w", err)
			}
			if n > 0 {
				return ErrCodeTaken
			}
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO campaigns (name, segment, message_en, message_zh, coupon_code, coupon_percent, coupon_expires_at,
			starts_at, ends_at, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.Name, string(seg), c.MessageEN, c.MessageZH, nullString(c.CouponCode), c.CouponPercent, msPtr(c.CouponExpiresAt),
			ms(c.StartsAt), ms(c.EndsAt), nullInt(c.CreatedBy), ms(c.CreatedAt))
		if err != nil {
			return fmt.Errorf("store: unable to create the campaign: %w", err)
		}
		c.ID, err = res.LastInsertId()
		return err
	})
}

// Campaign returns one campaign.
func (s *Store) Campaign(ctx context.Context, id int64) (*Campaign, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	c, err := scanCampaign(s.r.QueryRowContext(ctx, `SELECT `+campaignColumns+` FROM campaigns WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "campaign")
	}
	return c, nil
}

// StopCampaign ends a campaign now: no one is shown it from then on.
func (s *Store) StopCampaign(ctx context.Context, id int64) error {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	res, err := s.w.ExecContext(ctx, `UPDATE campaigns SET stopped_at = ? WHERE id = ? AND stopped_at IS NULL`, ms(s.now()), id)
	if err != nil {
		return fmt.Errorf("store: unable to stop the campaign: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := s.Campaign(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// CampaignFigures is a campaign with what became of it.
type CampaignFigures struct {
	Campaign
	Shown     int `json:"shown"`
	Clicked   int `json:"clicked"`
	Dismissed int `json:"dismissed"`
	Redeemed  int `json:"redeemed"`
	// Conversion is the share of the customers shown it who redeemed it
	// (0 when no one was shown it).
	Conversion float64 `json:"conversion"`
	Running    bool    `json:"running"`
}

// CampaignsWithFigures lists the campaigns, newest first, with their
// figures (at most 500: the active ones are bounded, old ones pile up).
func (s *Store) CampaignsWithFigures(ctx context.Context) ([]CampaignFigures, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	rows, err := s.r.QueryContext(ctx, `SELECT `+campaignColumns+`,
		(SELECT count(*) FROM campaign_deliveries d WHERE d.campaign_id = campaigns.id),
		(SELECT count(*) FROM campaign_deliveries d WHERE d.campaign_id = campaigns.id AND d.clicked_at IS NOT NULL),
		(SELECT count(*) FROM campaign_deliveries d WHERE d.campaign_id = campaigns.id AND d.dismissed_at IS NOT NULL),
		(SELECT count(*) FROM campaign_redemptions r WHERE r.campaign_id = campaigns.id),
		(SELECT count(DISTINCT r.customer_id) FROM campaign_redemptions r JOIN campaign_deliveries d
			ON d.campaign_id = r.campaign_id AND d.customer_id = r.customer_id WHERE r.campaign_id = campaigns.id)
		FROM campaigns ORDER BY created_at DESC, id DESC LIMIT 500`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list campaigns: %w", err)
	}
	defer rows.Close()
	now := s.now()
	out := []CampaignFigures{}
	for rows.Next() {
		var f CampaignFigures
		var converted int
		c, err := scanCampaign(scanPrefix{rows, []any{&f.Shown, &f.Clicked, &f.Dismissed, &f.Redeemed, &converted}})
		if err != nil {
			return nil, fmt.Errorf("store: unable to list campaigns: %w", err)
		}
		f.Campaign = *c
		if f.Shown > 0 {
			f.Conversion = float64(converted) / float64(f.Shown)
		}
		f.Running = c.StoppedAt == nil && !now.Before(c.StartsAt) && now.Before(c.EndsAt)
		out = append(out, f)
	}
	return out, rows.Err()
}

// scanPrefix scans a row whose first columns a scanner reads and whose
// last columns go to rest.
type scanPrefix struct {
	rows *sql.Rows
	rest []any
}

func (p scanPrefix) Scan(dest ...any) error { return p.rows.Scan(append(dest, p.rest...)...) }

// OffersFor returns the running campaigns customerID has not been shown,
// oldest first, unless they opted out of offers (then none).
func (s *Store) OffersFor(ctx context.Context, customerID int64) ([]Campaign, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	now := ms(s.now())
	rows, err := s.r.QueryContext(ctx, `SELECT `+campaignColumns+` FROM campaigns
		WHERE stopped_at IS NULL AND starts_at <= ? AND ends_at > ?
		  AND NOT EXISTS (SELECT 1 FROM campaign_deliveries d WHERE d.campaign_id = campaigns.id AND d.customer_id = ?)
		  AND NOT EXISTS (SELECT 1 FROM offer_optouts o WHERE o.customer_id = ?)
		ORDER BY starts_at, id LIMIT ?`, now, now, customerID, customerID, MaxActiveCampaigns)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list offers: %w", err)
	}
	defer rows.Close()
	var out []Campaign
	for rows.Next() {
		c, err := scanCampaign(rows)
		if err != nil {
			return nil, fmt.Errorf("store: unable to list offers: %w", err)
		}
		out = append(out, *c)
	}
	return out, rows.Err()
}

// InSegment reports whether customerID is in the campaign's segment, now.
func (s *Store) InSegment(ctx context.Context, c *Campaign, customerID int64) (bool, error) {
	f, err := c.Segment.Filter()
	if err != nil {
		return false, err
	}
	f.CustomerID, f.Limit = customerID, 1
	cs, err := s.Segment(ctx, f)
	return len(cs) == 1, err
}

// ClaimOffer decides, in the database, that campaignID is shown to
// customerID in conversation conversationID: true for the one caller
// (of every tab and node) that gets to show it. It is false if the
// customer was shown it already, opted out, or the conversation is with a
// person (queued or taken over).
func (s *Store) ClaimOffer(ctx context.Context, campaignID, customerID int64, conversationID string) (bool, error) {
	claimed := false
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var blocked int
		if err := tx.QueryRowContext(ctx, `SELECT
			(SELECT count(*) FROM offer_optouts WHERE customer_id = ?) +
			(SELECT count(*) FROM conversations WHERE id = ? AND state IN ('queued', 'human'))`,
			customerID, conversationID).Scan(&blocked); err != nil {
			return fmt.Errorf("store: unable to claim the offer: %w", err)
		}
		if blocked > 0 {
			return nil
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO campaign_deliveries (campaign_id, customer_id, conversation_id, shown_at)
			VALUES (?, ?, ?, ?) ON CONFLICT (campaign_id, customer_id) DO NOTHING`, campaignID, customerID, conversationID, ms(s.now()))
		if err != nil {
			return fmt.Errorf("store: unable to claim the offer: %w", err)
		}
		n, _ := res.RowsAffected()
		claimed = n == 1
		return nil
	})
	return claimed, err
}

// UnclaimOffer takes back a claim whose message could not be stored, so
// the shopper is shown the offer next time instead of never.
func (s *Store) UnclaimOffer(ctx context.Context, campaignID, customerID int64) error {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	if _, err := s.w.ExecContext(ctx, `DELETE FROM campaign_deliveries WHERE campaign_id = ? AND customer_id = ?`, campaignID, customerID); err != nil {
		return fmt.Errorf("store: unable to take back the offer: %w", err)
	}
	return nil
}

// Offer responses a shopper gives in the widget.
const (
	OfferClicked   = "click"
	OfferDismissed = "dismiss"
)

// RecordOfferResponse records that customerID clicked or dismissed the
// campaign they were shown (the first time counts; a campaign they were
// not shown is ErrNotFound).
func (s *Store) RecordOfferResponse(ctx context.Context, campaignID, customerID int64, response string) error {
	col := map[string]string{OfferClicked: "clicked_at", OfferDismissed: "dismissed_at"}[response]
	if col == "" {
		return fmt.Errorf("store: unknown offer response %q", response)
	}
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	res, err := s.w.ExecContext(ctx, `UPDATE campaign_deliveries SET `+col+` = COALESCE(`+col+`, ?) WHERE campaign_id = ? AND customer_id = ?`,
		ms(s.now()), campaignID, customerID)
	if err != nil {
		return fmt.Errorf("store: unable to record the offer's %s: %w", response, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: offer shown: %w", ErrNotFound)
	}
	return nil
}

// OptOutOfOffers records that customerID wants no more offers, with an
// audit entry; a second opt-out changes nothing.
func (s *Store) OptOutOfOffers(ctx context.Context, customerID int64, conversationID string) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO offer_optouts (customer_id, conversation_id, created_at) VALUES (?, ?, ?)
			ON CONFLICT (customer_id) DO NOTHING`, customerID, nullString(conversationID), ms(s.now()))
		if err != nil {
			return fmt.Errorf("store: unable to record the opt-out: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		data, _ := json.Marshal(map[string]string{"conversation_id": conversationID})
		if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (actor, action, subject, data, created_at) VALUES (?, 'offers_opt_out', ?, ?, ?)`,
			fmt.Sprintf("customer:%d", customerID), fmt.Sprintf("customer:%d", customerID), string(data), ms(s.now())); err != nil {
			return fmt.Errorf("store: unable to audit the opt-out: %w", err)
		}
		return nil
	})
}

// OptedOutOfOffers reports whether customerID opted out of offers.
func (s *Store) OptedOutOfOffers(ctx context.Context, customerID int64) (bool, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM offer_optouts WHERE customer_id = ?`, customerID).Scan(&n); err != nil {
		return false, fmt.Errorf("store: unable to read the opt-out: %w", err)
	}
	return n > 0, nil
}

// Redemption sources.
const (
	RedeemedByImport = "import"
	RedeemedByReport = "report"
)

// ReportRedemption records that the order orderNumber used a campaign's
// coupon code (the shop's backend reporting it). It returns the campaign;
// ErrNotFound for an unknown order or code.
func (s *Store) ReportRedemption(ctx context.Context, orderNumber, code string) (*Campaign, error) {
	var c *Campaign
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var orderID int64
		var customer sql.NullInt64
		var placed int64
		if err := tx.QueryRowContext(ctx, `SELECT id, customer_id, placed_at FROM orders WHERE number = ?`, orderNumber).Scan(&orderID, &customer, &placed); err != nil {
			return notFound(err, "order")
		}
		var err error
		c, err = redeem(ctx, tx, orderID, customer.Int64, fromMS(placed), code, RedeemedByReport, s.now())
		return err
	})
	return c, err
}

// redeem records that an order used code, if it is a campaign's code and
// the order was placed before the coupon expired.
func redeem(ctx context.Context, tx *sql.Tx, orderID, customerID int64, placed time.Time, code, source string, now time.Time) (*Campaign, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	c, err := scanCampaign(tx.QueryRowContext(ctx, `SELECT `+campaignColumns+` FROM campaigns WHERE coupon_code = ?`, code))
	if err != nil {
		return nil, notFound(err, "campaign with that coupon code")
	}
	if c.CouponExpiresAt != nil && placed.After(*c.CouponExpiresAt) {
		return nil, &ValidationError{Problems: []string{fmt.Sprintf("coupon %s expired on %s, before the order was placed", code, c.CouponExpiresAt.Format("2006-01-02"))}}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO campaign_redemptions (campaign_id, order_id, customer_id, source, redeemed_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (campaign_id, order_id) DO NOTHING`, c.ID, orderID, nullInt(customerID), source, ms(now)); err != nil {
		return nil, fmt.Errorf("store: unable to record the redemption: %w", err)
	}
	return c, nil
}

// redeemCoupons records the campaign codes an imported order used. A code
// that is no campaign's (the shop's other coupons) is not kefu's to count;
// one used after its coupon expired is not counted either.
func (im *importer) redeemCoupons(ctx context.Context, orderID int64, o Order) error {
	for _, code := range o.Coupons {
		_, err := redeem(ctx, im.tx, orderID, im.orderCustomer(ctx, o), o.PlacedAt, code, RedeemedByImport, im.now)
		var ve *ValidationError
		if err != nil && !errors.Is(err, ErrNotFound) && !errors.As(err, &ve) {
			return err
		}
	}
	return nil
}

func (im *importer) orderCustomer(ctx context.Context, o Order) int64 {
	if o.CustomerEmail == "" {
		return 0
	}
	return im.customerID(ctx, o.CustomerEmail)
}
