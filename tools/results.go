package tools

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/kefu-dev/kefu/store"
)

// Tool names: part of prompts, logs and stored transcripts, so never
// renamed lightly. ConfirmAction is not a tool the model can call: it is
// the call kefu records when the shopper confirms a previewed change.
const (
	NameSearchKnowledgeBase = "search_knowledge_base"
	NameListOrders          = "list_orders"
	NameLookupOrder         = "lookup_order"
	NameTrackShipment       = "track_shipment"
	NameStartReturn         = "start_return"
	NameReturnStatus        = "return_status"
	NameCancelOrder         = "cancel_order"
	NameStartExchange       = "start_exchange"
	NameChangeAddress       = "change_shipping_address"
	NameRecommendProducts   = "recommend_products"
	NameOfferCoupon         = "offer_coupon"
	NameHandoffToHuman      = "handoff_to_human"
	NameConfirmAction       = "confirm_action"
)

// The payloads below are a Result's Data, one type per tool and outcome.
// Tools build them and Decode reads them back from stored JSON, so every
// consumer (cards, the built-in model, replay, the console) sees the same
// typed values: renaming a field breaks the build, not a conversation.

// OrderView is an order as the tools show it.
type OrderView struct {
	Number      string     `json:"number"`
	Status      string     `json:"status"`
	PlacedAt    time.Time  `json:"placed_at"`
	PaidAt      *time.Time `json:"paid_at,omitempty"`
	ShippedAt   *time.Time `json:"shipped_at,omitempty"`
	DeliveredAt *time.Time `json:"delivered_at,omitempty"`
	CancelledAt *time.Time `json:"cancelled_at,omitempty"`
	ShipTo      string     `json:"ship_to,omitempty"`
	// Address is where the order goes, when the shop keeps its address.
	Address  *store.Address `json:"address,omitempty"`
	Currency string         `json:"currency"`
	Subtotal store.Money    `json:"subtotal"`
	Shipping store.Money    `json:"shipping"`
	Total    store.Money    `json:"total"`
	Items    []ItemView     `json:"items"`
	// ReturnBy is the last moment a return can be started, for delivered
	// orders.
	ReturnBy *time.Time `json:"return_by,omitempty"`
}

// ItemView is one line of an order.
type ItemView struct {
	SKU       string      `json:"sku"`
	Title     string      `json:"title"`
	TitleZH   string      `json:"title_zh,omitempty"`
	Quantity  int         `json:"quantity"`
	UnitPrice store.Money `json:"unit_price"`
	FinalSale bool        `json:"final_sale,omitempty"`
	Returned  int         `json:"returned_quantity,omitempty"`
}

// TitleIn is the item's title in locale, the English one when the shop
// has no translation.
func (it ItemView) TitleIn(locale string) string { return titleIn(it.Title, it.TitleZH, locale) }

// OrderLookup is lookup_order's answer.
type OrderLookup struct {
	Order OrderView `json:"order"`
}

// OrderList is list_orders' answer.
type OrderList struct {
	Orders []OrderView `json:"orders"`
}

// ShipmentView is one parcel of an order.
type ShipmentView struct {
	Carrier             string                `json:"carrier"`
	TrackingNumber      string                `json:"tracking_number"`
	Status              string                `json:"status"`
	ShippedAt           *time.Time            `json:"shipped_at,omitempty"`
	EstimatedDeliveryAt *time.Time            `json:"estimated_delivery_at,omitempty"`
	DeliveredAt         *time.Time            `json:"delivered_at,omitempty"`
	Events              []store.TrackingEvent `json:"events"`
}

// Tracking is track_shipment's answer: every parcel of the order (none
// before it ships).
type Tracking struct {
	OrderNumber string         `json:"order_number"`
	OrderStatus string         `json:"order_status"`
	Shipments   []ShipmentView `json:"shipments"`
}

// ReturnView is a return as return_status shows it.
type ReturnView struct {
	RMA string `json:"rma"`
	// Kind is "exchange" for an exchange (its items name their
	// replacements), "return" otherwise.
	Kind            string           `json:"kind,omitempty"`
	PriceDifference store.Money      `json:"price_difference,omitempty"`
	OrderNumber     string           `json:"order_number"`
	Status          string           `json:"status"`
	Reason          string           `json:"reason"`
	Refund          store.Money      `json:"refund"`
	Currency        string           `json:"currency,omitempty"`
	CreatedAt       time.Time        `json:"created_at"`
	UpdatedAt       time.Time        `json:"updated_at"`
	Items           []ReturnItemView `json:"items"`
}

