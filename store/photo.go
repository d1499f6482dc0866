package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"strings"
	"time"
)

// Photo is a picture a shopper attached to a conversation. The file is
// outside the database, in the photo directory, named by SHA256 (of the
// cleaned bytes kefu wrote, not of the upload); the row is whose it is.
type Photo struct {
	ID             string
	ConversationID string
	SHA256         string
	ContentType    string
	Width, Height  int
	Size           int64
	CreatedAt      time.Time
	MessageSeq     int64 // the message that attached it; 0: none yet
}

// PhotoDirBeside is the default photo directory of a SQLite database at
// path: a directory beside it, kefu.db → kefu.db-photos.
func PhotoDirBeside(path string) string { return path + "-photos" }

// PhotoFile is where a photo's file is in dir: a subdirectory per first
// two hex digits, so no directory grows past a few thousand entries. No
// extension: the type is in the row, and only kefu serves the file.
func PhotoFile(dir, sha256 string) string {
	return filepath.Join(dir, sha256[:2], sha256)
}

// AddPhoto records a photo whose file is already in the photo directory,
// and sets its ID and CreatedAt.
func (s *Store) AddPhoto(ctx context.Context, p *Photo) error {
	b := make([]byte, 12)
	rand.Read(b)
	p.ID, p.CreatedAt = "ph_"+hex.EncodeToString(b), s.now()
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO photos (id, conversation_id, sha256, content_type, width, height, size, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, p.ConversationID, p.SHA256, p.ContentType, p.Width, p.Height, p.Size, ms(p.CreatedAt))
		if err != nil {
			return fmt.Errorf("store: unable to record the photo: %w", err)
		}
		return nil
	})
}

const photoColumns = `id, conversation_id, sha256, content_type, width, height, size, created_at, COALESCE(message_seq, 0)`

func scanPhoto(row interface{ Scan(...any) error }) (*Photo, error) {
	var p Photo
	var at int64
	if err := row.Scan(&p.ID, &p.ConversationID, &p.SHA256, &p.ContentType, &p.Width, &p.Height, &p.Size, &at, &p.MessageSeq); err != nil {
		return nil, err
	}
	p.CreatedAt = fromMS(at)
	return &p, nil
}

// Photo returns the photo with the given id.
func (s *Store) Photo(ctx context.Context, id string) (*Photo, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	p, err := scanPhoto(s.r.QueryRowContext(ctx, `SELECT `+photoColumns+` FROM photos WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "photo "+id)
	}
	return p, nil
}

// PhotosByConversation returns a conversation's photos, oldest first.
func (s *Store) PhotosByConversation(ctx context.Context, conversationID string) ([]Photo, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	rows, err := s.r.QueryContext(ctx, `SELECT `+photoColumns+` FROM photos WHERE conversation_id = ? ORDER BY created_at, id`, conversationID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list the photos: %w", err)
	}
	defer rows.Close()
	var out []Photo
	for rows.Next() {
		p, err := scanPhoto(rows)
		if err != nil {
			return nil, fmt.Errorf("store: unable to list the photos: %w", err)
		}
		out = append(out, *p)
	}
	return out, rows.Err()
}

// ValidPhotoID reports whether id has the shape AddPhoto gives, so that
// a message's attachment list carries nothing else.
func ValidPhotoID(id string) bool {
	h, ok := strings.CutPrefix(id, "ph_")
	if !ok || len(h) != 24 {
		return false
	}
	_, err := hex.DecodeString(h)
	return err == nil
}

// MaxAttachments bounds the photos one message may attach.
const MaxAttachments = 4

// AttachPhotos records that the conversation's message seq attached the
// photos ids. Only the conversation's own photos not yet attached are
// taken, so a shopper cannot claim another's photo by its id; it returns
// how many were.
func (s *Store) AttachPhotos(ctx context.Context, conversationID string, seq int64, ids []string) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	if len(ids) > MaxAttachments {
		return 0, fmt.Errorf("store: %d attachments, at most %d", len(ids), MaxAttachments)
	}
	var n int64
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for _, id := range ids {
			res, err := tx.ExecContext(ctx, `UPDATE photos SET message_seq = ? WHERE id = ? AND conversation_id = ? AND message_seq IS NULL`,
				seq, id, conversationID)
			if err != nil {
				return fmt.Errorf("store: unable to attach a photo: %w", err)
			}
			k, _ := res.RowsAffected()
			n += k
		}
		return nil
	})
	return int(n), err
}
