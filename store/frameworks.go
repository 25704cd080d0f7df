package store

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/priobot/priobot/prio"
)

// A workspace's own frameworks, kept as their definitions (what
// `/backlog framework new` reads), with a revision, so that two owners
// editing one at once cannot both win: a framework is data, not code.

// workspaceFramework is one definition as stored.
type workspaceFramework struct {
	Def string `json:"def"` // prio.Framework.Definition()
	Rev int64  `json:"rev"`
	By  string `json:"by"` // who last defined it, by name
	At  int64  `json:"at"` // when, unix ms
}

// saveFramework defines a framework, or redefines it at the revision its
// editor read.
//
// KEYS[1] -> the workspace's frameworks (HASH)
// ARGV[1] -> name, ARGV[2] -> the definition (JSON, rev left out),
// ARGV[3] -> the revision read (0: a new one)
// Output: {"ok", new rev}, {"taken"} (new, but it exists), {"missing"} or
// {"stale", by} (changed meanwhile, by whom).
var saveFramework = redis.NewScript(`
local cur = redis.call("HGET", KEYS[1], ARGV[1])
local read = tonumber(ARGV[3])
if read == 0 and cur then return {"taken"} end
if read > 0 and not cur then return {"missing"} end
local rev = 1
if cur then
	local c = cjson.decode(cur)
	if c.rev ~= read then return {"stale", c.by} end
	rev = c.rev + 1
end
local f = cjson.decode(ARGV[2])
f.rev = rev
redis.call("HSET", KEYS[1], ARGV[1], cjson.encode(f))
return {"ok", tostring(rev)}
`)

// DefineFramework stores a new workspace framework; read is 0 for a new
// one, else the revision the editor started from (WorkspaceFrameworks).
// It returns the framework's new revision.
func (s *Store) DefineFramework(ctx context.Context, team string, fw prio.Framework, read int64, actor prio.Actor, now time.Time) (int64, error) {
	raw, err := json.Marshal(workspaceFramework{Def: fw.Definition(), By: actor.Name, At: now.UnixMilli()})
	if err != nil {
		return 0, err
	}
	res, err := saveFramework.Run(ctx, s.rdb, []string{frameworksKey(team)}, fw.Name, raw, read).StringSlice()
	if err != nil {
		return 0, translate(err)
	}
	switch res[0] {
	case "taken":
		return 0, prio.Errorf(prio.Conflict, "This workspace has a framework %s already: `/backlog framework edit %s: …` changes it.", prio.Quote(fw.Name), fw.Name)
	case "missing":
		return 0, prio.Errorf(prio.NotFound, "This workspace has no framework %s (any more).", prio.Quote(fw.Name))
	case "stale":
		return 0, prio.Errorf(prio.Conflict, "%s changed %s while you edited it; look at it again (`/backlog framework`) and edit that.", res[1], fw.Name)
	}
	var rev int64
	_ = json.Unmarshal([]byte(res[1]), &rev)
	return rev, nil
}

// WorkspaceFrameworks lists a workspace's frameworks by name.
func (s *Store) WorkspaceFrameworks(ctx context.Context, team string) ([]prio.WorkspaceFramework, error) {
	all, err := s.rdb.HGetAll(ctx, frameworksKey(team)).Result()
	if err != nil {
		return nil, translate(err)
	}
	var out []prio.WorkspaceFramework
	for _, raw := range all {
		if f, ok := readFramework(raw); ok {
			out = append(out, f)
		}
	}
	slices.SortFunc(out, func(a, b prio.WorkspaceFramework) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// readFramework decodes a stored definition; a definition that no longer
// reads (none should) is left out.
func readFramework(raw string) (prio.WorkspaceFramework, bool) {
	var w workspaceFramework
	if json.Unmarshal([]byte(raw), &w) != nil {
		return prio.WorkspaceFramework{}, false
	}
	fw, err := prio.ParseFramework(w.Def)
	if err != nil {
		return prio.WorkspaceFramework{}, false
	}
	return prio.WorkspaceFramework{Framework: fw, Rev: w.Rev, By: w.By, At: time.UnixMilli(w.At)}, true
}

// deleteFramework deletes a framework no backlog scores with.
//
// KEYS[1] -> the workspace's frameworks (HASH), KEYS[2] -> its users (SET)
// ARGV[1] -> name
// Output: {"ok"}, {"missing"} or {"used", channel…}.
var deleteFramework = redis.NewScript(`
if redis.call("HEXISTS", KEYS[1], ARGV[1]) == 0 then return {"missing"} end
local users = redis.call("SMEMBERS", KEYS[2])
if #users > 0 then
	table.sort(users)
	table.insert(users, 1, "used")
	return users
end
redis.call("HDEL", KEYS[1], ARGV[1])
return {"ok"}
`)

// DeleteFramework deletes a workspace framework unless a backlog scores
// with it: then it returns those backlogs and deletes nothing.
func (s *Store) DeleteFramework(ctx context.Context, team, name string) ([]string, error) {
	res, err := deleteFramework.Run(ctx, s.rdb, []string{frameworksKey(team), frameworkUsersKey(team, name)}, name).StringSlice()
	if err != nil {
		return nil, translate(err)
	}
	switch res[0] {
	case "missing":
		return nil, prio.Errorf(prio.NotFound, "This workspace has no framework %s.", prio.Quote(name))
	case "used":
		return res[1:], nil
	}
	return nil, nil
}

// FrameworkUsers lists the backlogs scoring with a workspace framework.
func (s *Store) FrameworkUsers(ctx context.Context, team, name string) ([]string, error) {
	users, err := s.rdb.SMembers(ctx, frameworkUsersKey(team, name)).Result()
	slices.Sort(users)
	return users, translate(err)
}
