package builtin

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kefu-dev/kefu/agents/internal/memo"
	"github.com/kefu-dev/kefu/store"
)

var (
	emailRe = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)
	urlRe   = regexp.MustCompile(`(?:https?://|www\.)\S+`)
)

// A mention is an order number found in a message: as the shop prints it
// when it fits one of the shop's shapes or is one of its numbers, or as
// the shopper typed it (loose) when it only looks like one ("#W9999999",
// "order B-77" in a shop whose numbers are 1002…). A loose mention is
// still the order the shopper named: the look-up says it does not exist,
// rather than the model falling back on another order.
type mention struct {
	start, end int // byte offsets in the normalized text
	number     string
	loose      bool
}

// orderCues are words that say a number is an order number.
var orderCues = []string{"order", "订单", "单号", "编号", "no.", "number", "#", "ord.", "nr."}

// actionCues are words of a request about an order, before which a plain
// number of the shop's shape is an order number.
var actionCues = []string{"cancel", "track", "check", "look up", "lookup", "find", "return", "where", "status", "refund",
	"取消", "查", "退", "物流", "到哪", "发货", "快递", "催"}

// orderCueWords are words that may stand right before an order number
// ("order 1002", "no.1002"), which are not the shop's prefix.
var orderCueWords = map[string]bool{"order": true, "orders": true, "no": true, "nr": true, "num": true, "number": true,
	"ord": true, "id": true, "ref": true}

// unitsAfter are words that, right after a number, make it a quantity,
// an amount or a time rather than an order number.
var unitsAfter = map[string]bool{"g": true, "kg": true, "ml": true, "l": true, "mah": true, "w": true, "v": true, "mm": true,
	"cm": true, "m": true, "h": true, "hr": true, "hrs": true, "hour": true, "hours": true, "min": true, "mins": true,
	"minutes": true, "day": true, "days": true, "week": true, "weeks": true, "month": true, "months": true, "year": true,
	"years": true, "pcs": true, "pc": true, "x": true, "gb": true, "tb": true, "mb": true, "am": true, "pm": true,
	"st": true, "nd": true, "rd": true, "th": true, "gram": true, "grams": true, "usd": true, "rmb": true, "yuan": true,
	"dollars": true, "bucks": true, "percent": true, "inch": true, "inches": true, "times": true, "items": true,
	"pieces": true, "units": true, "people": true, "km": true, "miles": true, "lbs": true, "oz": true, "k": true}

// hanUnits are characters that, right after a number, make it a quantity,
// a date or an amount ("250克", "2026年", "128元").
const hanUnits = "元块克斤两毫年月日天岁个件瓶盒次分秒周寸米度℃％%折罐片"

// findOrders finds the order numbers in a normalized text, in the order
// they appear, skipping emails, links and return numbers (the caller
// masks those), amounts, quantities, dates and the catalog's own codes.
func (v *vocab) findOrders(t string) []mention {
	var out []mention
	// The shop's own numbers, whatever their shape, as whole tokens; and
	// the catalog's codes, which are not order numbers.
	b := []byte(t)
	for _, tok := range codeTokens(t) {
		w := t[tok[0]:tok[1]]
		if !strings.ContainsAny(w, "0123456789") {
			continue
		}
		n, known := v.known[store.NumberKey(w)]
		if known && notANumber(t, tok[0], tok[1]) {
			continue
		}
		if known {
			out = append(out, mention{start: tok[0], end: tok[1], number: n})
		}
		if known || v.words[strings.TrimLeft(w, "#")] {
			for k := tok[0]; k < tok[1]; k++ {
				b[k] = ' '
			}
		}
	}
	t = string(b)
	for i := 0; i < len(t); {
		if !isASCIIDigit(t[i]) {
			i++
			continue
		}
		j := i
		for j < len(t) && isASCIIDigit(t[j]) {
			j++
		}
		if m, ok := v.orderAt(t, i, j); ok {
			out = append(out, m)
		}
		i = j
	}
	sort.Slice(out, func(a, b int) bool { return out[a].start < out[b].start })
	return out
}

