package store

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// identifiers are what names a customer in text others wrote: their
// emails (the account's and their orders'), their order numbers and their
// name. kefu forget looks for them in every message, tool call, tool
// result and staff note, wherever the customer was not signed in.
type identifiers struct {
	// specific: an email or an order number. A guest conversation that
	// carries one is about the customer's order and is erased whole.
	specific []*regexp.Regexp
	// all: specific and the name, which is redacted where it appears.
	all []*regexp.Regexp
	// cores are lower-case literals one of which a text holding an
	// identifier contains: the SQL pre-filter.
	cores []string
}

// redacted replaces an identifier in text.
const redacted = "[erased]"

// newIdentifiers makes the patterns. An order number matches as typed
// with other separators or none (KF-10042, kf 10042, KF10042), not inside
// a longer number or Latin word (Chinese text runs on: 订单1001 is order
// 1001); a name matches whole words only, and only a long enough one.
func newIdentifiers(emails, orders []string, name string) *identifiers {
	id := &identifiers{}
	seen := map[string]bool{}
	add := func(pattern, core string, specific bool) {
		if pattern == "" || core == "" || seen[pattern] || strings.ContainsAny(core, `"\\`) {
			return
		}
		seen[pattern] = true
		re := regexp.MustCompile(pattern)
		id.all = append(id.all, re)
		if specific {
			id.specific = append(id.specific, re)
		}
		id.cores = append(id.cores, strings.ToLower(core))
	}
	for _, e := range emails {
		if e = strings.TrimSpace(e); strings.Contains(e, "@") && !strings.HasSuffix(e, "@invalid") {
			add(`(?i)`+regexp.QuoteMeta(e), e, true)
		}
	}
	for _, n := range orders {
		runs := alnumRuns(n)
		if len(runs) == 0 {
			continue
		}
		quoted := make([]string, len(runs))
		core := ""
		for i, r := range runs {
			quoted[i] = regexp.QuoteMeta(r)
			if len(r) > len(core) {
				core = r
			}
		}
		add(`(?i)(?:^|[^\p{Latin}\pN])(`+strings.Join(quoted, `[\s\-_#.:/]*`)+`)(?:$|[^\p{Latin}\pN])`, core, true)
	}
	if name = strings.TrimSpace(name); longEnough(name) && name != forgottenName && !strings.ContainsAny(name, `"\`) {
		words := strings.Fields(name)
		for i, w := range words {
			words[i] = regexp.QuoteMeta(w)
		}
		add(`(?i)(?:^|[^\p{Latin}\pN])(`+strings.Join(words, `\s+`)+`)(?:$|[^\p{Latin}\pN])`, strings.Fields(name)[0], false)
	}
	return id
}

// longEnough: a name of 3 characters or more, or a Chinese name of 2
// (王芳); shorter ones would erase other words.
func longEnough(name string) bool {
	n := utf8.RuneCountInString(name)
	if n >= 3 {
		return true
	}
	for _, r := range name {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return n == 2
}

// alnumRuns splits s into its runs of letters and digits.
func alnumRuns(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
}

// carriesSpecific reports whether text holds an email or order number.
func (id *identifiers) carriesSpecific(text string) bool {
	for _, re := range id.specific {
		if re.MatchString(text) {
			return true
		}
	}
	return false
}

// redact replaces every identifier in text. JSON stays valid: an
// identifier with a quote or a backslash is not looked for (newIdentifiers).
func (id *identifiers) redact(text string) string {
	for _, re := range id.all {
		if re.NumSubexp() == 0 {
			text = re.ReplaceAllLiteralString(text, redacted)
			continue
		}
		text = replaceGroup(re, text)
	}
	return text
}

// replaceGroup replaces group 1 of every match, keeping the boundary
// characters around it. A match's trailing boundary is consumed, so an
// identifier right after another ("KF-1,KF-2") is found by another pass.
func replaceGroup(re *regexp.Regexp, text string) string {
	for pass := 0; pass < 3; pass++ {
		ms := re.FindAllStringSubmatchIndex(text, -1)
		if len(ms) == 0 {
			break
		}
		var b strings.Builder
		last := 0
		for _, m := range ms {
			b.WriteString(text[last:m[2]])
			b.WriteString(redacted)
			last = m[3]
		}
		b.WriteString(text[last:])
		text = b.String()
	}
	return text
}
