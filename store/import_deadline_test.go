package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/store/demo"
)

// An import is bounded by minutes, not by a query's default limit: a shop
// takes many statements (round trips on PostgreSQL, where seeding the
// demo shop went past the 10 s limit on a loaded machine). With the
// default limit cut to a millisecond, the demo shop still imports.
func TestImportOutlastsTheQueryTimeout(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open opener) {
		st := open(t)
		defer store.SetQueryTimeout(store.SetQueryTimeout(time.Millisecond))
		if _, err := st.Import(context.Background(), demo.Dataset(testNow)); err != nil {
			t.Fatalf("import under a 1 ms query limit: %v", err)
		}
	})
}
