package store

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Dataset is a shop's own data as `kefu import` reads it from JSON, and as
// the demo shop is built in Go. Every record is keyed by a natural key (SKU,
// email, order number, article slug and locale, RMA), so importing the same
// Dataset twice changes nothing. docs/import.md documents the format.
type Dataset struct {
	Products  []Product  `json:"products,omitempty"`
	Customers []Customer `json:"customers,omitempty"`
	Orders    []Order    `json:"orders,omitempty"`
	Returns   []Return   `json:"returns,omitempty"`
	Reviews   []Review   `json:"reviews,omitempty"`
	Articles  []Article  `json:"articles,omitempty"`
}

// Money is an amount in minor units (cents, fen). In JSON it is a decimal
// number of major units with at most two decimals (49.9 or 49.90), parsed
// exactly, never through a float.
type Money int64

// MarshalJSON writes m as a decimal number such as 49.90.
func (m Money) MarshalJSON() ([]byte, error) { return []byte(m.String()), nil }

// String formats m as major units with two decimals.
func (m Money) String() string {
	sign := ""
	v := int64(m)
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}

// UnmarshalJSON reads a JSON number (or numeric string) with at most two
// decimals.
func (m *Money) UnmarshalJSON(b []byte) error {
	s := string(bytes.Trim(b, `"`))
	v, err := ParseMoney(s)
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// ParseMoney parses a decimal amount like "49.90" into minor units.
func ParseMoney(s string) (Money, error) {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 || strings.Trim(whole+frac, "0123456789") != "" {
		return 0, fmt.Errorf("invalid amount %q: want a number with at most two decimals", s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > 1e12 {
		return 0, fmt.Errorf("invalid amount %q", s)
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	v := Money(w*100 + f)
	if neg {
		v = -v
	}
	return v, nil
}

// Product is an item in the catalog, keyed by SKU.
type Product struct {
	ID          int64    `json:"-"`
	SKU         string   `json:"sku"`
	Title       string   `json:"title"`
	TitleZH     string   `json:"title_zh,omitempty"`
	Category    string   `json:"category"`
	Price       Money    `json:"price"`
	Currency    string   `json:"currency,omitempty"` // ISO 4217; default USD
	Tags        []string `json:"tags,omitempty"`
	Description string   `json:"description,omitempty"`
	FinalSale   bool     `json:"final_sale,omitempty"`
	// Group is the shop's id of the product this SKU is a variant of
	// (e.g. "JKT-RAIN"): SKUs with the same group are the sizes and
	// colours of one product, which an exchange swaps between. Options
	// say how this variant differs ({"size": "M", "colour": "Blue"}).
	Group   string         `json:"group,omitempty"`
	Options VariantOptions `json:"options,omitempty"`
	// Stock is the units on hand; nil when the shop does not track it.
	Stock *int `json:"stock,omitempty"`
}

// Customer is a shopper known to the shop, keyed by email. ExternalID is the
// shop's own customer id, the one a signed widget identity carries.
type Customer struct {
	ID         int64     `json:"-"`
	ExternalID string    `json:"external_id,omitempty"`
	Email      string    `json:"email"`
	Name       string    `json:"name"`
	Locale     string    `json:"locale,omitempty"` // "en" or "zh"; default "en"
	CreatedAt  time.Time `json:"created_at,omitempty"`
	// Addresses are the customer's saved addresses; at most one is the
	// default.
	Addresses []Address `json:"addresses,omitempty"`
}

// Order statuses. A partially or fully returned order keeps status
// delivered; its returns tell the rest.
const (
	OrderPendingPayment = "pending_payment"
	OrderPaid           = "paid"
	OrderShipped        = "shipped"
	OrderDelivered      = "delivered"
	OrderCancelled      = "cancelled"
)

// Order is a purchase, keyed by its number (as the shop prints it, e.g.
// "KF-10042"). CustomerEmail links it to a customer; Email is the address the
// order was placed with, which guests use to look it up.
type Order struct {
	ID            int64       `json:"-"`
	Number        string      `json:"number"`
	CustomerEmail string      `json:"customer_email,omitempty"`
	Email         string      `json:"email,omitempty"` // default: CustomerEmail
	Status        string      `json:"status"`
	Currency      string      `json:"currency,omitempty"`
	Shipping      Money       `json:"shipping,omitempty"`
	ShipTo        string      `json:"ship_to,omitempty"` // "City, Country"; default: the address's
	Address       *Address    `json:"address,omitempty"` // the order's own shipping address
	PlacedAt      time.Time   `json:"placed_at"`
	PaidAt        *time.Time  `json:"paid_at,omitempty"`
	ShippedAt     *time.Time  `json:"shipped_at,omitempty"`
	DeliveredAt   *time.Time  `json:"delivered_at,omitempty"`
	CancelledAt   *time.Time  `json:"cancelled_at,omitempty"`
	Items         []OrderItem `json:"items"`
	Shipments     []Shipment  `json:"shipments,omitempty"`
	// Coupons are the codes the order used; a campaign's code counts as
	// its redemption (campaigns.go).
	Coupons []string `json:"coupons,omitempty"`

	// Filled when read from the store.
	CustomerID int64 `json:"-"`
	Subtotal   Money `json:"-"`
	Total      Money `json:"-"`
}

// OrderItem is one line of an order. UnitPrice defaults to the product's
// current price.
type OrderItem struct {
	ID        int64  `json:"-"`
	SKU       string `json:"sku"`
	Quantity  int    `json:"quantity"`
	UnitPrice Money  `json:"unit_price,omitempty"`

	// Filled when read from the store.
	ProductID int64  `json:"-"`
	Title     string `json:"-"`
	TitleZH   string `json:"-"`
	Category  string `json:"-"`
	FinalSale bool   `json:"-"`
}

// Shipment statuses.
const (
	ShipmentLabelCreated   = "label_created"
	ShipmentInTransit      = "in_transit"
	ShipmentOutForDelivery = "out_for_delivery"
	ShipmentDelivered      = "delivered"
	ShipmentException      = "exception"
)

// Shipment is a parcel of an order, keyed by carrier tracking number.
type Shipment struct {
	ID                  int64           `json:"-"`
	Carrier             string          `json:"carrier"`
	TrackingNumber      string          `json:"tracking_number"`
	Status              string          `json:"status"`
	ShippedAt           *time.Time      `json:"shipped_at,omitempty"`
	EstimatedDeliveryAt *time.Time      `json:"estimated_delivery_at,omitempty"`
	DeliveredAt         *time.Time      `json:"delivered_at,omitempty"`
	Events              []TrackingEvent `json:"events,omitempty"`
}

// TrackingEvent is one scan of a parcel.
type TrackingEvent struct {
	At          time.Time `json:"at"`
	Location    string    `json:"location,omitempty"`
	Status      string    `json:"status,omitempty"`
	Description string    `json:"description"`
}

// Return statuses.
const (
	ReturnOpen     = "open"     // RMA issued, waiting for the parcel
	ReturnReceived = "received" // parcel arrived, refund being issued
	ReturnRefunded = "refunded"
	ReturnRejected = "rejected"
)

// Return is a return merchandise authorisation, keyed by RMA number.
type Return struct {
	ID          int64        `json:"-"`
	RMA         string       `json:"rma"`
	OrderNumber string       `json:"order_number"`
	Reason      string       `json:"reason"`
	Status      string       `json:"status"`
	Refund      Money        `json:"refund,omitempty"` // default: the items' price
	CreatedAt   time.Time    `json:"created_at"`
	UpdatedAt   time.Time    `json:"updated_at,omitempty"`
	Items       []ReturnItem `json:"items"`

	// Filled when read from the store.
	OrderID int64 `json:"-"`
	// Kind is ReturnKindReturn or, for a return that sends a replacement
	// out, ReturnKindExchange; PriceDifference is what the shopper pays
	// for the replacements (negative: what they get back).
	Kind            string `json:"-"`
	PriceDifference Money  `json:"-"`
}

// Kinds of return.
const (
	ReturnKindReturn   = "return"
	ReturnKindExchange = "exchange"
)

// ReturnItem is a quantity of one order line being returned.
type ReturnItem struct {
	SKU      string `json:"sku"`
	Quantity int    `json:"quantity"`

	// Filled when read from the store.
	OrderItemID int64  `json:"-"`
	Title       string `json:"-"`
	TitleZH     string `json:"-"`
	// Replacement is the variant an exchange sends out instead, "" for a
	// plain return.
	Replacement        string         `json:"-"`
	ReplacementTitle   string         `json:"-"`
	ReplacementTitleZH string         `json:"-"`
	ReplacementOptions VariantOptions `json:"-"`
}

// Review is a customer's rating of a product, keyed by (SKU, customer).
type Review struct {
	ID            int64     `json:"-"`
	SKU           string    `json:"sku"`
	CustomerEmail string    `json:"customer_email"`
	Rating        int       `json:"rating"` // 1–5
	Title         string    `json:"title,omitempty"`
	Body          string    `json:"body"`
	Locale        string    `json:"locale,omitempty"`
	CreatedAt     time.Time `json:"created_at"`

	// Filled when read from the store.
	ProductID  int64 `json:"-"`
	CustomerID int64 `json:"-"`
}

// Article is a knowledge-base article, keyed by (slug, locale): the English
// and Chinese versions of one article share a slug.
type Article struct {
	ID        int64     `json:"-"`
	Slug      string    `json:"slug"`
	Locale    string    `json:"locale"`
	Title     string    `json:"title"`
	Body      string    `json:"body"`
	Tags      []string  `json:"tags,omitempty"`
	UpdatedAt time.Time `json:"updated_at,omitempty"`
}
