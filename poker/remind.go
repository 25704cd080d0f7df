package poker

import "time"

// Working hours, in each voter's own zone: reminders wait for them.
const (
	WorkStart = 9  // 09:00
	WorkEnd   = 18 // 18:00
)

// RemindAt says when a named voter who still owes votes is reminded of a
// session open from start until deadline: when three quarters of the
// voting time has passed, if that falls in their working hours (09:00 to
// 18:00 in loc); otherwise at their next 09:00, unless that comes after
// the deadline, when it goes at once (at the three-quarter mark).
func RemindAt(start, deadline time.Time, loc *time.Location) time.Time {
	due := start.Add(deadline.Sub(start) * 3 / 4)
	local := due.In(loc)
	if h := local.Hour(); h >= WorkStart && h < WorkEnd {
		return due
	}
	day := local
	if local.Hour() >= WorkEnd {
		day = local.AddDate(0, 0, 1)
	}
	next := time.Date(day.Year(), day.Month(), day.Day(), WorkStart, 0, 0, 0, loc)
	if !next.Before(deadline) {
		return due
	}
	return next
}
