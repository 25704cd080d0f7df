package slackemu

import (
	"slices"
	"strconv"
)

// User groups and paged lists of people.

// A user group (a "subteam"): people mentioned together as @handle, whose
// members usergroups.users.list answers (Slack's Standard plans and up).
type group struct {
	ID, Team, Handle string
	Members          []string
}

// AddUserGroup adds a user group of the members' team (DefaultTeam when
// it has none) and returns its id (S…).
func (s *Server) AddUserGroup(handle string, members []string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	team := DefaultTeam
	if len(members) > 0 {
		if u, ok := s.users[members[0]]; ok {
			team = u.Team
		}
	}
	g := &group{ID: s.nextID("S"), Team: team, Handle: handle, Members: slices.Clone(members)}
	s.groups[g.ID] = g
	return g.ID
}

// groupNamedLocked finds a team's user group by its handle.
func (s *Server) groupNamedLocked(team, handle string) *group {
	for _, g := range s.groups {
		if g.Team == team && g.Handle == handle {
			return g
		}
	}
	return nil
}

// usergroupUsers serves usergroups.users.list (usergroups:read).
func (s *Server) usergroupUsers(p params) (map[string]any, error) {
	g, ok := s.groups[p["usergroup"]]
	if !ok {
		return nil, apiError("no_such_subteam")
	}
	return map[string]any{"users": slices.Clone(g.Members)}, nil
}

// membersPage pages a channel's members as conversations.members does.
func membersPage(members []string, p params) (map[string]any, error) {
	from, to, next, err := page(len(members), p)
	if err != nil {
		return nil, err
	}
	return map[string]any{"members": slices.Clone(members[from:to]), "response_metadata": map[string]any{"next_cursor": next}}, nil
}

// usersList serves users.list (users:read): the people, paged like
// conversations.members.
func (s *Server) usersList(p params) (map[string]any, error) {
	ids := sortedKeys(s.users)
	from, to, next, err := page(len(ids), p)
	if err != nil {
		return nil, err
	}
	members := make([]map[string]any, 0, to-from)
	for _, id := range ids[from:to] {
		members = append(members, userObject(s.users[id]))
	}
	return map[string]any{"members": members, "response_metadata": map[string]any{"next_cursor": next}}, nil
}

// page is the slice of n items a paged call answers: limit (default 100,
// at most 1000) from the cursor, an offset here; next is "" at the end.
func page(n int, p params) (from, to int, next string, err error) {
	limit := 100
	if l, err := strconv.Atoi(p["limit"]); err == nil && l > 0 {
		limit = min(l, 1000)
	}
	if c := p["cursor"]; c != "" {
		from, err = strconv.Atoi(c)
		if err != nil || from < 0 || from > n {
			return 0, 0, "", apiError("invalid_cursor")
		}
	}
	to = min(from+limit, n)
	if to < n {
		next = strconv.Itoa(to)
	}
	return from, to, next, nil
}
