package builtin

// Checks on the held-out evaluation corpus (testdata/eval_en.tsv, testdata/eval_zh.tsv):
// its shape, and that it stays apart from the training corpus (data/train_*.tsv).
// Everything these tests need is in this file.

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/width"
)

// evalRoutes is every route an evaluation message may carry.
var evalRoutes = []string{
	"greeting", "thanks", "affirm", "deny",
	"order_status", "expedite", "start_return", "exchange", "return_status",
	"cancel_order", "change_address", "recommend", "faq", "account", "invoice",
	"human", "complaint", "out_of_scope",
}

var evalFiles = map[string]string{
	"en": filepath.Join("testdata", "eval_en.tsv"),
	"zh": filepath.Join("testdata", "eval_zh.tsv"),
}

var trainFiles = []string{
	filepath.Join("data", "train_en.tsv"),
	filepath.Join("data", "train_zh.tsv"),
}

const (
	evalMinPerRoute = 40
	evalMinPerLang  = 1000
	nearDupJaccard  = 0.8
)

// corpusLine is one labelled message and where it came from.
type corpusLine struct {
	file  string
	line  int
	label string
	text  string
}

// readLabelled reads a `label<TAB>text` file, skipping blank lines and `#` comments.
// strict rejects lines that do not have exactly two non-empty fields.
func readLabelled(path string, strict bool) ([]corpusLine, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []corpusLine
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	n := 0
	for sc.Scan() {
		n++
		raw := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(raw) == "" || strings.HasPrefix(strings.TrimSpace(raw), "#") {
			continue
		}
		parts := strings.Split(raw, "\t")
		if len(parts) < 2 {
			if strict {
				return nil, fmt.Errorf("%s:%d: no tab between label and text", path, n)
			}
			continue
		}
		if strict && len(parts) != 2 {
			return nil, fmt.Errorf("%s:%d: a tab inside the text", path, n)
		}
		label := strings.TrimSpace(parts[0])
		text := strings.TrimSpace(strings.Join(parts[1:], " "))
		if strict && (label == "" || text == "") {
			return nil, fmt.Errorf("%s:%d: empty label or text", path, n)
		}
		out = append(out, corpusLine{file: path, line: n, label: label, text: text})
	}
	return out, sc.Err()
}

