package builtin

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/tools"
)

// Changing the address of an order that has not shipped (改地址). The
// tool checks the order's state and the address's completeness; this
// file finds the order, reads the address from the shopper's words, and
// writes the answers.

// planAddress takes the next step of an address change.
func (s *state) planAddress() action {
	if !s.offers(tools.NameChangeAddress) {
		return say(s.t("I can't change a delivery address from this chat. If the order hasn't shipped yet, a person from our team can update it. Would you like me to connect you with a person from our support team?",
			"抱歉，我在这里无法修改收货地址。如果订单还没发货，我们的客服人员可以帮您修改。需要我为您转接人工客服吗？"))
	}
	sl := s.slots
	if sl.order == "" {
		sl.order = s.orderByItem()
	}
	if sl.order == "" {
		if s.c.signedIn && s.offers(tools.NameListOrders) && !s.listedThisTurn() && !s.haveOrderList() {
			return call(tools.NameListOrders, map[string]any{})
		}
		if s.c.signedIn && s.haveOrderList() {
			if o := s.onlyUnshipped(); o != "" {
				sl.order = o
			} else {
				return s.askAddressOrder()
			}
		} else {
			return s.askOrder()
		}
	}
	if !s.c.signedIn && sl.email == "" {
		return s.askEmail()
	}
	s.slots.order = sl.order
	od, known := s.orderData(sl.order)
	if !known && s.offers(tools.NameLookupOrder) && !s.calledThisTurn(action{tool: tools.NameLookupOrder}) {
		// The current address gives what the shopper need not repeat
		// (the name, the country); the tool refuses a shipped order anyway.
		return call(tools.NameLookupOrder, s.orderArgs(sl.order))
	}
	args := s.orderArgs(sl.order)
	args["address"] = s.addressFromTurns(od)
	return call(tools.NameChangeAddress, args)
}

// onlyUnshipped is the shopper's one order that has not shipped, if
// there is exactly one.
func (s *state) onlyUnshipped() string {
	orders, _ := s.orderList()
	found := ""
	for _, o := range orders {
		if o.Status == "paid" || o.Status == "pending_payment" {
			if found != "" {
				return ""
			}
			found = o.Number
		}
	}
	return found
}

func (s *state) askAddressOrder() action {
	orders, _ := s.orderList()
	var lines []string
	for _, o := range orders {
		if o.Status == "paid" || o.Status == "pending_payment" {
			lines = append(lines, "• "+o.Number+": "+s.itemNames(o.Items))
		}
	}
	if len(lines) == 0 {
		return say(s.t("All your recent orders have already shipped, so their address can't be changed any more. The carrier may be able to redirect a parcel — I can connect you with a person.",
			"您最近的订单都已发货，无法再修改地址。快递公司也许可以改派。需要我为您转接人工客服吗？"))
	}
	return say(s.t("Which order's address would you like to change? Please give me the order number:\n"+strings.Join(lines, "\n"),
		"请问要修改哪个订单的地址？请提供订单号：\n"+strings.Join(lines, "\n")))
}

// answerAddress writes the reply to a change_shipping_address result.
func (s *state) answerAddress(e toolEvent) (action, bool) {
	r := e.result
	o := s.slots.order
	switch r.Status {
	case tools.StatusNeedsInfo:
		if r.Missing == "email" {
			return s.askEmail(), true
		}
		d, _ := r.Data.(*tools.AddressIncomplete)
		if d == nil || len(d.Missing) >= 4 {
			return say(s.t(fmt.Sprintf("Sure, order %s hasn't shipped yet, so I can change where it goes. Please send me the full new address: name, street and number, city, postal code and country.", o),
				fmt.Sprintf("好的，订单 %s 还没有发货，可以修改地址。请把新地址完整发给我：收件人姓名、街道门牌号、城市、邮编和国家。", o))), true
		}
		var en, zh []string
		for _, f := range d.Missing {
			n := addressFieldNames[f]
			en, zh = append(en, n[0]), append(zh, n[1])
		}
		if len(d.Missing) == 0 {
			return say(s.t("Please check the new address: the postal code doesn't look right. Could you send it again?",
				"请核对一下新地址：邮编好像不对，能再发一次吗？")), true
		}
		return say(s.t("Thanks. For the new address I still need the "+strings.Join(en, " and ")+". Could you send it?",
			"好的。新地址还缺少"+strings.Join(zh, "、")+"，请补充一下。")), true
	case tools.StatusRefused:
		return say(s.addressRefusal(e)), true
	case tools.StatusNeedsConfirmation:
		if d, _ := r.Data.(*tools.Pending); d != nil {
			if p, ok := d.Preview.(*tools.AddressPreview); ok {
				return say(s.addressPreview(p)), true
			}
		}
	}
	return action{}, false
}

