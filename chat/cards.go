package chat

import (
	"time"

	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/tools"
)

// Card is something structured the widget draws under a message: an order
// (with its parcel when tracked), a return, or product suggestions. Cards
// are built from the tools' results of the turn, so they show exactly
// what the tools returned.
type Card struct {
	Kind     string        `json:"kind"` // order, return, products, exchange, address
	Order    *cardOrder    `json:"order,omitempty"`
	Tracking *cardTracking `json:"tracking,omitempty"`
	Return   *cardReturn   `json:"return,omitempty"`
	Products []cardProduct `json:"products,omitempty"`
	Exchange *cardExchange `json:"exchange,omitempty"`
	Address  *cardAddress  `json:"address,omitempty"`
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

// cardsFrom builds the cards for one tool result, and the confirm frame
// when the result is a change waiting for the shopper's yes.
func cardsFrom(tool, content, locale string) ([]Card, *confirmFrame) {
	out, err := tools.DecodeShared(tool, content)
	if err != nil {
		return nil, nil
	}
	switch d := out.Data.(type) {
	case *tools.Pending:
		if d.ActionID == "" {
			return nil, nil
		}
		return previewCards(d), &confirmFrame{Type: "confirm", ActionID: d.ActionID, Kind: tool, Summary: d.Summary.In(locale), ExpiresAt: d.ExpiresAt}
	}
	if out.Status != tools.StatusOK {
		return nil, nil
	}
	if cards, ok := afterSalesCards(out.Data); ok {
		return cards, nil
	}
	switch d := out.Data.(type) {
	case *tools.OrderLookup:
		return []Card{orderCard(&d.Order, nil)}, nil
	case *tools.Tracking:
		o := &tools.OrderView{Number: d.OrderNumber, Status: d.OrderStatus}
		var cards []Card
		for _, sh := range d.Shipments {
			cards = append(cards, orderCard(o, trackingCard(sh)))
		}
		if len(cards) == 0 {
			cards = append(cards, orderCard(o, nil))
		}
		return cards, nil
	case *tools.ReturnList:
		var cards []Card
		for _, r := range d.Returns {
			cards = append(cards, returnCard(r.RMA, r.OrderNumber, r.Status, r.Refund, r.Currency))
		}
		return cards, nil
	case *tools.ReturnDone:
		return []Card{returnCard(d.RMA, d.OrderNumber, "open", d.Refund, d.Currency)}, nil
	case *tools.CancelDone:
		return []Card{orderCard(&tools.OrderView{Number: d.OrderNumber, Status: d.Status, Total: d.Refund, Currency: d.Currency}, nil)}, nil
	case *tools.ProductPicks:
		if len(d.Products) == 0 {
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

func orderCard(o *tools.OrderView, t *cardTracking) Card {
	c := &cardOrder{Number: o.Number, Status: o.Status, Currency: o.Currency}
	if o.Total != 0 || o.Currency != "" {
		c.Total = o.Total.String()
	}
	for _, it := range o.Items {
		c.Items = append(c.Items, cardItem{Title: it.Title, TitleZH: it.TitleZH, Quantity: it.Quantity})
	}
	return Card{Kind: "order", Tracking: t, Order: c}
}

func trackingCard(sh tools.ShipmentView) *cardTracking {
	t := &cardTracking{Carrier: sh.Carrier, Number: sh.TrackingNumber, Status: sh.Status,
		EstimatedDeliveryAt: sh.EstimatedDeliveryAt, DeliveredAt: sh.DeliveredAt}
	if n := len(sh.Events); n > 0 {
		t.LastEvent = sh.Events[n-1].Description
		if sh.Events[n-1].Location != "" {
			t.LastEvent += " — " + sh.Events[n-1].Location
		}
	}
	return t
}

func returnCard(rma, order, status string, refund store.Money, currency string) Card {
	if currency == "" {
		currency = "USD" // returns stored before they carried their order's currency
	}
	return Card{Kind: "return", Return: &cardReturn{RMA: rma, OrderNumber: order, Status: status, Refund: refund.String(), Currency: currency}}
}

var activities = map[string][2]string{
	tools.NameLookupOrder:         {"Looking up your order…", "正在查询您的订单…"},
	tools.NameListOrders:          {"Looking up your orders…", "正在查询您的订单…"},
	tools.NameTrackShipment:       {"Tracking your parcel…", "正在查询物流…"},
	tools.NameSearchKnowledgeBase: {"Checking our help articles…", "正在查找帮助文章…"},
	tools.NameStartReturn:         {"Preparing your return…", "正在准备退货…"},
	tools.NameReturnStatus:        {"Checking your return…", "正在查询退货进度…"},
	tools.NameCancelOrder:         {"Checking your order…", "正在查询您的订单…"},
	tools.NameStartExchange:       {"Preparing your exchange…", "正在准备换货…"},
	tools.NameChangeAddress:       {"Checking your order…", "正在查询您的订单…"},
	tools.NameRecommendProducts:   {"Finding products for you…", "正在为您挑选商品…"},
	tools.NameOfferCoupon:         {"Checking what we can offer…", "正在查看可用的优惠…"},
	tools.NameHandoffToHuman:      {"Finding a person to help…", "正在为您转接人工客服…"},
	tools.NameConfirmAction:       {"Making the change…", "正在办理…"},
}

// activityText is what the shopper sees while a tool runs.
func activityText(tool, locale string) string {
	t := activities[tool]
	if t[0] == "" {
		t = [2]string{"Working on it…", "处理中…"}
	}
	if locale == "zh" {
		return t[1]
	}
	return t[0]
}
