package demo

import (
	"fmt"
	"strings"
	"time"

	"github.com/kefu-dev/kefu/store"
)

// Order states as the order table spells them. Most are order statuses; the
// shipped ones also say where the parcel is.
const (
	pending        = "pending"          // placed, not paid; age since placed
	paid           = "paid"             // paid, not shipped; age since paid
	inTransit      = "in_transit"       // age since shipped
	outForDelivery = "out_for_delivery" // age since the out-for-delivery scan
	delivered      = "delivered"        // age since delivered
	split          = "split"            // first parcel delivered age ago, second still on its way
	cancelled      = "cancelled"        // paid, then cancelled age ago
	expired        = "expired"          // cancelled unpaid age ago
)

// Gaps between the steps of an order, so that the tables need only one age.
const (
	checkout       = 7 * time.Minute // placed → paid
	paymentTimeout = 48 * time.Hour  // placed → cancelled when never paid
	changeOfMind   = 5 * time.Hour   // paid → cancelled by the customer
	fulfilment     = 26 * time.Hour  // paid → picked up by the carrier
	labelLead      = 3 * time.Hour   // label printed → picked up
	vanLead        = 5 * time.Hour   // out for delivery → delivered
	backorderDelay = 84 * time.Hour  // first parcel → second parcel of a split order
	// Shipping as the "shipping" and "international-shipping" articles
	// state it: US $5.95, free from $75; elsewhere $19.95, free from $150.
	usShipping, usFreeFrom     = store.Money(595), store.Money(7500)
	intlShipping, intlFreeFrom = store.Money(1995), store.Money(15000)
)

// line is an order or return line: a SKU and a quantity.
type line struct {
	sku string
	qty int
}

// parcel is one shipment of an order.
type parcel struct {
	carrier, tracking string
}

func ups(tracking ...string) []parcel  { return parcels("UPS", tracking) }
func usps(tracking ...string) []parcel { return parcels("USPS", tracking) }
func dhl(tracking ...string) []parcel  { return parcels("DHL", tracking) }
func sf(tracking ...string) []parcel   { return parcels("SF Express", tracking) }

func parcels(carrier string, tracking []string) []parcel {
	var ps []parcel
	for _, t := range tracking {
		ps = append(ps, parcel{carrier, t})
	}
	return ps
}

// orderRow is an order as the table below states it; build derives the
// timestamps, shipments and tracking scans.
type orderRow struct {
	number   string
	customer string
	state    string
	age      time.Duration
	shipTo   string
	parcels  []parcel
	items    []line
}

