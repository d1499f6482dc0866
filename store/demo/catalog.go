package demo

import (
	"strings"
	"time"

	"github.com/kefu-dev/kefu/store"
)

// product is one catalog row; its category is the section it is listed in.
type product struct {
	sku, title, titleZH string
	price               store.Money // cents
	tags                string      // space-separated, what a shopper would type
	description         string
}

// finalSale is what the shop will not take back, and why.
var finalSale = map[string]bool{
	"SWM-TRK-CRL-M":  true, // swimwear, for hygiene
	"UND-BOX-BLK-M":  true, // underwear, for hygiene
	"SHO-TRL-ORG-44": true, // clearance
	"ELC-EAR-WHT":    true, // open-box electronics
	"GFT-CARD-50":    true, // gift card
}

// catalog is the shop's shelf, section by section. Colours are in the
// titles so that "the red one" or "the blue jacket" can be resolved.
var catalog = []struct {
	category string
	products []product
}{
	{"outerwear", []product{
		{"JKT-RAIN-BLU-M", "Harbor Waterproof Rain Jacket, Blue, M", "港湾防水夹克 蓝色 M码", 12900,
			"blue waterproof rain jacket hooded nylon hiking commute",
			"A light 2.5-layer shell with fully taped seams and an adjustable hood. Packs into its own chest pocket."},
		{"JKT-RAIN-BLU-L", "Harbor Waterproof Rain Jacket, Blue, L", "港湾防水夹克 蓝色 L码", 12900,
			"blue waterproof rain jacket hooded nylon hiking commute",
			"A light 2.5-layer shell with fully taped seams and an adjustable hood. Packs into its own chest pocket."},
		{"JKT-DWN-BLK-M", "Summit 700-Fill Down Jacket, Black, M", "巅峰700蓬羽绒服 黑色 M码", 18900,
			"black down puffer jacket warm winter insulated",
			"Responsibly sourced 700-fill goose down in a water-resistant shell. Warm enough for everyday winter wear down to about 14 °F."},
		{"JKT-FLC-RED-S", "Ridgeline Fleece Jacket, Red, S", "山脊抓绒夹克 红色 S码", 6900,
			"red fleece jacket warm layering zip",
			"A midweight recycled-polyester fleece with a full-length zip and two hand pockets. Wear it alone or under a shell."},
		{"JKT-DNM-IND-M", "Classic Denim Jacket, Indigo, M", "经典牛仔夹克 靛蓝色 M码", 8900,
			"indigo denim jacket cotton casual",
			"Rigid 13 oz cotton denim that softens with every wear, in a classic trucker fit."},
		{"VST-PUF-GRN-M", "Packable Puffer Vest, Olive Green, M", "可收纳轻量棉马甲 橄榄绿 M码", 7900,
			"green olive vest puffer insulated packable layering travel",
			"Synthetic insulation that stays warm when damp, in a vest that stuffs into its own pocket."},
		{"COT-WOL-GRY-L", "Wool-Blend Overcoat, Charcoal Grey, L", "羊毛混纺大衣 炭灰色 L码", 24900,
			"grey charcoal wool coat overcoat winter office",
			"A tailored knee-length coat in 70% wool with a quilted lining. Sharp enough for the office, warm enough for January."},
	}},
	{"tops", []product{
		{"TEE-ORG-WHT-M", "Organic Cotton Crew Tee, White, M", "有机棉圆领T恤 白色 M码", 2400,
			"white cotton organic t-shirt tee basic",
			"A midweight organic cotton tee with a relaxed fit. Pre-shrunk and machine washable."},
		{"TEE-ORG-BLK-L", "Organic Cotton Crew Tee, Black, L", "有机棉圆领T恤 黑色 L码", 2400,
			"black cotton organic t-shirt tee basic",
			"A midweight organic cotton tee with a relaxed fit. Pre-shrunk and machine washable."},
		{"SHT-LIN-SND-M", "Linen Camp-Collar Shirt, Sand, M", "亚麻古巴领短袖衬衫 沙色 M码", 5900,
			"sand beige linen shirt summer breathable short-sleeve",
			"Breathable European linen with a relaxed camp collar, made for hot days and holidays."},
		{"SWT-MER-NVY-M", "Merino Crewneck Sweater, Navy, M", "美利奴羊毛圆领毛衣 藏青色 M码", 9800,
			"navy merino wool sweater knit warm",
			"Extra-fine merino that is soft against the skin and resists odor. Machine washable on the wool cycle."},
		{"HOD-FLC-RED-L", "Everyday Fleece Hoodie, Red, L", "日常加绒连帽卫衣 红色 L码", 6400,
			"red hoodie cotton fleece sweatshirt casual",
			"Brushed-back cotton fleece with a lined hood and a kangaroo pocket, in a relaxed fit."},
		{"SHT-FLN-GRN-L", "Flannel Overshirt, Green Plaid, L", "法兰绒衬衫外套 绿色格纹 L码", 5400,
			"green plaid flannel shirt cotton overshirt",
			"Heavy brushed-cotton flannel, cut roomy enough to layer over a tee."},
		{"TOP-BSE-BLK-M", "Merino Base Layer Top, Black, M", "美利奴羊毛保暖打底衫 黑色 M码", 7200,
			"black merino wool base-layer thermal hiking running ski",
			"A 200 g merino long-sleeve that keeps you warm when you sweat and doesn't smell after days on the trail."},
	}},
	{"bottoms", []product{
		{"PNT-HIK-KHK-32", "Convertible Hiking Pants, Khaki, 32", "可拆卸速干徒步裤 卡其色 32码", 7900,
			"khaki hiking pants quick-dry convertible nylon outdoor",
			"Quick-drying stretch nylon with zip-off legs that turn them into shorts. Five pockets, one with a zip."},
		{"PNT-CHN-NVY-32", "Stretch Chino Pants, Navy, 32", "弹力休闲长裤 藏青色 32码", 6900,
			"navy chino pants cotton stretch office",
			"Cotton twill with a little stretch and a slim, tapered leg."},
		{"LEG-YGA-BLK-M", "High-Rise Yoga Leggings, Black, M", "高腰瑜伽裤 黑色 M码", 6800,
			"black leggings yoga running gym stretch",
			"Squat-proof, sweat-wicking fabric with a high waistband and a hidden phone pocket."},
		{"SHR-RUN-BLK-M", "Lightweight Running Shorts, Black, M", "轻量跑步短裤 黑色 M码", 3800,
			"black running shorts gym lightweight",
			"5-inch shorts with a built-in liner and a zip pocket for a key."},
		{"SWM-TRK-CRL-M", "Quick-Dry Swim Trunks, Coral, M", "速干泳裤 珊瑚色 M码", 4200,
			"coral orange swim trunks swimwear beach quick-dry",
			"Mid-length swim trunks with a mesh liner. Swimwear is final sale for hygiene reasons."},
	}},
	{"basics", []product{
		{"SCK-MER-GRY-M", "Merino Hiking Socks, 2-Pack, Grey, M", "美利奴羊毛徒步袜 两双装 灰色 M码", 2600,
			"grey merino wool socks hiking cushioned",
			"Cushioned merino-blend crew socks that stay dry and blister-free on long days."},
		{"SCK-RUN-WHT-M", "Cushioned Running Socks, 3-Pack, White, M", "缓震跑步袜 三双装 白色 M码", 1800,
			"white running socks cushioned ankle",
			"Ankle socks with a padded heel and arch support. Three pairs."},
		{"UND-BOX-BLK-M", "Stretch Cotton Boxer Briefs, 3-Pack, Black, M", "弹力棉平角内裤 三条装 黑色 M码", 3600,
			"black underwear boxer briefs cotton",
			"Soft cotton-modal boxer briefs with a no-roll waistband. Underwear is final sale for hygiene reasons."},
	}},
	{"footwear", []product{
		{"SHO-TRL-GRY-42", "Trailhead Trail Running Shoes, Grey, EU 42", "越野跑鞋 灰色 EU42码", 11900,
			"grey trail running shoes grip",
			"Grippy 4 mm lugs, a rock plate and a roomy toe box for long runs on rough trails."},
		{"SHO-TRL-ORG-44", "Trailhead Trail Running Shoes, Orange, EU 44 (Clearance)", "越野跑鞋 橙色 EU44码（清仓）", 5900,
			"orange trail running shoes clearance sale",
			"Last season's colorway at half price. Clearance items are final sale."},
		{"SHO-RD-LAV-38", "Cloudstride Road Running Shoes, Lavender, EU 38", "云步公路跑鞋 薰衣草紫 EU38码", 13900,
			"purple lavender running shoes road cushioned marathon",
			"A light, well-cushioned daily trainer with a breathable knit upper."},
		{"BOT-HIK-BRN-43", "Alpine Leather Hiking Boots, Brown, EU 43", "阿尔卑斯真皮登山靴 棕色 EU43码", 16900,
			"brown leather hiking boots waterproof mountain",
			"Full-grain leather boots with a waterproof membrane and Vibram soles. Give them a week to break in."},
		{"SNK-CNV-WHT-40", "Canvas Low-Top Sneakers, White, EU 40", "低帮帆布鞋 白色 EU40码", 5500,
			"white canvas sneakers casual",
			"Everyday canvas sneakers with a vulcanized rubber sole."},
		{"SLP-WOL-GRY-39", "Wool Felt Slippers, Grey, EU 39", "羊毛毡拖鞋 灰色 EU39码", 4500,
			"grey wool slippers indoor warm",
			"Boiled-wool slippers with a cushioned footbed and a grippy sole for wooden floors."},
		{"SND-SPT-BLK-41", "Sport Sandals, Black, EU 41", "运动凉鞋 黑色 EU41码", 4900,
			"black sandals summer water travel",
			"Adjustable-strap sandals that can get wet, for beaches, rivers and city summers."},
	}},
	{"bags-accessories", []product{
		{"BAG-DAY-GRN", "Trailmate 24L Daypack, Forest Green", "Trailmate 24升徒步背包 森林绿", 8900,
			"green backpack daypack hiking",
			"A 24-liter pack with a ventilated back panel, a hip belt and a built-in rain cover."},
		{"BAG-CMT-GRY", "Commuter Laptop Backpack 20L, Grey", "20升通勤电脑双肩包 灰色", 11900,
			"grey backpack laptop commute work water-resistant",
			"A padded 16-inch laptop sleeve, water-resistant fabric and a strap that slides over a suitcase handle."},
		{"BAG-TOT-NAT", "Waxed Canvas Tote, Natural", "打蜡帆布托特包 原色", 4800,
			"beige canvas tote bag shopping beach",
			"Heavy waxed canvas with leather handles, big enough for groceries or a day at the beach."},
		{"BAG-SLG-BLK", "Urban Sling Bag, Black", "城市斜挎包 黑色", 3900,
			"black sling bag crossbody travel",
			"A compact crossbody for phone, wallet and keys, with a hidden back pocket for a passport."},
		{"ACC-BNE-RED", "Ribbed Wool Beanie, Red", "罗纹羊毛针织帽 红色", 2800,
			"red beanie wool hat winter",
			"A warm ribbed beanie in soft merino-blend yarn. One size."},
		{"ACC-SCF-GRY", "Cashmere-Blend Scarf, Grey", "羊绒混纺围巾 灰色", 6500,
			"grey scarf cashmere wool winter gift",
			"A generous scarf in 30% cashmere, soft enough to wear against the neck all day."},
		{"ACC-SUN-BLK", "Polarized Sunglasses, Black", "偏光太阳镜 黑色", 7900,
			"black sunglasses polarized uv beach driving",
			"Polarized UV400 lenses in a light, flexible frame, with a hard case."},
	}},
	{"home-kitchen", []product{
		{"KIT-KNF-CHF", "8-inch Damascus Chef's Knife", "8英寸大马士革钢主厨刀", 11900,
			"knife chef steel cooking kitchen",
			"67-layer Damascus steel around a VG-10 core, sharpened to 15 degrees. Hand-wash only."},
		{"KIT-SKL-CI10", "10-inch Cast Iron Skillet", "10英寸铸铁平底锅", 4500,
			"cast iron skillet pan cooking",
			"Pre-seasoned cast iron that goes from stovetop to oven to campfire, and gets better with age."},
		{"KIT-DUT-RED", "5.5 qt Enameled Dutch Oven, Red", "5.5夸脱珐琅铸铁锅 红色", 14900,
			"red dutch oven enamel cast iron cooking baking",
			"Enameled cast iron for braises, stews and bread. Oven safe to 500 °F."},
		{"KIT-BRD-OAK", "Oak End-Grain Cutting Board", "橡木端面砧板", 7900,
			"oak wood cutting board kitchen",
			"End-grain oak that is kind to knife edges. Oil it once a month."},
		{"KIT-PRS-BLK", "French Press Coffee Maker 1 L, Matte Black", "法压壶 1升 哑光黑", 3900,
			"black coffee french press steel",
			"Double-walled stainless steel keeps coffee hot; makes eight cups."},
		{"KIT-KTL-GRN", "Gooseneck Pour-Over Kettle, Sage Green", "手冲细口壶 鼠尾草绿", 6900,
			"green kettle pour-over coffee tea gooseneck",
			"A 0.9 L stovetop kettle with a precise gooseneck spout and a built-in thermometer."},
		{"KIT-MUG-BLU", "Stoneware Mug Set of 2, Blue", "粗陶马克杯两只装 蓝色", 3200,
			"blue mug stoneware coffee tea gift",
			"Two hand-glazed 12 oz mugs; no two are quite alike. Dishwasher and microwave safe."},
		{"HOM-THR-OAT", "Chunky Knit Throw Blanket, Oatmeal", "粗针织盖毯 燕麦色", 5900,
			"beige oatmeal blanket throw knit sofa gift",
			"A chunky cotton-knit throw, 50 x 65 inches, for the sofa or the end of the bed."},
		{"HOM-CDL-CED", "Cedar & Sage Soy Candle", "雪松鼠尾草大豆香薰蜡烛", 2400,
			"candle soy scented gift home",
			"Hand-poured soy wax with a cotton wick and about 45 hours of burn time."},
	}},
	{"electronics", []product{
		{"ELC-EAR-WHT", "Open-Box Wireless Earbuds, White", "开箱无线蓝牙耳机 白色", 5900,
			"white earbuds wireless bluetooth headphones open-box",
			"Returned-unused noise-cancelling earbuds, inspected and resealed, with 24 hours of battery in the case. Open-box items are final sale."},
		{"ELC-PWR-10K", "10,000 mAh Slim Power Bank", "10000毫安轻薄充电宝", 3500,
			"power bank battery charger usb-c travel",
			"Charges a phone about twice, with 20 W USB-C fast charging in and out. Airline safe."},
		{"ELC-CBL-C2M", "Braided USB-C Cable, 2 m", "编织USB-C数据线 2米", 1500,
			"usb-c cable charging braided",
			"A nylon-braided USB-C to USB-C cable rated for 100 W."},
		{"ELC-SPK-BLU", "Waterproof Bluetooth Speaker, Blue", "防水蓝牙音箱 蓝色", 5900,
			"blue speaker bluetooth waterproof portable",
			"An IP67 waterproof speaker with 12 hours of play and a strap for your pack."},
		{"ELC-SOL-20W", "20 W Foldable Solar Charger", "20瓦折叠太阳能充电板", 6900,
			"solar charger panel usb camping",
			"Four folding panels with two USB ports; charges a phone in about three hours of good sun."},
		{"ELC-CHG-65W", "65 W GaN Wall Charger", "65瓦氮化镓充电器", 4500,
			"charger gan usb-c laptop travel",
			"Charges a laptop, a phone and earbuds at once from one small plug."},
	}},
	{"outdoor-gear", []product{
		{"OUT-TNT-2P-LT", "Basecamp Lite 2-Person Tent", "大本营轻便双人帐篷", 7900,
			"tent camping budget two-person",
			"An entry-level dome tent that pitches in five minutes. Best for fair-weather car camping."},
		{"OUT-TNT-2P-UL", "Ridgeline Ultralight 2-Person Tent", "山脊超轻双人帐篷", 32900,
			"tent ultralight backpacking two-person",
			"A 2.6 lb freestanding tent with aluminum poles and a fully taped fly, built for three seasons in the mountains."},
		{"OUT-SLB-0C", "Down Sleeping Bag, 32 °F", "0°C羽绒睡袋", 14900,
			"sleeping bag down camping backpacking",
			"A 650-fill mummy bag rated to 32 °F (0 °C) that packs to the size of a loaf of bread."},
		{"OUT-PAD-INS", "Insulated Sleeping Pad", "保温充气睡垫", 9900,
			"sleeping pad insulated camping inflatable",
			"R-value 4.2 for three-season camping, 3 inches thick and quiet when you roll over."},
		{"OUT-POL-CF", "Carbon Trekking Poles, Pair", "碳纤维登山杖（一对）", 11900,
			"trekking poles carbon hiking",
			"Three-section carbon poles with cork grips and flick locks, 8 oz each."},
		{"OUT-STV-CMP", "Compact Backpacking Stove", "便携登山炉头", 4900,
			"stove camping cooking backpacking",
			"A 2.6 oz canister stove that boils a liter in about four minutes. Gas sold separately."},
		{"OUT-BTL-GRN", "Insulated Steel Bottle 1 L, Green", "1升不锈钢保温水壶 绿色", 3500,
			"green bottle insulated steel water",
			"Keeps drinks cold for 24 hours or hot for 12, with a leak-proof lid and a carry loop."},
		{"OUT-HDL-400", "Rechargeable Headlamp, 400 lm", "400流明充电头灯", 3900,
			"headlamp light rechargeable camping running",
			"A 400-lumen headlamp with a red night mode and USB-C charging."},
		{"OUT-FLT-SQZ", "Squeeze Water Filter", "挤压式便携净水器", 4200,
			"water filter hiking backpacking",
			"Removes 99.9999% of bacteria from streams and lakes and screws onto standard bottles."},
	}},
	{"gift-cards", []product{
		{"GFT-CARD-50", "Digital Gift Card, $50", "电子礼品卡 50美元", 5000,
			"gift card present",
			"Sent by email and never expires. Gift cards are final sale and cannot be exchanged for cash."},
	}},
}