var addressFieldNames = map[string][2]string{
	"name": {"recipient's name", "收件人姓名"}, "line1": {"street and number", "街道门牌号"}, "city": {"city", "城市"},
	"postal_code": {"postal code", "邮编"}, "country": {"country", "国家"},
}

func (s *state) addressRefusal(e toolEvent) string {
	o := s.slots.order
	switch e.result.Reason {
	case "already_shipped":
		return s.t(fmt.Sprintf("I'm sorry, order %s has already shipped, so its address can't be changed any more. The carrier may be able to redirect the parcel with its tracking number — I can connect you with a person who can help.", o),
			fmt.Sprintf("抱歉，订单 %s 已经发货，无法再修改地址。可以凭运单号联系快递改派。需要我为您转接人工客服吗？", o))
	case "already_delivered":
		return s.t(fmt.Sprintf("Order %s was already delivered, so its address can't be changed.", o),
			fmt.Sprintf("订单 %s 已经签收，无法修改地址。", o))
	case "order_cancelled":
		return s.t(fmt.Sprintf("Order %s was cancelled, so there's no delivery to change.", o), fmt.Sprintf("订单 %s 已取消，无需修改地址。", o))
	case "same_address":
		return s.t(fmt.Sprintf("Order %s is already going to that address, so nothing needs to change.", o),
			fmt.Sprintf("订单 %s 的收货地址已经是这个地址了，无需修改。", o))
	case "confirmation_expired":
		return s.t("That confirmation has expired, so nothing was changed. Shall we start again?", "确认已超时，没有做任何更改。需要重新办理吗？")
	}
	return s.t("I'm sorry, that isn't possible: "+e.result.Message, "抱歉，无法办理："+e.result.Message)
}

func (s *state) addressPreview(p *tools.AddressPreview) string {
	was := p.OldShipTo
	if p.Old != nil {
		was = p.Old.String()
	}
	number := orDefault(p.OrderNumber, s.slots.order)
	return s.t(fmt.Sprintf("I can change the delivery address of order %s to: %s (it was going to %s). Shall I go ahead? Please answer yes or no.", number, p.New.String(), was),
		fmt.Sprintf("可以把订单 %s 的收货地址改为：%s（原地址：%s）。请回复“确认”继续，或回复“不用了”。", number, p.New.String(), was))
}

func (s *state) addressChanged(d *tools.AddressChanged) string {
	return s.t(fmt.Sprintf("Done — order %s will now go to %s.", d.OrderNumber, d.Address.String()),
		fmt.Sprintf("已修改，订单 %s 将寄往：%s。", d.OrderNumber, d.Address.String()))
}

// addressFromTurns reads the new address from the latest of the task's
// messages that holds one, with what the shopper need not repeat (the
// recipient, the country) from the order's current address.
func (s *state) addressFromTurns(od tools.OrderView) map[string]any {
	var a store.Address
	for i := len(s.c.turns) - 1; i >= s.start && i >= 0; i-- {
		if a = parseAddressText(s.c.turns[i].text); a.Line1 != "" || a.PostalCode != "" {
			break
		}
	}
	if a.Line1 == "" && a.PostalCode == "" {
		return map[string]any{}
	}
	if a.Name == "" && od.Address != nil {
		a.Name = od.Address.Name
	}
	if a.Country == "" {
		if od.Address != nil {
			a.Country = od.Address.Country
		} else if _, c, ok := strings.Cut(od.ShipTo, ", "); ok {
			a.Country = c
		}
	}
	out := map[string]any{}
	for k, v := range map[string]string{"name": a.Name, "line1": a.Line1, "line2": a.Line2, "city": a.City, "region": a.Region,
		"postal_code": a.PostalCode, "country": a.Country, "phone": a.Phone} {
		if v != "" {
			out[k] = v
		}
	}
	return out
}