// orderTable is numbered in the order the orders were placed. Chinese
// customers write their city in Chinese; their parcels are tracked with an
// SF Express number, the carrier that delivers them.
var orderTable = []orderRow{
	{"KF-10001", alice, delivered, 150 * day, "Seattle, US", ups("1Z8V2E470391827364"), []line{{"OUT-TNT-2P-LT", 1}, {"OUT-STV-CMP", 1}}},
	{"KF-10002", liWei, delivered, 140 * day, "北京, CN", sf("SF1302948576120"), []line{{"ELC-CHG-65W", 1}, {"ELC-CBL-C2M", 1}}},
	{"KF-10003", emma, delivered, 130 * day, "London, GB", dhl("4829163057"), []line{{"SHR-RUN-BLK-M", 1}, {"TOP-BSE-BLK-M", 1}}},
	{"KF-10004", ben, delivered, 120 * day, "Austin, US", usps("9400111202555849012374"), []line{{"KIT-SKL-CI10", 1}, {"KIT-BRD-OAK", 1}}},
	{"KF-10005", zhangMin, delivered, 110 * day, "杭州, CN", sf("SF1318820475631"), []line{{"JKT-FLC-RED-S", 1}, {"SNK-CNV-WHT-40", 1}}},
	{"KF-10006", wangFang, delivered, 100 * day, "上海, CN", sf("SF1329475610238"), []line{{"KIT-PRS-BLK", 1}, {"KIT-MUG-BLU", 1}}},
	{"KF-10007", isaac, delivered, 95 * day, "Denver, US", ups("1Z8V2E470348120957"), []line{{"OUT-TNT-2P-UL", 1}, {"OUT-PAD-INS", 1}}},
	{"KF-10008", alice, delivered, 90 * day, "Seattle, US", ups("1Z8V2E470372649015"), []line{{"OUT-POL-CF", 1}, {"PNT-HIK-KHK-32", 1}}},
	{"KF-10009", julia, delivered, 80 * day, "Sydney, AU", dhl("5930284716"), []line{{"SHT-LIN-SND-M", 1}, {"BAG-TOT-NAT", 1}}},
	{"KF-10010", chenJing, delivered, 75 * day, "深圳, CN", sf("SF1336601827459"), []line{{"BAG-DAY-GRN", 1}, {"OUT-BTL-GRN", 1}}},
	{"KF-10011", huangLi, delivered, 70 * day, "Vancouver, CA", ups("1Z8V2E476651027384"), []line{{"HOM-THR-OAT", 1}, {"KIT-PRS-BLK", 1}}},
	{"KF-10012", grace, delivered, 65 * day, "New York, US", ups("1Z8V2E470319283746"), []line{{"KIT-MUG-BLU", 1}, {"SLP-WOL-GRY-39", 1}}},
	{"KF-10013", chloe, delivered, 60 * day, "Toronto, CA", ups("1Z8V2E476628374651"), []line{{"COT-WOL-GRY-L", 1}, {"ACC-SCF-GRY", 1}}},
	{"KF-10014", liWei, delivered, 50 * day, "北京, CN", sf("SF1347720193864"), []line{{"ELC-PWR-10K", 1}, {"ELC-SPK-BLU", 1}}},
	// Final-sale open-box earbuds, long out of the window anyway.
	{"KF-10015", david, delivered, 55 * day, "San Francisco, US", ups("1Z8V2E470311742986"), []line{{"ELC-EAR-WHT", 1}, {"ELC-CHG-65W", 1}, {"ELC-CBL-C2M", 1}}},
	// Partially returned: the Dutch oven was refunded (RMA-4M8T2B).
	{"KF-10016", ben, delivered, 45 * day, "Austin, US", usps("9400111202555840937261"), []line{{"KIT-KNF-CHF", 1}, {"KIT-DUT-RED", 1}}},
	{"KF-10017", emma, delivered, 35 * day, "London, GB", dhl("4837205619"), []line{{"SHO-RD-LAV-38", 1}, {"SCK-RUN-WHT-M", 1}, {"LEG-YGA-BLK-M", 1}}},
	// Outside the window, and the boxer briefs are final sale besides.
	{"KF-10018", frank, delivered, 40 * day, "Chicago, US", usps("9400111202555842761395"), []line{{"TEE-ORG-WHT-M", 2}, {"UND-BOX-BLK-M", 1}}},
	{"KF-10019", liuYang, delivered, 32 * day, "成都, CN", sf("SF1351948206375"), []line{{"SHO-TRL-GRY-42", 1}, {"SHR-RUN-BLK-M", 1}}},
	{"KF-10020", zhangMin, delivered, 28 * day, "杭州, CN", sf("SF1360382759146"), []line{{"SWT-MER-NVY-M", 1}, {"ACC-BNE-RED", 1}}},
	{"KF-10021", hannah, delivered, 26 * day, "Berlin, DE", dhl("6192738405"), []line{{"BAG-CMT-GRY", 1}, {"ELC-CBL-C2M", 1}}},
	// The last hour of the 30-day window; the gift card is final sale.
	{"KF-10022", grace, delivered, 30*day - time.Hour, "New York, US", ups("1Z8V2E470385716204"), []line{{"HOM-THR-OAT", 1}, {"GFT-CARD-50", 1}, {"HOM-CDL-CED", 1}}},
	// The return of the final-sale swim trunks was rejected (RMA-3H5N8R).
	{"KF-10023", julia, delivered, 22 * day, "Sydney, AU", dhl("5941827360"), []line{{"SWM-TRK-CRL-M", 1}, {"SND-SPT-BLK-41", 1}, {"ACC-SUN-BLK", 1}}},
	{"KF-10024", david, cancelled, 31 * day, "San Francisco, US", nil, []line{{"BAG-SLG-BLK", 1}}},
	// The cutting board is back at the warehouse (RMA-9P2W6L).
	{"KF-10025", huangLi, delivered, 20 * day, "Vancouver, CA", ups("1Z8V2E476604918273"), []line{{"KIT-SKL-CI10", 1}, {"KIT-BRD-OAK", 1}, {"KIT-MUG-BLU", 1}}},
	{"KF-10026", wangFang, delivered, 16 * day, "上海, CN", sf("SF1372019485637"), []line{{"KIT-KTL-GRN", 1}, {"HOM-CDL-CED", 1}}},
	// Partially returned: the hoodie's RMA-7K3Q9X is open.
	{"KF-10027", chloe, delivered, 15 * day, "Toronto, CA", ups("1Z8V2E476673820145"), []line{{"JKT-DWN-BLK-M", 1}, {"HOD-FLC-RED-L", 1}}},
	{"KF-10028", isaac, delivered, 18 * day, "Denver, US", ups("1Z8V2E470357392018"), []line{{"BOT-HIK-BRN-43", 1}, {"OUT-SLB-0C", 1}}},
	// Clearance shoes (final sale) with returnable socks and base layer.
	{"KF-10029", liuYang, delivered, 7 * day, "成都, CN", sf("SF1395810264739"), []line{{"SHO-TRL-ORG-44", 1}, {"SCK-RUN-WHT-M", 1}, {"TOP-BSE-BLK-M", 1}}},
	{"KF-10030", chenJing, delivered, 8 * day, "深圳, CN", sf("SF1384627103958"), []line{{"JKT-RAIN-BLU-L", 1}, {"PNT-HIK-KHK-32", 1}}},
	// "The blue jacket", delivered five days ago.
	{"KF-10031", hannah, delivered, 5 * day, "Berlin, DE", dhl("6107483926"), []line{{"JKT-RAIN-BLU-M", 1}, {"ACC-SCF-GRY", 1}}},
	{"KF-10032", liuYang, expired, 15 * day, "成都, CN", nil, []line{{"SND-SPT-BLK-41", 1}}},
	{"KF-10033", alice, delivered, 12 * day, "Seattle, US", ups("1Z8V2E470326159480"), []line{{"OUT-SLB-0C", 1}, {"SCK-MER-GRY-M", 2}}},
	{"KF-10034", frank, delivered, 9 * day, "Chicago, US", usps("9400111202555847130268"), []line{{"SNK-CNV-WHT-40", 1}}},
	{"KF-10035", wangFang, outForDelivery, time.Hour, "上海, CN", sf("SF1401736258490"), []line{{"HOM-THR-OAT", 1}}},
	{"KF-10036", zhangMin, inTransit, 9*day + 12*time.Hour, "杭州, CN", sf("SF1412093847561"), []line{{"COT-WOL-GRY-L", 1}}},
	{"KF-10037", frank, cancelled, 10 * day, "Chicago, US", nil, []line{{"JKT-RAIN-BLU-M", 1}}},
	{"KF-10038", emma, inTransit, 6 * day, "London, GB", dhl("4860319274"), []line{{"JKT-FLC-RED-S", 1}, {"ACC-BNE-RED", 1}}},
	{"KF-10039", huangLi, inTransit, 5*day + 6*time.Hour, "Vancouver, CA", ups("1Z8V2E476619374028"), []line{{"SLP-WOL-GRY-39", 1}, {"KIT-KTL-GRN", 1}}},
	{"KF-10040", david, delivered, 2 * day, "San Francisco, US", ups("1Z8V2E470390265143"), []line{{"ELC-SOL-20W", 1}, {"ELC-PWR-10K", 1}}},
	// Split shipment: the base layer was back-ordered and ships separately.
	{"KF-10041", isaac, split, 36 * time.Hour, "Denver, US", ups("1Z8V2E470362048391", "1Z8V2E470362048409"), []line{{"JKT-DWN-BLK-M", 1}, {"TOP-BSE-BLK-M", 1}}},
	{"KF-10042", hannah, inTransit, 4 * day, "Berlin, DE", dhl("6158290437"), []line{{"BAG-SLG-BLK", 1}, {"SHT-LIN-SND-M", 1}}},
	{"KF-10043", zhangMin, cancelled, 4 * day, "杭州, CN", nil, []line{{"JKT-DNM-IND-M", 1}}},
	{"KF-10044", david, outForDelivery, 2 * time.Hour, "San Francisco, US", ups("1Z8V2E470377480521"), []line{{"ELC-SPK-BLU", 1}}},
	{"KF-10045", alice, inTransit, 60 * time.Hour, "Seattle, US", ups("1Z8V2E470308462715"), []line{{"BAG-DAY-GRN", 1}, {"OUT-HDL-400", 1}}},
	// Shipped yesterday: too late to cancel.
	{"KF-10046", ben, inTransit, 30 * time.Hour, "Austin, US", usps("9400111202555846602817"), []line{{"KIT-KTL-GRN", 1}, {"KIT-PRS-BLK", 1}}},
	{"KF-10047", frank, paid, 2 * day, "Chicago, US", nil, []line{{"SCK-MER-GRY-M", 1}, {"UND-BOX-BLK-M", 1}}},
	{"KF-10048", liuYang, pending, 40 * time.Hour, "成都, CN", nil, []line{{"SCK-RUN-WHT-M", 2}}},
	{"KF-10049", grace, pending, 26 * time.Hour, "New York, US", nil, []line{{"HOM-CDL-CED", 2}, {"KIT-MUG-BLU", 1}}},
	{"KF-10050", wangFang, paid, day, "上海, CN", nil, []line{{"KIT-KNF-CHF", 1}}},
	{"KF-10051", chenJing, paid, 20 * time.Hour, "深圳, CN", nil, []line{{"OUT-HDL-400", 1}, {"OUT-STV-CMP", 1}}},
	{"KF-10052", isaac, paid, 6 * time.Hour, "Denver, US", nil, []line{{"OUT-POL-CF", 1}, {"OUT-FLT-SQZ", 1}}},
	{"KF-10053", julia, pending, 5 * time.Hour, "Sydney, AU", nil, []line{{"BAG-SLG-BLK", 1}}},
	{"KF-10054", chloe, paid, 4 * time.Hour, "Toronto, CA", nil, []line{{"JKT-DNM-IND-M", 1}}},
	{"KF-10055", liWei, pending, 3 * time.Hour, "北京, CN", nil, []line{{"ELC-SOL-20W", 1}}},
}

