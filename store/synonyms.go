package store

import "strings"

// Knowledge-base search is lexical, so a shopper who writes "someone stole
// my package" would find nothing in an article that says "stolen parcel".
// A concept lists the words articles use for one idea (Terms) and the words
// shoppers use for it (Cues): when a query has any of them, the search also
// looks for the Terms, at a lower weight than the shopper's own words. Place
// names are cues too: a US city means domestic shipping, another country or
// a Chinese city means international. Keep each concept to one meaning.
type concept struct {
	Terms []string
	Cues  []string
}

var concepts = []concept{
	{ // Theft and parcels that never came.
		Terms: []string{"stolen", "lost", "missing", "not received", "丢件", "被偷", "没收到"},
		Cues:  []string{"stole", "steal", "theft", "thief", "porch", "never arrived", "偷", "丢了", "被拿走"},
	},
	{ // Money back.
		Terms: []string{"refund", "退款"},
		Cues:  []string{"money", "refunded", "reimburse", "money back", "退钱", "钱"},
	},
	{ // Fixing a mistake in an order.
		Terms: []string{"change", "modify", "edit", "wrong address", "修改", "改地址"},
		Cues:  []string{"typo", "mistake", "fix", "correct", "misspelled", "update", "写错", "填错", "改一下"},
	},
	{ // Something broke or does not work.
		Terms: []string{"broken", "damaged", "defect", "faulty", "坏了", "破损", "质量问题"},
		Cues: []string{"broke", "cracked", "defective", "peeling", "ripped", "torn", "came off", "fell apart",
			"stopped working", "doesn't work", "not working", "坏", "开胶", "破了", "故障"},
	},
	{ // A fault after months of use is a warranty matter.
		Terms: []string{"warranty", "保修"},
		Cues:  []string{"months", "month", "year", "years", "个月", "半年", "一年", "用了"},
	},
	{ // A person rather than the bot.
		Terms: []string{"human", "person", "人工"},
		Cues:  []string{"agent", "someone", "representative", "real person", "真人", "人工客服", "转人工"},
	},
	{ // Weekends and days off.
		Terms: []string{"weekend", "holidays", "周末", "节假日"},
		Cues:  []string{"weekends", "saturday", "sunday", "holiday", "周六", "周日", "星期六", "星期天", "假期"},
	},
	{ // Domestic (US) places.
		Terms: []string{"us", "美国"},
		Cues: []string{"usa", "domestic", "united states", "america", "denver", "seattle", "chicago", "boston",
			"austin", "dallas", "houston", "miami", "atlanta", "phoenix", "portland", "nyc", "new york",
			"los angeles", "san francisco", "california", "texas", "florida", "colorado", "washington", "oregon"},
	},
	{ // Abroad.
		Terms: []string{"international", "国际"},
		Cues: []string{"overseas", "abroad", "worldwide", "海外", "国外", "germany", "france", "italy", "spain",
			"netherlands", "ireland", "sweden", "norway", "denmark", "switzerland", "austria", "belgium", "poland",
			"portugal", "uk", "britain", "england", "london", "canada", "toronto", "vancouver", "mexico",
			"australia", "sydney", "melbourne", "new zealand", "japan", "tokyo", "korea", "singapore", "hong kong",
			"taiwan", "india", "brazil", "德国", "法国", "英国", "加拿大", "澳大利亚", "澳洲", "日本", "韩国",
			"新加坡", "香港", "台湾"},
	},
	{ // Mainland China: for the shop, which ships from the US, that is
		// international delivery with its own last-mile carrier.
		Terms: []string{"international", "china", "国际", "中国大陆", "直邮"},
		Cues: []string{"mainland", "shanghai", "beijing", "guangzhou", "shenzhen", "上海", "北京", "广州", "深圳",
			"杭州", "成都", "南京", "武汉", "西安", "重庆", "天津", "苏州", "中国", "国内", "大陆"},
	},
}

// conceptIndex maps each folded word or cue to the concepts it signals.
var conceptIndex = func() map[string][]int {
	m := map[string][]int{}
	for i, c := range concepts {
		for _, w := range append(append([]string(nil), c.Terms...), c.Cues...) {
			m[Fold(w)] = append(m[Fold(w)], i)
		}
	}
	return m
}()

// expansionTerms returns the FTS terms of every concept the query signals
// that the query does not already contain: single tokens, quoted phrases
// for multi-word English terms, bigrams for Chinese ones.
func expansionTerms(q string, have map[string]bool) []string {
	folded := Fold(q)
	hit := map[int]bool{}
	for _, t := range ftsTokens(q) {
		for _, c := range conceptIndex[t] {
			hit[c] = true
		}
	}
	for w, cs := range conceptIndex {
		// Multi-word and Chinese words are matched on the text itself.
		if (strings.Contains(w, " ") || !isASCII(w)) && strings.Contains(folded, w) {
			for _, c := range cs {
				hit[c] = true
			}
		}
	}
	var out []string
	for c := range concepts {
		if !hit[c] {
			continue
		}
		for _, w := range concepts[c].Terms {
			toks := ftsTokens(w)
			var terms []string
			switch {
			case isASCII(w) && len(toks) > 1:
				terms = []string{strings.Join(toks, " ")} // a phrase
			case isASCII(w):
				terms = toks
			default:
				terms = hanBigrams(toks)
			}
			for _, t := range terms {
				if !have[t] {
					have[t] = true
					out = append(out, t)
				}
			}
		}
	}
	return out
}

// hanBigrams keeps the bigrams of a Chinese word's tokens: an expansion
// should not add common single characters as terms.
func hanBigrams(toks []string) []string {
	var out []string
	for _, t := range toks {
		if len([]rune(t)) == 2 {
			out = append(out, t)
		}
	}
	return out
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