// products flattens the catalog into fresh records, so a caller may modify
// what it gets.
func products() []store.Product {
	var out []store.Product
	for _, section := range catalog {
		for _, p := range append(section.products, moreVariants[section.category]...) {
			out = append(out, withVariant(store.Product{
				SKU:         p.sku,
				Title:       p.title,
				TitleZH:     p.titleZH,
				Category:    section.category,
				Price:       p.price,
				Currency:    "USD",
				Tags:        strings.Fields(p.tags),
				Description: p.description,
				FinalSale:   finalSale[p.sku],
			}))
		}
	}
	return out
}

// Customer emails, named so that the order and review tables read as who
// bought what.
const (
	alice    = "alice.johnson@example.com"
	ben      = "ben.carter@example.com"
	chloe    = "chloe.martin@example.com"
	david    = "david.kim@example.com"
	emma     = "emma.wilson@example.com"
	frank    = "frank.miller@example.com"
	grace    = "grace.lee@example.com"
	hannah   = "hannah.schmidt@example.com"
	isaac    = "isaac.brown@example.com"
	julia    = "julia.rossi@example.com"
	wangFang = "wang.fang@example.com"
	liWei    = "li.wei@example.com"
	zhangMin = "zhang.min@example.com"
	chenJing = "chen.jing@example.com"
	liuYang  = "liu.yang@example.com"
	huangLi  = "huang.li@example.com"
)

