package tools

import (
	"context"
	"sort"

	"github.com/kefu-dev/kefu/store"
)

// RecommendProducts suggests products: for a signed-in shopper from their
// purchase history and reviews, for a guest the best sellers.
type RecommendProducts struct {
	Catalog Catalog
}

// Catalog is what recommendations are made from.
type Catalog interface {
	Products(ctx context.Context) ([]store.ProductStats, error)
	PurchasesByCustomer(ctx context.Context, customerID int64) ([]store.PurchasedItem, error)
	ReviewsByCustomer(ctx context.Context, customerID int64) ([]store.Review, error)
}

var _ Tool = (*RecommendProducts)(nil)

func (*RecommendProducts) Name() string { return NameRecommendProducts }
func (*RecommendProducts) Risk() Risk   { return Read }

func (*RecommendProducts) Description() string {
	return "Suggest products for the shopper. For a signed-in shopper they fit what they buy (categories and price " +
		"range) and leave out what they already own or rated badly; for a guest they are the shop's best sellers. " +
		"Mention only products from the result, with their prices."
}

func (*RecommendProducts) Parameters() map[string]any {
	return schema(map[string]any{
		"limit": map[string]any{"type": "integer", "minimum": 1, "maximum": 10, "description": "How many products; default 4."},
	})
}

func (t *RecommendProducts) Call(ctx context.Context, id Identity, args string) (Result, error) {
	var a struct {
		Limit int `json:"limit"`
	}
	if err := decodeArgs(args, &a); err != nil {
		return invalid(err.Error()), nil
	}
	switch {
	case a.Limit == 0:
		a.Limit = 4
	case a.Limit < 0 || a.Limit > 10:
		return invalid(`"limit" must be between 1 and 10`), nil
	}
	picks, err := Recommend(ctx, t.Catalog, id.CustomerID, a.Limit)
	if err != nil {
		return Result{}, err
	}
	return ok(picks), nil
}

// Recommend picks limit products for a customer (0: a guest) from what they
// bought and reviewed, or the shop's best sellers when there is nothing to
// go on.
func Recommend(ctx context.Context, c Catalog, customerID int64, limit int) (*ProductPicks, error) {
	products, err := c.Products(ctx)
	if err != nil {
		return nil, err
	}
	if customerID != 0 {
		purchases, err := c.PurchasesByCustomer(ctx, customerID)
		if err != nil {
			return nil, err
		}
		reviews, err := c.ReviewsByCustomer(ctx, customerID)
		if err != nil {
			return nil, err
		}
		if len(purchases) > 0 {
			return &ProductPicks{Basis: "purchase_history", Products: personal(products, purchases, reviews, limit)}, nil
		}
	}
	return &ProductPicks{Basis: "best_sellers", Products: bestSellers(products, nil, limit)}, nil
}

func view(p store.ProductStats, why string) ProductPick {
	return ProductPick{SKU: p.SKU, Title: p.Title, TitleZH: p.TitleZH, Category: p.Category, Price: p.Price,
		Currency: p.Currency, AvgRating: p.AvgRating, Why: why}
}

// bestSellers ranks by units sold, then rating, leaving out skip.
func bestSellers(products []store.ProductStats, skip map[int64]bool, limit int) []ProductPick {
	ps := append([]store.ProductStats(nil), products...)
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].Sold != ps[j].Sold {
			return ps[i].Sold > ps[j].Sold
		}
		return ps[i].AvgRating > ps[j].AvgRating
	})
	var out []ProductPick
	var shelf onShelf
	for _, p := range ps {
		if len(out) == limit {
			break
		}
		if !skip[p.ID] && shelf.take(p) {
			out = append(out, view(p, "best_seller"))
		}
	}
	return out
}

// onShelf picks at most one variant of each product, and none that is
// sold out: four sizes of one jacket are one suggestion, not four.
type onShelf struct{ groups map[string]bool }

// take reports whether p may be suggested, and marks its product taken.
func (s *onShelf) take(p store.ProductStats) bool {
	if p.Stock != nil && *p.Stock <= 0 {
		return false
	}
	if p.Group == "" {
		return true
	}
	if s.groups == nil {
		s.groups = map[string]bool{}
	}
	if s.groups[p.Group] {
		return false
	}
	s.groups[p.Group] = true
	return true
}

// personal scores each product the shopper does not own by how much they
// buy in its category (less for categories they rated badly), whether its
// price is in the band they buy in, its popularity and its rating.
func personal(products []store.ProductStats, purchases []store.PurchasedItem, reviews []store.Review, limit int) []ProductPick {
	owned := map[int64]bool{}
	affinity := map[string]float64{}
	var prices []int64
	for _, p := range purchases {
		owned[p.ProductID] = true
		affinity[p.Category]++
		prices = append(prices, int64(p.UnitPrice))
	}
	category := map[int64]string{}
	group := map[int64]string{}
	for _, p := range products {
		category[p.ID], group[p.ID] = p.Category, p.Group
	}
	// Owning one variant of a product is owning the product.
	var shelf onShelf
	for id := range owned {
		if g := group[id]; g != "" {
			shelf.take(store.ProductStats{Product: store.Product{Group: g}})
		}
	}
	for _, r := range reviews {
		owned[r.ProductID] = true // rated, so owned or at least known
		if r.Rating <= 2 {
			affinity[category[r.ProductID]] -= 1.5
		}
	}
	sort.Slice(prices, func(i, j int) bool { return prices[i] < prices[j] })
	median := prices[len(prices)/2]
	lo, hi := store.Money(median/2), store.Money(median*2)

	maxSold := 1
	for _, p := range products {
		maxSold = max(maxSold, p.Sold)
	}
	type scored struct {
		p     store.ProductStats
		score float64
		why   string
	}
	var cands []scored
	for _, p := range products {
		if owned[p.ID] {
			continue
		}
		s := scored{p: p, why: "best_seller"}
		if aff := affinity[p.Category]; aff != 0 {
			s.score += 4 * aff // what they buy weighs more than price or popularity
			if aff > 0 {
				s.why = "matches_your_categories"
			}
		}
		if p.Price >= lo && p.Price <= hi {
			s.score += 2
			if s.why == "best_seller" {
				s.why = "in_your_price_range"
			}
		}
		s.score += float64(p.Sold) / float64(maxSold)
		if p.Reviews > 0 {
			s.score += (p.AvgRating - 3) / 2
		}
		cands = append(cands, s)
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].score > cands[j].score })
	var out []ProductPick
	for _, c := range cands {
		if len(out) == limit {
			break
		}
		if shelf.take(c.p) {
			out = append(out, view(c.p, c.why))
		}
	}
	return out
}
