package demo

import (
	"time"

	"github.com/kefu-dev/kefu/store"
)

// review is a row of the review table. Every reviewer bought the product in
// an order delivered before age ago, and writes in their own locale.
type review struct {
	sku, customer string
	rating        int
	age           time.Duration
	title, body   string
}

var reviewTable = []review{
	// Alice, hiker.
	{"OUT-TNT-2P-LT", alice, 1, 140 * day, "Not for real weather",
		"The poles bent on the first gusty night and the fly leaked at every seam. Fine for a backyard, not for the Cascades. Went back to my old tent."},
	{"OUT-STV-CMP", alice, 5, 145 * day, "Tiny and fast",
		"Boils water in under four minutes even at altitude, and folds down to fit inside my mug."},
	{"OUT-POL-CF", alice, 5, 80 * day, "Light and solid",
		"Used them for a week on the Wonderland Trail. The locks never slipped and the cork grips stay comfortable in the heat."},
	{"PNT-HIK-KHK-32", alice, 4, 75 * day, "Great trail pants",
		"Dry fast after a river crossing and the zip-off legs are handy. I wish the zip pocket were a bit bigger."},
	{"OUT-SLB-0C", alice, 5, 5 * day, "Warm and packs small",
		"Slept warm at 28 °F near Mount Rainier, and it compresses to half the size of my old synthetic bag."},
	{"SCK-MER-GRY-M", alice, 4, 4 * day, "No blisters",
		"Comfortable for 15 miles a day. A little thinner than I expected."},

	// Ben, home cook.
	{"KIT-SKL-CI10", ben, 5, 110 * day, "Sears like a dream",
		"Came well seasoned. Cornbread, steaks, even a frittata. It's already my most-used pan."},
	{"KIT-BRD-OAK", ben, 4, 105 * day, "Beautiful board",
		"Heavy and doesn't slide around. It took a few oilings before it stopped looking dry."},
	{"KIT-KNF-CHF", ben, 5, 40 * day, "Scary sharp",
		"Glides through tomatoes and onions, with good weight and balance. Hand-wash only, as it should be."},
	{"KIT-DUT-RED", ben, 2, 42 * day, "Chipped out of the box",
		"The enamel on the rim was chipped when it arrived. Support refunded it quickly, but I expected better packing for a $149 pot."},

	// Chloe, outerwear.
	{"COT-WOL-GRY-L", chloe, 5, 50 * day, "Elegant and warm",
		"Got me through a Toronto January. The lining is lovely and the fit is sharp without being tight."},
	{"ACC-SCF-GRY", chloe, 4, 52 * day, "Soft, sheds a little",
		"Very soft and long enough to wrap twice. It shed a bit on my black coat the first week."},
	{"JKT-DWN-BLK-M", chloe, 5, 9 * day, "Light but warm",
		"Much warmer than it looks, and it packs into a tote bag."},

	// David, gadgets.
	{"ELC-EAR-WHT", david, 2, 45 * day, "Left earbud dies early",
		"Sound is good for the price, but the left earbud dies after about an hour. Open-box means final sale, so lesson learned."},
	{"ELC-CHG-65W", david, 5, 50 * day, "One charger for everything",
		"Charges my laptop and phone at the same time and still fits in a pocket."},
	{"ELC-CBL-C2M", david, 4, 48 * day, "Solid cable",
		"The braid feels tough and 2 m is the right length to reach the couch."},
	{"ELC-SOL-20W", david, 4, day, "Works in real sun",
		"Took my phone from 20% to full in about three hours on a clear day. Useless under clouds, as expected."},

	// Emma, runner.
	{"SHR-RUN-BLK-M", emma, 5, 120 * day, "Best running shorts I own",
		"Ran a half marathon in them with zero chafing, and the zip pocket holds a key and a gel."},
	{"TOP-BSE-BLK-M", emma, 4, 118 * day, "Cosy on cold runs",
		"Perfect for winter runs along the Thames and doesn't smell even after a few wears."},
	{"SHO-RD-LAV-38", emma, 5, 25 * day, "Like running on clouds",
		"Cushioned but still responsive. Did 30 km in the first week without a single blister."},
	{"LEG-YGA-BLK-M", emma, 4, 28 * day, "Squat-proof indeed",
		"Great fit and really is squat-proof. The phone pocket is too small for a big phone."},

	// Frank, budget basics.
	{"TEE-ORG-WHT-M", frank, 3, 30 * day, "Shrank after the first wash",
		"Nice soft cotton, but it lost almost an inch in length after one warm wash. Size up."},
	{"UND-BOX-BLK-M", frank, 2, 32 * day, "Waistband rolls",
		"The no-roll waistband rolls down within an hour. Comfortable fabric otherwise, and you can't return them."},
	{"SNK-CNV-WHT-40", frank, 2, 6 * day, "Runs small",
		"Ordered my usual 40 and they pinch at the toes. Go a full size up."},

	// Grace, home and gifts.
	{"KIT-MUG-BLU", grace, 5, 55 * day, "Gorgeous glaze",
		"Bought these as a housewarming gift and kept a set for myself. Each one is slightly different."},
	{"SLP-WOL-GRY-39", grace, 4, 50 * day, "Warm feet",
		"Cozy, and the sole grips our wooden floors. They stretch a bit, so size down if you're in between."},
	{"HOM-THR-OAT", grace, 5, 20 * day, "So soft",
		"Heavy in the best way, and the color goes with everything."},

	// Hannah, commuter.
	{"BAG-CMT-GRY", hannah, 5, 18 * day, "Perfect commuter bag",
		"A week of Berlin rain on the bike and my laptop stayed bone-dry. Sits nicely on a suitcase handle too."},

	// Isaac, premium mountain gear.
	{"OUT-TNT-2P-UL", isaac, 5, 85 * day, "Worth every penny",
		"Held up to 40 mph gusts on a ridge in the San Juans. Pitches in minutes and weighs next to nothing."},
	{"OUT-PAD-INS", isaac, 4, 84 * day, "Warm, a bit crinkly",
		"Warm enough on snow in late May. Noisy the first few nights, but it quiets down."},
	{"BOT-HIK-BRN-43", isaac, 5, 6 * day, "Broke in fast",
		"I expected a long break-in, but they were fine after two short hikes. Kept my feet dry through slush."},

	// Julia, beach and travel.
	{"SHT-LIN-SND-M", julia, 4, 70 * day, "Perfect for summer",
		"Breezy and looks great. It wrinkles, like all linen does."},
	{"BAG-TOT-NAT", julia, 5, 72 * day, "Beach bag sorted",
		"Fits two towels, lunch and a book, and the wax wipes clean after sand and sunscreen."},
	{"SND-SPT-BLK-41", julia, 4, 15 * day, "Comfortable from day one",
		"Wore them all day at Bondi with no rubbing. The straps could be a little softer."},

	// 王芳, coffee at home.
	{"KIT-PRS-BLK", wangFang, 4, 90 * day, "保温不错",
		"双层不锈钢，倒出来的咖啡很久都是热的。滤网会漏一点细粉，整体还是很满意。"},
	{"KIT-MUG-BLU", wangFang, 5, 92 * day, "颜色很好看",
		"蓝色釉面很有质感，两只颜色深浅不一样，反而很特别。送朋友也合适。"},
	{"KIT-KTL-GRN", wangFang, 5, 10 * day, "手冲必备",
		"出水很稳，自带温度计特别方便，不用另外买了。鼠尾草绿放在厨房很好看。"},
	{"HOM-CDL-CED", wangFang, 3, 8 * day, "味道偏淡",
		"雪松味很自然，但是香味有点淡，房间大一点就闻不太到了。"},

	// 李伟, travel electronics.
	{"ELC-CHG-65W", liWei, 4, 130 * day, "小巧好用",
		"出差带一个就够了，电脑和手机可以同时充。用久了会有点发热。"},
	{"ELC-PWR-10K", liWei, 5, 40 * day, "很薄",
		"比手机还薄，放口袋里没压力。快充速度很快，坐飞机也可以带。"},
	{"ELC-SPK-BLU", liWei, 3, 42 * day, "音质一般",
		"防水确实不错，放在泳池边用没问题。但是低音比较弱，音量开大了有点破音。"},

	// 张敏, fashion.
	{"JKT-FLC-RED-S", zhangMin, 1, 95 * day, "拉链两周就坏了",
		"颜色很正，也很暖和，但是穿了两周拉链头就掉了，只能退货。希望改进一下拉链质量。"},
	{"SWT-MER-NVY-M", zhangMin, 5, 20 * day, "一点都不扎",
		"美利奴羊毛真的不扎，贴身穿也很舒服。藏青色很百搭，已经推荐给同事了。"},
	{"ACC-BNE-RED", zhangMin, 4, 18 * day, "颜色很正",
		"红色很正，戴上很显气色。稍微有点紧，头围大的要注意。"},

	// 陈静, weekend hiker.
	{"BAG-DAY-GRN", chenJing, 5, 65 * day, "背着很舒服",
		"背板透气，爬梧桐山一整天背上也没怎么出汗。自带防雨罩很实用。"},
	{"OUT-BTL-GRN", chenJing, 4, 60 * day, "保温效果好",
		"早上装的冰水到傍晚还有冰块。就是有点重，装满水后背着能感觉到。"},
	{"JKT-RAIN-BLU-L", chenJing, 3, 3 * day, "偏大一码",
		"面料和做工都很好，防水也没问题，但是版型偏大。我平时穿L，这件应该买M。"},

	// 刘洋, trail runner.
	{"SHO-TRL-GRY-42", liuYang, 5, 25 * day, "抓地力很强",
		"下雨天跑青城山的石阶也不打滑，鞋头宽，跑长距离脚不挤。"},
	{"SHR-RUN-BLK-M", liuYang, 4, 20 * day, "轻便",
		"很轻，内衬不磨腿。口袋放钥匙刚好，手机就放不下了。"},
	{"SHO-TRL-ORG-44", liuYang, 4, 3 * day, "清仓价很划算",
		"半价买到的，除了颜色有点太亮，其他和灰色款一样好穿。"},

	// 黄丽, home cook.
	{"HOM-THR-OAT", huangLi, 5, 60 * day, "非常柔软",
		"毯子很厚实，冬天在沙发上盖着看书特别舒服，机洗后也没有变形。"},
	{"KIT-SKL-CI10", huangLi, 5, 12 * day, "煎牛排一流",
		"铸铁锅受热均匀，煎出来的牛排外焦里嫩。就是比较重，单手拿有点吃力。"},
	{"KIT-BRD-OAK", huangLi, 2, 13 * day, "收到就有裂缝",
		"木纹很漂亮，可惜收到时就有一道裂缝，已经申请退货了。"},
}

// reviews builds the review table as of now, in each reviewer's locale.
func reviews(now time.Time, people []store.Customer) []store.Review {
	locale := make(map[string]string, len(people))
	for _, c := range people {
		locale[c.Email] = c.Locale
	}
	out := make([]store.Review, 0, len(reviewTable))
	for _, r := range reviewTable {
		out = append(out, store.Review{
			SKU:           r.sku,
			CustomerEmail: r.customer,
			Rating:        r.rating,
			Title:         r.title,
			Body:          r.body,
			Locale:        locale[r.customer],
			CreatedAt:     now.Add(-r.age),
		})
	}
	return out
}
