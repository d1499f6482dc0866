package tools

import (
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/kefu-dev/kefu/store"
)

// What a shopper or a model may write for the variant they want: a SKU,
// option values ("L", "large", "black", "黑色", "42"), or a size relative
// to the one they have ("a size up", "大一号").

// sizeLadder orders letter sizes; numeric sizes order by number.
var sizeLadder = []string{"XXS", "XS", "S", "M", "L", "XL", "XXL", "XXXL"}

// sizeWords are the words for letter sizes, English and Chinese.
var sizeWords = map[string][]string{
	"XXS":  {"xxs", "2xs"},
	"XS":   {"xs", "extra small", "x-small", "x small", "加小", "加小号"},
	"S":    {"s", "small", "小号", "小码", "s码"},
	"M":    {"m", "medium", "中号", "中码", "m码"},
	"L":    {"l", "large", "大号", "大码", "l码"},
	"XL":   {"xl", "extra large", "x-large", "x large", "加大", "加大号", "加大码", "xl码"},
	"XXL":  {"xxl", "2xl", "xx-large", "xx large", "特大", "特大号", "xxl码"},
	"XXXL": {"xxxl", "3xl"},
}

// colourWords are Chinese names of colours, by English name.
var colourWords = map[string][]string{
	"black": {"黑"}, "white": {"白"}, "blue": {"蓝"}, "red": {"红"}, "green": {"绿"}, "grey": {"灰", "gray"},
	"gray": {"灰", "grey"}, "navy": {"藏青", "海军蓝", "深蓝"}, "brown": {"棕", "咖啡"}, "pink": {"粉"},
	"yellow": {"黄"}, "purple": {"紫"}, "orange": {"橙", "橘"}, "beige": {"米色", "米白"}, "silver": {"银"},
	"gold": {"金"}, "olive": {"橄榄"}, "charcoal": {"炭灰", "深灰"}, "indigo": {"靛蓝"}, "sand": {"沙色"},
	"lavender": {"薰衣草", "淡紫"}, "natural": {"本色", "原色"}, "oat": {"燕麦"}, "cream": {"奶油", "米白"},
}

// relativeUp and relativeDown ask for the next size up or down.
var (
	relativeUp = []string{"size up", "size bigger", "size larger", "bigger", "larger", "one up", "大一号", "大一码", "大一个码",
		"大一点", "大点", "大一些", "大些", "大号一点", "放大"}
	relativeDown = []string{"size down", "size smaller", "smaller", "one down", "小一号", "小一码", "小一个码", "小一点", "小点",
		"小一些", "小些"}
)

// wantedVariant picks, among the variants of the item's product (have is
// the one ordered), the one the shopper means by text: nil and the
// candidates when text names none, or several.
func wantedVariant(have store.Variant, all []store.Variant, text string) (*store.Variant, []store.Variant) {
	others := make([]store.Variant, 0, len(all))
	for _, v := range all {
		if v.ProductID != have.ProductID {
			others = append(others, v)
		}
	}
	key := store.NumberKey(text)
	for i, v := range others {
		if key != "" && store.NumberKey(v.SKU) == key {
			return &others[i], nil
		}
	}
	want := wantedOptions(have, all, text)
	if len(want) == 0 {
		return nil, others
	}
	var match []store.Variant
	for _, v := range others {
		ok := true
		for k, val := range want {
			if !strings.EqualFold(v.Options[k], val) {
				ok = false
				break
			}
		}
		if ok {
			match = append(match, v)
		}
	}
	// What the shopper did not mention stays as it was: a new size keeps
	// the colour.
	var same []store.Variant
	for _, v := range match {
		keeps := true
		for k, val := range have.Options {
			if _, asked := want[k]; !asked && !strings.EqualFold(v.Options[k], val) {
				keeps = false
			}
		}
		if keeps {
			same = append(same, v)
		}
	}
	switch {
	case len(same) == 1:
		return &same[0], nil
	case len(same) == 0 && len(match) == 1:
		return &match[0], nil
	case len(same) > 1:
		return nil, same
	}
	return nil, match
}

