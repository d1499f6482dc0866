package tools_test

import (
	"context"
	"strings"
	"testing"

	"github.com/kefu-dev/kefu/tools"
)

// Who pays a return parcel, and where it goes, is the shop's policy, not
// the demo's: with no label country every order gets a prepaid label; with
// one, an order shipped elsewhere pays its own way to the shop's address.
func TestReturnShippingIsTheShopsPolicy(t *testing.T) {
	e := newEnv(t)
	const args = `{"order_number":"KF-3001","email":"guest@example.com","items":[{"item":"JKT-BLU"}],"reason":"不喜欢"}`
	for _, c := range []struct {
		policy tools.Policy
		want   []string
	}{
		{tools.Policy{}, []string{`"return_shipping":"prepaid_label"`}},
		{tools.Policy{LabelCountry: "CN"}, []string{`"return_shipping":"prepaid_label"`}},
		{tools.Policy{LabelCountry: "US", ReturnAddress: "Tea Returns, 8 Longjing Rd, Hangzhou"}, []string{`"return_shipping":"customer_paid"`, "to Tea Returns, 8 Longjing Rd, Hangzhou"}},
		{tools.Policy{LabelCountry: "US"}, []string{`"return_shipping":"customer_paid"`, "the return address the shop sends with the RMA"}},
	} {
		res, err := tools.Default(e.st, c.policy).Call(context.Background(), e.as(0), tools.NameStartReturn, args)
		if err != nil {
			t.Fatal(err)
		}
		b := res.JSON()
		for _, w := range c.want {
			if !strings.Contains(b, w) || strings.Contains(b, "Reno") {
				t.Errorf("policy %+v: %s, want %q", c.policy, b, w)
			}
		}
	}
}
