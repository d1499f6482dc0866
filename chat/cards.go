package chat

import (
	"encoding/json"
	"fmt"
	"time"
)

// Card is something structured the widget draws under a message: an order
// (with its parcel when tracked), a return, or product suggestions. Cards
// are built from the tools' results of the turn, so they show exactly
// what the tools returned.
type Card struct {
	Kind     string        `json:"kind"` // order, return, products
	Order    *cardOrder    `json:"order,omitempty"`
	Tracking *cardTracking `json:"tracking,omitempty"`
	Return   *cardReturn   `json:"return,omitempty"`
	Products []cardProduct `json:"products,omitempty"`
}

type cardOrder struct {
	Number   string     `json:"number"`
	Status   string     `json:"status"`
	Total    string     `json:"total,omitempty"`
	Currency string     `json:"currency,omitempty"`
	Items    []cardItem `json:"items,omitempty"`
}

type cardItem struct {
	Title    string `json:"title"`
	TitleZH  string `json:"title_zh,omitempty"`
	Quantity int    `json:"quantity"`
}

type cardTracking struct {
	Carrier             string     `json:"carrier"`
	Number              string     `json:"number"`
	Status              string     `json:"status"`
	EstimatedDeliveryAt *time.Time `json:"estimated_delivery_at,omitempty"`
	DeliveredAt         *time.Time `json:"delivered_at,omitempty"`
	LastEvent           string     `json:"last_event,omitempty"`
}

type cardReturn struct {
	RMA         string `json:"rma"`
	OrderNumber string `json:"order_number"`
	Status      string `json:"status"`
	Refund      string `json:"refund"`
	Currency    string `json:"currency"`
}

type cardProduct struct {
	SKU      string `json:"sku"`
	Title    string `json:"title"`
	TitleZH  string `json:"title_zh,omitempty"`
	Price    string `json:"price"`
	Currency string `json:"currency"`
}

// toolOutcome is a tool result as the engine reads it.
type toolOutcome struct {
	Status string          `json:"status"`
	Data   json.RawMessage `json:"data"`
}

type wireOrder struct {
	Number   string      `json:"number"`
	Status   string      `json:"status"`
	Total    json.Number `json:"total"`
	Currency string      `json:"currency"`
	Items    []cardItem  `json:"items"`
}

// cardsFrom builds the cards for one tool result, and the confirm frame
// when the result is a change waiting for the shopper's yes.
func cardsFrom(tool, content, locale string) ([]Card, *confirmFrame) {
	var out toolOutcome
	if json.Unmarshal([]byte(content), &out) != nil {
		return nil, nil
	}
	if out.Status == "needs_confirmation" {
		return nil, confirmFrom(tool, out.Data, locale)
	}
	if out.Status != "ok" {
		return nil, nil
	}
	switch tool {
	case "lookup_order":
		var d struct {
			Order wireOrder `json:"order"`
		}
		if json.Unmarshal(out.Data, &d) == nil {
			return []Card{orderCard(d.Order, nil)}, nil
		}
	case "track_shipment":
		var d struct {
			OrderNumber string `json:"order_number"`
			OrderStatus string `json:"order_status"`
			Shipments   []struct {
				Carrier             string     `json:"carrier"`
				TrackingNumber      string     `json:"tracking_number"`
				Status              string     `json:"status"`
				EstimatedDeliveryAt *time.Time `json:"estimated_delivery_at"`
				DeliveredAt         *time.Time `json:"delivered_at"`
				Events              []struct {
					Location    string `json:"location"`
					Description string `json:"description"`
				} `json:"events"`
			} `json:"shipments"`
		}
		if json.Unmarshal(out.Data, &d) != nil {
			return nil, nil
		}
		var cards []Card
		for _, sh := range d.Shipments {
			t := &cardTracking{Carrier: sh.Carrier, Number: sh.TrackingNumber, Status: sh.Status,
				EstimatedDeliveryAt: sh.EstimatedDeliveryAt, DeliveredAt: sh.DeliveredAt}
			if n := len(sh.Events); n > 0 {
				t.LastEvent = sh.Events[n-1].Description
				if sh.Events[n-1].Location != "" {
					t.LastEvent += " — " + sh.Events[n-1].Location
				}
			}
			cards = append(cards, orderCard(wireOrder{Number: d.OrderNumber, Status: d.OrderStatus}, t))
		}
		if len(cards) == 0 {
			cards = append(cards, orderCard(wireOrder{Number: d.OrderNumber, Status: d.OrderStatus}, nil))
		}
		return cards, nil
	case "return_status":
		var d struct {
			Returns []struct {
				RMA         string      `json:"rma"`
				OrderNumber string      `json:"order_number"`
				Status      string      `json:"status"`
				Refund      json.Number `json:"refund"`
			} `json:"returns"`
		}
		if json.Unmarshal(out.Data, &d) != nil {
			return nil, nil
		}
		var cards []Card
		for _, r := range d.Returns {
			cards = append(cards, Card{Kind: "return", Return: &cardReturn{RMA: r.RMA, OrderNumber: r.OrderNumber,
				Status: r.Status, Refund: r.Refund.String(), Currency: "USD"}})
		}
		return cards, nil
	case "confirm_action":
		var d struct {
			RMA         string      `json:"rma"`
			OrderNumber string      `json:"order_number"`
			Refund      json.Number `json:"refund"`
			Currency    string      `json:"currency"`
			Status      string      `json:"status"`
		}
		if json.Unmarshal(out.Data, &d) != nil {
			return nil, nil
		}
		if d.RMA != "" {
			return []Card{{Kind: "return", Return: &cardReturn{RMA: d.RMA, OrderNumber: d.OrderNumber, Status: "open",
				Refund: d.Refund.String(), Currency: d.Currency}}}, nil
		}
		return []Card{orderCard(wireOrder{Number: d.OrderNumber, Status: d.Status, Total: d.Refund, Currency: d.Currency}, nil)}, nil
	case "recommend_products":
		var d struct {
			Products []struct {
				SKU      string      `json:"sku"`
				Title    string      `json:"title"`
				TitleZH  string      `json:"title_zh"`
				Price    json.Number `json:"price"`
				Currency string      `json:"currency"`
			} `json:"products"`
		}
		if json.Unmarshal(out.Data, &d) != nil || len(d.Products) == 0 {
			return nil, nil
		}
		c := Card{Kind: "products"}
		for _, p := range d.Products {
			c.Products = append(c.Products, cardProduct{SKU: p.SKU, Title: p.Title, TitleZH: p.TitleZH, Price: p.Price.String(), Currency: p.Currency})
		}
		return []Card{c}, nil
	}
	return nil, nil
}