// salePrices are lines bought below the catalog price.
var salePrices = map[string]map[string]store.Money{
	"KF-10016": {"KIT-KNF-CHF": 9900}, // spring sale
}

// route is how a parcel travels to a destination: picked up at the Reno
// warehouse, sorted at hub, then handed to the local depot and the van.
// Transit times follow the shipping articles: 3–5 days in the US, 7–14
// business days abroad.
type route struct {
	hub, local string
	transit    time.Duration // pick-up to doorstep
	customs    bool
	linehaul   string // carrier up to the handover, when another does the last mile
}

const warehouse = "Reno, NV, US"

// ReturnAddress is where the demo shop's returns go.
const ReturnAddress = "Returns, 1350 Capital Blvd, Reno, NV 89502, USA"

var routes = map[string]route{
	"Seattle, US":       {"Portland, OR, US", "Seattle, WA, US", 3 * day, false, ""},
	"Austin, US":        {"Dallas, TX, US", "Austin, TX, US", 4 * day, false, ""},
	"San Francisco, US": {"Sacramento, CA, US", "San Francisco, CA, US", 3 * day, false, ""},
	"Chicago, US":       {"Salt Lake City, UT, US", "Chicago, IL, US", 4 * day, false, ""},
	"New York, US":      {"Louisville, KY, US", "New York, NY, US", 5 * day, false, ""},
	"Denver, US":        {"Salt Lake City, UT, US", "Denver, CO, US", 3 * day, false, ""},
	"Toronto, CA":       {"Louisville, KY, US", "Toronto, ON, CA", 9 * day, true, ""},
	"Vancouver, CA":     {"Louisville, KY, US", "Vancouver, BC, CA", 9 * day, true, ""},
	"London, GB":        {"Cincinnati, OH, US", "London, GB", 10 * day, true, ""},
	"Berlin, DE":        {"Cincinnati, OH, US", "Berlin, DE", 11 * day, true, ""},
	"Sydney, AU":        {"Cincinnati, OH, US", "Sydney, NSW, AU", 12 * day, true, ""},
	// Mainland China: DHL to customs, then SF Express for the last mile.
	"上海, CN": {"Cincinnati, OH, US", "Shanghai, CN", 10 * day, true, "DHL"},
	"北京, CN": {"Cincinnati, OH, US", "Beijing, CN", 10 * day, true, "DHL"},
	"杭州, CN": {"Cincinnati, OH, US", "Hangzhou, CN", 10 * day, true, "DHL"},
	"深圳, CN": {"Cincinnati, OH, US", "Shenzhen, CN", 9 * day, true, "DHL"},
	"成都, CN": {"Cincinnati, OH, US", "Chengdu, CN", 11 * day, true, "DHL"},
}

