package builtin

import (
	"bufio"
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
)

// Training the classifier takes seconds (3 s on a busy 2-core machine),
// and every kefu process did it at start: `kefu chat` answered its first
// message seconds late, and each `kefu serve` a test started waited as
// long. The trained classifier is cached in the user's cache directory,
// under a key that covers everything the training depends on: the
// examples, the training settings, trainingVersion, and the features of a
// fixed set of probe texts (so that a change to the feature hashing or the
// normalising makes a new key by itself). A cache that cannot be read,
// fails its checksum or was written for another key is ignored, and the
// classifier is trained as before; one that cannot be written is no error.

// trainingVersion names the training algorithm: change it with any change
// to train, scores or the Classifier's fields.
const trainingVersion = "logreg-3"

// cacheDir is where cached classifiers live (tests change it); an error:
// no cache.
var cacheDir = func() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "kefu"), nil
}

// probeTexts exercise the feature extraction: Latin and Han text, digits,
// full-width forms, punctuation and case.
var probeTexts = []string{"Where is my order KF-10042?", "我要退货，订单号 12345", "ＡＢＣ　ｄｅｆ！", "can't cancle it pls", "换个大一号的"}

// trainingKey is the cache key of a classifier trained on examples.
func trainingKey(examples []Example, cfg trainConfig) [32]byte {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%d\x00%+v\x00", trainingVersion, featureBits, cfg)
	for _, e := range examples {
		fmt.Fprintf(h, "%s\x00%s\x00", e.Intent, e.Text)
	}
	for _, t := range probeTexts {
		fs := features(t)
		slices.SortFunc(fs, func(a, b feature) int { return cmp.Compare(a.idx, b.idx) }) // a map's order
		for _, f := range fs {
			binary.Write(h, binary.LittleEndian, f.idx)
			binary.Write(h, binary.LittleEndian, f.val)
		}
		fmt.Fprintf(h, "\x00%q", vocabTokens(t))
		if cfg.prep {
			fmt.Fprintf(h, "\x00%q", classifierText(t)) // a change to how order numbers are read
		}
	}
	var k [32]byte
	h.Sum(k[:0])
	return k
}

// trainCached returns the classifier trained on examples, from the cache
// when it holds one for them.
func trainCached(examples []Example, cfg trainConfig) *Classifier {
	key := trainingKey(examples, cfg)
	dir, err := cacheDir()
	if err != nil {
		return train(examples, cfg)
	}
	path := filepath.Join(dir, fmt.Sprintf("builtin-classifier-%x.bin", key[:12]))
	if c, err := readClassifier(path, key); err == nil {
		return c
	}
	c := train(examples, cfg)
	writeClassifier(path, key, c) // best effort: the next start trains again
	return c
}

const classifierMagic = "KEFUCLS1"

// writeClassifier writes c to path through a temporary file renamed into
// place, so that a process reading it never sees half a file.
func writeClassifier(path string, key [32]byte, c *Classifier) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	var body bytes.Buffer
	w := bufio.NewWriter(&body)
	put := func(v any) { binary.Write(w, binary.LittleEndian, v) }
	putString := func(s string) { put(uint32(len(s))); w.WriteString(s) }
	w.WriteString(classifierMagic)
	w.Write(key[:])
	put(uint32(len(c.labels)))
	for _, l := range c.labels {
		putString(l)
	}
	put(c.bias)
	put(c.temp)
	put(uint32(len(c.vocab)))
	for v := range c.vocab {
		putString(v)
	}
	// The weights are mostly zero (a hashed feature space): only the
	// others are written, with their place.
	put(uint32(len(c.weights)))
	var n uint32
	for _, x := range c.weights {
		if x != 0 {
			n++
		}
	}
	put(n)
	var pair [8]byte
	for i, x := range c.weights {
		if x != 0 {
			binary.LittleEndian.PutUint32(pair[:], uint32(i))
			binary.LittleEndian.PutUint32(pair[4:], math.Float32bits(x))
			w.Write(pair[:])
		}
	}
	w.Flush()
	sum := sha256.Sum256(body.Bytes())
	body.Write(sum[:])
	f, err := os.CreateTemp(filepath.Dir(path), ".classifier-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(body.Bytes()); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// maxCachedClassifier bounds what readClassifier reads: the file is ours,
// but a cache directory is not a trusted place.
const maxCachedClassifier = 256 << 20

var errCache = errors.New("builtin: the cached classifier is not usable")

// readClassifier reads a classifier writeClassifier wrote for key.
func readClassifier(path string, key [32]byte) (*Classifier, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxCachedClassifier+1))
	if err != nil {
		return nil, err
	}
	if len(b) < len(classifierMagic)+32+sha256.Size || len(b) > maxCachedClassifier {
		return nil, errCache
	}
	body, sum := b[:len(b)-sha256.Size], b[len(b)-sha256.Size:]
	if got := sha256.Sum256(body); !bytes.Equal(got[:], sum) || string(body[:len(classifierMagic)]) != classifierMagic ||
		!bytes.Equal(body[len(classifierMagic):len(classifierMagic)+32], key[:]) {
		return nil, errCache
	}
	r := bytes.NewReader(body[len(classifierMagic)+32:])
	var bad bool
	get := func(v any) {
		if binary.Read(r, binary.LittleEndian, v) != nil {
			bad = true
		}
	}
	count := func(limit int) int {
		var n uint32
		get(&n)
		if int64(n) > int64(limit) {
			bad = true
			return 0
		}
		return int(n)
	}
	getString := func() string {
		n := count(r.Len())
		s := make([]byte, n)
		if _, err := io.ReadFull(r, s); err != nil {
			bad = true
		}
		return string(s)
	}
	c := &Classifier{vocab: map[string]bool{}}
	c.labels = make([]string, count(1024))
	for i := range c.labels {
		c.labels[i] = getString()
	}
	c.bias = make([]float32, len(c.labels))
	get(c.bias)
	get(&c.temp)
	for range count(r.Len()) {
		c.vocab[getString()] = true
	}
	if size := count(numFeatures * len(c.labels)); size != numFeatures*len(c.labels) {
		return nil, errCache
	}
	c.weights = make([]float32, numFeatures*len(c.labels))
	// Read straight from the bytes: a million binary.Read calls took a
	// fifth of a second.
	pairs := count(len(c.weights))
	raw := make([]byte, 8*pairs)
	if _, err := io.ReadFull(r, raw); bad || err != nil {
		return nil, errCache
	}
	for p := 0; p < len(raw); p += 8 {
		i := binary.LittleEndian.Uint32(raw[p:])
		if int(i) >= len(c.weights) {
			return nil, errCache
		}
		c.weights[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[p+4:]))
	}
	if bad || r.Len() != 0 || len(c.labels) == 0 || math.IsNaN(c.temp) || c.temp <= 0 {
		return nil, errCache
	}
	return c, nil
}
