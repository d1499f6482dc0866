package builtin

import (
	"testing"

	"github.com/kefu-dev/kefu/store"
)

// Addresses as shoppers write them on one line, in both languages.
func TestParseAddressText(t *testing.T) {
	for _, tc := range []struct {
		text string
		want store.Address
	}{
		{"Chloe Martin, 500 King Street West, Toronto, ON M5V 1L9, Canada",
			store.Address{Name: "Chloe Martin", Line1: "500 King Street West", City: "Toronto", Region: "ON", PostalCode: "M5V 1L9", Country: "CA"}},
		{"please change the shipping address of my order to 742 Evergreen Terrace, Portland, OR 97201, US",
			store.Address{Line1: "742 Evergreen Terrace", City: "Portland", Region: "OR", PostalCode: "97201", Country: "US"}},
		{"the new address is Jane Doe, 12 Main St, Apt 4, Springfield IL 62701",
			store.Address{Name: "Jane Doe", Line1: "12 Main St", Line2: "Apt 4", City: "Springfield", Region: "IL", PostalCode: "62701"}},
		{"Hannah Schmidt, Torstraße 1, 10119 Berlin, Germany",
			store.Address{Name: "Hannah Schmidt", Line1: "Torstraße 1", City: "Berlin", PostalCode: "10119", Country: "DE"}},
		{"Emma Wilson\n17 Amwell Street\nLondon\nEC1R 1UL\nUK",
			store.Address{Name: "Emma Wilson", Line1: "17 Amwell Street", City: "London", PostalCode: "EC1R 1UL", Country: "GB"}},
		{"上海市静安区南京西路1266号，王芳，200040",
			store.Address{Name: "王芳", Line1: "静安区南京西路1266号", City: "上海", PostalCode: "200040"}},
		{"地址改成广东省深圳市南山区科技园南路18号，陈静，13800138000，518057，中国",
			store.Address{Name: "陈静", Line1: "南山区科技园南路18号", City: "深圳", PostalCode: "518057", Country: "CN", Phone: "13800138000"}},
		{"change my delivery address", store.Address{}},
	} {
		if got := parseAddressText(tc.text); got != tc.want {
			t.Errorf("%q:\n got %+v\nwant %+v", tc.text, got, tc.want)
		}
	}
}
