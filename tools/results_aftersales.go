package tools

import (
	"fmt"
	"strings"

	"github.com/kefu-dev/kefu/store"
)

// The payloads of the after-sales tools: start_exchange and
// change_shipping_address (see results.go for the others).

// VariantView is one variant of a product as the exchange tools show it.
type VariantView struct {
	SKU       string               `json:"sku"`
	Title     string               `json:"title"`
	TitleZH   string               `json:"title_zh,omitempty"`
	Options   store.VariantOptions `json:"options,omitempty"`
	UnitPrice store.Money          `json:"unit_price"`
	InStock   bool                 `json:"in_stock"`
}

// TitleIn is the variant's title in locale.
func (v VariantView) TitleIn(locale string) string { return titleIn(v.Title, v.TitleZH, locale) }

// ExchangeLine is one line of an exchange: what goes back and what is sent
// out instead.
type ExchangeLine struct {
	OrderItemID int64                `json:"order_item_id"`
	SKU         string               `json:"sku"`
	Title       string               `json:"title"`
	TitleZH     string               `json:"title_zh,omitempty"`
	Options     store.VariantOptions `json:"options,omitempty"`
	Quantity    int                  `json:"quantity"`
	UnitPrice   store.Money          `json:"unit_price"`
	// Replacement is the variant sent out; ProductID is its product row.
	Replacement          VariantView `json:"replacement"`
	ReplacementProductID int64       `json:"replacement_product_id"`
}

// TitleIn is the returned item's title in locale.
func (l ExchangeLine) TitleIn(locale string) string { return titleIn(l.Title, l.TitleZH, locale) }

// ExchangePreview is an exchange not yet confirmed; it is also what the
// pending action stores. PriceDifference is what the shopper pays for the
// replacements (negative: what is refunded to them).
type ExchangePreview struct {
	OrderID         int64          `json:"order_id"`
	OrderNumber     string         `json:"order_number"`
	Items           []ExchangeLine `json:"items"`
	Reason          string         `json:"reason"`
	PriceDifference store.Money    `json:"price_difference"`
	Currency        string         `json:"currency"`
	Shipping        string         `json:"return_shipping"` // prepaid_label or customer_paid
	HowToReturn     string         `json:"how_to_return"`
}

func (p *ExchangePreview) summary() Summary {
	en, zh := make([]string, len(p.Items)), make([]string, len(p.Items))
	for i, l := range p.Items {
		en[i] = fmt.Sprintf("%s for %s", quantified(l.Title, l.Quantity, "en"), variantName(l.Replacement, l.Options, "en"))
		zh[i] = fmt.Sprintf("%s换成%s", quantified(l.TitleIn("zh"), l.Quantity, "zh"), variantName(l.Replacement, l.Options, "zh"))
	}
	enDiff, zhDiff := priceDifference(p.PriceDifference, p.Currency)
	return Summary{
		EN: fmt.Sprintf("Exchange %s from order %s; %s", strings.Join(en, "; "), p.OrderNumber, enDiff),
		ZH: fmt.Sprintf("换货：订单 %s 的%s，%s", p.OrderNumber, strings.Join(zh, "、"), zhDiff),
	}
}

// priceDifference says who pays what for an exchange, in both languages.
func priceDifference(d store.Money, currency string) (en, zh string) {
	switch {
	case d > 0:
		a := Amount(d, currency)
		return "you pay the difference of " + a, "需补差价 " + a
	case d < 0:
		a := Amount(-d, currency)
		return "the difference of " + a + " is refunded to you", "差价 " + a + " 退还给您"
	}
	return "no price difference", "无差价"
}

// optionNames are the Chinese names of common option names.
var optionNames = map[string]string{"size": "尺码", "colour": "颜色", "color": "颜色", "weight": "规格", "style": "款式"}

// variantName names a replacement by what differs from the item it
// replaces ("size L", "颜色 Black"), or by its title when nothing does.
func variantName(v VariantView, was store.VariantOptions, locale string) string {
	var parts []string
	for _, k := range v.Options.Names() {
		if was[k] == v.Options[k] {
			continue
		}
		name := k
		if locale == "zh" && optionNames[k] != "" {
			name = optionNames[k]
		}
		parts = append(parts, name+" "+v.Options[k])
	}
	if len(parts) == 0 {
		return v.TitleIn(locale)
	}
	sep := ", "
	if locale == "zh" {
		sep = "、"
	}
	return strings.Join(parts, sep)
}

// ExchangeDone is a confirmed exchange: an RMA for the items sent back,
// the replacements reserved.
type ExchangeDone struct {
	Kind            string         `json:"kind"` // NameStartExchange
	RMA             string         `json:"rma"`
	OrderNumber     string         `json:"order_number"`
	Items           []ExchangeLine `json:"items"`
	PriceDifference store.Money    `json:"price_difference"`
	Currency        string         `json:"currency"`
	Shipping        string         `json:"return_shipping"`
	HowToReturn     string         `json:"how_to_return"`
	WhenShipped     string         `json:"replacement_timing"`
}

// AddressPreview is an address change not yet confirmed; it is also what
// the pending action stores.
type AddressPreview struct {
	OrderNumber string         `json:"order_number"`
	Old         *store.Address `json:"old_address,omitempty"`
	OldShipTo   string         `json:"old_ship_to,omitempty"`
	New         store.Address  `json:"new_address"`
}

func (p *AddressPreview) summary() Summary {
	was := p.OldShipTo
	if p.Old != nil {
		was = p.Old.String()
	}
	en := fmt.Sprintf("Ship order %s to %s", p.OrderNumber, p.New.String())
	zh := fmt.Sprintf("订单 %s 改寄到：%s", p.OrderNumber, p.New.String())
	if was != "" {
		en += " (instead of " + was + ")"
		zh += "（原地址：" + was + "）"
	}
	return Summary{EN: en, ZH: zh}
}

// AddressChanged is a confirmed address change.
type AddressChanged struct {
	Kind        string        `json:"kind"` // NameChangeShippingAddress
	OrderNumber string        `json:"order_number"`
	Address     store.Address `json:"address"`
	Previous    string        `json:"previous,omitempty"`
}

// AddressIncomplete is the data of change_shipping_address's needs_info
// answer: the fields to ask for, and what is wrong with the others.
type AddressIncomplete struct {
	Missing  []string `json:"missing"`
	Problems []string `json:"problems,omitempty"`
}

// ExchangeOptions is the data of a start_exchange answer that cannot pick
// the replacement (needs_info, or refused out_of_stock or
// variant_not_found): the variants the item does come in.
type ExchangeOptions struct {
	SKU      string        `json:"sku"`
	Title    string        `json:"title"`
	TitleZH  string        `json:"title_zh,omitempty"`
	Variants []VariantView `json:"variants"`
}
