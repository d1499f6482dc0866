package builtin

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// A classifier read from the cache is the one training gives, weight for
// weight; a changed example, a damaged file or another key trains anew.
func TestClassifierCache(t *testing.T) {
	dir := t.TempDir()
	was := cacheDir
	cacheDir = func() (string, error) { return dir, nil }
	t.Cleanup(func() { cacheDir = was })
	ex, err := LoadExamples(trainingFiles, "data/train_*.tsv")
	if err != nil {
		t.Fatal(err)
	}
	ex = ex[:2000:2000] // enough for every route, quick to train
	cfg := trainConfig{epochs: 3, calibrate: 20, rate: 1}

	fresh := train(ex, cfg)
	first := trainCached(ex, cfg) // trains and writes the cache
	files, _ := filepath.Glob(filepath.Join(dir, "builtin-classifier-*.bin"))
	if len(files) != 1 {
		t.Fatalf("cache files %v", files)
	}
	read, err := readClassifier(files[0], trainingKey(ex, cfg))
	if err != nil {
		t.Fatal(err)
	}
	// What was written is what is read, weight for weight.
	if !reflect.DeepEqual(read.labels, first.labels) || !reflect.DeepEqual(read.bias, first.bias) || read.temp != first.temp ||
		!reflect.DeepEqual(read.vocab, first.vocab) || !reflect.DeepEqual(read.weights, first.weights) {
		t.Fatal("the classifier read from the cache differs from the one written")
	}
	// And it predicts as a fresh training does (which sums features in a
	// map's order, so its last bits may differ).
	for _, text := range []string{"where is my parcel", "我要退货", "can I talk to a person", "cancel order KF-1 please"} {
		a, b := read.Predict(text), fresh.Predict(text)
		if a[0].Intent != b[0].Intent || math.Abs(a[0].Prob-b[0].Prob) > 1e-3 {
			t.Errorf("%q: cached %v, fresh %v", text, a[0], b[0])
		}
	}

	// Another example: another key, so the cache is not used.
	other := append([]Example{{Intent: IntentGreeting, Text: "howdy partner"}}, ex...)
	if trainingKey(other, cfg) == trainingKey(ex, cfg) {
		t.Fatal("a changed training set kept its key")
	}
	if _, err := readClassifier(files[0], trainingKey(other, cfg)); err == nil {
		t.Error("the cache was read for another key")
	}
	// A damaged file is refused (and training takes over).
	b, _ := os.ReadFile(files[0])
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(files[0], b, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readClassifier(files[0], trainingKey(ex, cfg)); err == nil {
		t.Error("a damaged cache was read")
	}
	if c := trainCached(ex, cfg); c.Predict("where is my parcel")[0].Intent != fresh.Predict("where is my parcel")[0].Intent {
		t.Error("after a damaged cache, the classifier is not a trained one")
	}
	if _, err := readClassifier(files[0], trainingKey(ex, cfg)); err != nil {
		t.Errorf("the damaged cache was not written again: %v", err)
	}
}
