package builtin

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// TestMatchItemsIsTheReference checks matchItems, which reads each
// candidate's and each text's features once and keeps them, against the
// matching as it was written before (matchItemsReference, below, its
// specification): the same items for every text and set of candidates,
// in both languages, with the shop's tags, categories and common words,
// SKUs in the text, and candidates from orders and from the catalog;
// twice over, the second time from the caches.
func TestMatchItemsIsTheReference(t *testing.T) {
	shops := []Shop{stepsShop(), largeShop(), {Products: []Product{
		{SKU: "ZS-POT", Title: "Yixing Clay Teapot", Category: "teaware", Tags: []string{"茶壶", "pot"}},
		{SKU: "LJ-250", Title: "West Lake Longjing Green Tea 250g", Category: "green-tea", Tags: []string{"绿茶", "teas"}},
		{SKU: "DHP-100", Title: "Da Hong Pao Oolong Tea 100g", TitleZH: "大红袍乌龙茶100克", Category: "oolong_tea"},
		{SKU: "CUP-S", Title: "Celadon Tea Cups (set of 4)", TitleZH: "青瓷茶杯四只装"},
	}}}
	for _, sh := range shops {
		for _, p := range testShops {
			sh.Products = append(sh.Products, p.Products...)
		}
	}
	texts := []string{"the tent please", "I want to return the mug from my last order", "退钛杯", "那个帐篷", "the down jacket is too small",
		"return the teaware please", "退数据线", "the braided one", "the charger gets hot", "sku tent-2p", "PACK-38 and the headlamp",
		"the green tea", "绿茶和茶壶", "大红袍", "青瓷茶杯", "the oolong", "teas", "Model 12 Jacket, Colour 5", "型号12", "tag37 please", "hello",
		"I ordered a Jacket and a Mug", "the Earbuds Model 7 earbuds", "cancel order A-5009", "the cups", "pots and pans", ""}
	for si, sh := range shops {
		m := NewForShop(sh)
		v := m.vocab()
		orders := [][]item{v.catalog, nil, {{SKU: "TENT-2P", Title: "Ridgeline 2-Person Tent", TitleZH: "山脊双人帐篷", Order: "KF-1"},
			{SKU: "MUG-TI", Title: "Titanium Camp Mug", TitleZH: "钛杯", Order: "KF-1"}, {SKU: "MUG-TI", Title: "Titanium Camp Mug", Order: "KF-2"},
			{SKU: "X-1", Title: "Mug", Tags: []string{"cup", "杯子"}, Category: "drink-ware", Order: "KF-3"}, {Title: "青瓷茶杯", Order: "KF-4"}}}
		if len(v.catalog) > 40 {
			orders[1] = v.catalog[30:60]
		}
		for round := range 2 {
			for _, text := range texts {
				for ci, cands := range orders {
					want := matchItemsReference(m, text, cands)
					got := m.matchItems(text, cands)
					if len(cands) == len(v.catalog) && ci == 0 {
						got = m.matchCatalog(text)
					}
					if !reflect.DeepEqual(got, want) {
						t.Errorf("shop %d, round %d, %q, candidates %d: %s, want %s", si, round, text, ci, fmt.Sprint(got), fmt.Sprint(want))
					}
				}
			}
		}
	}
}

// matchItemsReference is matchItems as it was before its features were
// kept (f2b71e0).
func matchItemsReference(m *Model, text string, cands []item) []item {
	v := m.vocab()
	t := expandItemWords(normalize(text))
	words := map[string]bool{}
	for _, w := range latinWords(t) {
		words[singular(w)] = true
	}
	best, bestScore := []item(nil), 0
	for _, c := range cands {
		if i, ok := v.bySKU[strings.ToUpper(c.SKU)]; ok {
			if len(c.Tags) == 0 {
				c.Tags = v.catalog[i].Tags
			}
			if c.Category == "" {
				c.Category = v.catalog[i].Category
			}
		}
		// The shop's category ("teaware", "power-banks") names the
		// item's kind, like a tag.
		tags := c.Tags
		if c.Category != "" {
			tags = append(slices.Clip(tags), strings.FieldsFunc(c.Category, func(r rune) bool { return r == '-' || r == '_' || r == ' ' })...)
		}
		score := 0
		counted := map[string]bool{}
		for _, w := range latinWords(normalize(c.Title)) {
			w = singular(w)
			if !stopTitleWords[w] && !v.common[w] && !counted[w] && words[w] {
				counted[w] = true
				score += 2
			}
		}
		for _, tag := range tags {
			tg := normalize(tag)
			switch {
			case counted[singular(tg)]:
			case language(tg) == "zh" && strings.Contains(t, tg):
				counted[tg] = true
				score += 2
			case language(tg) != "zh" && !stopTitleWords[tg] && !v.common[singular(tg)] && words[singular(tg)]:
				counted[singular(tg)] = true
				score += 2
			}
		}
		if c.SKU != "" && strings.Contains(strings.ToUpper(t), strings.ToUpper(c.SKU)) {
			score += 10
		}
		if c.TitleZH != "" || language(c.Title) == "zh" {
			zh := []rune(c.TitleZH)
			if len(zh) == 0 {
				zh = []rune(c.Title)
			}
			for i := 0; i+1 < len(zh); i++ {
				if unicode.Is(unicode.Han, zh[i]) && unicode.Is(unicode.Han, zh[i+1]) && strings.Contains(t, string(zh[i:i+2])) {
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
