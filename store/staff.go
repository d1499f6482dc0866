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
	// MustChangePassword: someone else chose the password (the first
	// admin's one-time password); the session may only change it.
	MustChangePassword bool
	CreatedAt          time.Time
}

// ErrDuplicate is returned when creating a record whose key exists.
var ErrDuplicate = errors.New("store: already exists")

// CreateStaff adds a staff member with an already hashed password. An
// email that was removed (RemoveStaff) is given back to the new member.
func (s *Store) CreateStaff(ctx context.Context, st *Staff) error {
	if err := ValidStaffEmail(st.Email); err != nil {
		return err
	}
	st.Email = strings.ToLower(strings.TrimSpace(st.Email))
	st.CreatedAt = s.now()
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO staff_users (email, name, role, password_hash, must_change_password, created_at)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (email) DO UPDATE SET name = excluded.name, role = excluded.role, password_hash = excluded.password_hash,
				must_change_password = excluded.must_change_password, created_at = excluded.created_at, disabled_at = NULL
			WHERE staff_users.disabled_at IS NOT NULL`,
			st.Email, st.Name, st.Role, st.PasswordHash, st.MustChangePassword, ms(st.CreatedAt))
		if err != nil {
			return fmt.Errorf("store: unable to create staff: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: staff %s: %w", st.Email, ErrDuplicate)
		}
		return tx.QueryRowContext(ctx, `SELECT id FROM staff_users WHERE email = ?`, st.Email).Scan(&st.ID)
	})
}

// ErrLastAdmin is returned when a change would leave no admin.
var ErrLastAdmin = errors.New("store: the last admin cannot be removed")

// RemoveStaff signs a staff member out and disables their account. The
// row stays, because their replies and notes name them; the email can be
// added again. The last admin is not removed: nobody could add staff.
func (s *Store) RemoveStaff(ctx context.Context, email string) (*Staff, error) {
	st, err := s.StaffByEmail(ctx, email)
	if err != nil {
		return nil, err
	}
	err = s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if st.Role == RoleAdmin {
			var admins int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM staff_users WHERE role = 'admin' AND disabled_at IS NULL`).Scan(&admins); err != nil {
				return fmt.Errorf("store: unable to remove staff: %w", err)
			}
			if admins <= 1 {
				return ErrLastAdmin
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE staff_users SET disabled_at = ? WHERE id = ?`, ms(s.now()), st.ID); err != nil {
			return fmt.Errorf("store: unable to remove staff: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM staff_sessions WHERE staff_id = ?`, st.ID); err != nil {
			return fmt.Errorf("store: unable to remove staff: %w", err)
		}
		return nil
	})
	return st, err
}

// ValidStaffEmail says what is wrong with a staff email, if anything: it
// is the name staff sign in with, so it must be one address and nothing
// else ("Mei <mei@shop.example>" and "mei@shop" are refused).
func ValidStaffEmail(email string) error {
	e := strings.TrimSpace(email)
	local, domain, found := strings.Cut(e, "@")
	switch {
	case e == "":
		return errors.New("the email is empty")
	case len(e) > 254:
		return fmt.Errorf("the email is %d characters long; at most 254 are allowed", len(e))
	case strings.ContainsAny(e, " \t\r\n<>(),;:\"[]\\"):
		return fmt.Errorf("%q is not an email address: it has a space or one of <>(),;:\"[]\\ (give the address alone, like mei@shop.example.com)", e)
	case !found:
		return fmt.Errorf("%q is not an email address: it has no @ (like mei@shop.example.com)", e)
	case local == "":
		return fmt.Errorf("%q is not an email address: nothing comes before the @", e)
	case strings.Contains(domain, "@"):
		return fmt.Errorf("%q is not an email address: it has more than one @", e)
	case domain == "":
		return fmt.Errorf("%q is not an email address: no domain comes after the @", e)
	case !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.Contains(domain, ".."):
		return fmt.Errorf("%q is not an email address: the domain %q is not a full domain name like shop.example.com", e, domain)
	}
	return nil
}

// SetStaffPassword replaces a staff member's password hash (an operator
// on the command line: the password is theirs to give, so it need not be
// changed again) and ends their sessions.
func (s *Store) SetStaffPassword(ctx context.Context, id int64, hash string) error {
	return s.changePassword(ctx, id, hash, "")
}

// ChangeOwnPassword replaces the password of the staff member signed in
// with the session token keep and ends their other sessions: whoever else
// knew the old password is signed out, they are not.
func (s *Store) ChangeOwnPassword(ctx context.Context, id int64, hash, keep string) error {
	return s.changePassword(ctx, id, hash, keep)
}

func (s *Store) changePassword(ctx context.Context, id int64, hash, keep string) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE staff_users SET password_hash = ?, must_change_password = 0 WHERE id = ? AND disabled_at IS NULL`, hash, id)
		if err != nil {
			return fmt.Errorf("store: unable to set password: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: staff %d: %w", id, ErrNotFound)
		}
		if _, err = tx.ExecContext(ctx, `DELETE FROM staff_sessions WHERE staff_id = ? AND token_hash != ?`, id, hashToken(keep)); err != nil {
			return fmt.Errorf("store: unable to set password: %w", err)
		}
		return nil
	})
}

const staffColumns = `id, email, name, role, password_hash, must_change_password, created_at`

func scanStaff(row interface{ Scan(...any) error }) (*Staff, error) {
	var st Staff
	var created int64
	if err := row.Scan(&st.ID, &st.Email, &st.Name, &st.Role, &st.PasswordHash, &st.MustChangePassword, &created); err != nil {
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
		SELECT u.id, u.email, u.name, u.role, u.password_hash, u.must_change_password, u.created_at, x.csrf_token, x.expires_at
		FROM staff_sessions x JOIN staff_users u ON u.id = x.staff_id
		WHERE x.token_hash = ? AND u.disabled_at IS NULL`, hashToken(token)).
		Scan(&st.ID, &st.Email, &st.Name, &st.Role, &st.PasswordHash, &st.MustChangePassword, &created, &csrf, &expires)
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
