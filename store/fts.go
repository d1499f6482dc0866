package store

import (
	"encoding/binary"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Full-text search runs on FTS4 (built into mattn/go-sqlite3 without build
// tags) with the porter tokenizer, which stems English words but does not
// segment Chinese: it would index a whole Chinese sentence as one token. So
// kefu feeds FTS4 its own token stream: text is normalised (full-width forms
// folded, lower case) and every run of Han characters is written as its
// overlapping character bigrams ("退货运费" → "退货 货运 运费"). Queries get
// the same treatment, so a shopper's "退货运费谁出" matches an article that
// says "退货运费由谁承担" through 退货 and 运费 without a dictionary.

// ftsText returns the token stream to index for s.
func ftsText(s string) string {
	return strings.Join(ftsTokens(s), " ")
}

// ftsTokens splits s into index tokens: words of letters and digits, and
// bigrams (or a lone character) of each Han run.
func ftsTokens(s string) []string {
	var toks []string
	var word []rune
	var han []rune
	flushWord := func() {
		if len(word) > 0 {
			toks = append(toks, string(word))
			word = word[:0]
		}
	}
	flushHan := func() {
		for i := 0; i+1 < len(han); i++ {
			toks = append(toks, string(han[i:i+2]))
		}
		// Single characters too: a shopper's "退吗" shares no bigram with
		// "退货", but 退 alone still points the right way. BM25's IDF keeps
		// common characters from dominating.
		for _, r := range han {
			toks = append(toks, string(r))
		}
		han = han[:0]
	}
	for _, r := range Fold(s) {
		switch {
		case unicode.Is(unicode.Han, r):
			flushWord()
			han = append(han, r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			flushHan()
			word = append(word, r)
		default:
			flushWord()
			flushHan()
		}
	}
	flushWord()
	flushHan()
	return toks
}

// Fold normalises text for matching: full-width ASCII forms and the
// ideographic space become their ASCII equivalents, and letters are lower
// case. Shoppers typing on a Chinese IME often produce "ＫＦ－１０００１".
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFEE0
		case r == 0x3000:
			r = ' '
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// stopwords are terms too common to help rank an answer.
var stopwords = map[string]bool{}

func init() {
	// Chinese function characters, dropped only as single-character
	// terms: they still count inside bigrams.
	for _, r := range "的了吗呢吧啊呀是我你您他她它在有和就都也要会能可以这那么什怎个一想请问" {
		stopwords[string(r)] = true
	}
	for _, w := range strings.Fields(`a about am an and any are as at be been but by can could
		did do does doing for from get got had has have how i i'm if in into is it its me
		my of on or our please so than that the their them then there this to too us was
		we were what when where which who why will with would you your hi hello hey thanks
		thank usually normally typically generally really just actually also still ever even
		much many some any very quite ok okay`) {
		stopwords[w] = true
	}
}

// ftsQuery turns free text into an FTS4 MATCH expression that matches rows
// containing any of its terms (ranking sorts out the best), followed by the
// terms of the concepts it signals (see synonyms.go). It returns the
// expression and how many of its terms are the shopper's own, which come
// first; "" when the text has no searchable term. Every term is quoted, so
// FTS syntax in the input (AND, NEAR, *, -, quotes) is searched for as
// text, never obeyed.
func ftsQuery(s string) (string, int) { return buildQuery(s, true) }

// ftsLiteral is the query of a search box: every word must appear (a
// Chinese run as its bigrams), and no concept expansion — staff searching
// transcripts for "Canada" want the word, not every international chat.
// Requiring all terms also keeps the matches few, which keeps it fast.
func ftsLiteral(s string) string {
	var terms []string
	seen := map[string]bool{}
	var han []string
	for _, t := range ftsTokens(s) {
		if stopwords[t] || seen[t] {
			continue
		}
		seen[t] = true
		if utf8.RuneCountInString(t) == 1 && unicode.Is(unicode.Han, []rune(t)[0]) {
			han = append(han, t) // a single character: used only if the run had no bigram
			continue
		}
		terms = append(terms, `"`+strings.ReplaceAll(t, `"`, "")+`"`)
	}
	if len(terms) == 0 {
		for _, t := range han {
			terms = append(terms, `"`+t+`"`)
		}
	}
	return strings.Join(terms, " ")
}

func buildQuery(s string, expand bool) (string, int) {
	seen := map[string]bool{}
	var terms []string
	for _, t := range ftsTokens(s) {
		if stopwords[t] || seen[t] {
			continue
		}
		seen[t] = true
		terms = append(terms, t)
	}
	if len(terms) == 0 {
		return "", 0
	}
	own := len(terms)
	if expand {
		terms = append(terms, expansionTerms(s, seen)...)
	}
	for i, t := range terms {
		terms[i] = `"` + strings.ReplaceAll(t, `"`, "") + `"`
	}
	return strings.Join(terms, " OR "), own
}

// bm25 ranks an FTS4 row from matchinfo(table, 'pcnalx'): the Okapi BM25
// score summed over the query's phrases and the table's columns, each
// column multiplied by its weight (default 1). The first own phrases are
// the shopper's words (0: all of them); the rest are concept expansions,
// which count three quarters.
// SQLite's FTS4 has no ranking function of its own; this one is registered
// on every connection as kefu_bm25.
func bm25(info []byte, own int, weights ...float64) float64 {
	const k1, b = 1.2, 0.75
	if len(info) < 12 || len(info)%4 != 0 {
		return 0
	}
	v := make([]float64, len(info)/4)
	for i := range v {
		v[i] = float64(binary.NativeEndian.Uint32(info[i*4:]))
	}
	p, c, n := int(v[0]), int(v[1]), v[2]
	if len(v) < 3+2*c+3*p*c {
		return 0
	}
	avg, lens, x := v[3:3+c], v[3+c:3+2*c], v[3+2*c:]
	if own <= 0 || own > p { // 0: every phrase is the searcher's own
		own = p
	}
	var score, matched float64
	for i := 0; i < p; i++ {
		hitPhrase := false
		for j := 0; j < c; j++ {
			hit := x[3*(i*c+j):]
			tf, df := hit[0], hit[2]
			if tf == 0 {
				continue
			}
			hitPhrase = true
			w := 1.0
			if j < len(weights) {
				w = weights[j]
			}
			idf := math.Log(1 + (n-df+0.5)/(df+0.5))
			norm := 1.0
			if avg[j] > 0 {
				norm = 1 - b + b*lens[j]/avg[j]
			}
			if i >= own {
				w *= 0.75 // a concept's words count less than the shopper's own
			}
			score += w * idf * tf * (k1 + 1) / (tf + k1*norm)
		}
		switch {
		case !hitPhrase:
		case i < own:
			matched++
		default:
			matched += 0.5
		}
	}
	// Reward rows that match more of the shopper's terms ("coord"): a row
	// matching three of them beats one matching a single term often.
	return score * min(1, matched/float64(own))
}

// excerpt picks the paragraph (or, inside a long paragraph, the sentence
// window) of body that shares the most terms with the query, trimmed to
// about max runes, so a tool can quote the part of an article that answers.
func excerpt(body, query string, max int) string {
	want := map[string]bool{}
	for _, t := range ftsTokens(query) {
		if !stopwords[t] {
			want[t] = true
		}
	}
	best, bestScore := "", -1
	for _, para := range strings.Split(body, "\n") {
		para = strings.TrimSpace(para)
		if para == "" {
			continue
		}
		// Distinct query terms, so one word repeated does not outweigh two
		// different ones; the earlier paragraph wins a tie.
		seen := map[string]bool{}
		for _, t := range ftsTokens(para) {
			if want[t] {
				seen[t] = true
			}
		}
		score := len(seen)
		if score > bestScore {
			best, bestScore = para, score
		}
	}
	return Truncate(best, max)
}

// Truncate shortens s to at most max runes, ending with "…" when cut.
func Truncate(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	cut := string(r[:max])
	// Prefer to end at a sentence or word boundary in the last fifth.
	if i := strings.LastIndexAny(cut, ".。!！?？;；"); i > len(cut)*4/5 {
		return cut[:i+len(string([]rune(cut[i:])[0]))]
	}
	if i := strings.LastIndex(cut, " "); i > len(cut)*4/5 {
		cut = cut[:i]
	}
	return cut + "…"
}

// In messages_fts a message's docid is its conversation's num shifted left
// by seqBits, plus its seq (migration 0007), so that a transcript search
// reads the matching conversations from the index alone. Messages past
// seq 2^24 in one conversation are not indexed.
const (
	seqBits    = 24
	seqBitsSQL = "24"
	seqMaskSQL = "16777215"
)

// nextNum is the SQL for a new conversation's num.
const nextNum = `(SELECT COALESCE(max(num), 0) + 1 FROM conversations)`
