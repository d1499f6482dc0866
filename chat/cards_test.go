package chat

import (
	"strings"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/tools"
)

// TestConfirmBoxStatesTheChange: the confirm box shows the change's own
// summary, in the shopper's language. An offered coupon's box once read
// "Return  from , refund $".
func TestConfirmBoxStatesTheChange(t *testing.T) {
	offer := tools.Result{Status: tools.StatusNeedsConfirmation, Data: &tools.Pending{ActionID: "a1", ExpiresAt: time.Now(),
		Summary: tools.Summary{EN: "Accept a 10% coupon for your next order", ZH: "领取一张10%的优惠券，下次购物使用"},
		Preview: &tools.CouponOffer{Percent: 10}}}
	for locale, want := range map[string]string{"en": "Accept a 10% coupon", "zh": "10%的优惠券"} {
		cards, confirm := cardsFrom(tools.NameOfferCoupon, offer.JSON(), locale)
		if len(cards) != 0 || confirm == nil {
			t.Fatalf("%s: cards %v, confirm %v", locale, cards, confirm)
		}
		if !strings.Contains(confirm.Summary, want) || confirm.ActionID != "a1" || confirm.Kind != tools.NameOfferCoupon {
			t.Errorf("%s: confirm frame %+v, want a summary with %q", locale, confirm, want)
		}
	}
}