// customers are the shop's shoppers. Each has a recognizable taste in what
// they buy and how they rate it, for the recommendation tool to find.
func customers(now time.Time) []store.Customer {
	since := func(ago time.Duration) time.Time { return now.Add(-ago) }
	people := []store.Customer{
		// Seattle hiker: outdoor gear in the $50–150 band; hated the cheap tent.
		{ExternalID: "cus_1001", Email: alice, Name: "Alice Johnson", Locale: "en", CreatedAt: since(420 * day)},
		// Home cook: knives, cast iron, boards.
		{ExternalID: "cus_1002", Email: ben, Name: "Ben Carter", Locale: "en", CreatedAt: since(385 * day)},
		// Buys premium outerwear and knitwear.
		{ExternalID: "cus_1003", Email: chloe, Name: "Chloe Martin", Locale: "en", CreatedAt: since(300 * day)},
		// Gadgets; burnt once by an open-box final-sale item.
		{ExternalID: "cus_1004", Email: david, Name: "David Kim", Locale: "en", CreatedAt: since(260 * day)},
		// London runner.
		{ExternalID: "cus_1005", Email: emma, Name: "Emma Wilson", Locale: "en", CreatedAt: since(350 * day)},
		// Budget basics under $60, and quick to complain about fit.
		{ExternalID: "cus_1006", Email: frank, Name: "Frank Miller", Locale: "en", CreatedAt: since(210 * day)},
		// Home decor and gifts.
		{ExternalID: "cus_1007", Email: grace, Name: "Grace Lee", Locale: "en", CreatedAt: since(190 * day)},
		// Berlin bike commuter: bags and rainwear.
		{ExternalID: "cus_1008", Email: hannah, Name: "Hannah Schmidt", Locale: "en", CreatedAt: since(240 * day)},
		// Mountaineer who buys the best, $150 and up.
		{ExternalID: "cus_1009", Email: isaac, Name: "Isaac Brown", Locale: "en", CreatedAt: since(330 * day)},
		// Sydney beach and travel.
		{ExternalID: "cus_1010", Email: julia, Name: "Julia Rossi", Locale: "en", CreatedAt: since(200 * day)},
		// Coffee at home: presses, kettles, mugs.
		{ExternalID: "cus_1011", Email: wangFang, Name: "王芳", Locale: "zh", CreatedAt: since(310 * day)},
		// Electronics for business travel.
		{ExternalID: "cus_1012", Email: liWei, Name: "李伟", Locale: "zh", CreatedAt: since(280 * day)},
		// Fashion: knitwear and jackets; a broken zipper still rankles.
		{ExternalID: "cus_1013", Email: zhangMin, Name: "张敏", Locale: "zh", CreatedAt: since(230 * day)},
		// Weekend hiker in Shenzhen.
		{ExternalID: "cus_1014", Email: chenJing, Name: "陈静", Locale: "zh", CreatedAt: since(200 * day)},
		// Trail runner in Chengdu.
		{ExternalID: "cus_1015", Email: liuYang, Name: "刘洋", Locale: "zh", CreatedAt: since(180 * day)},
		// Chinese-speaking home cook in Vancouver: locale is not country.
		{ExternalID: "cus_1016", Email: huangLi, Name: "黄丽", Locale: "zh", CreatedAt: since(170 * day)},
	}
	for i := range people {
		people[i] = withHome(people[i])
	}
	return people
}
