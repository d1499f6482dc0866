package builtin

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/kefu-dev/kefu/agents/internal/memo"
	"github.com/kefu-dev/kefu/store"
)

var (
	// Order numbers in the shapes shoppers type them: KF-10042, kf10042,
	// kf 10042, #10042, or five or six bare digits.
	orderPrefixed = regexp.MustCompile(`(?i)\b([a-z]{1,3})[-\s]?(\d{4,7})\b`)
	orderHash     = regexp.MustCompile(`#\s?(\d{4,7})\b`)
	orderBare     = regexp.MustCompile(`(?:^|[^\d$¥.,])(\d{5,6})(?:$|[^\d%])`)
	emailRe       = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)
	rmaRe         = regexp.MustCompile(`(?i)\brma[-\s]?([a-z0-9]{4,10})\b`)
)

// orderNumbers finds order numbers in text, as the shopper typed them but
// with the prefix joined ("kf 10042" → "KF-10042").
func orderNumbers(text string) []string {
	t := normalize(text)
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	masked := rmaRe.ReplaceAllString(t, " ")
	masked = emailRe.ReplaceAllString(masked, " ")
	for _, m := range orderPrefixed.FindAllStringSubmatch(masked, -1) {
		if p := strings.ToUpper(m[1]); p == "KF" || p == "NO" || p == "NR" {
			add("KF-" + m[2])
		}
	}
	for _, m := range orderHash.FindAllStringSubmatch(masked, -1) {
		add(m[1])
	}
	if len(out) == 0 {
		for _, m := range orderBare.FindAllStringSubmatch(masked, -1) {
			add(m[1])
		}
	}
	return out
}

// textSlots are the details one message gives: the last order number,
// email, RMA and return reason in it.
type textSlots struct{ order, email, rma, reason string }

// slotsByText keeps slotsIn's results: every turn gathers the details of
// all the messages since its task began, with the same regular
// expressions over the same texts.
var slotsByText = memo.New[string, textSlots](8192)

func slotsIn(text string) textSlots {
	return slotsByText.Get(text, func(t string) textSlots {
		var ts textSlots
		if o := orderNumbers(t); len(o) > 0 {
			ts.order = o[len(o)-1]
		}
		if e := emails(t); len(e) > 0 {
			ts.email = e[len(e)-1]
		}
		if r := rmas(t); len(r) > 0 {
			ts.rma = r[len(r)-1]
		}
		ts.reason = reason(t)
		return ts
	})
}

func emails(text string) []string { return emailRe.FindAllString(store.Fold(text), -1) }

func rmas(text string) []string {
	var out []string
	for _, m := range rmaRe.FindAllStringSubmatch(normalize(text), -1) {
		out = append(out, "RMA-"+strings.ToUpper(m[1]))
	}
	return out
}

// Reasons shoppers give for a return or a cancellation, matched as phrases.
var reasonPhrases = []string{
	"too small", "too big", "too large", "too tight", "too loose", "too short", "too long", "doesn't fit",
	"does not fit", "didn't fit", "wrong size", "runs small", "runs large", "broken", "broke", "defective",
	"faulty", "damaged", "cracked", "torn", "ripped", "stopped working", "doesn't work", "does not work",
	"not as described", "not what i expected", "wrong item", "wrong colour", "wrong color", "changed my mind",
	"don't like", "do not like", "didn't like", "don't need", "do not need", "no longer need", "ordered by mistake",
	"by mistake", "found it cheaper", "cheaper elsewhere", "arrived late", "too late", "too slow", "taking too long",
	"quality", "uncomfortable", "itchy", "shrank", "duplicate",
	"太大", "太小", "偏大", "偏小", "不合适", "不合身", "尺码不对", "码数不对", "坏了", "坏的", "破了", "破损", "质量问题",
	"质量不好", "有瑕疵", "开胶", "不喜欢", "发错", "寄错", "和描述不符", "与描述不符", "色差", "买错", "拍错", "不想要",
	"不需要", "重复", "太慢", "太久", "便宜", "不舒服", "缩水", "掉色",
}

var becauseRe = regexp.MustCompile(`(?i)\b(?:because|since|cause|cuz|coz|as)\b\s+(.{3,})|(?:因为|由于|原因是)(.{2,})`)

