package weekly_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/weekly"
)

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestParse(t *testing.T) {
	tests := []struct {
		args, zone string
		want       weekly.Schedule
		err        string
	}{
		{"monday 09:00 Europe/Berlin", "", weekly.Schedule{Weekday: time.Monday, Hour: 9, Minute: 0, Zone: "Europe/Berlin"}, ""},
		{"Fri 17:30", "America/New_York", weekly.Schedule{Weekday: time.Friday, Hour: 17, Minute: 30, Zone: "America/New_York"}, ""},
		{"sun 23:59 Pacific/Kiritimati", "UTC", weekly.Schedule{Weekday: time.Sunday, Hour: 23, Minute: 59, Zone: "Pacific/Kiritimati"}, ""},
		{"funday 09:00", "UTC", weekly.Schedule{}, `“funday” is not a weekday`},
		{"mo 09:00", "UTC", weekly.Schedule{}, `“mo” is not a weekday`},
		{"monday 9", "UTC", weekly.Schedule{}, `“9” is not a time of day`},
		{"monday 24:00", "UTC", weekly.Schedule{}, `“24:00” is not a time of day`},
		{"monday 09:5", "UTC", weekly.Schedule{}, `“09:5” is not a time of day`},
		{"monday 09:00 Mars/Olympus", "UTC", weekly.Schedule{}, `“Mars/Olympus” is not a time zone`},
		{"monday 09:00 Local", "UTC", weekly.Schedule{}, `“Local” is not a time zone`},
		{"monday", "UTC", weekly.Schedule{}, "Schedule the weekly summary like"},
	}
	for _, tt := range tests {
		got, err := weekly.Parse(tt.args, tt.zone)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) || prio.ErrorCode(err) != prio.Invalid {
				t.Errorf("Parse(%q) error = %v, want %q", tt.args, err, tt.err)
			}
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" || err != nil {
			t.Errorf("Parse(%q) %v (-want +got):\n%s", tt.args, err, diff)
		}
		if back, err := weekly.FromString(got.String()); err != nil || back != got {
			t.Errorf("FromString(%q) = %v, %v", got.String(), back, err)
		}
	}
}

func TestNextAcrossDaylightSaving(t *testing.T) {
	berlin := mustLoad(t, "Europe/Berlin")
	s := weekly.Schedule{Weekday: time.Monday, Hour: 9, Zone: "Europe/Berlin"}
	// Every Monday 09:00 in Berlin, across the October and March changes.
	runs := []time.Time{}
	at := time.Date(2026, 10, 13, 12, 0, 0, 0, berlin)
	for range 26 {
		at = s.Next(at)
		runs = append(runs, at)
	}
	for i, r := range runs {
		local := r.In(berlin)
		if local.Weekday() != time.Monday || local.Hour() != 9 || local.Minute() != 0 {
			t.Errorf("run %d at %s, want a Monday 09:00 in Berlin", i, local)
		}
		if i > 0 && r.Sub(runs[i-1]) != 7*24*time.Hour && !(r.Sub(runs[i-1]) == 7*24*time.Hour+time.Hour || r.Sub(runs[i-1]) == 7*24*time.Hour-time.Hour) {
			t.Errorf("runs %d and %d are %s apart", i-1, i, r.Sub(runs[i-1]))
		}
	}
	// The week of the October change is an hour longer, of the March change an hour shorter.
	if got := runs[1].Sub(runs[0]); got != 7*24*time.Hour+time.Hour {
		t.Errorf("across 25 Oct 2026: %s, want 169h", got)
	}
	if runs[0].UTC().Hour() != 7 || runs[1].UTC().Hour() != 8 {
		t.Errorf("09:00 Berlin is 07:00 UTC in summer and 08:00 in winter: %s, %s", runs[0].UTC(), runs[1].UTC())
	}
	march := time.Date(2027, 3, 29, 9, 0, 0, 0, berlin)
	if i := indexOf(runs, march); i < 1 || runs[i].Sub(runs[i-1]) != 7*24*time.Hour-time.Hour {
		t.Errorf("Monday after the 28 Mar 2027 change should be 167h after the one before")
	}
}

func indexOf(list []time.Time, t time.Time) int {
	for i, x := range list {
		if x.Equal(t) {
			return i
		}
	}
	return -1
}

func TestNextNearMidnightFarFromUTC(t *testing.T) {
	// Monday 00:30 in Kiritimati (UTC+14) is Sunday 10:30 UTC.
	s := weekly.Schedule{Weekday: time.Monday, Hour: 0, Minute: 30, Zone: "Pacific/Kiritimati"}
	from := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC) // a Sunday in UTC
	next := s.Next(from)
	if want := time.Date(2026, 11, 22, 10, 30, 0, 0, time.UTC); !next.Equal(want) {
		t.Errorf("Next = %s, want %s", next.UTC(), want)
	}
	if s.Week(next) != "2026-W48" {
		t.Errorf("that run belongs to week %s in Kiritimati, want 2026-W48", s.Week(next))
	}
	// Sunday 23:00 in Honolulu (UTC-10) is Monday 09:00 UTC.
	h := weekly.Schedule{Weekday: time.Sunday, Hour: 23, Zone: "Pacific/Honolulu"}
	if got := h.Next(from).UTC(); !got.Equal(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("Honolulu Sunday 23:00 = %s UTC, want Monday 09:00 UTC", got)
	}
}

func TestZoneChangedAfterScheduling(t *testing.T) {
	from := time.Date(2026, 11, 23, 6, 0, 0, 0, time.UTC) // Monday
	berlin := weekly.Schedule{Weekday: time.Monday, Hour: 9, Zone: "Europe/Berlin"}
	ny := berlin
	ny.Zone = "America/New_York"
	if b, n := berlin.Next(from).UTC(), ny.Next(from).UTC(); b.Hour() != 8 || n.Hour() != 14 {
		t.Errorf("Monday 09:00 is %s in Berlin and %s in New York (UTC)", b, n)
	}
}

func TestLate(t *testing.T) {
	s := weekly.Schedule{Weekday: time.Monday, Hour: 9, Zone: "America/New_York"}
	due := time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC) // Monday 09:00 in New York
	tests := []struct {
		now        time.Time
		post, late bool
	}{
		{due.Add(30 * time.Second), true, false},
		{due.Add(9 * time.Hour), true, true},                 // 18:00 the same day in New York
		{due.Add(14*time.Hour + 59*time.Minute), true, true}, // 23:59 there: still Monday
		{due.Add(15*time.Hour + time.Minute), false, false},  // 00:01 Tuesday there: skip
	}
	for _, tt := range tests {
		post, late := s.Late(due, tt.now, 5*time.Minute)
		if post != tt.post || late != tt.late {
			t.Errorf("at %s: post %v late %v, want %v %v", tt.now, post, late, tt.post, tt.late)
		}
	}
}

// FuzzParse: any schedule text gives a schedule or a usage error.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{"monday 09:00 Europe/Berlin", "sun 23:59", "x 1:1 ../../etc/passwd", "fri 9:00 UTC"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sched, err := weekly.Parse(s, "UTC")
		if err != nil {
			if prio.ErrorCode(err) != prio.Invalid {
				t.Fatalf("Parse(%q): %v is not a usage error", s, err)
			}
			return
		}
		if next := sched.Next(time.Now()); !next.After(time.Now()) {
			t.Fatalf("Parse(%q): next run %s is not ahead", s, next)
		}
	})
}