// deliveredNote is how each carrier words the final scan.
var deliveredNote = map[string]string{
	"UPS":        "Delivered, left at front door",
	"USPS":       "Delivered, in/at mailbox",
	"DHL":        "Delivered, signed for by recipient",
	"SF Express": "Delivered to parcel locker",
}

// Scan times relative to pick-up and to the (estimated) delivery.
const (
	sortLead    = 14 * time.Hour // picked up → processed at the hub
	arrivalLead = 20 * time.Hour // at the local depot → delivered
)

// shipment builds a parcel picked up at shippedAt. Scans still in the future
// as of now are left out, so the parcel's status is simply its latest scan.
func (rt route) shipment(p parcel, shippedAt, now time.Time) store.Shipment {
	eta := shippedAt.Add(rt.transit)
	pickedUpBy, arrived := p.carrier, "Arrived at local delivery facility"
	switch {
	case rt.linehaul != "":
		pickedUpBy, arrived = rt.linehaul, "Cleared customs, handed over to "+p.carrier
	case rt.customs:
		arrived = "Cleared customs, arrived at local delivery facility"
	}
	scans := []store.TrackingEvent{
		{At: shippedAt.Add(-labelLead), Location: warehouse, Status: store.ShipmentLabelCreated, Description: "Shipping label created"},
		{At: shippedAt, Location: warehouse, Status: store.ShipmentInTransit, Description: "Picked up by " + pickedUpBy},
		{At: shippedAt.Add(sortLead), Location: rt.hub, Status: store.ShipmentInTransit, Description: "Processed at sort facility"},
		{At: eta.Add(-arrivalLead), Location: rt.local, Status: store.ShipmentInTransit, Description: arrived},
		{At: eta.Add(-vanLead), Location: rt.local, Status: store.ShipmentOutForDelivery, Description: "Out for delivery"},
		{At: eta, Location: rt.local, Status: store.ShipmentDelivered, Description: deliveredNote[p.carrier]},
	}
	s := store.Shipment{Carrier: p.carrier, TrackingNumber: p.tracking, ShippedAt: ptr(shippedAt)}
	for _, e := range scans {
		if e.At.After(now) {
			break
		}
		s.Events = append(s.Events, e)
		s.Status = e.Status
	}
	if s.Status == store.ShipmentDelivered {
		s.DeliveredAt = ptr(eta)
	} else {
		s.EstimatedDeliveryAt = ptr(eta)
	}
	return s
}

