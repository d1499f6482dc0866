package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// DecodeDataset reads a Dataset from JSON, refusing unknown fields so that a
// typo in a field name is reported rather than silently ignored.
//
// Well-formed JSON that does not fit the format (an unknown field, a string
// where a number goes, a time that is not RFC 3339, an amount with three
// decimals) is refused with a *ValidationError that lists every such
// problem, each with its place: the path in the file and the line and
// column, e.g. `orders[2].items[0]: unknown field "qty" (line 14, column
// 35)`. Malformed JSON is refused with the line and column where it breaks.
func DecodeDataset(b []byte) (*Dataset, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var ds Dataset
	err := dec.Decode(&ds)
	if err == nil {
		if dec.More() {
			return nil, fmt.Errorf("unexpected data after the top-level object")
		}
		return &ds, nil
	}
	src := source{b: b}
	var syn *json.SyntaxError
	switch {
	case errors.Is(err, io.EOF):
		return nil, errors.New("the file is empty")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return nil, fmt.Errorf("%s: the file ends in the middle of a value", src.place(len(b)))
	case errors.As(err, &syn): // Offset is just after the offending byte
		return nil, fmt.Errorf("%s: %w", src.place(int(syn.Offset)-1), err)
	}
	// The JSON is well formed (the decoder reads a whole value before it
	// unmarshals any of it), but it does not fit: walk it again, field by
	// field, to find every misfit rather than the decoder's first. The
	// walk only runs on data the decoder refused, so what is accepted is
	// exactly what encoding/json accepts.
	sd := &shapeDecoder{source: src, fields: map[reflect.Type]*jsonFields{}}
	start := skipSpace(b, 0)
	sd.value(reflect.ValueOf(&Dataset{}).Elem(), span{start, valueEnd(b, start)}, "")
	if len(sd.problems) == 0 { // the walk should always find what the decoder did
		return nil, fmt.Errorf("invalid data: %w", err)
	}
	return nil, &ValidationError{Problems: sd.problems}
}

// source is the file being decoded, for turning offsets into places.
type source struct {
	b     []byte
	lines []int // offset at which each line starts, computed on first use
}

// place is the line and column (in characters, from 1) of an offset.
func (s *source) place(off int) string {
	if s.lines == nil {
		s.lines = []int{0}
		for i, c := range s.b {
			if c == '\n' {
				s.lines = append(s.lines, i+1)
			}
		}
	}
	off = min(max(off, 0), len(s.b))
	line := sort.SearchInts(s.lines, off+1) - 1
	col := utf8.RuneCount(s.b[s.lines[line]:off]) + 1
	return fmt.Sprintf("line %d, column %d", line+1, col)
}

// span is where a JSON value lies in the source: b[start:end].
type span struct{ start, end int }

// shapeDecoder decodes JSON into a Dataset as encoding/json does, but goes
// on past a field that does not fit and records every such problem.
type shapeDecoder struct {
	source
	problems []string
	fields   map[reflect.Type]*jsonFields
}

func (d *shapeDecoder) problem(path string, off int, format string, args ...any) {
	if path == "" {
		path = "top level"
	}
	d.problems = append(d.problems, fmt.Sprintf("%s: %s (%s)", path, fmt.Sprintf(format, args...), d.place(off)))
}

var (
	timeType  = reflect.TypeFor[time.Time]()
	moneyType = reflect.TypeFor[Money]()
)

// value decodes the JSON at s into v. Objects and lists that are records
// of the format are walked member by member; anything else (strings,
// numbers, times, amounts) is handed to encoding/json whole.
func (d *shapeDecoder) value(v reflect.Value, s span, path string) {
	raw := d.b[s.start:s.end]
	walk := v.Kind() == reflect.Slice || v.Kind() == reflect.Struct && v.Type() != timeType
	switch {
	case walk && string(raw) == "null":
		// As encoding/json: null leaves a record or list empty.
	case v.Kind() == reflect.Struct && v.Type() != timeType:
		d.object(v, s, path)
	case v.Kind() == reflect.Slice:
		d.list(v, s, path)
	case v.Kind() == reflect.Pointer && v.Type().Elem().Kind() == reflect.Struct && v.Type().Elem() != timeType && string(raw) != "null":
		// An optional record (an order's address): walked like any other.
		v.Set(reflect.New(v.Type().Elem()))
		d.object(v.Elem(), s, path)
	default:
		if err := json.Unmarshal(raw, v.Addr().Interface()); err != nil {
			d.problem(path, s.start, "%s", misfit(v.Type(), raw, err))
		}
	}
}

func (d *shapeDecoder) object(v reflect.Value, s span, path string) {
	if d.b[s.start] != '{' {
		d.problem(path, s.start, "want an object, got %s", shown(d.b[s.start:s.end]))
		return
	}
	fields := d.fieldsOf(v.Type())
	for _, m := range members(d.b, s) {
		f, ok := fields.lookup(m.key)
		if !ok {
			d.problem(path, m.keyAt, "unknown field %q (want one of %s)", m.key, strings.Join(fields.names, ", "))
			continue
		}
		name := f.name
		if path != "" {
			name = path + "." + name
		}
		d.value(v.Field(f.index), m.val, name)
	}
}

