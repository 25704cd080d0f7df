package tracker

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/priobot/priobot/prio"
)

// StateOf is the tracker state an idea's status means: shipped closes the
// issue as completed, declined as not planned, and the statuses in play
// keep it open. A merged idea leaves its issue as it is (ok false).
func StateOf(s prio.Status) (open bool, reason string, ok bool) {
	switch s {
	case prio.StatusShipped:
		return false, Completed, true
	case prio.StatusDeclined:
		return false, NotPlanned, true
	case prio.StatusMerged:
		return false, "", false
	}
	return true, "", true
}

// Move is what an issue's state asks of its idea.
type Move int

// The moves.
const (
	Stay    Move = iota // the idea's status already means the issue's state
	Ship                // closed as completed: the idea ships
	Decline             // closed as not planned: the idea is declined
	Reopen              // opened again: a shipped or declined idea is back in play
)

// MoveFor is what an issue's state asks of an idea in status s.
func MoveFor(is Issue, s prio.Status) Move {
	switch {
	case s == prio.StatusMerged:
		return Stay // its supporters moved to another idea; that one syncs
	case !is.Open && is.Reason == NotPlanned:
		if s != prio.StatusDeclined {
			return Decline
		}
	case !is.Open:
		if s != prio.StatusShipped {
			return Ship
		}
	case s == prio.StatusShipped || s == prio.StatusDeclined:
		return Reopen
	}
	return Stay
}

// State names an issue's state in one word: "open", Completed or
// NotPlanned.
func State(is Issue) string {
	if is.Open {
		return "open"
	}
	return is.Reason
}

// StateName is the word State gives the state an idea's status means.
func StateName(open bool, reason string) string {
	if open {
		return "open"
	}
	return reason
}

// DeclineReason is the reason a decline from the tracker gives.
func DeclineReason(is Issue) string { return "closed as not planned in " + is.Ref() }

var repoName = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$`)

// ParseRepo reads "owner/repo" as typed (a GitHub URL of it works too).
func ParseRepo(raw string) (string, error) {
	name := strings.TrimSpace(raw)
	name = strings.TrimSuffix(strings.TrimPrefix(name, "<"), ">")
	if u, err := url.Parse(name); err == nil && u.Host != "" {
		name = strings.Trim(u.Path, "/")
	}
	name = strings.TrimSuffix(name, ".git")
	if !repoName.MatchString(name) || strings.HasSuffix(name, "/.") || strings.HasSuffix(name, "/..") {
		return "", prio.Errorf(prio.Invalid, "%s is not a repository; name it as owner/repo, like `/backlog github connect acme/app`.", prio.Quote(prio.Shorten(raw, 60)))
	}
	return name, nil
}

// ParseIssueURL reads a link to an issue of the repository whose web
// address is repoURL (as the tracker reports it, so an Enterprise Server's
// host works) and returns the issue's number.
func ParseIssueURL(raw, repoURL string) (int, error) {
	link, err := prio.ParseHTTPS(raw, "an issue's link", "`/backlog link #12 https://github.com/acme/app/issues/5`")
	if err != nil {
		return 0, err
	}
	base, _ := url.Parse(strings.TrimSuffix(repoURL, "/"))
	u, _ := url.Parse(link)
	path := strings.TrimSuffix(u.Path, "/")
	num, ok := strings.CutPrefix(path, base.Path+"/issues/")
	n, convErr := strconv.Atoi(num)
	if !ok || convErr != nil || n < 1 || !strings.EqualFold(u.Host, base.Host) || u.RawQuery != "" {
		return 0, prio.Errorf(prio.Invalid, "%s is not an issue of %s; link one like %s/issues/5.", prio.Quote(prio.Shorten(raw, 80)), base.Path[1:], repoURL)
	}
	return n, nil
}

// Mark is what priobot hides in the body of an issue it opens for idea n
// of a backlog: a later poll, or a retried push, knows the issue by it
// and links it rather than making an idea of it or opening another.
func Mark(team, channel string, n int64) string {
	return fmt.Sprintf("<!-- priobot:%s/%s#%d -->", team, channel, n)
}

var markRE = regexp.MustCompile(`<!-- priobot:([A-Z0-9]{1,30})/([A-Z0-9]{1,30})#([1-9][0-9]{0,17}) -->`)

// MarkOf reads the mark in an issue's body: the idea it was opened for.
func MarkOf(body string) (team, channel string, n int64, ok bool) {
	m := markRE.FindStringSubmatch(body)
	if m == nil {
		return "", "", 0, false
	}
	n, err := strconv.ParseInt(m[3], 10, 64)
	return m[1], m[2], n, err == nil
}