// nearDupKey folds a message for comparison: Unicode width (full-width to
// half-width), case, and drops punctuation, symbols and spaces.
func nearDupKey(s string) string {
	s = strings.ToLower(width.Fold.String(s))
	var b strings.Builder
	for _, r := range s {
		if unicode.IsPunct(r) || unicode.IsSpace(r) || unicode.IsSymbol(r) || unicode.IsControl(r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// charGrams returns the set of character 4-grams of a folded message. A message
// shorter than four characters is its own single gram; one that folds to nothing
// (only punctuation or emoji) is represented by its trimmed, lower-cased original.
func charGrams(text string) []string {
	key := []rune(nearDupKey(text))
	if len(key) == 0 {
		return []string{"\x00" + strings.ToLower(strings.TrimSpace(text))}
	}
	if len(key) < 4 {
		return []string{string(key)}
	}
	seen := make(map[string]bool, len(key))
	var out []string
	for i := 0; i+4 <= len(key); i++ {
		g := string(key[i : i+4])
		if !seen[g] {
			seen[g] = true
			out = append(out, g)
		}
	}
	return out
}

func loadEvaluation(t *testing.T) map[string][]corpusLine {
	t.Helper()
	out := map[string][]corpusLine{}
	for lang, path := range evalFiles {
		lines, err := readLabelled(path, true)
		if err != nil {
			t.Fatalf("evaluation corpus %s: %v", lang, err)
		}
		out[lang] = lines
	}
	return out
}

func TestEvaluationCorpusShape(t *testing.T) {
	known := map[string]bool{}
	for _, r := range evalRoutes {
		known[r] = true
	}
	for lang, lines := range loadEvaluation(t) {
		if len(lines) < evalMinPerLang {
			t.Errorf("%s: %d messages, want at least %d", lang, len(lines), evalMinPerLang)
		}
		counts := map[string]int{}
		exact := map[string]corpusLine{}
		folded := map[string]corpusLine{}
		for _, l := range lines {
			if !known[l.label] {
				t.Errorf("%s:%d: unknown route %q", l.file, l.line, l.label)
				continue
			}
			counts[l.label]++
			if prev, ok := exact[l.text]; ok {
				t.Errorf("%s:%d: duplicate of line %d: %q", l.file, l.line, prev.line, l.text)
			}
			exact[l.text] = l
			k := strings.Join(charGrams(l.text), "|")
			if prev, ok := folded[k]; ok && prev.text != l.text {
				t.Errorf("%s:%d: same as line %d once case, width and punctuation are folded: %q / %q",
					l.file, l.line, prev.line, l.text, prev.text)
			}
			folded[k] = l
		}
		for _, r := range evalRoutes {
			if counts[r] < evalMinPerRoute {
				t.Errorf("%s: route %s has %d messages, want at least %d", lang, r, counts[r], evalMinPerRoute)
			}
		}
		if testing.Verbose() {
			var parts []string
			for _, r := range evalRoutes {
				parts = append(parts, fmt.Sprintf("%s=%d", r, counts[r]))
			}
			t.Logf("%s: %d messages: %s", lang, len(lines), strings.Join(parts, " "))
		}
	}
}

// TestEvaluationNotNearTraining fails when an evaluation message is a
// near-duplicate of any training message (either language): character 4-gram
// Jaccard >= 0.8 after folding. Neither text is printed, only where each
// is: the evaluation messages are not to be read by whoever writes the
// training data.
func TestEvaluationNotNearTraining(t *testing.T) {
	type trainRef struct {
		file string
		line int
		size int
	}
	var train []trainRef
	index := map[string][]int32{}
	for _, path := range trainFiles {
		lines, err := readLabelled(path, false)
		if err != nil {
			t.Fatalf("training corpus: %v", err)
		}
		if len(lines) == 0 {
			t.Fatalf("training corpus %s is empty", path)
		}
		for _, l := range lines {
			grams := charGrams(l.text)
			id := int32(len(train))
			train = append(train, trainRef{file: l.file, line: l.line, size: len(grams)})
			for _, g := range grams {
				index[g] = append(index[g], id)
			}
		}
	}

	type hit struct {
		eval  corpusLine
		train trainRef
		score float64
	}
	var hits []hit
	shared := make([]int32, len(train))
	var touched []int32
	checked := 0
	for _, lines := range loadEvaluation(t) {
		for _, l := range lines {
			checked++
			grams := charGrams(l.text)
			touched = touched[:0]
			for _, g := range grams {
				for _, id := range index[g] {
					if shared[id] == 0 {
						touched = append(touched, id)
					}
					shared[id]++
				}
			}
			best, bestID := 0.0, int32(-1)
			for _, id := range touched {
				inter := float64(shared[id])
				j := inter / (float64(len(grams)+train[id].size) - inter)
				if j > best {
					best, bestID = j, id
				}
				shared[id] = 0
			}
			if bestID >= 0 && best >= nearDupJaccard {
				hits = append(hits, hit{eval: l, train: train[bestID], score: best})
			}
		}
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].eval.file != hits[j].eval.file {
			return hits[i].eval.file < hits[j].eval.file
		}
		return hits[i].eval.line < hits[j].eval.line
	})
	for _, h := range hits {
		// Line references only: the evaluation text is not to be read by
		// whoever fixes the training side.
		t.Errorf("%s:%d %s is a near-duplicate (Jaccard %.2f) of %s:%d",
			h.eval.file, h.eval.line, h.eval.label, h.score, h.train.file, h.train.line)
	}
	if len(hits) > 0 {
		t.Errorf("%d of %d evaluation messages are near-duplicates of training messages", len(hits), checked)
	} else if testing.Verbose() {
		t.Logf("%d evaluation messages checked against %d training messages: none at Jaccard >= %.1f",
			checked, len(train), nearDupJaccard)
	}
}
