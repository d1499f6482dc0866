package builtin

import (
	"sort"
	"strings"
	"sync"
	"unicode"

	"github.com/kefu-dev/kefu/agents/internal/memo"
	"github.com/kefu-dev/kefu/store"
)

// Shop is what the model knows of the shop it serves, all of it from the
// shop's own data: nothing the model recognises is specific to the demo
// shop. The order and return numbers are examples (the most recent ones
// are enough) from which the model learns the shapes the shop's numbers
// take, and by which it recognises those numbers whatever their shape.
type Shop struct {
	OrderNumbers []string
	RMAs         []string
	Products     []Product
	Articles     []Article
}

// Article is a help article as shoppers ask for it: its title and the
// tags the shop gave it.
type Article struct {
	Slug, Locale, Title string
	Tags                []string
}

// shape is one way the shop writes its order (or return) numbers: a "#"
// or not, a prefix of letters or none, a separator, and a body of digits
// (or, for returns, letters and digits) of some lengths. KF-10042 is
// {prefix KF, sep -, 5 digits}; 1002 is {4 digits}; #W2378156 is
// {hash, prefix W, 7 digits}.
type shape struct {
	hash    bool
	prefix  string // upper case; "" for none
	letters int    // > 0: any prefix of this many letters (a shop with many prefixes)
	sep     string // as the shop writes it between prefix and body
	alnum   bool   // the body has letters as well as digits
	min     int    // body lengths seen
	max     int
	n       int // numbers of this shape
}

// maxPrefixes is how many letter prefixes the model keeps literally; a
// shop with more (one per region, per channel…) gets shapes by prefix
// length instead.
const maxPrefixes = 16

// kefuRMA is the shape of the RMA numbers kefu itself issues
// (store.newRMA: RMA- and eight letters and digits), which every shop's
// returns take once kefu handles them.
var kefuRMA = shape{prefix: "RMA", sep: "-", alnum: true, min: 4, max: 10}

// code is a number taken apart: "#W-2378156" is {hash, W, -, 2378156}.
type code struct {
	hash   bool
	prefix string // lower case
	sep    string
	body   string // lower case
}

// parseCode takes a number apart as the shop prints it. It reports false
// for numbers of another form (letters after the digits, several groups),
// which the model still recognises literally but learns no shape from.
func parseCode(s string, alnum bool) (code, bool) {
	s = strings.TrimSpace(store.Fold(s))
	var c code
	if strings.HasPrefix(s, "#") {
		c.hash = true
		s = strings.TrimLeft(s[1:], " ")
	}
	i := 0
	for i < len(s) && isASCIILetter(s[i]) {
		i++
	}
	c.prefix = s[:i]
	if i < len(s) && strings.IndexByte("-_/. ", s[i]) >= 0 && c.prefix != "" {
		c.sep = s[i : i+1]
		i++
	}
	c.body = s[i:]
	if c.body == "" || !isASCIIDigit(c.body[0]) && !(alnum && c.sep != "") {
		return code{}, false
	}
	for j := 0; j < len(c.body); j++ {
		b := c.body[j]
		if !isASCIIDigit(b) && !(alnum && isASCIILetter(b)) {
			return code{}, false
		}
	}
	if !alnum && len(c.body) < 3 {
		return code{}, false // two digits are not an order number one can find in text
	}
	if len(c.prefix) > 6 {
		return code{}, false
	}
	return c, true
}