// orderAt reads the run of digits t[i:j] with what stands around it.
func (v *vocab) orderAt(t string, i, j int) (mention, bool) {
	body := t[i:j]
	if notANumber(t, i, j) {
		return mention{}, false
	}
	// What stands before: a separator, letters (the shop's prefix, a cue
	// word, or part of a code), a '#'.
	start, sep, prefix := i, "", ""
	k := i
	if k > 0 && strings.IndexByte("-_/.", t[k-1]) >= 0 && k >= 2 && isASCIILetter(t[k-2]) {
		sep, k = t[k-1:k], k-1
	} else if k >= 2 && t[k-1] == ' ' && isASCIILetter(t[k-2]) {
		sep, k = " ", k-1
	}
	l := k
	for l > 0 && isASCIILetter(t[l-1]) {
		l--
	}
	if l < k && (l == 0 || !isASCIIDigit(t[l-1]) && t[l-1] != '-' && t[l-1] != '_') {
		prefix, start = t[l:k], l
	} else {
		sep = ""
	}
	hash := false
	if p := strings.TrimRight(t[:start], " "); strings.HasSuffix(p, "#") {
		hash, start = true, len(p)-1
	}
	codeText := t[start:j]
	if v.words[strings.TrimLeft(codeText, "# ")] {
		return mention{}, false // one of the catalog's codes (x200, lj-250)
	}
	window := t[max(0, start-24):start]
	cue := hash || containsAny(window, orderCues)
	m := mention{start: start, end: j}
	if prefix != "" {
		for _, s := range v.orders {
			if s.fits(prefix, body, false) {
				m.number = s.format(prefix, body)
				if n, ok := v.known[store.NumberKey(m.number)]; ok {
					m.number = n
				}
				return m, true
			}
		}
		switch {
		case orderCueWords[prefix] || sep == " " || sep == "" && len(prefix) > 4:
			// "order 1002", "no.1002", "cancel 1002": a word before
			// the number, not its prefix.
			cue = cue || orderCueWords[prefix]
			m.start, hash = i, false
			if p := strings.TrimRight(t[:i], " "); strings.HasSuffix(p, "#") {
				m.start, hash, cue = len(p)-1, true, true
			}
			codeText = t[m.start:j]
		case sep == "-" || hash || cue:
			// "B-77", "#W9999999", "order x1234": an order number of a
			// shape this shop does not use; the look-up will say so.
			m.number, m.loose = strings.ToUpper(codeText), true
			return m, true
		default:
			return mention{}, false // part of a word or a model code
		}
	}
	action := cue || containsAny(window, actionCues)
	if n, ok := v.digits[body]; ok && n != "" && len(body) >= 3 {
		m.number = n // one of the shop's numbers, by its digits
		return m, true
	}
	alone := v.fewWordsAround(t, m.start, j)
	for _, s := range v.orders {
		if s.prefix != "" || s.letters > 0 {
			// The digits of a prefixed number: the store finds the
			// order by its digits when only one has them.
			if len(body) >= s.min && len(body) <= s.max+1 && (action || alone) {
				m.number = body
				return m, true
			}
			continue
		}
		if s.fits("", body, false) && (action || alone || len(body) >= 7) {
			m.number = s.format("", body)
			if n, ok := v.known[store.NumberKey(m.number)]; ok {
				m.number = n
			}
			return m, true
		}
	}
	if len(v.orders) == 0 && len(body) >= 4 && (action || alone || len(body) >= 5) {
		// A shop without orders yet: anything that looks like a number.
		m.number = strings.ToUpper(strings.ReplaceAll(codeText, " ", ""))
		return m, true
	}
	if hash && len(body) >= 3 || cue && len(body) >= 4 {
		m.number, m.loose = strings.ToUpper(strings.ReplaceAll(codeText, " ", "")), true
		return m, true
	}
	return mention{}, false
}

// notANumber reports whether what stands around t[i:j] makes it an
// amount, a decimal, a time, a date or a quantity rather than a number
// one looks up: 1,299 / 12.50 / 10:30 / 2026-11-24 / ¥128 / 250g / 3 days.
func notANumber(t string, i, j int) bool {
	if i >= 2 && strings.IndexByte(".,:", t[i-1]) >= 0 && isASCIIDigit(t[i-2]) ||
		j+1 < len(t) && strings.IndexByte(".,:", t[j]) >= 0 && isASCIIDigit(t[j+1]) ||
		i >= 2 && strings.IndexByte("-/", t[i-1]) >= 0 && isASCIIDigit(t[i-2]) ||
		j+1 < len(t) && strings.IndexByte("-/", t[j]) >= 0 && isASCIIDigit(t[j+1]) {
		return true
	}
	if j < len(t) && isASCIILetter(t[j]) {
		return true // letters right after the digits: a code or a unit (250g, x200s)
	}
	if unitsAfter[wordAfter(t, j)] {
		return true
	}
	if r, _ := utf8.DecodeRuneInString(t[j:]); r != utf8.RuneError && strings.ContainsRune(hanUnits, r) {
		return true
	}
	before := strings.TrimRight(t[:i], " ")
	for _, c := range []string{"$", "¥", "￥", "€", "£"} {
		if strings.HasSuffix(before, c) {
			return true
		}
	}
	return false
}

