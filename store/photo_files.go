package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// WritePhotoFile stores a photo's bytes in the photo directory dir under
// their sha256 sum (PhotoFile): written to a temporary file, synced and
// renamed, so that a reader never sees half a photo. A file already there
// holds the same bytes and is kept.
func WritePhotoFile(dir, sum string, data []byte) error {
	path := PhotoFile(dir, sum)
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return fmt.Errorf("store: unable to make the photo directory: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".upload-*")
	if err != nil {
		return fmt.Errorf("store: unable to store a photo: %w", err)
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("store: unable to store a photo: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("store: unable to store a photo: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("store: unable to store a photo: %w", err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("store: unable to store a photo: %w", err)
	}
	return nil
}

// PhotoHashes are the sha256 sums of every photo the database records:
// the files its photo directory must hold.
func (s *Store) PhotoHashes(ctx context.Context) ([]string, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	rows, err := s.r.QueryContext(ctx, `SELECT DISTINCT sha256 FROM photos ORDER BY sha256`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list the photos: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// CopyPhotoFiles copies the files of the hashes from the photo directory
// from into the photo directory to (kefu migrate-to: the nodes' shared
// folder), checking each file's bytes against its name. It reports how
// many it copied (or found there already) and which were missing from
// from; a file whose bytes do not match its name is an error.
func CopyPhotoFiles(from, to string, hashes []string) (copied int, missing []string, err error) {
	var errs []error
	for _, h := range hashes {
		if len(h) != 64 {
			continue
		}
		data, err := os.ReadFile(PhotoFile(from, h))
		if errors.Is(err, os.ErrNotExist) {
			missing = append(missing, h)
			continue
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != h {
			errs = append(errs, fmt.Errorf("store: the photo file %s does not hold the photo it is named for", PhotoFile(from, h)))
			continue
		}
		if err := WritePhotoFile(to, h, data); err != nil {
			errs = append(errs, err)
			continue
		}
		copied++
	}
	return copied, missing, errors.Join(errs...)
}