// learnShapes infers the shapes of a shop's numbers, the most common
// first.
func learnShapes(numbers []string, alnum bool) []shape {
	type key struct {
		hash    bool
		prefix  string
		letters int
		alnum   bool
	}
	type group struct {
		shape
		seps map[string]int
	}
	parsed := make([]code, 0, len(numbers))
	prefixes := map[string]bool{}
	for _, n := range numbers {
		c, ok := parseCode(n, alnum)
		if !ok {
			continue
		}
		parsed = append(parsed, c)
		if c.prefix != "" {
			prefixes[c.prefix] = true
		}
	}
	collapse := len(prefixes) > maxPrefixes
	groups := map[key]*group{}
	for _, c := range parsed {
		k := key{hash: c.hash, prefix: strings.ToUpper(c.prefix)}
		if collapse && c.prefix != "" {
			k.prefix, k.letters = "", len(c.prefix)
		}
		for j := 0; j < len(c.body); j++ {
			if isASCIILetter(c.body[j]) {
				k.alnum = true
			}
		}
		g := groups[k]
		if g == nil {
			g = &group{shape: shape{hash: k.hash, prefix: k.prefix, letters: k.letters, alnum: k.alnum, min: len(c.body), max: len(c.body)},
				seps: map[string]int{}}
			groups[k] = g
		}
		g.n++
		g.min, g.max = min(g.min, len(c.body)), max(g.max, len(c.body))
		g.seps[c.sep]++
	}
	out := make([]shape, 0, len(groups))
	for _, g := range groups {
		best := -1
		for sep, n := range g.seps {
			if n > best || n == best && sep < g.sep {
				g.sep, best = sep, n
			}
		}
		out = append(out, g.shape)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].n != out[j].n {
			return out[i].n > out[j].n
		}
		return out[i].prefix < out[j].prefix
	})
	return out
}

// format writes body in the shape, as the shop prints its numbers.
func (s shape) format(prefix, body string) string {
	var b strings.Builder
	if s.hash {
		b.WriteByte('#')
	}
	if s.prefix != "" {
		prefix = s.prefix
	}
	if prefix != "" {
		b.WriteString(strings.ToUpper(prefix))
		b.WriteString(s.sep)
	}
	b.WriteString(strings.ToUpper(body))
	return b.String()
}

// example is a number of this shape to show shoppers: made up, never a
// real customer's.
func (s shape) example() string {
	n := s.max
	if n > 12 {
		n = s.min
	}
	var body string
	if s.alnum {
		body = strings.Repeat("7K3Q9XWD2M", 2)[:n]
	} else {
		body = strings.Repeat("1234567890", 3)[:n]
	}
	prefix := s.prefix
	if prefix == "" && s.letters > 0 {
		prefix = "ABCDEF"[:s.letters]
	}
	return s.format(prefix, body)
}

// fits reports whether a prefix (lower case, possibly "") and a body fit
// the shape. Prefixed shapes allow one more digit than seen (numbers grow
// between two imports); plain numbers must have a length seen.
func (s shape) fits(prefix, body string, alnum bool) bool {
	switch {
	case s.prefix != "":
		if !strings.EqualFold(prefix, s.prefix) {
			return false
		}
	case s.letters > 0:
		if len(prefix) != s.letters {
			return false
		}
	default:
		if prefix != "" {
			return false
		}
	}
	if !s.alnum && alnum {
		return false
	}
	hi := s.max
	if prefix != "" {
		hi++
	}
	return len(body) >= s.min && len(body) <= hi
}

// vocab is a Shop made ready for matching. It is never changed once
// built: the model swaps in a new one when the shop's data changes.
type vocab struct {
	orders []shape
	rmas   []shape
	// known maps an order number's key (store.NumberKey) to the number as
	// the shop prints it; digits maps its digits alone to it, or to ""
	// when several numbers have the same digits.
	known  map[string]string
	digits map[string]string
	// words are the words and codes of the catalog (titles, SKUs, tags:
	// "x200", "lj-250"), which are never taken for order numbers.
	words    map[string]bool
	catalog  []item
	bySKU    map[string]int
	articles []articleTerms
	// common are title words too frequent in this catalog to tell its
	// products apart ("tea" in a tea shop).
	common map[string]bool
	// catalogFeats are the catalog's items as matchItems reads them
	// (catalogFeatures).
	catalogOnce  sync.Once
	catalogFeats []*itemFeatures
	// feats are other candidates' features (orders' items), kept with
	// the vocabulary they were worked out in.
	feats *memo.Cache[featureKey, *itemFeatures]

	exampleOrder, exampleRMA string
}

// articleTerms are the words that point to one article.
type articleTerms struct {
	slug, locale string
	title        map[string]bool // stems of the title's words
	tags         map[string]bool // stems of the tags (English)
	han          []string        // Chinese title bigrams and tags
}

