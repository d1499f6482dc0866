package main

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const readmeZh = "../../README.zh-CN.md"

// The Chinese README says what the English one says: each links the
// other at the top, they have the same sections in the same order, and
// each section the same commands and the same names (code, links,
// addresses, e-mails, order numbers, figures); the settings table has
// every setting of README.md's, in its order. Whoever changes README.md
// is told here what to add to README.zh-CN.md.
func TestREADMEChinese(t *testing.T) {
	en, zh := readDoc(t, readme), readDoc(t, readmeZh)
	if !strings.Contains(en.top(), "(README.zh-CN.md)") {
		t.Errorf("README.md does not link README.zh-CN.md in its first lines: add [中文](README.zh-CN.md) under the title")
	}
	if !strings.Contains(zh.top(), "(README.md)") {
		t.Errorf("README.zh-CN.md does not link README.md in its first lines: add [English](README.md) under the title")
	}
	checkSections(t, en, zh)
	checkSettingsRows(t, en, zh)
}

// checkSections pairs the sections by position and compares what each
// holds. If README.md gained or lost a section, the first pair that
// differs is where README.zh-CN.md needs the change; the pairs after it
// are not compared until the headings match.
func checkSections(t *testing.T, en, zh *doc) {
	t.Helper()
	aligned := len(en.sections) == len(zh.sections) &&
		slices.EqualFunc(en.sections, zh.sections, func(a, b section) bool { return a.level == b.level })
	if !aligned {
		var side strings.Builder
		for i := range max(len(en.sections), len(zh.sections)) {
			a, b := "", ""
			if i < len(en.sections) {
				a = en.sections[i].heading
			}
			if i < len(zh.sections) {
				b = zh.sections[i].heading
			}
			fmt.Fprintf(&side, "  %-45s | %s\n", a, b)
		}
		t.Errorf("README.md has %d headings and README.zh-CN.md %d, or their levels differ: give README.zh-CN.md a translated heading, at the same level and place, for each of README.md's\n  %-45s | %s\n%s",
			len(en.sections), len(zh.sections), "README.md", "README.zh-CN.md", side.String())
	}
	for i := range min(len(en.sections), len(zh.sections)) {
		problems := sectionDiff(en.sections[i], zh.sections[i])
		for _, p := range problems {
			t.Error(p)
		}
		if len(problems) > 0 && !aligned {
			t.Errorf("README.md's section %q (line %d) is the first whose README.zh-CN.md counterpart differs: the sections after it are compared once the headings match",
				en.sections[i].heading, en.sections[i].line)
			return
		}
	}
}

// sectionDiff says what README.zh-CN.md's section b lacks of README.md's
// section a: the same code blocks (comments aside), and every name.
func sectionDiff(a, b section) []string {
	var problems []string
	if len(a.code) != len(b.code) {
		problems = append(problems, fmt.Sprintf("README.md's section %q (line %d) has %d code blocks and README.zh-CN.md's %q %d: copy README.md's blocks there (only the comments in them may be translated)",
			a.heading, a.line, len(a.code), b.heading, len(b.code)))
	} else {
		for j := range a.code {
			if blockCommands(a.code[j]) != blockCommands(b.code[j]) {
				problems = append(problems, fmt.Sprintf("code block %d of README.md's section %q (line %d) differs from README.zh-CN.md's, in %q: copy it from README.md (only its comments may be translated)\nREADME.md:\n%s\nREADME.zh-CN.md:\n%s",
					j+1, a.heading, a.line, b.heading, a.code[j], b.code[j]))
			}
		}
	}
	var missing []string
	for _, n := range a.names() {
		if !slices.Contains(b.names(), n) {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		problems = append(problems, fmt.Sprintf("README.zh-CN.md's section %q lacks what README.md's %q (line %d) says: translate what it says of %s, keeping these as they are",
			b.heading, a.heading, a.line, strings.Join(missing, ", ")))
	}
	return problems
}

// checkSettingsRows wants a row in README.zh-CN.md's settings table for
// each of README.md's, in the same order, with the same code in it (the
// names, defaults and values given in backticks).
func checkSettingsRows(t *testing.T, en, zh *doc) {
	t.Helper()
	if len(en.settings) == 0 || len(zh.settings) == 0 {
		t.Fatalf("a settings table between <!-- settings:start … --> and %s is missing: README.md has %d rows, README.zh-CN.md %d",
			settingsEnd, len(en.settings), len(zh.settings))
	}
	zhRow := map[string]string{}
	for _, r := range zh.settings {
		zhRow[settingName(r)] = r
	}
	after := "as the first row"
	var order []string
	for _, r := range en.settings {
		name := settingName(r)
		order = append(order, name)
		got, ok := zhRow[name]
		delete(zhRow, name)
		switch {
		case !ok:
			t.Errorf("README.zh-CN.md's settings table has no row for %s: add, %s, this row with its text in Chinese (the backticked parts as they are):\n%s", name, after, r)
		default:
			kept := codeSpans.FindAllString(r, -1)
			kept = append(kept, figures.FindAllString(codeSpans.ReplaceAllString(r, " "), -1)...)
			for _, k := range kept {
				if !strings.Contains(got, k) {
					t.Errorf("README.zh-CN.md's row of %s lacks %s: make it say what README.md's says:\n%s", name, k, r)
				}
			}
		}
		after = "after the row of " + name
	}
	for name := range zhRow {
		t.Errorf("README.zh-CN.md's settings table has a row for %s, which README.md's has not: remove it", name)
	}
	var zhOrder []string
	for _, r := range zh.settings {
		if slices.Contains(order, settingName(r)) {
			zhOrder = append(zhOrder, settingName(r))
		}
	}
	if got := slices.DeleteFunc(slices.Clone(order), func(n string) bool { return !slices.Contains(zhOrder, n) }); !slices.Equal(got, zhOrder) {
		t.Errorf("README.zh-CN.md's settings are not in README.md's order: put them as %s", strings.Join(got, ", "))
	}
}

// doc is a README cut into sections at its headings.
type doc struct {
	lines    []string
	sections []section
	settings []string // the rows of the settings table
}

type section struct {
	heading string
	line    int // of the heading, from 1
	level   int
	prose   []string // lines outside code blocks and the settings table
	code    []string // fenced code blocks, with their fences
}

func readDoc(t *testing.T, path string) *doc {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v: README.zh-CN.md is README.md in Chinese, kept in step with it", err)
	}
	d := &doc{lines: strings.Split(string(b), "\n")}
	var s *section
	var fence []string
	inSettings := false
	for n, l := range d.lines {
		switch {
		case fence != nil:
			fence = append(fence, l)
			if strings.HasPrefix(l, "```") {
				s.code = append(s.code, strings.Join(fence, "\n"))
				fence = nil
			}
			continue
		case strings.HasPrefix(l, "```"):
			fence = []string{l}
			continue
		case strings.HasPrefix(l, "<!-- settings:start"):
			inSettings = true
		case strings.HasPrefix(l, settingsEnd):
			inSettings = false
		case inSettings:
			if strings.HasPrefix(l, "| `") {
				d.settings = append(d.settings, l)
			}
			continue
		case headingLine.MatchString(l):
			level := strings.Index(l, " ")
			d.sections = append(d.sections, section{heading: l, line: n + 1, level: level})
			s = &d.sections[len(d.sections)-1]
			continue
		}
		if s != nil {
			s.prose = append(s.prose, l)
		}
	}
	return d
}

