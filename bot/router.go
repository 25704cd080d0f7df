package bot

import (
	"regexp"
	"sort"
	"strings"

	"github.com/priobot/priobot/commands"
	"github.com/priobot/priobot/prio"
)

// router finds the route for an envelope; it is built once from the
// commands table.
type router struct {
	slash     map[string]map[string]commands.Route // command -> first word -> route
	actions   []commands.Route                     // longest action_id prefix first
	views     map[string]commands.Route
	events    map[string]commands.Route
	shortcuts map[string]commands.Route
}

func newRouter(routes []commands.Route) *router {
	r := &router{slash: map[string]map[string]commands.Route{}, views: map[string]commands.Route{}, events: map[string]commands.Route{},
		shortcuts: map[string]commands.Route{}}
	for _, rt := range routes {
		switch rt.Kind {
		case commands.Slash:
			if r.slash[rt.Name] == nil {
				r.slash[rt.Name] = map[string]commands.Route{}
			}
			if _, dup := r.slash[rt.Name][rt.Sub]; !dup { // later entries document more forms of the same route
				r.slash[rt.Name][rt.Sub] = rt
			}
		case commands.Action:
			r.actions = append(r.actions, rt)
		case commands.View:
			r.views[rt.Name] = rt
		case commands.Event:
			r.events[rt.Name] = rt
		case commands.Shortcut:
			r.shortcuts[rt.Name] = rt
		}
	}
	sort.SliceStable(r.actions, func(i, j int) bool { return len(r.actions[i].Name) > len(r.actions[j].Name) })
	return r
}

// command picks a slash command's route by its first word, falling back to
// the command's default route with the whole text.
func (r *router) command(name, text string) (commands.Route, string, bool) {
	subs, ok := r.slash[name]
	if !ok {
		return commands.Route{}, "", false
	}
	word, rest := prio.SplitWord(text)
	if rt, ok := subs[word]; ok && word != "" {
		return rt, rest, true
	}
	rt, ok := subs[""]
	return rt, strings.TrimSpace(text), ok
}

func (r *router) action(actionID string) (commands.Route, bool) {
	for _, rt := range r.actions {
		if strings.HasPrefix(actionID, rt.Name) {
			return rt, true
		}
	}
	return commands.Route{}, false
}

// slackID matches Slack's team, channel and user ids. Ids become parts of
// Redis keys, so a malformed one is refused before any handler runs.
var slackID = regexp.MustCompile(`^[A-Z0-9]{2,32}$`)

// slackTS matches a message ts: seconds and microseconds.
var slackTS = regexp.MustCompile(`^[0-9]{1,12}\.[0-9]{1,8}$`)

func validIDs(ids ...string) bool {
	for _, id := range ids {
		if !slackID.MatchString(id) {
			return false
		}
	}
	return true
}
