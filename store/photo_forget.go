package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
)

// forgetPhotos deletes the photo rows of the conversations erase lists
// (a JSON set) and adds to rep the hashes no row refers to any more:
// their files are removed after the commit (RemovePhotoFiles).
func forgetPhotos(ctx context.Context, tx *sql.Tx, erase string, rep *ForgetReport) error {
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT sha256 FROM photos WHERE conversation_id IN (SELECT value FROM json_each(?))`, erase)
	if err != nil {
		return fmt.Errorf("store: forget photos: %w", err)
	}
	var hashes []string
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			rows.Close()
			return fmt.Errorf("store: forget photos: %w", err)
		}
		hashes = append(hashes, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: forget photos: %w", err)
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM photos WHERE conversation_id IN (SELECT value FROM json_each(?))`, erase)
	if err != nil {
		return fmt.Errorf("store: forget photos: %w", err)
	}
	rep.Photos, _ = res.RowsAffected()
	for _, h := range hashes {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM photos WHERE sha256 = ?`, h).Scan(&n); err != nil {
			return fmt.Errorf("store: forget photos: %w", err)
		}
		if n == 0 { // the same picture in a conversation kept keeps its file
			rep.PhotoFiles = append(rep.PhotoFiles, h)
		}
	}
	return nil
}

// RemovePhotoFiles deletes the files of the hashes from the photo
// directory dir (a file already gone is no error) and reports how many
// it deleted.
func RemovePhotoFiles(dir string, hashes []string) (int, error) {
	var errs []error
	n := 0
	for _, h := range hashes {
		if len(h) != 64 {
			continue
		}
		err := os.Remove(PhotoFile(dir, h))
		switch {
		case err == nil:
			n++
		case !errors.Is(err, os.ErrNotExist):
			errs = append(errs, err)
		}
	}
	return n, errors.Join(errs...)
}
