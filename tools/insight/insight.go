// Package insight reads a customer's relationship with the shop from the
// store's rows: a dated timeline and a needs profile whose every line names
// the facts it rests on, for the staff console and a hosted model's
// summary. It is business reading, not storage: the store returns rows,
// this decides what they mean.
package insight

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/tools"
)

// NeedsLine is one finding of a customer's needs profile with the facts
// it rests on, so staff can check it.
type NeedsLine struct {
	Aspect   string   `json:"aspect"` // categories, price_band, praises, complaints, open_issues, contact, satisfaction
	Summary  string   `json:"summary"`
	Evidence []string `json:"evidence"`
	// Figures are what Summary states, for a reader that words it in its
	// own language (the console, in English and Chinese).
	Figures Figures `json:"figures"`
}

// Figures are the numbers and names a needs line rests on; each aspect
// sets the ones it states.
type Figures struct {
	// Count: praises, complaints and open_issues; for contact, the
	// conversations of the last 90 days.
	Count      int      `json:"count"`
	Handoffs   int      `json:"handoffs,omitempty"`   // contact
	Total      int      `json:"total,omitempty"`      // contact: conversations in all; price_band: items bought
	Categories []Bought `json:"categories,omitempty"` // the top categories, most bought first
	// price_band: the lowest, median and highest price paid for an item,
	// as decimals in Currency.
	Low      string `json:"low,omitempty"`
	Median   string `json:"median,omitempty"`
	High     string `json:"high,omitempty"`
	Currency string `json:"currency,omitempty"`
	// satisfaction: none, one (Late is the rating), improving, declining
	// or steady (Early and Late are the averages compared).
	Trend string  `json:"trend,omitempty"`
	Early float64 `json:"early,omitempty"`
	Late  float64 `json:"late,omitempty"`
}

// Bought is a category and how many of its items a customer bought.
type Bought struct {
	Category string `json:"category"`
	Items    int    `json:"items"`
}

// TimelineItem is one dated thing in a customer's history.
type TimelineItem struct {
	At     time.Time `json:"at"`
	Kind   string    `json:"kind"` // order, return, review, conversation, coupon
	Ref    string    `json:"ref"`  // order number, RMA, SKU, conversation id, code
	Detail string    `json:"detail"`
}

// Source is the store as a history reads it.
type Source interface {
	OrdersByCustomer(ctx context.Context, customerID int64, limit int) ([]store.Order, error)
	ReturnsByOrder(ctx context.Context, orderID int64) ([]store.Return, error)
	ReviewsByCustomer(ctx context.Context, customerID int64) ([]store.Review, error)
	ConversationsByCustomer(ctx context.Context, customerID int64, limit int) ([]store.Summary, []bool, error)
	CouponsByCustomer(ctx context.Context, customerID int64) ([]store.Coupon, error)
}

