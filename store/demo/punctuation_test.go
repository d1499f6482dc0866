package demo

import (
	"regexp"
	"testing"
	"time"
)

// halfWidthInChinese finds ASCII punctuation or a space beside a Han
// character: Chinese text uses full-width punctuation (，：；（）！？) and
// no spaces between Chinese words.
var (
	halfWidthInChinese = regexp.MustCompile(`\p{Han}[,:;!?()]|[,:;!?()]\p{Han}`)
	spaceInChinese     = regexp.MustCompile(`\p{Han} \p{Han}`)
)

// The demo shop's Chinese text is written as Chinese is written (issue 17,
// point 4): articles, product titles, reviews and the campaign.
func TestDemoChinesePunctuation(t *testing.T) {
	ds := Dataset(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	// Prose has neither; a product title may space its name from its
	// variant ("港湾防水夹克 蓝色 M码"), as shops' titles do.
	check := func(where, s string, prose bool) {
		if m := halfWidthInChinese.FindString(s); m != "" {
			t.Errorf("%s: %q has %q", where, clipText(s), m)
		}
		if m := spaceInChinese.FindString(s); prose && m != "" {
			t.Errorf("%s: %q has a space in %q", where, clipText(s), m)
		}
	}
	for _, a := range ds.Articles {
		if a.Locale == "zh" {
			check("article "+a.Slug, a.Title, true)
			check("article "+a.Slug, a.Body, true)
		}
	}
	for _, p := range ds.Products {
		check("product "+p.SKU, p.TitleZH, false)
	}
	for _, r := range ds.Reviews {
		check("review of "+r.SKU, r.Title, true)
		check("review of "+r.SKU, r.Body, true)
	}
}

func clipText(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return s
}
