package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Address is where an order goes: a customer's saved address (Default
// marks the one new orders use) or the address an order keeps.
type Address struct {
	Name       string `json:"name"`
	Line1      string `json:"line1"`
	Line2      string `json:"line2,omitempty"`
	City       string `json:"city"`
	Region     string `json:"region,omitempty"` // state, province
	PostalCode string `json:"postal_code"`
	Country    string `json:"country"` // ISO 3166 code (US, CN) or the country's name
	Phone      string `json:"phone,omitempty"`
	Default    bool   `json:"default,omitempty"`
}

// maxAddressField bounds each field of an address, in characters.
const maxAddressField = 200

// AddressRequired are the fields a complete address has, in the order a
// form asks for them.
var AddressRequired = []string{"name", "line1", "city", "postal_code", "country"}

// Problems lists what makes an address incomplete or malformed, one phrase per
// field ("postal_code: required"); none for a complete address.
func (a Address) Problems() []string {
	var out []string
	fields := a.fields()
	for _, f := range AddressRequired {
		if strings.TrimSpace(fields[f]) == "" {
			out = append(out, f+": required")
		}
	}
	for _, f := range []string{"name", "line1", "line2", "city", "region", "postal_code", "country", "phone"} {
		v := fields[f]
		switch {
		case utf8.RuneCountInString(v) > maxAddressField:
			out = append(out, fmt.Sprintf("%s: longer than %d characters", f, maxAddressField))
		case strings.IndexFunc(v, unicode.IsControl) >= 0:
			out = append(out, f+": contains control characters")
		}
	}
	if pc := strings.TrimSpace(a.PostalCode); pc != "" && !postalCodeShape(pc) {
		out = append(out, fmt.Sprintf("postal_code: %q is not a postal code (2 to 12 letters, digits, spaces or dashes, with a digit)", pc))
	}
	return out
}

func (a Address) fields() map[string]string {
	return map[string]string{"name": a.Name, "line1": a.Line1, "line2": a.Line2, "city": a.City, "region": a.Region,
		"postal_code": a.PostalCode, "country": a.Country, "phone": a.Phone}
}

// postalCodeShape accepts the postal codes of the world's formats (62701,
// 200120, SW1A 1AA, K1A 0B1, 1010-001) and refuses words.
func postalCodeShape(s string) bool {
	n, digit := 0, false
	for _, r := range s {
		n++
		switch {
		case r >= '0' && r <= '9':
			digit = true
		case r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z', r == ' ', r == '-':
		default:
			return false
		}
	}
	return n >= 2 && n <= 12 && digit
}

// Trimmed is a with white space trimmed from every field.
func (a Address) Trimmed() Address {
	t := strings.TrimSpace
	return Address{Name: t(a.Name), Line1: t(a.Line1), Line2: t(a.Line2), City: t(a.City), Region: t(a.Region),
		PostalCode: t(a.PostalCode), Country: t(a.Country), Phone: t(a.Phone), Default: a.Default}
}

// countryCodes maps what people write for a country to its ISO 3166 code.
var countryCodes = map[string]string{
	"us": "US", "usa": "US", "u.s.": "US", "u.s.a.": "US", "united states": "US", "united states of america": "US", "america": "US", "美国": "US",
	"ca": "CA", "canada": "CA", "加拿大": "CA", "uk": "GB", "gb": "GB", "united kingdom": "GB", "great britain": "GB", "england": "GB", "英国": "GB",
	"de": "DE", "germany": "DE", "deutschland": "DE", "德国": "DE", "fr": "FR", "france": "FR", "法国": "FR", "au": "AU", "australia": "AU", "澳大利亚": "AU",
	"cn": "CN", "china": "CN", "prc": "CN", "中国": "CN", "中国大陆": "CN", "jp": "JP", "japan": "JP", "日本": "JP", "ie": "IE", "ireland": "IE",
	"nl": "NL", "netherlands": "NL", "it": "IT", "italy": "IT", "es": "ES", "spain": "ES", "sg": "SG", "singapore": "SG", "新加坡": "SG",
	"hk": "HK", "hong kong": "HK", "香港": "HK", "tw": "TW", "taiwan": "TW", "台湾": "TW", "nz": "NZ", "new zealand": "NZ",
}

// CountryCode is the ISO 3166 code of a country as people write it ("USA",
// "United States", "中国"), or "" when it is not one kefu knows.
func CountryCode(s string) string { return countryCodes[strings.ToLower(strings.TrimSpace(s))] }