// wantedOptions reads the option values text asks for, among the values
// the product's variants have.
func wantedOptions(have store.Variant, all []store.Variant, text string) map[string]string {
	t := foldVariantText(text)
	words := strings.Fields(t)
	values := map[string][]string{} // option name → its values across the variants
	for _, v := range all {
		for k, val := range v.Options {
			if !slices.Contains(values[k], val) {
				values[k] = append(values[k], val)
			}
		}
	}
	want := map[string]string{}
	for k, vals := range values {
		if size := relativeSize(have.Options[k], vals, t); size != "" {
			want[k] = size
			continue
		}
		var named []string
		for _, val := range vals {
			if mentions(t, words, val) {
				named = append(named, val)
			}
		}
		// "the M is too small, I'd like an L": the value the shopper
		// has is not the one they want.
		if len(named) > 1 {
			named = slices.DeleteFunc(named, func(v string) bool { return strings.EqualFold(v, have.Options[k]) })
		}
		if len(named) == 1 {
			want[k] = named[0]
		}
	}
	return want
}

// namesSomeVariant reports whether text names a size or colour at all,
// one the product has or not ("purple" for a jacket that comes in blue
// and black).
func namesSomeVariant(text string) bool {
	t := foldVariantText(text)
	words := strings.Fields(t)
	if containsAny(t, relativeUp) || containsAny(t, relativeDown) {
		return true
	}
	for size := range sizeWords {
		if mentions(t, words, size) {
			return true
		}
	}
	for colour := range colourWords {
		if mentions(t, words, colour) {
			return true
		}
	}
	return false
}

// relativeSize is the next size up or down from cur among vals when t asks
// for one, or "".
func relativeSize(cur string, vals []string, t string) string {
	step := 0
	switch {
	case containsAny(t, relativeUp):
		step = 1
	case containsAny(t, relativeDown):
		step = -1
	default:
		return ""
	}
	rank := func(v string) (float64, bool) {
		if i := slices.Index(sizeLadder, strings.ToUpper(v)); i >= 0 {
			return float64(i), true
		}
		num := strings.TrimRightFunc(v, func(r rune) bool { return !unicode.IsDigit(r) }) // "42 mm" is 42
		f, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
		return f, err == nil
	}
	at, ok := rank(cur)
	if !ok {
		return ""
	}
	best, bestRank := "", 0.0
	for _, v := range vals {
		r, ok := rank(v)
		if !ok || (step > 0 && r <= at) || (step < 0 && r >= at) {
			continue
		}
		if best == "" || (step > 0 && r < bestRank) || (step < 0 && r > bestRank) {
			best, bestRank = v, r
		}
	}
	return best
}

// mentions reports whether text (folded t, its words) names an option
// value: the value itself as a word, or its size or colour words.
func mentions(t string, words []string, val string) bool {
	v := foldVariantText(val)
	if v == "" {
		return false
	}
	names := []string{v}
	names = append(names, sizeWords[strings.ToUpper(v)]...)
	names = append(names, colourWords[v]...)
	for _, n := range names {
		if hasHan(n) {
			if strings.Contains(t, n) {
				return true
			}
			continue
		}
		if strings.Contains(n, " ") || strings.Contains(n, "-") {
			// "46 mm" is also written "46mm".
			if strings.Contains(" "+t+" ", " "+n+" ") || slices.Contains(words, strings.ReplaceAll(n, " ", "")) {
				return true
			}
			continue
		}
		if slices.Contains(words, n) {
			return true
		}
	}
	return false
}

// foldVariantText lower-cases text, folds full-width forms and turns
// punctuation into spaces (keeping '-' inside words), dropping
// apostrophes so that "I'm" is not the size M.
func foldVariantText(s string) string {
	s = store.Fold(s)
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\'' || r == '’':
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '.':
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteRune(' ')
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

func containsAny(s string, subs []string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}