func (d *shapeDecoder) list(v reflect.Value, s span, path string) {
	if d.b[s.start] != '[' {
		d.problem(path, s.start, "want a list, got %s", shown(d.b[s.start:s.end]))
		return
	}
	elems := elements(d.b, s)
	v.Set(reflect.MakeSlice(v.Type(), len(elems), len(elems)))
	for i, e := range elems {
		d.value(v.Index(i), e, fmt.Sprintf("%s[%d]", path, i))
	}
}

// jsonField is a struct field as JSON names it.
type jsonField struct {
	name  string
	index int
}

// jsonFields are a struct's fields as encoding/json matches them: by the
// exact name or, failing that, by one that differs only in case.
type jsonFields struct {
	list  []jsonField // in declaration order
	names []string
}

func (d *shapeDecoder) fieldsOf(t reflect.Type) *jsonFields {
	if f := d.fields[t]; f != nil {
		return f
	}
	f := &jsonFields{}
	for i := range t.NumField() {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if !sf.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		f.list = append(f.list, jsonField{name, i})
		f.names = append(f.names, name)
	}
	d.fields[t] = f
	return f
}

func (f *jsonFields) lookup(key string) (jsonField, bool) {
	for _, jf := range f.list {
		if jf.name == key {
			return jf, true
		}
	}
	for _, jf := range f.list {
		if strings.EqualFold(jf.name, key) {
			return jf, true
		}
	}
	return jsonField{}, false
}

// member is one "key": value of a JSON object.
type member struct {
	key   string
	keyAt int
	val   span
}

// members lists the members of the well-formed JSON object at s.
func members(b []byte, s span) []member {
	dec := json.NewDecoder(bytes.NewReader(b[s.start:s.end]))
	dec.Token() // {
	var ms []member
	for dec.More() {
		keyAt := s.start + skipSpace(b[s.start:s.end], int(dec.InputOffset()))
		tok, _ := dec.Token()
		key, _ := tok.(string)
		ms = append(ms, member{key: key, keyAt: keyAt, val: next(dec, b, s)})
	}
	return ms
}

// elements lists the elements of the well-formed JSON list at s.
func elements(b []byte, s span) []span {
	dec := json.NewDecoder(bytes.NewReader(b[s.start:s.end]))
	dec.Token() // [
	var es []span
	for dec.More() {
		es = append(es, next(dec, b, s))
	}
	return es
}

// next skips the value dec is at and returns where it lies in b.
func next(dec *json.Decoder, b []byte, s span) span {
	start := s.start + skipSpace(b[s.start:s.end], int(dec.InputOffset()))
	var raw json.RawMessage
	dec.Decode(&raw)
	return span{start, s.start + int(dec.InputOffset())}
}

// skipSpace returns the offset of the first byte at or after off that is
// neither white space nor a separator (',' or ':').
func skipSpace(b []byte, off int) int {
	for off < len(b) && strings.IndexByte(" \t\r\n,:", b[off]) >= 0 {
		off++
	}
	return off
}

// valueEnd is the end of the well-formed JSON value that starts at off.
func valueEnd(b []byte, off int) int {
	dec := json.NewDecoder(bytes.NewReader(b[off:]))
	var raw json.RawMessage
	dec.Decode(&raw)
	return off + int(dec.InputOffset())
}

// misfit says why encoding/json refused raw for a value of type t.
func misfit(t reflect.Type, raw []byte, err error) string {
	got := shown(raw)
	isNumber := len(raw) > 0 && (raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9')
	switch {
	case t == moneyType && moneyShape.Match(bytes.Trim(raw, `"`)):
		return fmt.Sprintf("%s is too large an amount", got)
	case t == moneyType:
		return "want a number with at most two decimals, got " + got
	case t == timeType || t == reflect.PointerTo(timeType):
		var pe *time.ParseError
		why := ""
		if errors.As(err, &pe) && pe.Message != "" {
			why = " (" + strings.TrimPrefix(pe.Message, ": ") + ")"
		}
		return "want an RFC 3339 time such as 2026-10-01T09:30:00Z, got " + got + why
	case isNumber && t.Kind() >= reflect.Int && t.Kind() <= reflect.Int64 && !bytes.ContainsAny(raw, ".eE"):
		return got + " is out of range"
	}
	return "want " + wanted(t) + ", got " + got
}

// moneyShape is what ParseMoney reads, whatever the size.
var moneyShape = regexp.MustCompile(`^-?[0-9]+(\.[0-9]{0,2})?$`)

// wanted names the JSON a value of type t is read from.
func wanted(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice:
		return "a list"
	case reflect.Struct:
		return "an object"
	case reflect.Pointer:
		return wanted(t.Elem())
	}
	return t.String()
}

// shown is a JSON value as a problem quotes it: strings, numbers and
// literals as written (shortened if long), objects and lists by kind.
func shown(raw []byte) string {
	const most = 40
	switch {
	case raw[0] == '{':
		return "an object"
	case raw[0] == '[':
		return "a list"
	case len(raw) <= most:
		return string(raw)
	}
	cut := most
	for cut > 0 && !utf8.RuneStart(raw[cut]) {
		cut--
	}
	if raw[0] == '"' {
		return string(raw[:cut]) + `…"`
	}
	return string(raw[:cut]) + "…"
}