// ReturnItemView is one returned line.
type ReturnItemView struct {
	SKU      string `json:"sku"`
	Title    string `json:"title"`
	TitleZH  string `json:"title_zh,omitempty"`
	Quantity int    `json:"quantity"`
	// Replacement is the variant an exchange sends out for this item.
	Replacement *VariantView `json:"replacement,omitempty"`
}

// ReturnList is return_status' answer.
type ReturnList struct {
	OrderNumber string       `json:"order_number"`
	Returns     []ReturnView `json:"returns"`
}

// ProductPick is one recommended product and why it was picked
// (matches_your_categories, in_your_price_range, best_seller).
type ProductPick struct {
	SKU       string      `json:"sku"`
	Title     string      `json:"title"`
	TitleZH   string      `json:"title_zh,omitempty"`
	Category  string      `json:"category"`
	Price     store.Money `json:"price"`
	Currency  string      `json:"currency"`
	AvgRating float64     `json:"avg_rating,omitempty"`
	Why       string      `json:"why"`
}

// TitleIn is the product's title in locale.
func (p ProductPick) TitleIn(locale string) string { return titleIn(p.Title, p.TitleZH, locale) }

// ProductPicks is recommend_products' answer. Basis is purchase_history or
// best_sellers.
type ProductPicks struct {
	Basis    string        `json:"basis"`
	Products []ProductPick `json:"products"`
}

// ArticleView is an excerpt of a help article.
type ArticleView struct {
	Slug    string `json:"slug"`
	Title   string `json:"title"`
	Locale  string `json:"locale"`
	Excerpt string `json:"excerpt"`
}

// ArticleHits is search_knowledge_base's answer.
type ArticleHits struct {
	Articles []ArticleView `json:"articles"`
}

// HandoffRequested is handoff_to_human's answer.
type HandoffRequested struct {
	Handoff string `json:"handoff"` // "requested"
}

// ReturnWindow is the data of an outside_return_window refusal.
type ReturnWindow struct {
	DeliveredAt *time.Time `json:"delivered_at"`
	ReturnBy    *time.Time `json:"return_by"`
}

// Summary is a one-line description of a change, in both languages, for
// the confirm box and the console.
type Summary struct {
	EN string `json:"en"`
	ZH string `json:"zh"`
}

// In returns the summary in locale ("zh" or anything else for English).
func (s Summary) In(locale string) string {
	if locale == "zh" && s.ZH != "" {
		return s.ZH
	}
	return s.EN
}

// Pending is a change tool's preview (status needs_confirmation): nothing
// happened yet. Preview is *ReturnPreview, *CancelPreview, *CouponOffer,
// *ExchangePreview or *AddressPreview.
type Pending struct {
	ActionID  string    `json:"action_id"`
	ExpiresAt time.Time `json:"expires_at"`
	Summary   Summary   `json:"summary"`
	Preview   preview   `json:"preview"`
}

// preview is what a change tool shows before the shopper confirms.
type preview interface {
	// summary states the change in both languages.
	summary() Summary
}

// ReturnPreview is a return not yet confirmed; it is also what the
// pending action stores.
type ReturnPreview struct {
	OrderID     int64        `json:"order_id"`
	OrderNumber string       `json:"order_number"`
	Items       []ReturnLine `json:"items"`
	Reason      string       `json:"reason"`
	Refund      store.Money  `json:"refund"`
	Currency    string       `json:"currency"`
	Shipping    string       `json:"return_shipping"` // prepaid_label or customer_paid
	HowToReturn string       `json:"how_to_return"`
}

// ReturnLine is one line of a return.
type ReturnLine struct {
	OrderItemID int64       `json:"order_item_id"`
	SKU         string      `json:"sku"`
	Title       string      `json:"title"`
	TitleZH     string      `json:"title_zh,omitempty"`
	Quantity    int         `json:"quantity"`
	Refund      store.Money `json:"refund"`
}

// TitleIn is the line's title in locale.
func (l ReturnLine) TitleIn(locale string) string { return titleIn(l.Title, l.TitleZH, locale) }

