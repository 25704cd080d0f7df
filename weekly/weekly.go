// Package weekly is the domain of weekly backlog summaries: when they are
// due, in whose time zone, which week they belong to, and whether a late
// one is still worth posting. It imports neither Slack nor Redis.
package weekly

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/priobot/priobot/prio"
)

// Schedule is a channel's weekly summary: a weekday and a time of day in a
// time zone.
type Schedule struct {
	Weekday      time.Weekday
	Hour, Minute int
	Zone         string // IANA name, e.g. Europe/Berlin
}

// String writes a schedule as it is stored and typed: "monday 09:00 Europe/Berlin".
func (s Schedule) String() string {
	return fmt.Sprintf("%s %02d:%02d %s", strings.ToLower(s.Weekday.String()), s.Hour, s.Minute, s.Zone)
}

// Location loads the schedule's zone.
func (s Schedule) Location() (*time.Location, error) {
	loc, err := time.LoadLocation(s.Zone)
	if err != nil || s.Zone == "" || strings.EqualFold(s.Zone, "local") {
		return nil, prio.Errorf(prio.Invalid, "%s is not a time zone; use a name like Europe/Berlin or America/New_York.", prio.Quote(s.Zone))
	}
	return loc, nil
}

// Parse reads "<weekday> <HH:MM> [Area/City]"; zone fills in a missing zone
// (the scheduling person's own). A weekday may be abbreviated (mon, tue…).
func Parse(args, zone string) (Schedule, error) {
	f := strings.Fields(args)
	if len(f) < 2 || len(f) > 3 {
		return Schedule{}, prio.Errorf(prio.Invalid, "Schedule the weekly summary like `/backlog schedule monday 09:00 Europe/Berlin` (the zone is optional).")
	}
	day, ok := weekday(f[0])
	if !ok {
		return Schedule{}, prio.Errorf(prio.Invalid, "%s is not a weekday; use monday … sunday (or mon … sun).", prio.Quote(f[0]))
	}
	h, m, ok := clock(f[1])
	if !ok {
		return Schedule{}, prio.Errorf(prio.Invalid, "%s is not a time of day; use 24-hour HH:MM, like 09:00 or 17:30.", prio.Quote(f[1]))
	}
	s := Schedule{Weekday: day, Hour: h, Minute: m, Zone: zone}
	if len(f) == 3 {
		s.Zone = f[2]
	}
	if _, err := s.Location(); err != nil {
		return Schedule{}, err
	}
	return s, nil
}

// FromString reads a stored schedule.
func FromString(stored string) (Schedule, error) {
	f := strings.Fields(stored)
	if len(f) != 3 {
		return Schedule{}, fmt.Errorf("bad stored schedule %q", stored)
	}
	return Parse(stored, "")
}

func weekday(s string) (time.Weekday, bool) {
	s = strings.ToLower(s)
	for d := time.Sunday; d <= time.Saturday; d++ {
		name := strings.ToLower(d.String())
		if s == name || (len(s) >= 3 && strings.HasPrefix(name, s)) {
			return d, true
		}
	}
	return 0, false
}

func clock(s string) (int, int, bool) {
	hs, ms, ok := strings.Cut(s, ":")
	h, err1 := strconv.Atoi(hs)
	m, err2 := strconv.Atoi(ms)
	if !ok || err1 != nil || err2 != nil || len(ms) != 2 || len(hs) > 2 || h < 0 || h > 23 || m < 0 || m > 59 {
		return 0, 0, false
	}
	return h, m, true
}

// Next is the first run strictly after t. Runs follow the wall clock of the
// zone: 09:00 stays 09:00 across daylight-saving changes; a time that does
// not exist that day (skipped by a spring change) runs at the same offset
// after the change, as Go's time.Date normalises it.
func (s Schedule) Next(t time.Time) time.Time {
	loc, err := s.Location()
	if err != nil {
		loc = time.UTC
	}
	local := t.In(loc)
	for days := 0; days <= 7; days++ {
		d := local.AddDate(0, 0, days)
		run := time.Date(d.Year(), d.Month(), d.Day(), s.Hour, s.Minute, 0, 0, loc)
		if run.Weekday() == s.Weekday && run.After(t) {
			return run
		}
	}
	// Unreachable: some day of the next eight is the weekday.
	return local.AddDate(0, 0, 7)
}

// Week names the ISO week a run falls in, in the schedule's zone: "2026-W48".
func (s Schedule) Week(run time.Time) string {
	loc, err := s.Location()
	if err != nil {
		loc = time.UTC
	}
	y, w := run.In(loc).ISOWeek()
	return fmt.Sprintf("%d-W%02d", y, w)
}

// Late says what to do with a run that was due at due when the bot comes
// to it at now: post it ("late" when more than grace passed), or skip it
// because its day is over in the schedule's zone.
func (s Schedule) Late(due, now time.Time, grace time.Duration) (post, late bool) {
	if now.Sub(due) <= grace {
		return true, false
	}
	loc, err := s.Location()
	if err != nil {
		loc = time.UTC
	}
	dy, dm, dd := due.In(loc).Date()
	ny, nm, nd := now.In(loc).Date()
	if dy == ny && dm == nm && dd == nd {
		return true, true
	}
	return false, false
}

// Due is a channel's summary whose run time has come.
type Due struct {
	Team, Channel string
	At            time.Time
}

// Claim is the outcome of claiming a week's summary across replicas.
type Claim int

// The outcomes.
const (
	ClaimHeld Claim = iota // another poster holds it
	ClaimMine              // post it, then mark it done, or give the claim back
	ClaimDone              // it was posted (or skipped) already
)