var (
	// addressLeadIn is what stands before an address in a request.
	addressLeadIn = regexp.MustCompile(`(?i)^.*(?:\bis\s|\bto\s|:|：|改成|改为|改到|寄到|送到|地址是|是)\s*`)
	requestWords  = []string{"address", "deliver", "ship", "send", "change", "地址", "寄", "送", "改"}
	zipRe         = regexp.MustCompile(`^(?:([A-Za-z]{2})\s+)?(\d{5}(?:-\d{4})?|\d{4}|\d{6}|[A-Za-z]\d[A-Za-z] ?\d[A-Za-z]\d|[A-Za-z]{1,2}\d[A-Za-z\d]? ?\d[A-Za-z]{2})$`)
	cityZipRe     = regexp.MustCompile(`^(\D+?)\s+(?:([A-Z]{2})\s+)?(\d{5}(?:-\d{4})?)$`) // Portland OR 97201
	zipCityRe     = regexp.MustCompile(`^(\d{4,5})\s+(\D+)$`)                             // 10999 Berlin
	phoneRe       = regexp.MustCompile(`^\+?[\d\s\-()]{8,}$`)
	line2Re       = regexp.MustCompile(`(?i)^(?:apt|apartment|unit|suite|ste|flat|floor|fl|room|rm|building|bldg|#)\b`)
	hanStreet     = regexp.MustCompile(`[路街道号弄巷村区镇室栋楼座幢]`)
)

// parseAddressText reads an address written on one line or several,
// its parts separated by commas ("Chloe Martin, 500 King Street West,
// Toronto, ON M5V 1L9, Canada" or "上海市静安区南京西路1266号，王芳，200040").
func parseAddressText(text string) store.Address {
	text = emailRe.ReplaceAllString(text, " ")
	parts := strings.FieldsFunc(text, func(r rune) bool { return strings.ContainsRune(",，;；\n", r) })
	// The request before the address ("please change the address of my
	// order to Jane Doe"): only what follows its last "to" is the address.
	if len(parts) > 0 && containsAny(strings.ToLower(parts[0]), requestWords) {
		parts[0] = addressLeadIn.ReplaceAllString(parts[0], "")
		if containsAny(strings.ToLower(parts[0]), requestWords) {
			parts = parts[1:] // all request, no address
		}
	}
	text = strings.Join(parts, ",")
	var a store.Address
	var rest []string // parts not yet placed, in order
	for i, p := range parts {
		p = strings.Trim(strings.TrimSpace(p), "。.")
		low := strings.ToLower(p)
		switch {
		case p == "":
		case store.CountryCode(low) != "" && (i == len(parts)-1 || len(low) > 2):
			a.Country = store.CountryCode(low)
		case zipRe.MatchString(p) && a.PostalCode == "":
			m := zipRe.FindStringSubmatch(p)
			a.Region, a.PostalCode = strings.ToUpper(m[1]), m[2]
		case cityZipRe.MatchString(p) && a.PostalCode == "":
			m := cityZipRe.FindStringSubmatch(p)
			a.City, a.Region, a.PostalCode = m[1], m[2], m[3]
		case zipCityRe.MatchString(p) && a.PostalCode == "":
			m := zipCityRe.FindStringSubmatch(p)
			a.PostalCode, a.City = m[1], m[2]
		case phoneRe.MatchString(p) && a.Phone == "":
			a.Phone = p
		case hasHanText(p) && hanStreet.MatchString(p) && a.Line1 == "":
			a.City, a.Line1 = hanCity(p)
		case line2Re.MatchString(p) && a.Line1 != "":
			a.Line2 = p
		case strings.ContainsAny(p, "0123456789") && a.Line1 == "":
			a.Line1 = p
		default:
			rest = append(rest, p)
		}
	}
	for _, p := range rest {
		switch {
		case a.Name == "" && (a.Line1 == "" || strings.Index(text, p) < strings.Index(text, a.Line1)):
			a.Name = p
		case a.City == "":
			a.City = p
		case a.Region == "" && len(p) <= 3:
			a.Region = strings.ToUpper(p)
		case a.Name == "":
			a.Name = p
		}
	}
	return a
}

// hanCity splits a Chinese street address into its city and the rest:
// "上海市静安区南京西路1266号" is 上海 and 静安区南京西路1266号.
func hanCity(p string) (city, line string) {
	if i := strings.Index(p, "市"); i > 0 && i <= len("黑龙江省哈尔滨") {
		city, line = p[:i], p[i+len("市"):]
		if j := strings.Index(city, "省"); j >= 0 {
			city = city[j+len("省"):]
		}
		return city, line
	}
	return "", p
}

func hasHanText(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
