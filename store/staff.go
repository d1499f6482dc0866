package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Staff roles.
const (
	RoleAdmin = "admin"
	RoleAgent = "agent"
)

// Staff is a support team member who signs in to the console.
type Staff struct {
	ID           int64
	Email        string
	Name         string
	Role         string
	PasswordHash string
	CreatedAt    time.Time
}

// ErrDuplicate is returned when creating a record whose key exists.
var ErrDuplicate = errors.New("store: already exists")

// CreateStaff adds a staff member with an already hashed password.
func (s *Store) CreateStaff(ctx context.Context, st *Staff) error {
	st.CreatedAt = s.now()
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO staff_users (email, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?)`,
			strings.ToLower(strings.TrimSpace(st.Email)), st.Name, st.Role, st.PasswordHash, ms(st.CreatedAt))
		if err != nil {
			if strings.Contains(err.Error(), "UNIQUE") {
				return fmt.Errorf("store: staff %s: %w", st.Email, ErrDuplicate)
			}
			return fmt.Errorf("store: unable to create staff: %w", err)
		}
		st.ID, _ = res.LastInsertId()
		return nil
	})
}

// SetStaffPassword replaces a staff member's password hash and ends their
// sessions.
func (s *Store) SetStaffPassword(ctx context.Context, id int64, hash string) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE staff_users SET password_hash = ? WHERE id = ?`, hash, id)
		if err != nil {
			return fmt.Errorf("store: unable to set password: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: staff %d: %w", id, ErrNotFound)
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM staff_sessions WHERE staff_id = ?`, id)
		return err
	})
}

const staffColumns = `id, email, name, role, password_hash, created_at`

func scanStaff(row interface{ Scan(...any) error }) (*Staff, error) {
	var st Staff
	var created int64
	if err := row.Scan(&st.ID, &st.Email, &st.Name, &st.Role, &st.PasswordHash, &created); err != nil {
		return nil, err
	}
	st.CreatedAt = fromMS(created)
	return &st, nil
}

// StaffByEmail returns the active staff member with the email.
func (s *Store) StaffByEmail(ctx context.Context, email string) (*Staff, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	st, err := scanStaff(s.r.QueryRowContext(ctx, `SELECT `+staffColumns+` FROM staff_users WHERE email = ? AND disabled_at IS NULL`,
		strings.ToLower(strings.TrimSpace(email))))
	if err != nil {
		return nil, notFound(err, "staff "+email)
	}
	return st, nil
}

// StaffMember returns the staff member with the id.
func (s *Store) StaffMember(ctx context.Context, id int64) (*Staff, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	st, err := scanStaff(s.r.QueryRowContext(ctx, `SELECT `+staffColumns+` FROM staff_users WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("staff %d", id))
	}
	return st, nil
}

// StaffList returns every active staff member, by name.
func (s *Store) StaffList(ctx context.Context) ([]Staff, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	rows, err := s.r.QueryContext(ctx, `SELECT `+staffColumns+` FROM staff_users WHERE disabled_at IS NULL ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list staff: %w", err)
	}
	defer rows.Close()
	var out []Staff
	for rows.Next() {
		st, err := scanStaff(rows)
		if err != nil {
			return nil, fmt.Errorf("store: unable to list staff: %w", err)
		}
		out = append(out, *st)
	}
	return out, rows.Err()
}

// CreateSession starts a console session for a staff member, returning
// the cookie token and the CSRF token.
func (s *Store) CreateSession(ctx context.Context, staffID int64, ttl time.Duration) (token, csrf string, err error) {
	token, csrf = randomToken(), randomToken()
	now := s.now()
	err = s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		// Expired sessions are swept as new ones are made.
		if _, err := tx.ExecContext(ctx, `DELETE FROM staff_sessions WHERE expires_at < ?`, ms(now)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO staff_sessions (token_hash, staff_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			hashToken(token), staffID, csrf, ms(now), ms(now.Add(ttl)))
		return err
	})
	if err != nil {
		return "", "", fmt.Errorf("store: unable to create session: %w", err)
	}
	return token, csrf, nil
}

// Session returns the staff member and CSRF token of an unexpired session.
func (s *Store) Session(ctx context.Context, token string) (*Staff, string, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	var csrf string
	var expires int64
	var st Staff
	var created int64
	err := s.r.QueryRowContext(ctx, `
		SELECT u.id, u.email, u.name, u.role, u.password_hash, u.created_at, x.csrf_token, x.expires_at
		FROM staff_sessions x JOIN staff_users u ON u.id = x.staff_id
		WHERE x.token_hash = ? AND u.disabled_at IS NULL`, hashToken(token)).
		Scan(&st.ID, &st.Email, &st.Name, &st.Role, &st.PasswordHash, &created, &csrf, &expires)
	if err != nil {
		return nil, "", notFound(err, "session")
	}
	if s.now().UnixMilli() >= expires {
		return nil, "", fmt.Errorf("store: session expired: %w", ErrNotFound)
	}
	st.CreatedAt = fromMS(created)
	return &st, csrf, nil
}

// DeleteSession ends a session.
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM staff_sessions WHERE token_hash = ?`, hashToken(token))
		return err
	})
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