// fewWordsAround reports whether a number stands nearly alone in its
// message ("1002", "it's 1002 thanks").
func (v *vocab) fewWordsAround(t string, i, j int) bool {
	letters := 0
	for _, r := range t[:i] + " " + t[j:] {
		if unicode.IsLetter(r) {
			letters++
			if unicode.Is(unicode.Han, r) {
				letters += 2
			}
		}
	}
	return letters <= 12
}

// wordAfter is the ASCII word right after byte j (after one space).
func wordAfter(t string, j int) string {
	if j < len(t) && t[j] == ' ' {
		j++
	}
	k := j
	for k < len(t) && isASCIILetter(t[k]) {
		k++
	}
	return t[j:k]
}

// codeTokens are the spans of t that could be a code: runs of ASCII
// letters, digits, '#' and inner separators.
func codeTokens(t string) [][2]int {
	var out [][2]int
	i := 0
	for i < len(t) {
		if !isCodeByte(t[i]) || t[i] == '-' || t[i] == '_' || t[i] == '/' || t[i] == '.' {
			i++
			continue
		}
		j := i
		for j < len(t) && isCodeByte(t[j]) {
			j++
		}
		e := j
		for e > i && strings.IndexByte("-_/.", t[e-1]) >= 0 {
			e--
		}
		out = append(out, [2]int{i, e})
		i = j
	}
	return out
}

func isCodeByte(b byte) bool {
	return isASCIILetter(b) || isASCIIDigit(b) || b == '#' || b == '-' || b == '_' || b == '/' || b == '.'
}

// findRMAs finds return numbers in a normalized text: the shop's own RMA
// prefixes and kefu's, each followed by a body of the shape's kind.
func (v *vocab) findRMAs(t string) []mention {
	var out []mention
	for _, s := range v.rmas {
		p := strings.ToLower(s.prefix)
		for from := 0; ; {
			k := strings.Index(t[from:], p)
			if k < 0 {
				break
			}
			i := from + k
			from = i + len(p)
			if i > 0 && (isASCIILetter(t[i-1]) || isASCIIDigit(t[i-1])) {
				continue
			}
			j, sep := i+len(p), ""
			if j < len(t) && strings.IndexByte("-_/. ", t[j]) >= 0 {
				sep, j = t[j:j+1], j+1
			}
			e := j
			hasDigit := false
			for e < len(t) && (isASCIIDigit(t[e]) || s.alnum && isASCIILetter(t[e])) {
				hasDigit = hasDigit || isASCIIDigit(t[e])
				e++
			}
			body := t[j:e]
			if e < len(t) && (isASCIILetter(t[e]) || isASCIIDigit(t[e])) || body == "" {
				continue
			}
			if !hasDigit && (sep == " " || sep == "." || s != kefuRMA && sep == "") {
				continue // "rma status", "return policy"
			}
			if len(body) < s.min || len(body) > s.max+1 {
				continue
			}
			overlaps := false
			for _, m := range out {
				if i < m.end && e > m.start {
					overlaps = true
				}
			}
			if !overlaps {
				out = append(out, mention{start: i, end: e, number: s.format("", body)})
			}
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].start < out[b].start })
	return out
}

// masked is the normalized text with emails, links and return numbers
// blanked out (same length, so offsets hold), and the return numbers
// found.
func (v *vocab) masked(text string) (string, []mention) {
	t := normalize(text)
	b := []byte(t)
	blank := func(i, j int) {
		for k := i; k < j; k++ {
			b[k] = ' '
		}
	}
	for _, loc := range emailRe.FindAllStringIndex(t, -1) {
		blank(loc[0], loc[1])
	}
	for _, loc := range urlRe.FindAllStringIndex(t, -1) {
		blank(loc[0], loc[1])
	}
	rmas := v.findRMAs(string(b))
	for _, m := range rmas {
		blank(m.start, m.end)
	}
	return string(b), rmas
}

