package chat

import (
	"strings"

	"github.com/kefu-dev/kefu/tools"
)

// Cards of the after-sales tools: an exchange (previewed or confirmed)
// shows what goes back and what is sent out; an address change shows the
// new address and the one it replaces.

type cardExchange struct {
	RMA         string            `json:"rma,omitempty"` // "" while previewed
	OrderNumber string            `json:"order_number"`
	Status      string            `json:"status"` // preview, open, received, refunded, rejected
	Lines       []cardExchangeRow `json:"lines"`
	// Difference is what the shopper pays (negative: gets back).
	Difference string `json:"difference"`
	Currency   string `json:"currency"`
}

type cardExchangeRow struct {
	Quantity  int    `json:"quantity"`
	Back      string `json:"back"`
	BackZH    string `json:"back_zh,omitempty"`
	Out       string `json:"out"`
	OutZH     string `json:"out_zh,omitempty"`
	OutOption string `json:"out_options,omitempty"` // "Blue / L"
}

type cardAddress struct {
	OrderNumber string `json:"order_number"`
	Status      string `json:"status"` // preview or changed
	Address     string `json:"address"`
	Previous    string `json:"previous,omitempty"`
}

// previewCards are the cards of a previewed change, shown with its
// confirm prompt; none for the changes whose summary says it all.
func previewCards(p *tools.Pending) []Card {
	switch pv := p.Preview.(type) {
	case *tools.ExchangePreview:
		return []Card{exchangeCard("", pv.OrderNumber, "preview", pv.Items, pv.PriceDifference.String(), pv.Currency)}
	case *tools.AddressPreview:
		was := pv.OldShipTo
		if pv.Old != nil {
			was = pv.Old.String()
		}
		return []Card{{Kind: "address", Address: &cardAddress{OrderNumber: pv.OrderNumber, Status: "preview", Address: pv.New.String(), Previous: was}}}
	}
	return nil
}

// afterSalesCards are the cards of a confirmed exchange or address
// change, and of a return status that lists exchanges; ok is false for
// any other result.
func afterSalesCards(data any) ([]Card, bool) {
	switch d := data.(type) {
	case *tools.ExchangeDone:
		return []Card{exchangeCard(d.RMA, d.OrderNumber, "open", d.Items, d.PriceDifference.String(), d.Currency)}, true
	case *tools.AddressChanged:
		return []Card{{Kind: "address", Address: &cardAddress{OrderNumber: d.OrderNumber, Status: "changed", Address: d.Address.String(), Previous: d.Previous}}}, true
	case *tools.ReturnList:
		exchanges := false
		for _, r := range d.Returns {
			exchanges = exchanges || r.Kind == "exchange"
		}
		if !exchanges {
			return nil, false
		}
		var cards []Card
		for _, r := range d.Returns {
			if r.Kind != "exchange" {
				cards = append(cards, returnCard(r.RMA, r.OrderNumber, r.Status, r.Refund, r.Currency))
				continue
			}
			c := cardExchange{RMA: r.RMA, OrderNumber: r.OrderNumber, Status: r.Status, Difference: r.PriceDifference.String(), Currency: r.Currency}
			for _, it := range r.Items {
				row := cardExchangeRow{Quantity: it.Quantity, Back: it.Title, BackZH: it.TitleZH}
				if it.Replacement != nil {
					row.Out, row.OutZH, row.OutOption = it.Replacement.Title, it.Replacement.TitleZH, it.Replacement.Options.Values()
				}
				c.Lines = append(c.Lines, row)
			}
			cards = append(cards, Card{Kind: "exchange", Exchange: &c})
		}
		return cards, true
	}
	return nil, false
}

func exchangeCard(rma, order, status string, lines []tools.ExchangeLine, diff, currency string) Card {
	c := &cardExchange{RMA: rma, OrderNumber: order, Status: status, Difference: diff, Currency: orUSD(currency)}
	for _, l := range lines {
		c.Lines = append(c.Lines, cardExchangeRow{Quantity: l.Quantity, Back: l.Title, BackZH: l.TitleZH,
			Out: l.Replacement.Title, OutZH: l.Replacement.TitleZH, OutOption: l.Replacement.Options.Values()})
	}
	return Card{Kind: "exchange", Exchange: c}
}

func orUSD(currency string) string {
	if strings.TrimSpace(currency) == "" {
		return "USD"
	}
	return currency
}
