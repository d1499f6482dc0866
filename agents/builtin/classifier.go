package builtin

import (
	"bufio"
	"embed"
	"fmt"
	"io/fs"
	"math"
	"math/rand"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// The intent classifier is a multinomial logistic regression over hashed
// character n-grams (2 to 4 characters, across word boundaries, and single
// Han characters) and word unigrams and bigrams. Character n-grams need no
// Chinese word segmentation and survive typos ("cancle" still shares "can",
// "anc" with "cancel"). It is trained on the examples in data/train_*.tsv,
// read as a message is classified (order numbers replaced by the word for
// them), with a weight decay that keeps it from leaning on words a few
// examples happen to share, holding every 20th example of each
// route out to fit the temperature of its probabilities; training is
// deterministic up to the order of floating-point sums. The binary carries
// the classifier trained on its examples (classifier_embed.go); one trained
// at start is cached on disk (classifier_cache.go). Why this
// model, and the measurements: docs/assistant.md.

//go:generate go run ./data/gen

//go:embed data/train_*.tsv
var trainingFiles embed.FS

const (
	featureBits = 18
	numFeatures = 1 << featureBits
)

// Intent labels (see data/INTENTS.md).
const (
	IntentGreeting    = "greeting"
	IntentThanks      = "thanks"
	IntentOrderStatus = "order_status"
	IntentStartReturn = "start_return"
	IntentReturnStat  = "return_status"
	IntentCancel      = "cancel_order"
	IntentRecommend   = "recommend"
	IntentFAQ         = "faq"
	IntentHuman       = "human"
	IntentComplaint   = "complaint"
	IntentAffirm      = "affirm"
	IntentDeny        = "deny"
	IntentOutOfScope  = "out_of_scope"
	IntentExpedite    = "expedite"
	IntentExchange    = "exchange"
	IntentAddress     = "change_address"
	IntentAccount     = "account"
	IntentInvoice     = "invoice"
)

// Example is a labelled message.
type Example struct {
	Intent string
	Text   string
}

// Classifier scores intents for a message.
type Classifier struct {
	labels  []string
	weights []float32 // [feature*len(labels)+label]
	bias    []float32
	temp    float64         // the probabilities' temperature, fitted on held-out examples
	vocab   map[string]bool // words and Han characters seen in training

	mu    sync.Mutex
	cache map[string][]Prediction // Predict's, by text
}

// Prediction is an intent and the model's probability for it.
type Prediction struct {
	Intent string
	Prob   float64
}

// LoadExamples reads `intent<TAB>text` lines; `#` lines and blank lines are
// skipped.
func LoadExamples(fsys fs.FS, pattern string) ([]Example, error) {
	names, err := fs.Glob(fsys, pattern)
	if err != nil {
		return nil, err
	}
	var out []Example
	for _, n := range names {
		f, err := fsys.Open(n)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(f)
		line := 0
		for sc.Scan() {
			line++
			t := strings.TrimSpace(sc.Text())
			if t == "" || strings.HasPrefix(t, "#") {
				continue
			}
			intent, text, ok := strings.Cut(t, "\t")
			if !ok || intent == "" || strings.TrimSpace(text) == "" {
				f.Close()
				return nil, fmt.Errorf("%s:%d: want intent<TAB>text", n, line)
			}
			out = append(out, Example{Intent: strings.TrimSpace(intent), Text: strings.TrimSpace(text)})
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// trainConfig is how Train fits the model.
type trainConfig struct {
	epochs int
	// calibrate: every calibrate-th example (per route) is held out of
	// training and used to fit the temperature of the probabilities
	// (0: no calibration, all examples train, temperature 1).
	calibrate int
	// rate is the learning rate of the first epoch (it decays by
	// epoch); zero: 0.5.
	rate float64
	// average: the weights kept are the mean of the weights at the end of
	// each of the last average epochs (0: the last epoch's alone).
	average int
	// slow is how fast the learning rate decays: rate/(1+ep*slow) in
	// epoch ep; zero: 0.5.
	slow float64
	// seeds: how many models, each trained from its own shuffle, are
	// averaged (0 or 1: one).
	seeds int
	// l2 is the weight decay; zero: 1e-6.
	l2 float64
	// balance: each example's gradient is weighted so that every route
	// weighs the same in total, whatever its number of examples.
	balance bool
	// prep: the examples are read as the model reads a message
	// (classifierText: order numbers replaced by the word for them), so
	// that training sees what classifying will.
	prep bool
}

// defaultTraining is the configuration chosen by measurement (see
// docs/assistant.md).
var defaultTraining = trainConfig{epochs: 20, calibrate: 20, rate: 3, l2: 2e-4, prep: true}

// Train fits a classifier to the examples.
func Train(examples []Example) *Classifier { return train(examples, defaultTraining) }

func train(examples []Example, cfg trainConfig) *Classifier {
	if cfg.prep {
		examples = slices.Clone(examples)
		for i, e := range examples {
			examples[i].Text = classifierText(e.Text)
		}
	}
	labelIndex := map[string]int{}
	var labels []string
	for _, e := range examples {
		if _, ok := labelIndex[e.Intent]; !ok {
			labelIndex[e.Intent] = len(labels)
			labels = append(labels, e.Intent)
		}
	}
	sort.Strings(labels)
	for i, l := range labels {
		labelIndex[l] = i
	}
	c := &Classifier{labels: labels, bias: make([]float32, len(labels)), vocab: map[string]bool{}, temp: 1}
	for _, e := range examples {
		for _, w := range vocabTokens(e.Text) {
			c.vocab[w] = true
		}
	}
	// Row-major, one row of len(labels) weights per feature: a message's
	// few hundred features each touch one cache line, not one per label.
	c.weights = make([]float32, numFeatures*len(labels))
	var fit, held []sample
	seen := map[string]int{}
	for _, e := range examples {
		s := sample{feats: features(e.Text), y: labelIndex[e.Intent]}
		seen[e.Intent]++
		if cfg.calibrate > 0 && seen[e.Intent]%cfg.calibrate == 0 {
			held = append(held, s)
		} else {
			fit = append(fit, s)
		}
	}
	if cfg.balance {
		n := map[int]int{}
		for _, s := range fit {
			n[s.y]++
		}
		for i := range fit {
			fit[i].w = float64(len(fit)) / float64(len(labels)*n[fit[i].y])
		}
	}
	seeds := max(cfg.seeds, 1)
	if seeds == 1 {
		c.sgd(fit, cfg, 1)
	} else {
		// Several models, each trained from its own shuffle of the
		// examples, averaged: the mean of linear models' scores is the
		// linear model of their mean weights, so the ensemble costs
		// nothing to classify with and no more space.
		sumW, sumB := make([]float32, len(c.weights)), make([]float32, len(labels))
		for s := range seeds {
			clear(c.weights)
			clear(c.bias)
			c.sgd(fit, cfg, int64(s+1))
			for i, w := range c.weights {
				sumW[i] += w
			}
			for k, b := range c.bias {
				sumB[k] += b
			}
		}
		n := float32(seeds)
		for i, w := range sumW {
			c.weights[i] = w / n
		}
		for k, b := range sumB {
			c.bias[k] = b / n
		}
	}
	if len(held) > 0 {
		c.temp = c.fitTemperature(held)
	}
	return c
}

// sgd fits c's weights to the examples by stochastic gradient descent,
// shuffling them with the given seed each epoch.
func (c *Classifier) sgd(fit []sample, cfg trainConfig, seed int64) {
	rng := rand.New(rand.NewSource(seed))
	fit = slices.Clone(fit)
	l2 := cfg.l2
	if l2 == 0 {
		l2 = 1e-6
	}
	rate := cfg.rate
	if rate == 0 {
		rate = 0.5 // the first version's
	}
	L := len(c.labels)
	probs := make([]float64, L)
	step := make([]float32, L)
	active := make([]int, 0, L)
	var sumW, sumB []float32
	averaged := 0
	if cfg.average > 1 {
		sumW, sumB = make([]float32, len(c.weights)), make([]float32, L)
	}
	for ep := 0; ep < cfg.epochs; ep++ {
		slow := cfg.slow
		if slow == 0 {
			slow = 0.5
		}
		lr := rate / (1 + float64(ep)*slow)
		decay := float32(lr * l2)
		rng.Shuffle(len(fit), func(i, j int) { fit[i], fit[j] = fit[j], fit[i] })
		for _, s := range fit {
			c.scores(s.feats, probs)
			softmax(probs)
			// Only the labels with a gradient worth the name are updated:
			// after the first epoch most have a probability near zero,
			// and skipping them makes training several times faster for
			// the same model.
			active = active[:0]
			for k := range probs {
				g := probs[k]
				if k == s.y {
					g -= 1
				}
				if math.Abs(g) < minGradient {
					continue
				}
				if s.w != 0 {
					g *= s.w
				}
				step[k] = float32(lr * g)
				c.bias[k] -= step[k]
				active = append(active, k)
			}
			for _, f := range s.feats {
				row := c.weights[int(f.idx)*L : int(f.idx)*L+L]
				for _, k := range active {
					row[k] -= step[k]*f.val + decay*row[k]
				}
			}
		}
		if sumW != nil && ep >= cfg.epochs-cfg.average {
			for i, w := range c.weights {
				sumW[i] += w
			}
			for k, b := range c.bias {
				sumB[k] += b
			}
			averaged++
		}
	}
	if averaged > 0 {
		n := float32(averaged)
		for i, w := range sumW {
			c.weights[i] = w / n
		}
		for k, b := range sumB {
			c.bias[k] = b / n
		}
	}
}

// minGradient is the size of a label's gradient below which training
// leaves that label's weights alone for the example.
const minGradient = 1e-3

type sample struct {
	feats []feature
	y     int
	w     float64 // the weight of its gradient (balance); zero: 1
}

// fitTemperature finds the temperature T that makes softmax(scores/T) best
// predict the held-out examples (least negative log-likelihood): the
// probabilities the rest of the model compares with thresholds then mean
// what they say. A coarse search is enough; the likelihood is smooth in T.
func (c *Classifier) fitTemperature(held []sample) float64 {
	scores := make([][]float64, len(held))
	for i, s := range held {
		scores[i] = make([]float64, len(c.labels))
		c.scores(s.feats, scores[i])
	}
	p := make([]float64, len(c.labels))
	nll := func(t float64) float64 {
		var sum float64
		for i, s := range held {
			for k, v := range scores[i] {
				p[k] = v / t
			}
			softmax(p)
			sum -= math.Log(math.Max(p[s.y], 1e-12))
		}
		return sum
	}
	best, bestNLL := 1.0, math.Inf(1)
	for t := 0.25; t <= 4.0; t *= 1.05 {
		if v := nll(t); v < bestNLL {
			best, bestNLL = t, v
		}
	}
	return best
}

func (c *Classifier) scores(feats []feature, out []float64) {
	L := len(c.labels)
	var buf [32]float32
	acc := buf[:0]
	if L > len(buf) {
		acc = make([]float32, 0, L)
	}
	acc = append(acc, c.bias...)
	for _, f := range feats {
		row := c.weights[int(f.idx)*L:][:L:L]
		for k := range acc {
			acc[k] += row[k] * f.val
		}
	}
	for k, v := range acc {
		out[k] = float64(v)
	}
}

func softmax(v []float64) {
	m := math.Inf(-1)
	for _, x := range v {
		m = math.Max(m, x)
	}
	var sum float64
	for i, x := range v {
		v[i] = math.Exp(x - m)
		sum += v[i]
	}
	for i := range v {
		v[i] /= sum
	}
}

// Predict returns the intents for text, most probable first.
//
// The same texts come back turn after turn (the agent looks back over a
// conversation's recent messages, and shoppers repeat "hi" and "where is
// my order"), so predictions are cached, a bounded number of them.
func (c *Classifier) Predict(text string) []Prediction {
	c.mu.Lock()
	p, ok := c.cache[text]
	c.mu.Unlock()
	if ok {
		return slices.Clone(p)
	}
	p = c.predict(text)
	c.mu.Lock()
	if len(c.cache) >= predictCacheSize {
		clear(c.cache) // crude, but bounded and rare
	}
	if c.cache == nil {
		c.cache = map[string][]Prediction{}
	}
	c.cache[text] = p
	c.mu.Unlock()
	return slices.Clone(p)
}

const predictCacheSize = 8192

func (c *Classifier) predict(text string) []Prediction {
	probs := make([]float64, len(c.labels))
	c.scores(features(text), probs)
	for k := range probs {
		probs[k] /= c.temp
	}
	softmax(probs)
	out := make([]Prediction, len(c.labels))
	for i, l := range c.labels {
		out[i] = Prediction{Intent: l, Prob: probs[i]}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Prob > out[j].Prob })
	return out
}

// Known is the share of a message's words (and Han characters) that the
// training examples use: a message made mostly of words the model has
// never seen ("asdkj qwe", another language) is one it cannot classify,
// whatever the probabilities say. A message with no words counts as known.
func (c *Classifier) Known(text string) float64 {
	toks := vocabTokens(text)
	if len(toks) == 0 {
		return 1
	}
	n := 0
	for _, t := range toks {
		if c.vocab[t] {
			n++
		}
	}
	return float64(n) / float64(len(toks))
}

func vocabTokens(text string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(normalize(text), func(r rune) bool {
		return !(unicode.IsLetter(r) || r == '\'') || unicode.Is(unicode.Han, r)
	}) {
		if len(w) >= 2 {
			out = append(out, w)
		}
	}
	for _, r := range text {
		if unicode.Is(unicode.Han, r) {
			out = append(out, string(r))
		}
	}
	return out
}

type feature struct {
	idx uint32
	val float32
}

// featureSet is what features extracts; the default is the chosen one
// (docs/assistant.md), the others are measured by BenchmarkHeldOut.
type featureSet struct {
	maxChar    int     // longest character n-gram
	wordWeight float32 // count of each word, bigram, first- and last-word feature
	hanSkip    bool    // pairs of Han characters one apart (退X款, 取X单)
	squeeze    bool    // a letter repeated three times or more counts twice ("pleeease")
	lang       bool    // the message's language as a feature (its own prior per route)
	hanLen     bool    // how many Han characters, in buckets (a Chinese message has no "words")
}

var features = featureSet{maxChar: 4, wordWeight: 1}.extract

// features hashes the message's n-grams into feature indices, weighting
// each by 1/sqrt(count) so long messages do not swamp short ones.
func (fs featureSet) extract(text string) []feature {
	t := normalize(text)
	// Digits and order numbers carry no intent; collapse them.
	var b strings.Builder
	for _, r := range t {
		if unicode.IsDigit(r) {
			r = '0'
		}
		b.WriteRune(r)
	}
	t = b.String()
	if fs.squeeze {
		t = squeezeRepeats(t)
	}
	counts := make(map[uint32]float32, 4*len(t))
	// FNV-1a of the kind byte and then the text's UTF-8, without
	// allocating (hash/fnv would, per n-gram).
	const offset32, prime32 = 2166136261, 16777619
	start := func(kind byte) uint32 { return (offset32 ^ uint32(kind)) * prime32 }
	mix := func(h uint32, s string) uint32 {
		for i := 0; i < len(s); i++ {
			h = (h ^ uint32(s[i])) * prime32
		}
		return h
	}
	add := func(kind byte, s string) { counts[mix(start(kind), s)&(numFeatures-1)] += fs.wordWeight }
	runes := []rune(" " + t + " ")
	buf := make([]byte, 0, fs.maxChar*utf8.UTFMax)
	for n := 1; n <= fs.maxChar; n++ {
		for i := 0; i+n <= len(runes); i++ {
			g := runes[i : i+n]
			if n == 1 && !unicode.Is(unicode.Han, g[0]) {
				continue // single Latin letters say nothing
			}
			b := buf[:0]
			for _, r := range g {
				b = utf8.AppendRune(b, r)
			}
			h := start('c')
			for _, c := range b {
				h = (h ^ uint32(c)) * prime32
			}
			counts[h&(numFeatures-1)]++
		}
	}
	if fs.hanSkip {
		for i := 0; i+2 < len(runes); i++ {
			if unicode.Is(unicode.Han, runes[i]) && unicode.Is(unicode.Han, runes[i+2]) {
				b := utf8.AppendRune(buf[:0], runes[i])
				b = utf8.AppendRune(b, runes[i+2])
				counts[mix(start('s'), string(b))&(numFeatures-1)]++
			}
		}
	}
	words := strings.FieldsFunc(t, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'') || unicode.Is(unicode.Han, r)
	})
	for i, w := range words {
		add('w', w)
		if i > 0 {
			add('b', words[i-1]+" "+w)
		}
	}
	counts[mix(start('z'), "bias-len-"+fmt.Sprint(min(len(words), 6)))&(numFeatures-1)]++
	if fs.lang {
		counts[mix(start('z'), "lang-"+language(t))&(numFeatures-1)]++
	}
	if fs.hanLen {
		han := 0
		for _, r := range runes {
			if unicode.Is(unicode.Han, r) {
				han++
			}
		}
		if han > 0 {
			bucket := han
			switch {
			case han > 14:
				bucket = 15
			case han > 9:
				bucket = 10
			case han > 6:
				bucket = 7
			case han > 4:
				bucket = 5
			}
			counts[mix(start('z'), "han-len-"+fmt.Sprint(bucket))&(numFeatures-1)]++
		}
	}
	// The first and last words: "hi" opening a request is not a
	// greeting, "thanks" closing one is not thanks.
	if len(words) > 0 {
		add('f', words[0])
		add('l', words[len(words)-1])
	}
	out := make([]feature, 0, len(counts))
	var norm float32
	for _, v := range counts {
		norm += v * v
	}
	norm = float32(math.Sqrt(float64(norm)))
	for k, v := range counts {
		out = append(out, feature{k, v / norm})
	}
	return out
}

// squeezeRepeats writes a letter repeated three times or more twice.
func squeezeRepeats(t string) string {
	var b strings.Builder
	var prev rune
	n := 0
	for _, r := range t {
		if r == prev && unicode.IsLetter(r) && !unicode.Is(unicode.Han, r) {
			n++
		} else {
			prev, n = r, 1
		}
		if n <= 2 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// defaultClassifier is the one trained on the embedded examples: the
// binary's own (classifier_embed.go), or when the examples or the settings
// have changed since it was written, trained once, on first use, or read
// from the cache of an earlier training (classifier_cache.go).
var defaultClassifier = sync.OnceValue(func() *Classifier {
	ex, err := LoadExamples(trainingFiles, "data/train_*.tsv")
	if err != nil {
		panic(err) // embedded at build time; a test loads them
	}
	if c, err := decodeQuantized(embeddedClassifier, trainingKey(ex, defaultTraining)); err == nil {
		return c
	}
	return trainCached(ex, defaultTraining)
})

// Warm readies the built-in classifier, so that a process can do it while
// it opens its database instead of before its first answer.
func Warm() { defaultClassifier() }

// classifierText is a message as the classifier reads it (Model.predict)
// when no shop is known: order numbers replaced by the word for them
// (forClassifier).
func classifierText(text string) string {
	masked, _ := emptyVocab.masked(text)
	return forClassifier(masked, emptyVocab.findOrders(masked), language(text))
}
