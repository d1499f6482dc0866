package web

import (
	"context"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/kefu-dev/kefu/chat"
	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/store/demo"
)

// The demo API lets the demo shop page act as a demo customer. It signs
// identities with the server's secret, so it is served only in demo mode,
// and only for the demo shop's own customers (store/demo): once the
// database holds any other customer, a shop's real data is in it, and
// signing in as anyone would show that data to whoever asks. Then the
// API signs nobody and lists nobody.

type demoCustomer struct {
	ExternalID string `json:"external_id"`
	Name       string `json:"name"`
	Email      string `json:"email"`
	Locale     string `json:"locale"`
}

// demoPeople are the demo shop's customers: external id → email.
var demoPeople = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	for _, c := range demo.Dataset(time.Now()).Customers {
		m[c.ExternalID] = strings.ToLower(c.Email)
	}
	return m
})

// isDemoCustomer reports whether c is one of the demo shop's customers:
// the demo's external id with the demo's email for it.
func isDemoCustomer(c *store.Customer) bool {
	email, ok := demoPeople()[c.ExternalID]
	return ok && c.ExternalID != "" && strings.EqualFold(email, c.Email)
}

// demoCustomersInStore returns the demo shop's customers in the database,
// or ok false if it holds any other customer (an import), in which case
// the refusal is logged, once.
func (h *handler) demoCustomersInStore(ctx context.Context) (people []store.Customer, ok bool, err error) {
	cs, err := h.deps.Store.Customers(ctx)
	if err != nil {
		return nil, false, err
	}
	for i := range cs {
		if !isDemoCustomer(&cs[i]) {
			if h.demoOff.CompareAndSwap(false, true) {
				h.deps.Log.Warn("demo sign-in is off: the database holds customers that are not the demo shop's (imported), "+
					"and the demo API would sign their identities for anyone; set KEFU_IDENTITY_SECRET and KEFU_DEMO=false",
					"customer_id", cs[i].ID)
			}
			return nil, false, nil
		}
	}
	h.demoOff.Store(false)
	return cs, true, nil
}

func (h *handler) demoCustomers(c echo.Context) error {
	if !h.opts.Demo {
		return echo.NewHTTPError(http.StatusNotFound, "not found")
	}
	cs, _, err := h.demoCustomersInStore(c.Request().Context())
	if err != nil {
		return err
	}
	out := make([]demoCustomer, 0, len(cs))
	for _, cu := range cs {
		out = append(out, demoCustomer{ExternalID: cu.ExternalID, Name: cu.Name, Email: cu.Email, Locale: cu.Locale})
	}
	return c.JSON(http.StatusOK, out)
}

func (h *handler) demoIdentity(c echo.Context) error {
	if !h.opts.Demo {
		return echo.NewHTTPError(http.StatusNotFound, "not found")
	}
	ctx := c.Request().Context()
	_, ok, err := h.demoCustomersInStore(ctx)
	if err != nil {
		return err
	}
	if !ok {
		return echo.NewHTTPError(http.StatusForbidden, "demo sign-in is off: this database holds customers that are not the demo shop's")
	}
	ext := c.QueryParam("customer_id")
	cu, err := h.deps.Store.CustomerByExternalID(ctx, ext)
	if err != nil {
		return err
	}
	if !isDemoCustomer(cu) {
		return echo.NewHTTPError(http.StatusNotFound, "not found")
	}
	expires := h.deps.Now().Add(12 * time.Hour).Unix()
	return c.JSON(http.StatusOK, chat.Identity{CustomerID: ext, Expires: expires, Signature: chat.Sign(h.opts.DemoSecret, ext, expires)})
}

type demoProduct struct {
	SKU      string `json:"sku"`
	Title    string `json:"title"`
	TitleZH  string `json:"title_zh"`
	Category string `json:"category"`
	Price    string `json:"price"`
	Currency string `json:"currency"`
}

func (h *handler) demoProducts(c echo.Context) error {
	if !h.opts.Demo {
		return echo.NewHTTPError(http.StatusNotFound, "not found")
	}
	limit, _ := strconv.Atoi(c.QueryParam("limit"))
	if limit <= 0 || limit > 100 {
		limit = 12
	}
	ps, err := h.deps.Store.Products(c.Request().Context())
	if err != nil {
		return err
	}
	// Best sellers first, one of a kind per title stem, like a shop's
	// front page.
	var out []demoProduct
	seen := map[string]bool{}
	for _, p := range bestFirst(ps) {
		stem, _, _ := strings.Cut(p.Title, ",")
		if seen[stem] || p.Category == "gift-cards" {
			continue
		}
		seen[stem] = true
		out = append(out, demoProduct{SKU: p.SKU, Title: p.Title, TitleZH: p.TitleZH, Category: p.Category,
			Price: p.Price.String(), Currency: p.Currency})
		if len(out) == limit {
			break
		}
	}
	return c.JSON(http.StatusOK, out)
}

func bestFirst(ps []store.ProductStats) []store.ProductStats {
	out := append([]store.ProductStats(nil), ps...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Sold > out[j].Sold })
	return out
}
