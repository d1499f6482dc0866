package builtin

import (
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "write data/classifier.bin from the embedded examples")

// The classifier the binary carries was trained on the examples and
// settings it carries; so that it is, after a change to either:
//
//	go test ./agents/builtin -run TestEmbeddedClassifierIsCurrent -update
//
// Written or not, it must predict as the classifier it was quantised from.
func TestEmbeddedClassifierIsCurrent(t *testing.T) {
	ex, err := LoadExamples(trainingFiles, "data/train_*.tsv")
	if err != nil {
		t.Fatal(err)
	}
	key := trainingKey(ex, defaultTraining)
	if *update {
		trained := train(ex, defaultTraining)
		b := encodeQuantized(key, trained)
		q, err := decodeQuantized(b, key)
		if err != nil {
			t.Fatal(err)
		}
		checkAgrees(t, q, trained, ex)
		if err := os.WriteFile("data/classifier.bin", b, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote data/classifier.bin, %d bytes", len(b))
		return
	}
	q, err := decodeQuantized(embeddedClassifier, key)
	if err != nil {
		t.Fatalf("data/classifier.bin was not trained on these examples and settings (%v): run\n\tgo test ./agents/builtin -run TestEmbeddedClassifierIsCurrent -update", err)
	}
	checkAgrees(t, q, trainCached(ex, defaultTraining), ex)
}

// checkAgrees: the quantised classifier's most probable intent is the
// trained one's for all but a few in a thousand messages (the training
// examples and the evaluation set), and its probability is close.
func checkAgrees(t *testing.T, q, trained *Classifier, ex []Example) {
	t.Helper()
	texts := make([]string, 0, len(ex))
	for _, e := range ex {
		texts = append(texts, e.Text)
	}
	for _, f := range []string{"testdata/eval_en.tsv", "testdata/eval_zh.tsv"} {
		ev, err := LoadExamples(os.DirFS("."), f)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ev {
			texts = append(texts, e.Text)
		}
	}
	differ, far := 0, 0
	for _, text := range texts {
		a, b := q.predict(text), trained.predict(text)
		if a[0].Intent != b[0].Intent {
			differ++
		}
		if d := a[0].Prob - b[0].Prob; d > 0.02 || d < -0.02 {
			far++
		}
	}
	t.Logf("%d messages: the quantised classifier's intent differs on %d, its probability by more than 0.02 on %d", len(texts), differ, far)
	if differ*1000 > 2*len(texts) || far*100 > len(texts) {
		t.Errorf("the quantised classifier does not predict as the trained one: %d of %d intents differ, %d probabilities", differ, len(texts), far)
	}
}

// A file for another key, cut short or with a bad count is refused.
func TestQuantizedClassifierRefusesDamage(t *testing.T) {
	ex, err := LoadExamples(trainingFiles, "data/train_*.tsv")
	if err != nil {
		t.Fatal(err)
	}
	ex = ex[:1500:1500]
	cfg := trainConfig{epochs: 2, calibrate: 20, rate: 1}
	c := train(ex, cfg)
	key := trainingKey(ex, cfg)
	b := encodeQuantized(key, c)
	if _, err := decodeQuantized(b, key); err != nil {
		t.Fatal(err)
	}
	other := key
	other[0] ^= 1
	for name, bad := range map[string][]byte{
		"another key":  encodeQuantized(other, c),
		"cut short":    b[:len(b)-3],
		"one too many": append(append([]byte(nil), b...), 0),
		"no magic":     append([]byte("KEFUCLQ0"), b[8:]...),
	} {
		if _, err := decodeQuantized(bad, key); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
}
