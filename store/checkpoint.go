package store

import (
	"context"
	"database/sql"
	"time"
)

// The write connection does not checkpoint the WAL itself
// (wal_autocheckpoint=0): a checkpoint syncs the disk, and on the commit
// path it would stall every shopper waiting for an ack. A checkpointer
// goroutine does it on a connection of its own instead, every
// checkpointEvery, in PASSIVE mode, which never blocks the writer.
const checkpointEvery = time.Second

// startCheckpointer runs checkpoints until Close.
func (s *Store) startCheckpointer(path string) error {
	cp, err := sql.Open(driverName, dsn(path, "_busy_timeout=1000"))
	if err != nil {
		return err
	}
	cp.SetMaxOpenConns(1)
	s.cp = cp
	s.stopCheckpoints = every(checkpointEvery, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		cp.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`)
		cancel()
	})
	return nil
}

// every runs fn every d on a goroutine of its own until stop is called;
// stop returns once fn is no longer running.
func every(d time.Duration, fn func()) (stop func()) {
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-t.C:
				fn()
			}
		}
	}()
	return func() {
		close(quit)
		<-done
	}
}

// stopCheckpointer stops the goroutine and makes a last, full checkpoint,
// so that the WAL does not grow across restarts.
func (s *Store) stopCheckpointer() error {
	if s.cp == nil {
		return nil
	}
	s.stopCheckpoints()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s.cp.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return s.cp.Close()
}
