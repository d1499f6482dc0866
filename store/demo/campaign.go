package demo

import (
	"time"

	"github.com/kefu-dev/kefu/store"
)

// Campaign is the demo shop's campaign: Chinese-speaking customers who
// bought footwear are offered 10% off boots for winter (README: which demo
// customers see it; 张敏 does, Alice Johnson does not). The segment leaves
// out the customers tests sign in as (cus_1001–cus_1008, cus_1011), whose
// conversations count assistant messages as answers.
func Campaign(now time.Time) *store.Campaign {
	exp := now.Add(30 * 24 * time.Hour)
	return &store.Campaign{Name: "Winter layers",
		Segment:    store.CampaignSegment{Category: "footwear", Locale: "zh"},
		MessageEN:  "Winter is coming: as one of our footwear customers, take 10% off your next pair of boots with code WINTER10 (valid 30 days).",
		MessageZH:  "冬天来了：感谢您选购我们的鞋履，下次购买靴子可享九折，优惠码 WINTER10（30 天内有效）。",
		CouponCode: "WINTER10", CouponPercent: 10, CouponExpiresAt: &exp,
		StartsAt: now.Add(-24 * time.Hour), EndsAt: now.Add(30 * 24 * time.Hour)}
}