// top is the first lines, where each README links the other.
func (d *doc) top() string { return strings.Join(d.lines[:min(len(d.lines), 5)], "\n") }

var (
	headingLine = regexp.MustCompile("^#{1,6} ")
	codeSpans   = regexp.MustCompile("`[^`]+`")
	figures     = regexp.MustCompile(`\b\d+(?:\.\d+)?\b`)
	// What a translation keeps as it is. Figures count: a number changed
	// in README.md is a number to change in README.zh-CN.md.
	namePatterns = []*regexp.Regexp{
		regexp.MustCompile(`\]\([^)\s]+\)`),                // link targets
		regexp.MustCompile(`https?://[^\s)）]*[^\s)）.,;:]`), // addresses
		regexp.MustCompile(`[\w.+-]+@[\w-]+(?:\.[\w-]+)+`), // e-mails
		regexp.MustCompile(`\b(?:KF|RMA)-[A-Z0-9]+\b`),     // orders and returns
		figures,
	}
)

// names lists a section's code spans, then the links, addresses,
// e-mails, order numbers and figures of its prose outside code spans.
func (s section) names() []string {
	prose := strings.Join(s.prose, "\n")
	names := codeSpans.FindAllString(prose, -1)
	rest := codeSpans.ReplaceAllString(prose, " ")
	for _, p := range namePatterns {
		names = append(names, p.FindAllString(rest, -1)...)
	}
	for i, n := range names {
		if target, ok := strings.CutPrefix(n, "]("); ok {
			n = "a link to " + strings.TrimSuffix(target, ")")
		}
		names[i] = strings.Join(strings.Fields(n), " ") // a code span may be cut by a line break
	}
	// Each README links the other, not itself.
	names = slices.DeleteFunc(names, func(n string) bool { return n == "a link to README.md" || n == "a link to README.zh-CN.md" })
	slices.Sort(names)
	return slices.Compact(names)
}

// blockCommands is a code block without its comments (a # or // at the start
// of a line or after a space) and blank lines: what a translation may
// change in it.
func blockCommands(block string) string {
	var out []string
	for _, l := range strings.Split(block, "\n") {
		for _, mark := range []string{"#", "//"} {
			if strings.HasPrefix(strings.TrimSpace(l), mark) {
				l = ""
			}
			if i := strings.Index(l, " "+mark+" "); i >= 0 {
				l = l[:i]
			}
		}
		if l = strings.TrimRight(l, " \t"); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// settingName is the variable a settings row is about.
func settingName(row string) string {
	return strings.Trim(strings.TrimSpace(strings.Split(row, "|")[1]), "`")
}