// orderNumbers finds the order numbers in text, as the shop prints them
// (or as typed, for one that fits none of the shop's shapes).
func (m *Model) orderNumbers(text string) []string {
	var out []string
	for _, o := range m.slotsIn(text).orders {
		out = append(out, o.number)
	}
	return out
}

// rmas finds the return numbers in text.
func (m *Model) rmas(text string) []string { return m.slotsIn(text).rmas }

// withoutSlots is the normalized text with its details (order and return
// numbers, emails) taken out: what is left says what the shopper wants.
func (m *Model) withoutSlots(text string) string { return m.slotsIn(text).rest }

// asksAbout reports whether a short message asks for something about the
// order it names, read with the number as the word for it: "can you
// track xs 777" is "can you track order", a request, though "can you
// track" alone is not clearly one. A lone word around a number ("order
// 1002", "sorry, 1003") is only the detail.
func (m *Model) asksAbout(text, rest string) bool {
	if len(strings.Fields(rest)) < 2 || len(m.slotsIn(text).orders) == 0 {
		return false
	}
	p := m.predict(text)
	_, action := taskTools[taskIntent(p[0].Intent)]
	return action && p[0].Prob >= 0.5
}

// textSlots are the details one message gives: the last order number,
// email, RMA and return reason in it.
type textSlots struct {
	order, email, rma, reason string
	orders                    []mention
	rmas                      []string
	rest                      string
	classify                  string // the text as the classifier reads it
}

// slotsByText keeps slotsIn's results: every turn gathers the details of
// all the messages since its task began, from the same texts. The key
// holds the vocabulary, which an import replaces.
type slotKey struct {
	v    *vocab
	text string
}

var slotsByText = memo.New[slotKey, textSlots](8192)

func (m *Model) slotsIn(text string) textSlots {
	return slotsByText.Get(slotKey{m.vocab(), text}, func(k slotKey) textSlots {
		v, t := k.v, k.text
		var ts textSlots
		masked, rmas := v.masked(t)
		ts.orders = v.findOrders(masked)
		for _, r := range rmas {
			ts.rmas = append(ts.rmas, r.number)
		}
		if len(ts.orders) > 0 {
			ts.order = ts.orders[len(ts.orders)-1].number
		}
		if e := emails(t); len(e) > 0 {
			ts.email = e[len(e)-1]
		}
		if len(ts.rmas) > 0 {
			ts.rma = ts.rmas[len(ts.rmas)-1]
		}
		ts.reason = reason(t)
		rest := []byte(masked)
		for _, o := range ts.orders {
			for i := o.start; i < o.end; i++ {
				rest[i] = ' '
			}
		}
		ts.rest = strings.Join(strings.Fields(string(rest)), " ")
		ts.classify = forClassifier(masked, ts.orders, language(t))
		return ts
	})
}

// forClassifier is a message as the intent classifier should read it:
// each order number replaced by the word for it, or dropped after a word
// that already says it ("order 1002" → "order", "取消A-5009" → "取消订单").
// The shop's numbers say nothing about what the shopper wants, and a
// classifier trained on examples with numbers of a few shapes would read
// the shapes rather than the words.
func forClassifier(masked string, orders []mention, lang string) string {
	if len(orders) == 0 {
		return masked
	}
	word := " order "
	if lang == "zh" {
		word = "订单"
	}
	var b strings.Builder
	at := 0
	for _, o := range orders {
		before := strings.TrimRight(masked[at:o.start], " #:")
		b.WriteString(masked[at:o.start])
		if !hasCueSuffix(before) {
			b.WriteString(word)
		}
		at = o.end
	}
	b.WriteString(masked[at:])
	return strings.Join(strings.Fields(b.String()), " ")
}

func hasCueSuffix(s string) bool {
	for _, c := range []string{"order", "orders", "订单", "单号", "订单号", "编号", "no.", "no", "number", "nr."} {
		if strings.HasSuffix(s, c) {
			return true
		}
	}
	return false
}

func emails(text string) []string { return emailRe.FindAllString(store.Fold(text), -1) }

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
	Tags                                 []string
}

// stopTitleWords are title words that do not identify an item: function
// words and sizes.
var stopTitleWords = map[string]bool{"the": true, "and": true, "with": true, "for": true, "of": true, "a": true,
	"in": true, "men's": true, "women's": true, "mens": true, "womens": true, "set": true, "pack": true,
	"xs": true, "s": true, "m": true, "l": true, "xl": true, "xxl": true, "size": true, "to": true, "from": true,
	"by": true, "on": true, "at": true, "or": true, "an": true, "as": true, "is": true, "it": true, "its": true,
	"my": true, "your": true, "this": true, "that": true, "up": true, "out": true, "off": true, "no": true,
	"not": true, "new": true, "all": true, "per": true, "one": true, "kinds": true, "kind": true}