func (p *ReturnPreview) summary() Summary {
	en, zh := make([]string, len(p.Items)), make([]string, len(p.Items))
	for i, l := range p.Items {
		en[i], zh[i] = quantified(l.Title, l.Quantity, "en"), quantified(l.TitleIn("zh"), l.Quantity, "zh")
	}
	refund := Amount(p.Refund, p.Currency)
	return Summary{
		EN: fmt.Sprintf("Return %s from order %s, refund %s", strings.Join(en, "; "), p.OrderNumber, refund),
		ZH: fmt.Sprintf("退货：订单 %s 的%s，退款 %s", p.OrderNumber, strings.Join(zh, "、"), refund),
	}
}

// CancelPreview is a cancellation not yet confirmed.
type CancelPreview struct {
	OrderNumber string      `json:"order_number"`
	Reason      string      `json:"reason"`
	Refund      store.Money `json:"refund"`
	Currency    string      `json:"currency"`
	Items       []ItemView  `json:"items"`
}

func (p *CancelPreview) summary() Summary {
	if p.Refund == 0 {
		return Summary{EN: fmt.Sprintf("Cancel order %s (nothing was paid, so there is nothing to refund)", p.OrderNumber),
			ZH: fmt.Sprintf("取消订单 %s（尚未付款，无需退款）", p.OrderNumber)}
	}
	refund := Amount(p.Refund, p.Currency)
	return Summary{EN: fmt.Sprintf("Cancel order %s, refund %s", p.OrderNumber, refund),
		ZH: fmt.Sprintf("取消订单 %s，退款 %s", p.OrderNumber, refund)}
}

// CouponOffer is a coupon offered and not yet accepted; it is also what
// the pending action stores.
type CouponOffer struct {
	Percent  int        `json:"percent"`
	Reason   string     `json:"reason"`
	Evidence []Evidence `json:"evidence"`
	Note     string     `json:"situation"`
}

func (p *CouponOffer) summary() Summary {
	return Summary{EN: fmt.Sprintf("Accept a %d%% coupon for your next order", p.Percent),
		ZH: fmt.Sprintf("领取一张%d%%的优惠券，下次购物使用", p.Percent)}
}

// ReturnDone is a confirmed return.
type ReturnDone struct {
	Kind         string       `json:"kind"` // NameStartReturn
	RMA          string       `json:"rma"`
	OrderNumber  string       `json:"order_number"`
	Items        []ReturnLine `json:"items"`
	Refund       store.Money  `json:"refund"`
	Currency     string       `json:"currency"`
	Shipping     string       `json:"return_shipping"`
	HowToReturn  string       `json:"how_to_return"`
	RefundTiming string       `json:"refund_timing"`
}

// CancelDone is a confirmed cancellation.
type CancelDone struct {
	Kind         string      `json:"kind"` // NameCancelOrder
	OrderNumber  string      `json:"order_number"`
	Status       string      `json:"status"`
	Refund       store.Money `json:"refund"`
	Currency     string      `json:"currency"`
	RefundTiming string      `json:"refund_timing"`
}

// CouponIssued is an accepted coupon.
type CouponIssued struct {
	Kind      string    `json:"kind"` // NameOfferCoupon
	Code      string    `json:"code"`
	Percent   int       `json:"percent"`
	ExpiresAt time.Time `json:"expires_at"`
}

