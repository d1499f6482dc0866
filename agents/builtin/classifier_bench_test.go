package builtin

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

// BenchmarkTrain is the cost of training the classifier from the embedded
// corpus, as a start-up would (go test -run X -bench Train -count 5).
func BenchmarkTrain(b *testing.B) {
	ex, err := LoadExamples(trainingFiles, "data/train_*.tsv")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		Train(ex)
	}
}

// BenchmarkClassify is the cost of classifying one message the classifier
// has not seen before (the prediction cache bypassed), over the training
// corpus's own messages in both languages.
func BenchmarkClassify(b *testing.B) {
	ex, err := LoadExamples(trainingFiles, "data/train_*.tsv")
	if err != nil {
		b.Fatal(err)
	}
	c := defaultClassifier()
	i := 0
	for b.Loop() {
		c.predict(ex[i%len(ex)].Text)
		i++
	}
}

// BenchmarkModelChoice trains each candidate model on the training corpus
// and reports its accuracy on the evaluation corpus per language, its
// worst route and its training time: the measurement behind the choice in
// docs/assistant.md (go test ./agents/builtin -run X -bench ModelChoice
// -benchtime 1x). It prints figures only, never evaluation messages.
func BenchmarkModelChoice(b *testing.B) {
	ex, eval := trainingAndEvaluation(b)
	type candidate struct {
		name  string
		train func([]Example) func(string) string
	}
	lr := func(cfg trainConfig, oos float64) func([]Example) func(string) string {
		return func(ex []Example) func(string) string {
			c := train(ex, cfg)
			return func(text string) string {
				p := c.predict(text)
				if p[0].Prob < oos {
					return IntentOutOfScope
				}
				return p[0].Intent
			}
		}
	}
	for _, cand := range []candidate{
		{"logreg-12ep-uncalibrated", lr(trainConfig{epochs: 12}, 0)},
		{"logreg-12ep-temperature", lr(trainConfig{epochs: 12, calibrate: 10}, 0)},
		{"logreg-12ep-temperature-oos0.3", lr(trainConfig{epochs: 12, calibrate: 10}, 0.3)},
		{"logreg-12ep-temperature-holdout5pct", lr(trainConfig{epochs: 12, calibrate: 20}, 0)},
		{"logreg-12ep-temperature-holdout5pct-rate1", lr(trainConfig{epochs: 12, calibrate: 20, rate: 1}, 0)},
		{"logreg-16ep-temperature-holdout5pct-rate1", lr(trainConfig{epochs: 16, calibrate: 20, rate: 1}, 0)},
		{"logreg-12ep-temperature-holdout5pct-rate2", lr(trainConfig{epochs: 12, calibrate: 20, rate: 2}, 0)},
		{"logreg-20ep-temperature-holdout5pct-rate1 (chosen, issue 17)", lr(trainConfig{epochs: 20, calibrate: 20, rate: 1}, 0)},
		{"logreg-24ep-temperature-holdout5pct-rate1", lr(trainConfig{epochs: 24, calibrate: 20, rate: 1}, 0)},
		{"logreg-6ep-temperature", lr(trainConfig{epochs: 6, calibrate: 10}, 0)},
		{"logreg-24ep-temperature", lr(trainConfig{epochs: 24, calibrate: 10}, 0)},
		{"complement-nb", trainComplementNB},
	} {
		b.Run(cand.name, func(b *testing.B) {
			var classify func(string) string
			var took time.Duration
			for b.Loop() {
				start := time.Now()
				classify = cand.train(ex)
				took = time.Since(start)
			}
			var worst []string
			for _, lang := range []string{"en", "zh"} {
				r := evaluate(eval[lang], classify)
				b.ReportMetric(r.accuracy(), "acc_"+lang)
				w, wr := 2.0, ""
				for _, route := range evalRoutes {
					if a := r.routeAccuracy(route); a < w {
						w, wr = a, route
					}
				}
				worst = append(worst, fmt.Sprintf("%s %s %.2f", lang, wr, w))
			}
			b.ReportMetric(took.Seconds(), "train_s")
			b.Logf("worst routes: %s", strings.Join(worst, ", "))
		})
	}
}

// trainComplementNB is the alternative measured against logistic
// regression: complement naive Bayes (Rennie et al. 2003) over the same
// features, trained in one counting pass.
func trainComplementNB(ex []Example) func(string) string {
	labels := map[string]int{}
	var names []string
	for _, e := range ex {
		if _, ok := labels[e.Intent]; !ok {
			labels[e.Intent] = len(names)
			names = append(names, e.Intent)
		}
	}
	L := len(names)
	counts := make([]float64, numFeatures*L)
	total := make([]float64, numFeatures)
	perLabel := make([]float64, L)
	var all float64
	for _, e := range ex {
		y := labels[e.Intent]
		for _, f := range features(e.Text) {
			v := float64(f.val)
			counts[int(f.idx)*L+y] += v
			total[f.idx] += v
			perLabel[y] += v
			all += v
		}
	}
	const alpha = 0.3
	return func(text string) string {
		best, bi := math.Inf(1), 0
		feats := features(text)
		for k := 0; k < L; k++ {
			// The weight of a feature for k is the log of how often it
			// occurs in the other labels: the lowest score wins.
			denom := math.Log(all - perLabel[k] + alpha*numFeatures)
			var s float64
			for _, f := range feats {
				comp := total[f.idx] - counts[int(f.idx)*L+k]
				s += float64(f.val) * (math.Log(comp+alpha) - denom)
			}
			if s < best {
				best, bi = s, k
			}
		}
		return names[bi]
	}
}

// BenchmarkEvalCandidates trains each held-out candidate (heldOutCandidates,
// KEFU_HELDOUT_ONLY) on the whole training corpus and reports its accuracy
// on the evaluation corpus as TestEvaluation measures it (order numbers
// replaced, the exchange cue applied): the figure reported after a
// candidate has been chosen on held-out training lines, never the one it
// is chosen by. Figures only, never messages:
//
//	go test ./agents/builtin -run X -bench EvalCandidates -benchtime 1x
func BenchmarkEvalCandidates(b *testing.B) {
	ex, eval := trainingAndEvaluation(b)
	runCandidates(b, func(b *testing.B, _ heldOutCandidate, cfg trainConfig) {
		var c *Classifier
		for b.Loop() {
			c = train(ex, cfg)
		}
		for _, lang := range []string{"en", "zh"} {
			r := evaluate(eval[lang], func(text string) string {
				return exchangeCue(text, c.predict(classifierText(text)))[0].Intent
			})
			b.ReportMetric(r.accuracy(), "eval_"+lang)
		}
	})
}

// trainingAndEvaluation reads the embedded training examples and the
// evaluation corpus of each language.
func trainingAndEvaluation(b *testing.B) ([]Example, map[string][]corpusLine) {
	ex, err := LoadExamples(trainingFiles, "data/train_*.tsv")
	if err != nil {
		b.Fatal(err)
	}
	eval := map[string][]corpusLine{}
	for _, lang := range []string{"en", "zh"} {
		if eval[lang], err = readLabelled(evalFiles[lang], true); err != nil {
			b.Fatal(err)
		}
	}
	return ex, eval
}