// itemWords are groups of words shoppers use for the same kind of thing,
// in both languages: "外套" finds a jacket, "coat" a parka. A shop's own
// tags add to these, product by product.
var itemWords = [][]string{
	{"jacket", "coat", "parka", "overcoat", "anorak", "shell", "外套", "夹克", "大衣", "风衣", "冲锋衣", "羽绒服"},
	{"shoe", "sneaker", "trainer", "boot", "鞋", "鞋子", "靴", "靴子", "跑鞋", "运动鞋"},
	{"bag", "backpack", "rucksack", "tote", "包", "背包", "双肩包", "斜挎包"},
	{"shirt", "tee", "t-shirt", "top", "衬衫", "t恤", "上衣"},
	{"sweater", "jumper", "pullover", "cardigan", "hoodie", "毛衣", "针织衫", "卫衣"},
	{"pants", "trousers", "jeans", "shorts", "裤", "裤子", "牛仔裤", "短裤"},
	{"hat", "beanie", "cap", "帽", "帽子"},
	{"scarf", "围巾"},
	{"sock", "袜", "袜子"},
	{"mug", "cup", "tumbler", "bottle", "杯", "杯子", "水壶", "保温杯"},
	{"tent", "帐篷"},
	{"earbud", "earphone", "headphone", "耳机"},
	{"cable", "cord", "数据线", "充电线"},
	{"charger", "adapter", "充电器", "充电头"},
	{"power bank", "powerbank", "充电宝", "移动电源"},
	{"speaker", "音箱", "音响"},
	{"watch", "smartwatch", "手表"},
	{"teapot", "pot", "茶壶", "壶"},
	{"pan", "skillet", "wok", "锅"},
	{"knife", "刀"},
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
// words (or, in Chinese, title bigrams) and of the shop's tags for it the
// text contains, and returns the best-scoring ones. Words that most of
// the catalog's titles share ("tea" in a tea shop) identify nothing.
func (m *Model) matchItems(text string, cands []item) []item {
	v := m.vocab()
	fs := make([]*itemFeatures, len(cands))
	for i, c := range cands {
		fs[i] = v.features(c)
	}
	return matchFeatures(itemTextOf(text), fs)
}

// matchCatalog is matchItems over the whole catalog, whose candidates'
// features the vocabulary keeps.
func (m *Model) matchCatalog(text string) []item {
	return matchFeatures(itemTextOf(text), m.vocab().catalogFeatures())
}

// itemText is what matchItems reads of a text: it, normalized, with the
// other words of its item words' groups (expandItemWords), its Latin
// words (singular) and its upper case.
type itemText struct {
	t, upper string
	words    map[string]bool
}

var itemTexts = memo.New[string, *itemText](8192)

func itemTextOf(text string) *itemText {
	return itemTexts.Get(text, func(text string) *itemText {
		t := expandItemWords(normalize(text))
		words := map[string]bool{}
		for _, w := range latinWords(t) {
			words[singular(w)] = true
		}
		return &itemText{t: t, upper: strings.ToUpper(t), words: words}
	})
}

// itemFeatures are what matchItems reads of a candidate in a vocabulary,
// worked out once for each: the texts are a turn's, the candidates the
// same orders' items step after step.
type itemFeatures struct {
	c       item     // the candidate, with the catalog's tags and category where it has none
	title   []string // its title's words, singular, less the stop words and the catalog's common words
	tags    []tagFeatures
	sku     string   // upper case
	bigrams []string // the Han bigrams of its Chinese title, if it has one
}

type tagFeatures struct {
	tg, sing string // normalized, and its singular
	zh       bool   // a Chinese tag: matched as a substring
	word     bool   // not zh, and neither a stop word nor a common word: matched as a word
}

// featureKey is a candidate as matchItems reads it.
type featureKey struct {
	sku, title, titleZH, category, id string
	tags                              string // joined with NUL
}

// features returns the candidate's features, from the vocabulary's cache
// when the same candidate (every field the same) was read before.
func (v *vocab) features(c item) *itemFeatures {
	k := featureKey{sku: c.SKU, title: c.Title, titleZH: c.TitleZH, category: c.Category, id: c.Order}
	if len(c.Tags) > 0 {
		k.tags = strings.Join(c.Tags, "\x00")
	}
	return v.feats.Get(k, func(featureKey) *itemFeatures { return v.newFeatures(c) })
}

// catalogFeatures are the features of every product of the catalog, in
// its order; worked out at the first call.
func (v *vocab) catalogFeatures() []*itemFeatures {
	v.catalogOnce.Do(func() {
		v.catalogFeats = make([]*itemFeatures, len(v.catalog))
		for i, c := range v.catalog {
			v.catalogFeats[i] = v.newFeatures(c)
		}
	})
	return v.catalogFeats
}

func (v *vocab) newFeatures(c item) *itemFeatures {
	c.Tags = slices.Clip(c.Tags)
	if i, ok := v.bySKU[strings.ToUpper(c.SKU)]; ok {
		if len(c.Tags) == 0 {
			c.Tags = v.catalog[i].Tags
		}
		if c.Category == "" {
			c.Category = v.catalog[i].Category
		}
	}
	f := &itemFeatures{c: c}
	for _, w := range latinWords(normalize(c.Title)) {
		w = singular(w)
		if !stopTitleWords[w] && !v.common[w] {
			f.title = append(f.title, w)
		}
	}
	// The shop's category ("teaware", "power-banks") names the item's
	// kind, like a tag.
	tags := c.Tags
	if c.Category != "" {
		tags = append(slices.Clip(tags), strings.FieldsFunc(c.Category, func(r rune) bool { return r == '-' || r == '_' || r == ' ' })...)
	}
	for _, tag := range tags {
		tg := normalize(tag)
		zh := language(tg) == "zh"
		f.tags = append(f.tags, tagFeatures{tg: tg, sing: singular(tg), zh: zh,
			word: !zh && !stopTitleWords[tg] && !v.common[singular(tg)]})
	}
	if c.SKU != "" {
		f.sku = strings.ToUpper(c.SKU)
	}
	if c.TitleZH != "" || language(c.Title) == "zh" {
		zh := []rune(c.TitleZH)
		if len(zh) == 0 {
			zh = []rune(c.Title)
		}
		for i := 0; i+1 < len(zh); i++ {
			if unicode.Is(unicode.Han, zh[i]) && unicode.Is(unicode.Han, zh[i+1]) {
				f.bigrams = append(f.bigrams, string(zh[i:i+2]))
			}
		}
	}
	return f
}

// matchFeatures scores the candidates against the text (matchItems).
func matchFeatures(t *itemText, fs []*itemFeatures) []item {
	best, bestScore := []item(nil), 0
	var counted []string // the words and tags this candidate scored on
	has := func(w string) bool { return slices.Contains(counted, w) }
	for _, f := range fs {
		score := 0
		counted = counted[:0]
		for _, w := range f.title {
			if !has(w) && t.words[w] {
				counted = append(counted, w)
				score += 2
			}
		}
		for _, tg := range f.tags {
			switch {
			case has(tg.sing):
			case tg.zh && strings.Contains(t.t, tg.tg):
				counted = append(counted, tg.tg)
				score += 2
			case tg.word && t.words[tg.sing]:
				counted = append(counted, tg.sing)
				score += 2
			}
		}
		if f.sku != "" && strings.Contains(t.upper, f.sku) {
			score += 10
		}
		for _, bg := range f.bigrams {
			if strings.Contains(t.t, bg) {
				score++
			}
		}
		switch {
		case score > bestScore:
			best, bestScore = []item{f.c}, score
		case score == bestScore && score > 0:
			best = append(best, f.c)
		}
	}
	if bestScore < 2 {
		return nil
	}
	return best
}

// latinWords are the runs of Latin letters and digits in t: "退订单a-5002里的airbeat"
// has "a", "5002" and "airbeat". (Chinese is matched by bigrams.)
func latinWords(t string) []string {
	return strings.FieldsFunc(t, func(r rune) bool {
		return !(r < utf8.RuneSelf && (isASCIILetter(byte(r)) || isASCIIDigit(byte(r)) || r == '\'') ||
			r >= utf8.RuneSelf && unicode.IsLetter(r) && !unicode.Is(unicode.Han, r))
	})
}

func singular(w string) string {
	if len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") {
		return strings.TrimSuffix(w, "s")
	}
	return w
}
