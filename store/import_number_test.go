package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/store"
)

// An order number written differently from a stored one ("aa001" for
// "AA-001") is the same order to lookups, so an import that adds it is
// refused with a problem, not failed by the database. (FuzzImport found it.)
func TestImportRefusesOrderNumberVariant(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open opener) {
		st := open(t)
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Second)
		order := func(number string) *store.Dataset {
			return &store.Dataset{
				Products: []store.Product{{SKU: "MUG", Title: "Mug", Category: "kitchen", Price: 1200}},
				Orders: []store.Order{{Number: number, Email: "guest@example.com", Status: "paid", PlacedAt: now, PaidAt: &now,
					Items: []store.OrderItem{{SKU: "MUG", Quantity: 1}}}},
			}
		}
		if _, err := st.Import(ctx, order("AA-001")); err != nil {
			t.Fatal(err)
		}
		_, err := st.Import(ctx, order("aa001"))
		var ve *store.ValidationError
		if !errors.As(err, &ve) || !strings.Contains(err.Error(), `"AA-001"`) {
			t.Fatalf("import of aa001 after AA-001: %v", err)
		}
		// The same number again is an update, not a conflict.
		if _, err := st.Import(ctx, order("AA-001")); err != nil {
			t.Fatalf("re-import: %v", err)
		}
	})
}