// Normalized is a trimmed, with its country as its ISO code when kefu
// knows it (so that "United States" ships like "US").
func (a Address) Normalized() Address {
	a = a.Trimmed()
	if c := CountryCode(a.Country); c != "" {
		a.Country = c
	}
	return a
}

// ShipTo is the address as an order's ship_to: "City, Country".
func (a Address) ShipTo() string {
	if a.City == "" {
		return a.Country
	}
	return a.City + ", " + a.Country
}

// String is the address on one line, as a label shows it.
func (a Address) String() string {
	var parts []string
	for _, p := range []string{a.Name, a.Line1, a.Line2, a.City, strings.TrimSpace(a.Region + " " + a.PostalCode), a.Country} {
		if strings.TrimSpace(p) != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

// addressJSON is how an address is stored: ” for none.
func addressJSON(a *Address) string {
	if a == nil {
		return ""
	}
	c := *a
	c.Default = false
	b, _ := json.Marshal(c)
	return string(b)
}

func parseAddress(s string) *Address {
	if s == "" {
		return nil
	}
	var a Address
	if json.Unmarshal([]byte(s), &a) != nil {
		return nil
	}
	return &a
}

func addressesJSON(as []Address) string {
	if len(as) == 0 {
		return ""
	}
	b, _ := json.Marshal(as)
	return string(b)
}

func parseAddresses(s string) []Address {
	if s == "" {
		return nil
	}
	var as []Address
	json.Unmarshal([]byte(s), &as)
	return as
}

// AddressChange is one change of an order's address.
type AddressChange struct {
	Old       *Address // nil when the order had only its ship_to
	OldShipTo string
	New       Address
	ActionID  string
	ChangedAt time.Time
}

// ChangeOrderAddress executes the pending action actionID by giving its
// order the address a, provided, in the same transaction, that the order
// has not shipped (ErrConflict if it has). The old address goes to the
// order's address history. A second call for the same action returns the
// stored action with ErrActionNotPending.
func (s *Store) ChangeOrderAddress(ctx context.Context, actionID string, a Address) (*PendingAction, error) {
	a = a.Trimmed()
	a.Default = false
	return s.execAction(ctx, actionID, func(tx *sql.Tx, act *PendingAction) (any, error) {
		var oldAddr, oldShipTo, status string
		err := tx.QueryRowContext(ctx, `SELECT address, ship_to, status FROM orders WHERE id = ?`, act.OrderID).
			Scan(&oldAddr, &oldShipTo, &status)
		if err != nil {
			return nil, notFound(err, fmt.Sprintf("order %d", act.OrderID))
		}
		if status != OrderPendingPayment && status != OrderPaid {
			return nil, ErrConflict
		}
		now := s.now()
		if _, err := tx.ExecContext(ctx, `UPDATE orders SET address = ?, ship_to = ? WHERE id = ?`,
			addressJSON(&a), a.ShipTo(), act.OrderID); err != nil {
			return nil, fmt.Errorf("store: unable to change the order's address: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO order_address_changes (order_id, old_address, old_ship_to, new_address, action_id, changed_at)
			VALUES (?, ?, ?, ?, ?, ?)`, act.OrderID, oldAddr, oldShipTo, addressJSON(&a), actionID, ms(now)); err != nil {
			return nil, fmt.Errorf("store: unable to record the address change: %w", err)
		}
		return map[string]any{"kind": act.Kind, "changed_at": now, "address": a}, nil
	})
}

// AddressHistory returns an order's address changes, oldest first.
func (s *Store) AddressHistory(ctx context.Context, orderID int64) ([]AddressChange, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	rows, err := s.r.QueryContext(ctx, `
		SELECT old_address, old_ship_to, new_address, COALESCE(action_id, ''), changed_at
		FROM order_address_changes WHERE order_id = ? ORDER BY id`, orderID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to fetch address history: %w", err)
	}
	defer rows.Close()
	var out []AddressChange
	for rows.Next() {
		var c AddressChange
		var old, nw string
		var at int64
		if err := rows.Scan(&old, &c.OldShipTo, &nw, &c.ActionID, &at); err != nil {
			return nil, fmt.Errorf("store: unable to fetch address history: %w", err)
		}
		c.Old, c.ChangedAt = parseAddress(old), fromMS(at)
		if n := parseAddress(nw); n != nil {
			c.New = *n
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