// History builds a customer's timeline (newest first) and needs profile
// from their orders, returns, reviews, conversations and coupons, as of
// now.
func History(ctx context.Context, s Source, customerID int64, now time.Time) ([]TimelineItem, []NeedsLine, error) {
	orders, err := s.OrdersByCustomer(ctx, customerID, 200)
	if err != nil {
		return nil, nil, err
	}
	reviews, err := s.ReviewsByCustomer(ctx, customerID)
	if err != nil {
		return nil, nil, err
	}
	convs, handed, err := s.ConversationsByCustomer(ctx, customerID, 200)
	if err != nil {
		return nil, nil, err
	}
	coupons, err := s.CouponsByCustomer(ctx, customerID)
	if err != nil {
		return nil, nil, err
	}
	var tl []TimelineItem
	var lines []NeedsLine

	cats := map[string]int{}
	catEvidence := map[string][]string{}
	var prices []store.Money
	var currency string
	var open, faultyReturns []string
	for _, o := range orders {
		var titles []string
		for _, it := range o.Items {
			titles = append(titles, it.Title)
			if o.Status != store.OrderCancelled {
				cats[it.Category] += it.Quantity
				catEvidence[it.Category] = append(catEvidence[it.Category], o.Number+": "+it.Title)
				prices = append(prices, it.UnitPrice)
				if currency == "" {
					currency = o.Currency
				}
			}
		}
		tl = append(tl, TimelineItem{At: o.PlacedAt, Kind: "order", Ref: o.Number, Detail: o.Status + " — " + strings.Join(titles, "; ")})
		switch o.Status {
		case store.OrderPendingPayment, store.OrderPaid, store.OrderShipped:
			open = append(open, o.Number+" is "+strings.ReplaceAll(o.Status, "_", " "))
		}
		rs, err := s.ReturnsByOrder(ctx, o.ID)
		if err != nil {
			return nil, nil, err
		}
		for _, r := range rs {
			tl = append(tl, TimelineItem{At: r.CreatedAt, Kind: "return", Ref: r.RMA, Detail: r.Status + " — " + r.Reason})
			if r.Status == store.ReturnOpen || r.Status == store.ReturnReceived {
				open = append(open, r.RMA+" ("+o.Number+") is "+r.Status)
			}
			if tools.Faulty(r.Reason) {
				faultyReturns = append(faultyReturns, r.RMA+": "+r.Reason)
			}
		}
	}
	if len(cats) > 0 {
		type kv struct {
			k string
			v int
		}
		var top []kv
		for k, v := range cats {
			top = append(top, kv{k, v})
		}
		sort.Slice(top, func(i, j int) bool { return top[i].v > top[j].v || (top[i].v == top[j].v && top[i].k < top[j].k) })
		var names, ev []string
		var bought []Bought
		for i, c := range top {
			if i == 3 {
				break
			}
			names = append(names, fmt.Sprintf("%s (%d)", c.k, c.v))
			bought = append(bought, Bought{Category: c.k, Items: c.v})
			ev = append(ev, catEvidence[c.k]...)
		}
		lines = append(lines, NeedsLine{Aspect: "categories", Summary: "Buys " + strings.Join(names, ", "), Evidence: firstN(ev, 8),
			Figures: Figures{Categories: bought}})
	}
	if len(prices) > 0 {
		sort.Slice(prices, func(i, j int) bool { return prices[i] < prices[j] })
		low, median, high := prices[0], prices[len(prices)/2], prices[len(prices)-1]
		lines = append(lines, NeedsLine{Aspect: "price_band",
			Summary:  fmt.Sprintf("Usually pays %s–%s per item (median %s)", low, high, median),
			Evidence: []string{fmt.Sprintf("%d items bought", len(prices))},
			Figures:  Figures{Total: len(prices), Low: low.String(), Median: median.String(), High: high.String(), Currency: currency}})
	}
	var praise, complain, reviewRatings []string
	for _, r := range reviews {
		tl = append(tl, TimelineItem{At: r.CreatedAt, Kind: "review", Ref: r.SKU, Detail: fmt.Sprintf("%d★ %s", r.Rating, clipRunes(r.Body, 120))})
		quote := fmt.Sprintf("%d★ %s: %q", r.Rating, r.SKU, clipRunes(r.Body, 100))
		switch {
		case r.Rating >= 4:
			praise = append(praise, quote)
		case r.Rating <= 2:
			complain = append(complain, quote)
		}
		reviewRatings = append(reviewRatings, fmt.Sprint(r.Rating))
	}
	complain = append(complain, faultyReturns...)
	if len(praise) > 0 {
		lines = append(lines, NeedsLine{Aspect: "praises", Summary: fmt.Sprintf("%d positive review(s)", len(praise)), Evidence: firstN(praise, 5),
			Figures: Figures{Count: len(praise)}})
	}
	if len(complain) > 0 {
		lines = append(lines, NeedsLine{Aspect: "complaints", Summary: fmt.Sprintf("%d complaint(s) in reviews and returns", len(complain)), Evidence: firstN(complain, 5),
			Figures: Figures{Count: len(complain)}})
	}
	recent, handoffs := 0, 0
	var ratings []string
	for i, c := range convs {
		detail := c.State
		if handed[i] {
			detail += ", handed to a person"
			handoffs++
		}
		if c.Rating > 0 {
			detail += fmt.Sprintf(", rated %d★", c.Rating)
			ratings = append([]string{fmt.Sprint(c.Rating)}, ratings...) // oldest first
		}
		tl = append(tl, TimelineItem{At: c.CreatedAt, Kind: "conversation", Ref: c.ID, Detail: detail})
		if now.Sub(c.CreatedAt) < 90*24*time.Hour {
			recent++
		}
		if c.State == store.StateQueued || c.State == store.StateHuman {
			open = append(open, "a conversation waits for a person")
		}
	}
	if len(open) > 0 {
		lines = append(lines, NeedsLine{Aspect: "open_issues", Summary: fmt.Sprintf("%d open issue(s)", len(open)), Evidence: open,
			Figures: Figures{Count: len(open)}})
	}
	lines = append(lines, NeedsLine{Aspect: "contact", Summary: fmt.Sprintf("%d conversation(s) in the last 90 days, %d handed to a person", recent, handoffs),
		Evidence: []string{fmt.Sprintf("%d conversation(s) in all", len(convs))}, Figures: Figures{Count: recent, Handoffs: handoffs, Total: len(convs)}})
	if len(ratings)+len(reviewRatings) > 0 {
		summary, figures := trend(ratings)
		lines = append(lines, NeedsLine{Aspect: "satisfaction", Summary: summary, Figures: figures,
			Evidence: []string{"chat ratings, oldest first: " + orNone(ratings), "review ratings, newest first: " + orNone(reviewRatings)}})
	}
	for _, c := range coupons {
		tl = append(tl, TimelineItem{At: c.CreatedAt, Kind: "coupon", Ref: c.Code, Detail: fmt.Sprintf("%d%% for %s", c.Percent, strings.ReplaceAll(c.Reason, "_", " "))})
	}
	sort.SliceStable(tl, func(i, j int) bool { return tl[i].At.After(tl[j].At) })
	return tl, lines, nil
}

