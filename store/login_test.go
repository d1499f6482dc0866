package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/store"
)

// A staff member's known sign-in addresses are their last 20, each for
// 90 days after its last sign-in; another staff member's are not theirs.
func TestKnownLoginAddresses(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		now := testNow
		st, err := store.Open(ctx, filepath.Join(t.TempDir(), "kefu.db"), store.Options{Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		mei, li := &store.Staff{Email: "mei@shop.example.com", Name: "Mei", Role: store.RoleAgent, PasswordHash: "x"},
			&store.Staff{Email: "li@shop.example.com", Name: "Li", Role: store.RoleAgent, PasswordHash: "x"}
		for _, s := range []*store.Staff{mei, li} {
			if err := st.CreateStaff(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		for i := 0; i < 25; i++ {
			now = now.Add(time.Hour)
			if err := st.RememberLoginAddress(ctx, mei.ID, fmt.Sprintf("10.0.0.%d", i)); err != nil {
				t.Fatal(err)
			}
		}
		known := func(id int64, addr string) bool {
			t.Helper()
			ok, err := st.KnownLoginAddress(ctx, id, addr)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		for i := 0; i < 25; i++ {
			if got, want := known(mei.ID, fmt.Sprintf("10.0.0.%d", i)), i >= 5; got != want {
				t.Errorf("10.0.0.%d known: %v, want %v", i, got, want)
			}
		}
		if known(li.ID, "10.0.0.24") || known(0, "10.0.0.24") {
			t.Error("Mei's address is known for someone else")
		}
		// Signing in again from an old one keeps it.
		now = now.Add(89 * 24 * time.Hour)
		if err := st.RememberLoginAddress(ctx, mei.ID, "10.0.0.5"); err != nil {
			t.Fatal(err)
		}
		now = now.Add(2 * 24 * time.Hour)
		if !known(mei.ID, "10.0.0.5") || known(mei.ID, "10.0.0.24") {
			t.Errorf("after 91 days: 10.0.0.5 (signed in 2 days ago) %v, 10.0.0.24 (91 days ago) %v", known(mei.ID, "10.0.0.5"), known(mei.ID, "10.0.0.24"))
		}
	})
}