// shippingFee is a flat rate for the destination, free above a threshold.
func shippingFee(shipTo string, subtotal store.Money) store.Money {
	fee, freeFrom := intlShipping, intlFreeFrom
	if country(shipTo) == "US" {
		fee, freeFrom = usShipping, usFreeFrom
	}
	if subtotal >= freeFrom {
		return 0
	}
	return fee
}

// country is the ISO code that ends a "City, Country" address.
func country(shipTo string) string {
	_, c, _ := strings.Cut(shipTo, ", ")
	return c
}

func orders(now time.Time, catalog []store.Product) []store.Order {
	prices := make(map[string]store.Money, len(catalog))
	for _, p := range catalog {
		prices[p.SKU] = p.Price
	}
	out := make([]store.Order, 0, len(orderTable))
	for _, r := range orderTable {
		out = append(out, r.build(now, prices))
	}
	return out
}

// build turns a row into an order as of now.
func (r orderRow) build(now time.Time, prices map[string]store.Money) store.Order {
	o := store.Order{
		Number:        r.number,
		CustomerEmail: r.customer,
		Currency:      "USD",
		ShipTo:        r.shipTo,
		Address:       orderAddress(r.customer, r.shipTo),
	}
	var subtotal store.Money
	for _, l := range r.items {
		price := salePrices[r.number][l.sku] // 0, the default: the catalog price
		o.Items = append(o.Items, store.OrderItem{SKU: l.sku, Quantity: l.qty, UnitPrice: price})
		if price == 0 {
			price = prices[l.sku]
		}
		subtotal += price * store.Money(l.qty)
	}
	o.Shipping = shippingFee(r.shipTo, subtotal)

	at := now.Add(-r.age) // when the order entered its state
	rt, ok := routes[r.shipTo]
	if !ok {
		panic(fmt.Sprintf("demo: order %s: no route to %q", r.number, r.shipTo))
	}
	var shippedAt time.Time
	switch r.state {
	case pending:
		o.Status, o.PlacedAt = store.OrderPendingPayment, at
		return o
	case expired:
		o.Status, o.PlacedAt, o.CancelledAt = store.OrderCancelled, at.Add(-paymentTimeout), ptr(at)
		return o
	case paid:
		o.Status, o.PaidAt = store.OrderPaid, ptr(at)
	case cancelled:
		o.Status, o.PaidAt, o.CancelledAt = store.OrderCancelled, ptr(at.Add(-changeOfMind)), ptr(at)
	case inTransit:
		shippedAt = at
	case outForDelivery:
		shippedAt = at.Add(vanLead - rt.transit)
	case delivered, split:
		shippedAt = at.Add(-rt.transit)
	default:
		panic(fmt.Sprintf("demo: order %s: unknown state %q", r.number, r.state))
	}
	if !shippedAt.IsZero() {
		o.Status = store.OrderShipped
		o.PaidAt, o.ShippedAt = ptr(shippedAt.Add(-fulfilment)), ptr(shippedAt)
		allDelivered := true
		for i, p := range r.parcels {
			s := rt.shipment(p, shippedAt.Add(time.Duration(i)*backorderDelay), now)
			o.Shipments = append(o.Shipments, s)
			if s.DeliveredAt == nil {
				allDelivered = false
			} else if o.DeliveredAt == nil || s.DeliveredAt.After(*o.DeliveredAt) {
				o.DeliveredAt = s.DeliveredAt
			}
		}
		if allDelivered {
			o.Status = store.OrderDelivered
		} else {
			o.DeliveredAt = nil
		}
	}
	o.PlacedAt = o.PaidAt.Add(-checkout)
	return o
}

