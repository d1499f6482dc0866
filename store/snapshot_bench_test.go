package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"
)

// BenchmarkSnapshotWhileWriting takes snapshots of a database of
// KEFU_SNAPSHOT_BENCH_MB megabytes (default 64) while the writer commits
// a shopper's message every millisecond, and reports the commits'
// latency while a snapshot runs, for each way of taking it:
//
//   - vacuum-into-writer: VACUUM INTO on the write connection (kefu before)
//   - vacuum-into-own-conn: VACUUM INTO on a connection of its own
//   - backup-one-step: the online backup in one step, on connections of its own
//   - backup-steps: the same in steps of snapshotStepPages (Snapshot)
func BenchmarkSnapshotWhileWriting(b *testing.B) {
	mb := 64
	if v, err := strconv.Atoi(os.Getenv("KEFU_SNAPSHOT_BENCH_MB")); err == nil && v > 0 {
		mb = v
	}
	ctx := context.Background()
	st := openFresh(b)
	fillLog(b, st, mb)
	ways := []struct {
		name string
		take func(ctx context.Context, path string) error
	}{
		{"vacuum-into-writer", func(ctx context.Context, path string) error {
			_, err := st.w.ExecContext(ctx, `VACUUM INTO ?`, path)
			return err
		}},
		{"vacuum-into-own-conn", func(ctx context.Context, path string) error {
			db, err := sql.Open(driverName, dsn(st.path, "_busy_timeout=10000"))
			if err != nil {
				return err
			}
			defer db.Close()
			_, err = db.ExecContext(ctx, `VACUUM INTO ?`, path)
			return err
		}},
		{"backup-one-step", func(ctx context.Context, path string) error { return st.backup(ctx, path, -1) }},
		{"backup-steps", func(ctx context.Context, path string) error { return st.backup(ctx, path, snapshotStepPages) }},
	}
	for _, way := range ways {
		b.Run(way.name, func(b *testing.B) {
			dir := b.TempDir()
			var mu sync.Mutex
			var during []time.Duration
			stop := make(chan struct{})
			writerDone := make(chan struct{})
			var running bool
			go func() {
				defer close(writerDone)
				t := time.NewTicker(time.Millisecond)
				defer t.Stop()
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					case <-t.C:
					}
					mu.Lock()
					counted := running
					mu.Unlock()
					t0 := time.Now()
					if err := appendOne(ctx, st, i); err != nil {
						b.Error(err)
						return
					}
					if counted {
						mu.Lock()
						during = append(during, time.Since(t0))
						mu.Unlock()
					}
				}
			}()
			var took time.Duration
			b.ResetTimer()
			for i := range b.N {
				path := filepath.Join(dir, fmt.Sprint(i, ".db"))
				mu.Lock()
				running = true
				mu.Unlock()
				t0 := time.Now()
				if err := way.take(ctx, path); err != nil {
					b.Fatal(err)
				}
				took += time.Since(t0)
				mu.Lock()
				running = false
				mu.Unlock()
				os.Remove(path)
			}
			b.StopTimer()
			close(stop)
			<-writerDone
			slices.Sort(during)
			at := func(q float64) float64 {
				if len(during) == 0 {
					return 0
				}
				return float64(during[min(len(during)-1, int(q*float64(len(during))))].Microseconds()) / 1000
			}
			b.ReportMetric(float64(took.Milliseconds())/float64(b.N), "snapshot-ms")
			b.ReportMetric(at(0.5), "commit-p50-ms")
			b.ReportMetric(at(0.99), "commit-p99-ms")
			b.ReportMetric(at(1), "commit-max-ms")
			b.ReportMetric(float64(len(during))/float64(b.N), "commits/snapshot")
		})
	}
}
