// Package demo is the built-in demo shop, Kefu Demo Outfitters: a small
// international online store selling clothing, footwear, outdoor gear, home
// and kitchen goods and gadgets in USD to English- and Chinese-speaking
// customers.
//
// Every timestamp is computed from the now passed to Dataset, so that a
// freshly seeded demo always has an order delivered five days ago, one on
// the last day of its return window and one just outside it, whatever the
// date. docs/demo.md lists the orders worth trying.
package demo

import (
	"time"

	"github.com/kefu-dev/kefu/store"
)

// day keeps the data tables readable: 12 * day ago, 30*day - time.Hour ago.
const day = 24 * time.Hour

// Dataset returns the demo shop as of now.
func Dataset(now time.Time) *store.Dataset {
	// Whole seconds in UTC, as a database column or a JSON file keeps them,
	// so that an imported copy compares equal to this one.
	now = now.UTC().Truncate(time.Second)
	catalog := products()
	people := customers(now)
	return &store.Dataset{
		Products:  catalog,
		Customers: people,
		Orders:    orders(now, catalog),
		Returns:   returns(now),
		Reviews:   reviews(now, people),
		Articles:  articles(now),
	}
}

// ptr returns a pointer to a copy of t, for the optional timestamps.
func ptr(t time.Time) *time.Time { return &t }
