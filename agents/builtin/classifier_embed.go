package builtin

import (
	_ "embed"
	"encoding/binary"
	"errors"
	"math"
	"slices"
)

// The classifier trained on the embedded examples ships in the binary
// (data/classifier.bin), so that kefu's very first start answers at once:
// training takes seconds, and the on-disk cache (classifier_cache.go) helps
// only from the second start on. The file is written by
// `go test ./agents/builtin -run TestEmbeddedClassifierIsCurrent -update`
// and carries the training key of the examples and settings it was
// trained on; when they change and it is not written again, the test
// fails, and a binary built all the same trains at start as before.
//
// Its weights are quantised to 8 bits, with a scale for each feature's
// row: 1.9 MB instead of 11 MB. The test checks that it predicts as the
// trained classifier does.

//go:embed data/classifier.bin
var embeddedClassifier []byte

const quantizedMagic = "KEFUCLQ1"

var errQuantized = errors.New("builtin: the embedded classifier is not usable")

// encodeQuantized writes c, trained under key, in the embedded format.
func encodeQuantized(key [32]byte, c *Classifier) []byte {
	b := append([]byte(quantizedMagic), key[:]...)
	putString := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = binary.AppendUvarint(b, uint64(len(c.labels)))
	for _, l := range c.labels {
		putString(l)
	}
	for _, x := range c.bias {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(c.temp))
	words := make([]string, 0, len(c.vocab))
	for w := range c.vocab {
		words = append(words, w)
	}
	slices.Sort(words) // the same file for the same classifier
	b = binary.AppendUvarint(b, uint64(len(words)))
	for _, w := range words {
		putString(w)
	}
	L := len(c.labels)
	var rows []int
	for f := range numFeatures {
		if slices.ContainsFunc(c.weights[f*L:f*L+L], func(x float32) bool { return x != 0 }) {
			rows = append(rows, f)
		}
	}
	b = binary.AppendUvarint(b, uint64(len(rows)))
	prev := 0
	for _, f := range rows {
		row := c.weights[f*L : f*L+L]
		var m float32
		for _, x := range row {
			m = max(m, float32(math.Abs(float64(x))))
		}
		b = binary.AppendUvarint(b, uint64(f-prev))
		prev = f
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(m/127))
		for _, x := range row {
			b = append(b, byte(int8(math.Round(float64(x/m*127)))))
		}
	}
	return b
}

// decodeQuantized reads a classifier encodeQuantized wrote for key.
func decodeQuantized(b []byte, key [32]byte) (*Classifier, error) {
	if len(b) < len(quantizedMagic)+32 || string(b[:len(quantizedMagic)]) != quantizedMagic ||
		string(b[len(quantizedMagic):len(quantizedMagic)+32]) != string(key[:]) {
		return nil, errQuantized
	}
	b = b[len(quantizedMagic)+32:]
	bad := false
	uvarint := func(limit int) int {
		v, n := binary.Uvarint(b)
		if n <= 0 || v > uint64(limit) {
			bad = true
			return 0
		}
		b = b[n:]
		return int(v)
	}
	take := func(n int) []byte {
		if bad || n > len(b) {
			bad = true
			return nil
		}
		out := b[:n]
		b = b[n:]
		return out
	}
	getString := func() string { return string(take(uvarint(len(b)))) }
	c := &Classifier{vocab: map[string]bool{}}
	c.labels = make([]string, uvarint(64))
	for i := range c.labels {
		c.labels[i] = getString()
	}
	L := len(c.labels)
	c.bias = make([]float32, L)
	for i := range c.bias {
		if p := take(4); p != nil {
			c.bias[i] = math.Float32frombits(binary.LittleEndian.Uint32(p))
		}
	}
	if p := take(8); p != nil {
		c.temp = math.Float64frombits(binary.LittleEndian.Uint64(p))
	}
	for range uvarint(len(b)) {
		c.vocab[getString()] = true
	}
	c.weights = make([]float32, numFeatures*L)
	f := 0
	for range uvarint(numFeatures) {
		f += uvarint(numFeatures)
		p := take(4 + L)
		if bad || f >= numFeatures {
			return nil, errQuantized
		}
		scale := math.Float32frombits(binary.LittleEndian.Uint32(p))
		row := c.weights[f*L : f*L+L]
		for k, q := range p[4:] {
			row[k] = float32(int8(q)) * scale
		}
	}
	if bad || len(b) != 0 || L == 0 || math.IsNaN(c.temp) || c.temp <= 0 {
		return nil, errQuantized
	}
	return c, nil
}
