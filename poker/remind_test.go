package poker_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/priobot/priobot/poker"
)

func TestRemindAt(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	ny, _ := time.LoadLocation("America/New_York")
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	at := func(loc *time.Location, y int, m time.Month, d, h, min int) time.Time {
		return time.Date(y, m, d, h, min, 0, 0, loc)
	}
	tests := []struct {
		name            string
		start, deadline time.Time
		loc             *time.Location
		want            time.Time
	}{
		{"three quarters falls at work", at(berlin, 2026, 12, 1, 9, 0), at(berlin, 2026, 12, 1, 17, 0), berlin, at(berlin, 2026, 12, 1, 15, 0)},
		{"it falls in the night: the next morning", at(berlin, 2026, 12, 1, 10, 0), at(berlin, 2026, 12, 3, 10, 0), berlin, at(berlin, 2026, 12, 3, 9, 0)},
		{"the same instant is night in Tokyo: its next morning", at(berlin, 2026, 12, 1, 10, 0), at(berlin, 2026, 12, 3, 10, 0), tokyo, at(tokyo, 2026, 12, 3, 9, 0)},
		{"and in New York still the working day", at(berlin, 2026, 12, 1, 10, 0), at(berlin, 2026, 12, 3, 10, 0), ny, at(berlin, 2026, 12, 2, 22, 0)},
		{"before 09:00: the same morning", at(berlin, 2026, 12, 1, 0, 0), at(berlin, 2026, 12, 1, 8, 0).Add(6 * time.Hour), berlin, at(berlin, 2026, 12, 1, 10, 30)},
		{"early: 09:00 the same day", at(berlin, 2026, 12, 1, 2, 0), at(berlin, 2026, 12, 1, 10, 0), berlin, at(berlin, 2026, 12, 1, 9, 0)},
		{"the next 09:00 is after the deadline: at once", at(berlin, 2026, 12, 1, 16, 0), at(berlin, 2026, 12, 2, 0, 0), berlin, at(berlin, 2026, 12, 1, 22, 0)},
		{"a deadline inside the night", at(berlin, 2026, 12, 1, 20, 0), at(berlin, 2026, 12, 2, 4, 0), berlin, at(berlin, 2026, 12, 2, 2, 0)},
		{"a deadline at 09:00 exactly: at once", at(berlin, 2026, 12, 1, 21, 0), at(berlin, 2026, 12, 2, 9, 0), berlin, at(berlin, 2026, 12, 2, 6, 0)},
		{"after spring forward, 09:00 is summer time", at(berlin, 2027, 3, 27, 12, 0), at(berlin, 2027, 3, 29, 12, 0), berlin, at(berlin, 2027, 3, 29, 9, 0)},
		{"after fall back, 09:00 is winter time", at(ny, 2026, 10, 31, 12, 0), at(ny, 2026, 11, 2, 12, 0), ny, at(ny, 2026, 11, 2, 9, 0)},
		{"a day of 23 hours: three quarters is 18:15, the deadline before 09:00", at(berlin, 2027, 3, 28, 0, 0), at(berlin, 2027, 3, 29, 0, 0), berlin, at(berlin, 2027, 3, 28, 18, 15)},
		{"a short session ends within the day", at(ny, 2026, 12, 1, 17, 0), at(ny, 2026, 12, 1, 18, 0), ny, at(ny, 2026, 12, 1, 17, 45)},
	}
	for _, tt := range tests {
		got := poker.RemindAt(tt.start, tt.deadline, tt.loc)
		if diff := cmp.Diff(tt.want.UTC(), got.UTC()); diff != "" {
			t.Errorf("%s: (-want +got)\n%s", tt.name, diff)
		}
	}
}
