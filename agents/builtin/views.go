package builtin

import (
	"encoding/json"
	"time"
)

// The shapes of the tools' result data that answers are written from.

type orderData struct {
	Number      string      `json:"number"`
	Status      string      `json:"status"`
	PlacedAt    time.Time   `json:"placed_at"`
	ShippedAt   *time.Time  `json:"shipped_at"`
	DeliveredAt *time.Time  `json:"delivered_at"`
	CancelledAt *time.Time  `json:"cancelled_at"`
	Currency    string      `json:"currency"`
	Total       json.Number `json:"total"`
	Items       []itemData  `json:"items"`
	ReturnBy    *time.Time  `json:"return_by"`
}

type itemData struct {
	SKU       string      `json:"sku"`
	Title     string      `json:"title"`
	TitleZH   string      `json:"title_zh"`
	Quantity  int         `json:"quantity"`
	UnitPrice json.Number `json:"unit_price"`
	FinalSale bool        `json:"final_sale"`
	Returned  int         `json:"returned_quantity"`
	Refund    json.Number `json:"refund"`
}

type shipmentData struct {
	Carrier             string     `json:"carrier"`
	TrackingNumber      string     `json:"tracking_number"`
	Status              string     `json:"status"`
	ShippedAt           *time.Time `json:"shipped_at"`
	EstimatedDeliveryAt *time.Time `json:"estimated_delivery_at"`
	DeliveredAt         *time.Time `json:"delivered_at"`
	Events              []struct {
		At          time.Time `json:"at"`
		Location    string    `json:"location"`
		Description string    `json:"description"`
	} `json:"events"`
}

type previewData struct {
	ActionID string `json:"action_id"`
	Preview  struct {
		OrderNumber string      `json:"order_number"`
		Items       []itemData  `json:"items"`
		Reason      string      `json:"reason"`
		Refund      json.Number `json:"refund"`
		Currency    string      `json:"currency"`
		Shipping    string      `json:"return_shipping"`
		HowToReturn string      `json:"how_to_return"`
	} `json:"preview"`
}

type doneData struct {
	RMA         string      `json:"rma"`
	OrderNumber string      `json:"order_number"`
	Refund      json.Number `json:"refund"`
	Currency    string      `json:"currency"`
	Shipping    string      `json:"return_shipping"`
	HowToReturn string      `json:"how_to_return"`
	Status      string      `json:"status"`
}

type returnData struct {
	RMA         string      `json:"rma"`
	OrderNumber string      `json:"order_number"`
	Status      string      `json:"status"`
	Refund      json.Number `json:"refund"`
	UpdatedAt   time.Time   `json:"updated_at"`
	Items       []struct {
		SKU      string `json:"sku"`
		Title    string `json:"title"`
		Quantity int    `json:"quantity"`
	} `json:"items"`
}

type productData struct {
	SKU      string      `json:"sku"`
	Title    string      `json:"title"`
	TitleZH  string      `json:"title_zh"`
	Price    json.Number `json:"price"`
	Currency string      `json:"currency"`
	Why      string      `json:"why"`
}

type articleData struct {
	Title   string `json:"title"`
	Excerpt string `json:"excerpt"`
}