// Decode reads back a result that tool returned, as stored in a tool
// message: Data becomes the tool's payload type (a pointer), or nil when
// the result carries none. A result that is not JSON is an error.
func Decode(tool, content string) (Result, error) {
	var raw struct {
		Result
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal([]byte(content), &raw); err != nil {
		return Result{}, fmt.Errorf("tools: %s result: %w", tool, err)
	}
	r := raw.Result
	if len(raw.Data) == 0 || string(raw.Data) == "null" {
		return r, nil
	}
	v, err := decodeData(tool, r, raw.Data)
	if err != nil {
		return r, fmt.Errorf("tools: %s result data: %w", tool, err)
	}
	r.Data = v
	return r, nil
}

func decodeData(tool string, r Result, data json.RawMessage) (any, error) {
	switch r.Status {
	case StatusNeedsConfirmation:
		return decodePending(tool, data)
	case StatusRefused:
		switch {
		case r.Reason == "outside_return_window":
			return into(data, &ReturnWindow{})
		case tool == NameStartExchange:
			return into(data, &ExchangeOptions{})
		}
		return nil, nil
	case StatusAlreadyDone:
		return decodeDone(data)
	case StatusNeedsInfo:
		switch tool {
		case NameChangeAddress:
			return into(data, &AddressIncomplete{})
		case NameStartExchange:
			return into(data, &ExchangeOptions{})
		}
		return nil, nil
	case StatusOK:
	default:
		return nil, nil
	}
	switch tool {
	case NameLookupOrder:
		return into(data, &OrderLookup{})
	case NameListOrders:
		return into(data, &OrderList{})
	case NameTrackShipment:
		return into(data, &Tracking{})
	case NameReturnStatus:
		return into(data, &ReturnList{})
	case NameRecommendProducts:
		return into(data, &ProductPicks{})
	case NameSearchKnowledgeBase:
		return into(data, &ArticleHits{})
	case NameHandoffToHuman:
		return into(data, &HandoffRequested{})
	case NameConfirmAction:
		return decodeDone(data)
	}
	return nil, nil
}

func into[T any](data json.RawMessage, v *T) (any, error) {
	if err := json.Unmarshal(data, v); err != nil {
		return nil, err
	}
	return v, nil
}

func decodePending(tool string, data json.RawMessage) (any, error) {
	var p struct {
		Pending
		Preview json.RawMessage `json:"preview"`
	}
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, err
	}
	out := p.Pending
	var err error
	switch tool {
	case NameStartReturn:
		out.Preview, err = intoPreview(p.Preview, &ReturnPreview{})
	case NameCancelOrder:
		out.Preview, err = intoPreview(p.Preview, &CancelPreview{})
	case NameOfferCoupon:
		out.Preview, err = intoPreview(p.Preview, &CouponOffer{})
	case NameStartExchange:
		out.Preview, err = intoPreview(p.Preview, &ExchangePreview{})
	case NameChangeAddress:
		out.Preview, err = intoPreview(p.Preview, &AddressPreview{})
	default:
		return nil, fmt.Errorf("%s has no preview", tool)
	}
	if err != nil {
		return nil, err
	}
	if out.Summary == (Summary{}) {
		// Previews stored before they carried their summary.
		out.Summary = out.Preview.summary()
	}
	return &out, nil
}

func intoPreview[T any, P interface {
	*T
	preview
}](data json.RawMessage, v P) (preview, error) {
	if err := json.Unmarshal(data, v); err != nil {
		return nil, err
	}
	return v, nil
}

// decodeDone reads a confirmed change by its kind (or, for results stored
// before they carried one, by what only that kind has).
func decodeDone(data json.RawMessage) (any, error) {
	var probe struct {
		Kind string `json:"kind"`
		RMA  string `json:"rma"`
		Code string `json:"code"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, err
	}
	switch {
	case probe.Kind == NameStartReturn || (probe.Kind == "" && probe.RMA != ""):
		return into(data, &ReturnDone{})
	case probe.Kind == NameStartExchange:
		return into(data, &ExchangeDone{})
	case probe.Kind == NameChangeAddress:
		return into(data, &AddressChanged{})
	case probe.Kind == NameOfferCoupon || (probe.Kind == "" && probe.Code != ""):
		return into(data, &CouponIssued{})
	case probe.Kind == NameCancelOrder || probe.Kind == "":
		return into(data, &CancelDone{})
	}
	return nil, fmt.Errorf("unknown change kind %q", probe.Kind)
}

// Amount formats money with its currency for shoppers: $49.90, ¥128.00,
// or 49.90 EUR for a currency without a symbol here.
func Amount(m store.Money, currency string) string {
	switch strings.ToUpper(currency) {
	case "", "USD":
		return "$" + m.String()
	case "CNY", "RMB":
		return "¥" + m.String()
	case "EUR":
		return "€" + m.String()
	case "GBP":
		return "£" + m.String()
	}
	return m.String() + " " + strings.ToUpper(currency)
}

func titleIn(en, zh, locale string) string {
	if locale == "zh" && zh != "" {
		return zh
	}
	return en
}

func quantified(title string, qty int, locale string) string {
	if qty <= 1 {
		return title
	}
	if locale == "zh" {
		return fmt.Sprintf("%s ×%d", title, qty)
	}
	return fmt.Sprintf("%d × %s", qty, title)
}