func newVocab(sh Shop) *vocab {
	v := &vocab{
		orders: learnShapes(sh.OrderNumbers, false),
		rmas:   learnShapes(sh.RMAs, true),
		known:  make(map[string]string, len(sh.OrderNumbers)),
		digits: make(map[string]string, len(sh.OrderNumbers)),
		words:  map[string]bool{},
		bySKU:  map[string]int{},
		common: map[string]bool{},
		feats:  memo.New[featureKey, *itemFeatures](4096),
	}
	// kefu's own RMA numbers are always recognised; so are the return
	// numbers learned from the shop's returns, with their literal prefix.
	var rmas []shape
	for _, s := range v.rmas {
		if s.prefix != "" {
			rmas = append(rmas, s)
		}
	}
	v.rmas = append(rmas, kefuRMA)
	if len(rmas) > 0 {
		v.exampleRMA = rmas[0].example()
	} else {
		v.exampleRMA = "RMA-7K3Q9XWD"
	}
	for _, n := range sh.OrderNumbers {
		k := store.NumberKey(n)
		if k == "" {
			continue
		}
		if _, dup := v.known[k]; !dup {
			v.known[k] = n
		}
		d := digitsOf(k)
		if d == "" {
			continue
		}
		if prev, ok := v.digits[d]; ok && store.NumberKey(prev) != k {
			v.digits[d] = ""
		} else if !ok {
			v.digits[d] = n
		}
	}
	if len(v.orders) > 0 {
		v.exampleOrder = v.orders[0].example()
	}
	titleCount := map[string]int{}
	for _, p := range sh.Products {
		it := item{SKU: p.SKU, Title: p.Title, TitleZH: p.TitleZH, Category: p.Category, Tags: p.Tags}
		v.bySKU[strings.ToUpper(p.SKU)] = len(v.catalog)
		v.catalog = append(v.catalog, it)
		v.addWords(p.SKU)
		v.addWords(p.Title)
		v.addWords(p.TitleZH)
		for _, t := range p.Tags {
			v.addWords(t)
		}
		seen := map[string]bool{}
		for _, w := range titleWords(p.Title) {
			if !seen[w] {
				seen[w] = true
				titleCount[w]++
			}
		}
	}
	// A word in more than a third of the titles (and more than two of
	// them) names a kind of product the shop sells, not a product.
	for w, n := range titleCount {
		if n > 2 && n*3 > len(sh.Products) {
			v.common[w] = true
		}
	}
	for _, a := range sh.Articles {
		v.articles = append(v.articles, newArticleTerms(a))
	}
	return v
}

// addWords adds the words and codes of a catalog text to v.words: each
// word, and each code as written ("lj-250", "usb-c").
func (v *vocab) addWords(s string) {
	s = store.Fold(s)
	for _, w := range strings.FieldsFunc(s, func(r rune) bool {
		return !(r < 0x80 && (isASCIILetter(byte(r)) || isASCIIDigit(byte(r)) || r == '-' || r == '_' || r == '/' || r == '.'))
	}) {
		w = strings.Trim(w, "-_/.")
		if w == "" {
			continue
		}
		v.words[w] = true
		for _, part := range strings.FieldsFunc(w, func(r rune) bool { return r == '-' || r == '_' || r == '/' || r == '.' }) {
			v.words[part] = true
		}
	}
}

// titleWords are a title's words, folded, without the ones that never
// identify an item.
func titleWords(title string) []string {
	var out []string
	for _, w := range latinWords(normalize(title)) {
		if !stopTitleWords[w] && len(w) > 1 {
			out = append(out, singular(w))
		}
	}
	return out
}

