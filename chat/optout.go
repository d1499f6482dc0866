package chat

import (
	"regexp"
	"strings"
)

// A shopper who asks for no more offers is honoured by code, whatever the
// model: the detector runs before the turn, on the shopper's own words.
// It needs both a wish to stop and what to stop (offers, promotions,
// ads...), so "I don't want this order" or "do you have any offers?" are
// not opt-outs.
var (
	optOutEN = []*regexp.Regexp{
		regexp.MustCompile(`\b(stop|quit|cease|enough)\b.{0,24}\b` + offerNounsEN),
		regexp.MustCompile(`\bno\s+more\s+` + offerNounsEN),
		regexp.MustCompile(`\b(don'?t|do\s+not|never|won'?t you)\s+(ever\s+)?(send|show|give|message|email|spam)\b.{0,24}\b` + offerNounsEN),
		regexp.MustCompile(`\b(unsubscribe|opt\s*-?\s*out)\b`),
		regexp.MustCompile(`\b(don'?t|do\s+not)\s+(want|need)\s+(any\s+)?(more\s+)?` + offerNounsEN),
	}
	offerNounsEN = `(offers?|promotions?|promos?|promotional|deals|ads|adverts?|advertising|advertisements?|marketing|spam|coupons|discounts|newsletters?)\b`

	optOutZH = []*regexp.Regexp{
		// 不要再推送了 · 别推了 · 停止推送: the verb itself is the push.
		regexp.MustCompile(`(不要|别|不想|停止|请勿|勿|不用|不必)(再|继续)?(给我|向我|对我|跟我)?(推送|推广告|推优惠|推销|推了|推啦)`),
		// 别给我发广告了 · 不要再发优惠券 · 我不想收到促销信息
		// (a verb or 再 is needed: 我不要优惠券，要退款 is no opt-out)
		regexp.MustCompile(`(不要|别|不想|停止|请勿|勿|不用|不必)((再|继续)(给我|向我|对我|跟我)?(发|发送|收到|接收)?|(给我|向我|对我|跟我)?(发|发送|收到|接收))(任何|这些|那些|什么)?(广告|促销|优惠|营销|推广|活动信息|活动消息)`),
		regexp.MustCompile(`(拒绝|屏蔽)(所有|任何|一切)?(广告|促销|营销|推送|推广)`),
		// 广告别发了 · 推送不要再发了
		regexp.MustCompile(`(广告|促销|推送|营销|推广)(信息|消息|短信)?(就)?(别|不要|停止|不用)(再)?(发|推|给)`),
		regexp.MustCompile(`退订|取消订阅`),
	}
)

// optOutRequest reports whether text asks for no more offers, and the
// language it asks in (zh if it is Chinese).
func optOutRequest(text string) (lang string, ok bool) {
	if len(text) > 400 {
		return "", false // a long message is about something else as well: the model reads it
	}
	compact := strings.Join(strings.Fields(text), "")
	for _, re := range optOutZH {
		if re.MatchString(compact) {
			return "zh", true
		}
	}
	lower := strings.ToLower(strings.ReplaceAll(text, "’", "'"))
	for _, re := range optOutEN {
		if re.MatchString(lower) {
			return "en", true
		}
	}
	return "", false
}
