package voice

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Hours are a shop's opening hours in its time zone: for each weekday the
// spans when a person answers. The zero value has no hours at all, which
// kefu reads as "always staffed" (a shop that set none).
type Hours struct {
	Zone  *time.Location
	spans [7][]span // by time.Weekday
	set   bool
}

type span struct{ from, to int } // minutes after midnight, from < to ≤ 1440

var dayNames = map[string]time.Weekday{"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday,
	"wed": time.Wednesday, "thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday}

// ParseHours reads hours such as "Mon-Fri 09:00-18:00, Sat 10:00-14:00" in
// the IANA zone (such as Asia/Shanghai). Blank spec: no hours (always
// staffed). Each error names the part it refuses.
func ParseHours(spec, zone string) (Hours, error) {
	var h Hours
	zone = strings.TrimSpace(zone)
	if zone == "" {
		zone = "UTC"
	}
	loc, err := time.LoadLocation(zone)
	if err != nil || strings.EqualFold(zone, "local") {
		return h, fmt.Errorf("time zone %q: want an IANA zone such as Asia/Shanghai or Europe/Berlin", zone)
	}
	h.Zone = loc
	if strings.TrimSpace(spec) == "" {
		return h, nil
	}
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		days, times, ok := strings.Cut(part, " ")
		if !ok {
			return h, fmt.Errorf("hours %q: want days and times, such as Mon-Fri 09:00-18:00", part)
		}
		first, last, err := dayRange(days)
		if err != nil {
			return h, fmt.Errorf("hours %q: %w", part, err)
		}
		s, err := timeRange(strings.TrimSpace(times))
		if err != nil {
			return h, fmt.Errorf("hours %q: %w", part, err)
		}
		for d := first; ; d = (d + 1) % 7 {
			for _, o := range h.spans[d] {
				if s.from < o.to && o.from < s.to {
					return h, fmt.Errorf("hours %q: overlaps other hours on %s", part, d)
				}
			}
			h.spans[d] = append(h.spans[d], s)
			if d == last {
				break
			}
		}
		h.set = true
	}
	return h, nil
}

func dayRange(s string) (time.Weekday, time.Weekday, error) {
	a, b, isRange := strings.Cut(s, "-")
	first, ok1 := dayNames[strings.ToLower(strings.TrimSpace(a))]
	last, ok2 := first, true
	if isRange {
		last, ok2 = dayNames[strings.ToLower(strings.TrimSpace(b))]
	}
	if !ok1 || !ok2 {
		return 0, 0, errors.New("days are Mon, Tue, Wed, Thu, Fri, Sat, Sun or a range such as Mon-Fri")
	}
	return first, last, nil
}

func timeRange(s string) (span, error) {
	a, b, ok := strings.Cut(s, "-")
	from, err1 := clock(a)
	to, err2 := clock(b)
	if !ok || err1 != nil || err2 != nil {
		return span{}, errors.New("times are HH:MM-HH:MM, such as 09:00-18:00")
	}
	if from >= to {
		return span{}, errors.New("the closing time must be after the opening time (24:00 for midnight)")
	}
	return span{from, to}, nil
}

func clock(s string) (int, error) {
	var hh, mm int
	s = strings.TrimSpace(s)
	if len(s) != 5 || s[2] != ':' {
		return 0, errors.New("not HH:MM")
	}
	if _, err := fmt.Sscanf(s, "%02d:%02d", &hh, &mm); err != nil || mm > 59 || hh > 24 || hh == 24 && mm != 0 {
		return 0, errors.New("not HH:MM")
	}
	return hh*60 + mm, nil
}

// Set reports whether the shop gave hours.
func (h Hours) Set() bool { return h.set }

// Open reports whether a person answers at t: always, when no hours are set.
func (h Hours) Open(t time.Time) bool {
	if !h.set {
		return true
	}
	t = t.In(h.Zone)
	m := t.Hour()*60 + t.Minute()
	for _, s := range h.spans[t.Weekday()] {
		if s.from <= m && m < s.to {
			return true
		}
	}
	return false
}

// NextOpen is the next time at or after t that the shop opens, in its
// zone; ok is false when no hours are set (or t is already open).
func (h Hours) NextOpen(t time.Time) (time.Time, bool) {
	if !h.set || h.Open(t) {
		return time.Time{}, false
	}
	t = t.In(h.Zone)
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, h.Zone)
	for i := 0; i <= 7; i++ {
		d := day.AddDate(0, 0, i)
		best := -1
		for _, s := range h.spans[d.Weekday()] {
			at := time.Date(d.Year(), d.Month(), d.Day(), s.from/60, s.from%60, 0, 0, h.Zone)
			if !at.Before(t) && (best < 0 || s.from < best) {
				best = s.from
			}
		}
		if best >= 0 {
			return time.Date(d.Year(), d.Month(), d.Day(), best/60, best%60, 0, 0, h.Zone), true
		}
	}
	return time.Time{}, false
}

var weekdayZH = [7]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

// When says when the shop opens, in the shopper's language (en, zh), in the
// shop's zone, as seen at now: "today at 09:00", "tomorrow (Saturday) at
// 10:00", "Monday at 09:00", with the zone named.
func (h Hours) When(at, now time.Time, lang string) string {
	at, now = at.In(h.Zone), now.In(h.Zone)
	y1, m1, d1 := now.Date()
	days := int(time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, time.UTC).Sub(time.Date(y1, m1, d1, 0, 0, 0, 0, time.UTC)).Hours() / 24)
	hm := at.Format("15:04")
	if lang == "zh" {
		day := weekdayZH[at.Weekday()]
		switch days {
		case 0:
			day = "今天"
		case 1:
			day = "明天（" + weekdayZH[at.Weekday()] + "）"
		}
		return fmt.Sprintf("%s %s（%s 时间）", day, hm, h.Zone)
	}
	day := at.Weekday().String()
	switch days {
	case 0:
		day = "today"
	case 1:
		day = "tomorrow (" + day + ")"
	}
	return fmt.Sprintf("%s at %s (%s time)", day, hm, h.Zone)
}