func splitWords(t string) []string {
	return strings.FieldsFunc(t, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' })
}

func newArticleTerms(a Article) articleTerms {
	at := articleTerms{slug: a.Slug, locale: a.Locale, title: map[string]bool{}, tags: map[string]bool{}}
	addHan := func(s string) {
		var run []rune
		flush := func() {
			if len(run) >= 2 && len(run) <= 3 {
				at.han = append(at.han, string(run)) // a word: 冲泡, 保质期
			} else {
				for i := 0; i+1 < len(run); i++ {
					if bg := string(run[i : i+2]); !kbStopBigrams[bg] {
						at.han = append(at.han, bg)
					}
				}
			}
			run = run[:0]
		}
		for _, r := range s {
			if unicode.Is(unicode.Han, r) {
				run = append(run, r)
			} else if len(run) > 0 {
				flush()
			}
		}
		flush()
	}
	for _, w := range splitWords(normalize(a.Title)) {
		if !kbStopWords[w] && len(w) > 2 {
			at.title[stem(w)] = true
		}
	}
	addHan(a.Title)
	for _, t := range a.Tags {
		for _, w := range splitWords(normalize(t)) {
			if !kbStopWords[w] && len(w) > 2 {
				at.tags[stem(w)] = true
			}
		}
		addHan(t)
	}
	return at
}

// kbStopBigrams are the question words of Chinese titles ("茶叶怎么保存"),
// which say nothing about the topic.
var kbStopBigrams = map[string]bool{"怎么": true, "什么": true, "如何": true, "可以": true, "我们": true, "我的": true,
	"您的": true, "请问": true, "多少": true, "为什": true, "哪些": true, "需要": true, "关于": true, "常见": true, "问题": true}

// kbStopWords are words of questions that say nothing about their topic.
var kbStopWords = map[string]bool{"the": true, "and": true, "for": true, "you": true, "your": true, "how": true, "what": true,
	"when": true, "where": true, "why": true, "who": true, "which": true, "can": true, "could": true, "should": true, "would": true,
	"does": true, "did": true, "are": true, "is": true, "was": true, "with": true, "from": true, "about": true, "this": true,
	"that": true, "have": true, "has": true, "our": true, "its": true, "my": true, "me": true, "any": true, "all": true,
	"not": true, "will": true, "need": true, "want": true, "please": true, "there": true, "here": true, "get": true, "do": true,
	"guide": true, "faq": true, "help": true, "info": true, "information": true, "policy": true, "way": true, "ways": true,
	"order": true, "orders": true, "item": true, "items": true, "know": true, "tell": true, "thanks": true, "hello": true}

// stem folds English inflections so that "storing", "stored" and "store"
// agree: crude, and only for matching words against an article's.
func stem(w string) string {
	for _, suf := range []string{"ing", "ies", "ied", "es", "ed", "s", "e", "y"} {
		if len(w) > len(suf)+2 && strings.HasSuffix(w, suf) {
			w = strings.TrimSuffix(w, suf)
			break
		}
	}
	return w
}

// articleScore is how strongly text points to one of the shop's
// articles: 2 for each word of an article's title it has, 1.5 for each
// of its tags, 1 for each Chinese title bigram or tag; the best
// article's score.
func (v *vocab) articleScore(text string) float64 {
	if len(v.articles) == 0 {
		return 0
	}
	t := normalize(text)
	words := contentWords(text)
	best := 0.0
	for _, a := range v.articles {
		best = max(best, a.score(t, words))
	}
	return best
}

// score is how strongly a normalised text t, with its content words,
// points to the article.
func (a articleTerms) score(t string, words map[string]bool) float64 {
	score := 0.0
	for w := range words {
		switch {
		case a.title[w]:
			score += 2
		case a.tags[w]:
			score += 1.5
		}
	}
	seen := map[string]bool{}
	for _, h := range a.han {
		if !seen[h] && strings.Contains(t, h) {
			seen[h] = true
			score += float64(len([]rune(h))) / 2
		}
	}
	return score
}

func isASCIILetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }
func isASCIIDigit(b byte) bool  { return b >= '0' && b <= '9' }

func digitsOf(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if isASCIIDigit(s[i]) {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// aboutShopArticle reports whether a message that is not about an order
// asks about one of the shop's own help articles ("how should I store
// tea?" in a tea shop). The classifier was trained on no shop in
// particular: where it is unsure, or takes the question for chit-chat,
// the shop's article titles and tags decide.
func (s *state) aboutShopArticle() bool {
	switch {
	case s.intent == IntentFAQ:
		return false // on its way there already
	case s.intent == IntentOutOfScope || s.intent == IntentRecommend:
		// "which charger do I need for my laptop?" is a question the
		// shop's article answers better than a list of best sellers.
		if s.conf >= confident {
			return s.m.vocab().articleScore(s.cur.text) >= 3.5 // two of an article's words at least
		}
	case s.conf >= confident:
		return false
	}
	return s.m.vocab().articleScore(s.cur.text) >= 2
}