func orderCard(o wireOrder, t *cardTracking) Card {
	return Card{Kind: "order", Tracking: t, Order: &cardOrder{Number: o.Number, Status: o.Status, Total: o.Total.String(),
		Currency: o.Currency, Items: o.Items}}
}

// confirmFrom builds the confirm frame for a previewed change.
func confirmFrom(tool string, data json.RawMessage, locale string) *confirmFrame {
	var d struct {
		ActionID  string    `json:"action_id"`
		ExpiresAt time.Time `json:"expires_at"`
		Preview   struct {
			OrderNumber string      `json:"order_number"`
			Refund      json.Number `json:"refund"`
			Currency    string      `json:"currency"`
			Items       []cardItem  `json:"items"`
		} `json:"preview"`
	}
	if json.Unmarshal(data, &d) != nil || d.ActionID == "" {
		return nil
	}
	p := d.Preview
	var names string
	for i, it := range p.Items {
		n := it.Title
		if locale == "zh" && it.TitleZH != "" {
			n = it.TitleZH
		}
		if i > 0 {
			names += "; "
		}
		names += n
	}
	refund := "$" + p.Refund.String()
	var summary string
	switch {
	case tool == "cancel_order" && locale == "zh":
		summary = fmt.Sprintf("取消订单 %s，退款 %s", p.OrderNumber, refund)
	case tool == "cancel_order":
		summary = fmt.Sprintf("Cancel order %s, refund %s", p.OrderNumber, refund)
	case locale == "zh":
		summary = fmt.Sprintf("退货：订单 %s 的 %s，退款 %s", p.OrderNumber, names, refund)
	default:
		summary = fmt.Sprintf("Return %s from %s, refund %s", names, p.OrderNumber, refund)
	}
	return &confirmFrame{Type: "confirm", ActionID: d.ActionID, Kind: tool, Summary: summary, ExpiresAt: d.ExpiresAt}
}

// activityText is what the shopper sees while a tool runs.
func activityText(tool, locale string) string {
	t := map[string][2]string{
		"lookup_order":          {"Looking up your order…", "正在查询您的订单…"},
		"list_orders":           {"Looking up your orders…", "正在查询您的订单…"},
		"track_shipment":        {"Tracking your parcel…", "正在查询物流…"},
		"search_knowledge_base": {"Checking our help articles…", "正在查找帮助文章…"},
		"start_return":          {"Preparing your return…", "正在准备退货…"},
		"return_status":         {"Checking your return…", "正在查询退货进度…"},
		"cancel_order":          {"Checking your order…", "正在查询您的订单…"},
		"recommend_products":    {"Finding products for you…", "正在为您挑选商品…"},
		"handoff_to_human":      {"Finding a person to help…", "正在为您转接人工客服…"},
		"confirm_action":        {"Making the change…", "正在办理…"},
	}[tool]
	if t[0] == "" {
		t = [2]string{"Working on it…", "处理中…"}
	}
	if locale == "zh" {
		return t[1]
	}
	return t[0]
}
