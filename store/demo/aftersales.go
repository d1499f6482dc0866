package demo

import "github.com/kefu-dev/kefu/store"

// The after-sales side of the demo: which SKUs are sizes and colours of
// one product (for exchanges), how many are on the shelf, and where each
// customer lives (for address changes). docs/demo.md lists the orders to
// try them on: KF-10031 (Hannah, swap the blue M rain jacket for an L or
// a black one), KF-10030 (陈静, 换个大一号的 or 颜色换成黑色), KF-10054
// (Chloe, unshipped: change the address), KF-10050 (王芳, 改地址).

// variant is one SKU's place in its product.
type variant struct {
	group   string
	options store.VariantOptions
	stock   int
}

func sized(group, colour, size string, stock int) variant {
	return variant{group, store.VariantOptions{"colour": colour, "size": size}, stock}
}

// variants are the catalog's SKUs that are variants of a product, with
// their stock. The blue rain jacket in S is sold out.
var variants = map[string]variant{
	"JKT-RAIN-BLU-S":  sized("JKT-RAIN", "Blue", "S", 0),
	"JKT-RAIN-BLU-M":  sized("JKT-RAIN", "Blue", "M", 6),
	"JKT-RAIN-BLU-L":  sized("JKT-RAIN", "Blue", "L", 5),
	"JKT-RAIN-BLU-XL": sized("JKT-RAIN", "Blue", "XL", 3),
	"JKT-RAIN-BLK-M":  sized("JKT-RAIN", "Black", "M", 4),
	"JKT-RAIN-BLK-L":  sized("JKT-RAIN", "Black", "L", 2),
	"TEE-ORG-WHT-S":   sized("TEE-ORG", "White", "S", 0),
	"TEE-ORG-WHT-M":   sized("TEE-ORG", "White", "M", 12),
	"TEE-ORG-WHT-L":   sized("TEE-ORG", "White", "L", 9),
	"TEE-ORG-BLK-M":   sized("TEE-ORG", "Black", "M", 7),
	"TEE-ORG-BLK-L":   sized("TEE-ORG", "Black", "L", 10),
}

// moreVariants are the variants the shelf adds to the catalog's sections.
var moreVariants = map[string][]product{
	"outerwear": {
		{"JKT-RAIN-BLU-S", "Harbor Waterproof Rain Jacket, Blue, S", "港湾防水夹克 蓝色 S码", 12900,
			"blue waterproof rain jacket hooded nylon hiking commute", rainJacket},
		{"JKT-RAIN-BLU-XL", "Harbor Waterproof Rain Jacket, Blue, XL", "港湾防水夹克 蓝色 XL码", 13900,
			"blue waterproof rain jacket hooded nylon hiking commute", rainJacket},
		{"JKT-RAIN-BLK-M", "Harbor Waterproof Rain Jacket, Black, M", "港湾防水夹克 黑色 M码", 12900,
			"black waterproof rain jacket hooded nylon hiking commute", rainJacket},
		{"JKT-RAIN-BLK-L", "Harbor Waterproof Rain Jacket, Black, L", "港湾防水夹克 黑色 L码", 12900,
			"black waterproof rain jacket hooded nylon hiking commute", rainJacket},
	},
	"tops": {
		{"TEE-ORG-WHT-S", "Organic Cotton Crew Tee, White, S", "有机棉圆领T恤 白色 S码", 2400, "white cotton organic t-shirt tee basic", tee},
		{"TEE-ORG-WHT-L", "Organic Cotton Crew Tee, White, L", "有机棉圆领T恤 白色 L码", 2400, "white cotton organic t-shirt tee basic", tee},
		{"TEE-ORG-BLK-M", "Organic Cotton Crew Tee, Black, M", "有机棉圆领T恤 黑色 M码", 2400, "black cotton organic t-shirt tee basic", tee},
	},
}

const (
	rainJacket = "A light 2.5-layer shell with fully taped seams and an adjustable hood. Packs into its own chest pocket."
	tee        = "A midweight organic cotton tee with a relaxed fit. Pre-shrunk and machine washable."
)

// withVariant gives a catalog product its variant fields.
func withVariant(p store.Product) store.Product {
	if v, ok := variants[p.SKU]; ok {
		n := v.stock
		p.Group, p.Options, p.Stock = v.group, v.options, &n
	}
	return p
}

// homes are the customers' default addresses, in the city their orders
// go to.
var homes = map[string]store.Address{
	alice:    {Name: "Alice Johnson", Line1: "1420 Pine Street", Line2: "Apt 5B", City: "Seattle", Region: "WA", PostalCode: "98101", Country: "US"},
	ben:      {Name: "Ben Carter", Line1: "2207 East 6th Street", City: "Austin", Region: "TX", PostalCode: "78702", Country: "US"},
	chloe:    {Name: "Chloe Martin", Line1: "88 Queen Street West", Line2: "Unit 1203", City: "Toronto", Region: "ON", PostalCode: "M5H 2M9", Country: "CA"},
	david:    {Name: "David Kim", Line1: "455 Valencia Street", City: "San Francisco", Region: "CA", PostalCode: "94103", Country: "US"},
	emma:     {Name: "Emma Wilson", Line1: "17 Amwell Street", City: "London", PostalCode: "EC1R 1UL", Country: "GB"},
	frank:    {Name: "Frank Miller", Line1: "3318 North Clark Street", City: "Chicago", Region: "IL", PostalCode: "60657", Country: "US"},
	grace:    {Name: "Grace Lee", Line1: "240 East 10th Street", Line2: "Apt 3F", City: "New York", Region: "NY", PostalCode: "10003", Country: "US"},
	hannah:   {Name: "Hannah Schmidt", Line1: "Oranienstraße 25", City: "Berlin", PostalCode: "10999", Country: "DE"},
	isaac:    {Name: "Isaac Brown", Line1: "1550 Larimer Street", City: "Denver", Region: "CO", PostalCode: "80202", Country: "US"},
	julia:    {Name: "Julia Rossi", Line1: "12 Campbell Parade", City: "Sydney", Region: "NSW", PostalCode: "2026", Country: "AU"},
	wangFang: {Name: "王芳", Line1: "浦东新区世纪大道100号 2单元1801室", City: "上海", PostalCode: "200120", Country: "CN", Phone: "138 0013 8000"},
	liWei:    {Name: "李伟", Line1: "朝阳区建国路88号 SOHO现代城 5号楼1202", City: "北京", PostalCode: "100022", Country: "CN"},
	zhangMin: {Name: "张敏", Line1: "西湖区文三路259号 3幢502", City: "杭州", PostalCode: "310012", Country: "CN"},
	chenJing: {Name: "陈静", Line1: "南山区科技园南路18号 A座906", City: "深圳", PostalCode: "518057", Country: "CN"},
	liuYang:  {Name: "刘洋", Line1: "武侯区人民南路四段9号 7栋2单元", City: "成都", PostalCode: "610041", Country: "CN"},
	huangLi:  {Name: "黄丽", Line1: "2288 West 41st Avenue", City: "Vancouver", Region: "BC", PostalCode: "V6M 2A4", Country: "CA"},
}

// withHome gives a customer their default address.
func withHome(c store.Customer) store.Customer {
	if a, ok := homes[c.Email]; ok {
		a.Default = true
		c.Addresses = []store.Address{a}
	}
	return c
}

// orderAddress is the address an order went to: its customer's home when
// the order went to that city.
func orderAddress(customer, shipTo string) *store.Address {
	a, ok := homes[customer]
	if !ok || a.ShipTo() != shipTo {
		return nil
	}
	return &a
}
