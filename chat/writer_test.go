package chat

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/kefu-dev/kefu/store"
)

// fakeAppender stores nothing and reports no duplicates.
type fakeAppender struct{ n atomic.Int64 }

func (f *fakeAppender) AppendMessages(ctx context.Context, ms []*store.Message) ([]bool, error) {
	f.n.Add(int64(len(ms)))
	return make([]bool, len(ms)), nil
}

// A panic in an after function is reported, and the writer goes on: the
// next shopper's message is still stored.
func TestWriterSurvivesPanicInAfter(t *testing.T) {
	st := &fakeAppender{}
	w := NewWriter(st, 0, nil)
	defer w.Close()
	var reported atomic.Value
	w.OnPanic = func(p any, stack []byte) { reported.Store(p) }
	ctx := context.Background()
	if _, err := w.AppendAll(ctx, []*store.Message{{}}, func([]bool) { panic("boom") }); err != nil {
		t.Fatal(err)
	}
	ran := false
	if _, err := w.AppendAll(ctx, []*store.Message{{}, {}}, func(dups []bool) { ran = len(dups) == 2 }); err != nil {
		t.Fatal(err)
	}
	if reported.Load() != "boom" || !ran || st.n.Load() != 3 {
		t.Errorf("reported %v, second after ran %v, %d stored", reported.Load(), ran, st.n.Load())
	}
}