// returnRow is a return as the table below states it.
type returnRow struct {
	rma, order, reason, status string
	opened, updated            time.Duration // ago
	items                      []line
}

var returnTable = []returnRow{
	// Label sent, parcel not back yet.
	{"RMA-7K3Q9X", "KF-10027", "Runs large; would like a refund for the hoodie.", store.ReturnOpen,
		3 * day, 3 * day, []line{{"HOD-FLC-RED-L", 1}}},
	{"RMA-4M8T2B", "KF-10016", "Enamel chipped on the rim when it arrived.", store.ReturnRefunded,
		43 * day, 36 * day, []line{{"KIT-DUT-RED", 1}}},
	{"RMA-6D1V4C", "KF-10005", "Zipper pull broke off after two weeks of wear.", store.ReturnRefunded,
		96 * day, 88 * day, []line{{"JKT-FLC-RED-S", 1}}},
	// Back at the warehouse, refund being issued.
	{"RMA-9P2W6L", "KF-10025", "Arrived with a crack along the grain.", store.ReturnReceived,
		14 * day, 2 * day, []line{{"KIT-BRD-OAK", 1}}},
	// Swimwear is final sale; support rejected it the next day.
	{"RMA-3H5N8R", "KF-10023", "Swim trunks are too small.", store.ReturnRejected,
		19 * day, 18 * day, []line{{"SWM-TRK-CRL-M", 1}}},
}

func returns(now time.Time) []store.Return {
	var out []store.Return
	for _, r := range returnTable {
		ret := store.Return{
			RMA:         r.rma,
			OrderNumber: r.order,
			Reason:      r.reason,
			Status:      r.status,
			CreatedAt:   now.Add(-r.opened),
			UpdatedAt:   now.Add(-r.updated),
		}
		for _, l := range r.items {
			ret.Items = append(ret.Items, store.ReturnItem{SKU: l.sku, Quantity: l.qty})
		}
		out = append(out, ret)
	}
	return out
}