// trend compares the later half of the chat ratings with the earlier.
func trend(ratings []string) (string, Figures) {
	if len(ratings) < 2 {
		if len(ratings) == 1 {
			var r float64
			fmt.Sscan(ratings[0], &r)
			return "Rated one chat " + ratings[0] + "★", Figures{Trend: "one", Late: r}
		}
		return "No chat ratings yet", Figures{Trend: "none"}
	}
	avg := func(rs []string) float64 {
		var sum float64
		for _, r := range rs {
			var v float64
			fmt.Sscan(r, &v)
			sum += v
		}
		return sum / float64(len(rs))
	}
	early, late := avg(ratings[:len(ratings)/2]), avg(ratings[len(ratings)/2:])
	switch {
	case late > early+0.4:
		return fmt.Sprintf("Improving: chat ratings %.1f★ → %.1f★", early, late), Figures{Trend: "improving", Early: early, Late: late}
	case late < early-0.4:
		return fmt.Sprintf("Declining: chat ratings %.1f★ → %.1f★", early, late), Figures{Trend: "declining", Early: early, Late: late}
	}
	return fmt.Sprintf("Steady: chat ratings around %.1f★", late), Figures{Trend: "steady", Early: early, Late: late}
}

func firstN(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

func clipRunes(s string, n int) string {
	return store.Truncate(strings.Join(strings.Fields(s), " "), n)
}

// Facts is the needs profile as text for a model.
func Facts(needs []NeedsLine) string {
	var b strings.Builder
	for _, n := range needs {
		fmt.Fprintf(&b, "- %s: %s (%s)\n", n.Aspect, n.Summary, strings.Join(n.Evidence, "; "))
	}
	return b.String()
}

// FactsHash identifies a needs profile: a summary written from it stays
// valid while the hash is the same.
func FactsHash(needs []NeedsLine) string {
	sum := sha256.Sum256([]byte(Facts(needs)))
	return hex.EncodeToString(sum[:])
}