// reason finds why the shopper wants a return or cancellation, or "".
func reason(text string) string {
	t := normalize(text)
	if m := becauseRe.FindStringSubmatch(t); m != nil {
		r := m[1]
		if r == "" {
			r = m[2]
		}
		return strings.TrimRight(strings.TrimSpace(r), ".!?。！？")
	}
	for _, p := range reasonPhrases {
		if strings.Contains(t, p) {
			return p
		}
	}
	return ""
}

// item is something a shopper might mean: an order line or a product.
type item struct {
	SKU, Title, TitleZH, Category, Order string
}

// stopTitleWords are title words that do not identify an item.
var stopTitleWords = map[string]bool{"the": true, "and": true, "with": true, "for": true, "of": true, "a": true,
	"in": true, "men's": true, "women's": true, "mens": true, "womens": true, "set": true, "pack": true,
	"xs": true, "s": true, "m": true, "l": true, "xl": true, "xxl": true, "size": true}

// itemWords are groups of words shoppers use for the same kind of thing,
// in both languages: "外套" finds a jacket, "coat" a parka.
var itemWords = [][]string{
	{"jacket", "coat", "parka", "overcoat", "anorak", "shell", "外套", "夹克", "大衣", "风衣", "冲锋衣", "羽绒服"},
	{"shoe", "sneaker", "trainer", "boot", "鞋", "鞋子", "靴", "靴子", "跑鞋", "运动鞋"},
	{"bag", "backpack", "rucksack", "pack", "tote", "包", "背包", "双肩包", "斜挎包"},
	{"shirt", "tee", "t-shirt", "top", "衬衫", "t恤", "上衣"},
	{"sweater", "jumper", "pullover", "cardigan", "hoodie", "毛衣", "针织衫", "卫衣"},
	{"pants", "trousers", "jeans", "shorts", "裤", "裤子", "牛仔裤", "短裤"},
	{"hat", "beanie", "cap", "帽", "帽子"},
	{"scarf", "围巾"},
	{"sock", "袜", "袜子"},
	{"mug", "cup", "tumbler", "bottle", "杯", "杯子", "水壶", "保温杯"},
	{"tent", "帐篷"},
	{"earbud", "earphone", "headphone", "耳机"},
	{"cable", "charger", "power bank", "数据线", "充电器", "充电宝"},
	{"pan", "pot", "skillet", "knife", "锅", "刀"},
	{"blue", "蓝"}, {"black", "黑"}, {"red", "红"}, {"green", "绿"}, {"grey", "gray", "灰"}, {"white", "白"},
	{"orange", "橙"}, {"yellow", "黄"}, {"brown", "棕", "咖啡色"}, {"navy", "藏青"},
}

// expandItemWords adds, for every item word in text, the other words of
// its group, so matching works across synonyms and languages.
func expandItemWords(t string) string {
	var extra []string
	for _, g := range itemWords {
		for _, w := range g {
			if strings.Contains(t, w) {
				extra = append(extra, g...)
				break
			}
		}
	}
	return t + " " + strings.Join(extra, " ")
}

// matchItems scores each candidate by how many of its identifying title
// words (or, in Chinese, title bigrams) the text contains, and returns the
// best-scoring ones.
func matchItems(text string, cands []item) []item {
	t := expandItemWords(normalize(text))
	words := map[string]bool{}
	for _, w := range strings.FieldsFunc(t, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' }) {
		words[singular(w)] = true
	}
	best, bestScore := []item(nil), 0
	for _, c := range cands {
		score := 0
		for _, w := range strings.FieldsFunc(normalize(c.Title), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' }) {
			if !stopTitleWords[w] && words[singular(w)] {
				score += 2
			}
		}
		if c.SKU != "" && strings.Contains(strings.ToUpper(t), strings.ToUpper(c.SKU)) {
			score += 10
		}
		if c.TitleZH != "" {
			zh := []rune(c.TitleZH)
			for i := 0; i+1 < len(zh); i++ {
				if unicode.Is(unicode.Han, zh[i]) && strings.Contains(t, string(zh[i:i+2])) {
					score++
				}
			}
		}
		switch {
		case score > bestScore:
			best, bestScore = []item{c}, score
		case score == bestScore && score > 0:
			best = append(best, c)
		}
	}
	if bestScore < 2 {
		return nil
	}
	return best
}

func singular(w string) string {
	if len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") {
		return strings.TrimSuffix(w, "s")
	}
	return w
}
