package store

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/weekly"
)

// Weekly-summary keys.

// summariesDueKey (ZSET channel scored by the next run, unix ms) is a team's
// scheduled summaries: the scheduler reads only what is due.
func summariesDueKey(team string) string { return teamTag(team) + "weekly:due" }

// postedKey (STRING, expires) marks a channel's summary of one ISO week:
// "posting:<unix ms>" while one replica posts it, "done" once it did.
func postedKey(team, channel, week string) string {
	return backlogTag(team, channel) + "weekly:posted:" + week
}

// snapshotKey (HASH number -> rank, expires) is a backlog's ranking as a
// summary showed it, for the next one's movement column.
func snapshotKey(team, channel, week string) string {
	return backlogTag(team, channel) + "weekly:snapshot:" + week
}

// How long claims and snapshots are kept.
const (
	claimMemory    = 60 * 24 * time.Hour
	snapshotMemory = 10 * 7 * 24 * time.Hour
)

// setSchedule stores or clears a backlog's weekly schedule if the actor may.
//
// KEYS[1] -> meta (HASH), KEYS[2] -> owners (SET)
// ARGV[1] -> actor, ARGV[2] -> "1" if a workspace admin, ARGV[3] -> the
// schedule ("" clears it)
// Output: {"ok"} or {"forbidden"}.
var setSchedule = redis.NewScript(prelude + `
if not allowed(KEYS[2], ARGV[1], ARGV[2]) then return {"forbidden"} end
if ARGV[3] == "" then
	redis.call("HDEL", KEYS[1], "schedule")
else
	redis.call("HSET", KEYS[1], "schedule", ARGV[3])
end
return {"ok"}
`)

// takeSnapshot records this week's ranking and returns the previous week's name.
//
// KEYS[1] -> meta (HASH), KEYS[2] -> this week's snapshot (HASH)
// ARGV[1] -> this week, ARGV[2] -> expiry (s), ARGV[3..] -> number, rank pairs
// Output: the week of the snapshot before, or "".
var takeSnapshot = redis.NewScript(`
local before = redis.call("HGET", KEYS[1], "last_snapshot") or ""
if before == ARGV[1] then before = redis.call("HGET", KEYS[1], "prev_snapshot") or "" end
redis.call("DEL", KEYS[2])
if #ARGV > 2 then redis.call("HSET", KEYS[2], unpack(ARGV, 3)) end
redis.call("EXPIRE", KEYS[2], ARGV[2])
if redis.call("HGET", KEYS[1], "last_snapshot") ~= ARGV[1] then
	redis.call("HSET", KEYS[1], "prev_snapshot", before)
end
redis.call("HSET", KEYS[1], "last_snapshot", ARGV[1])
return before
`)

// SetSchedule stores a backlog's weekly schedule (as weekly.Schedule
// writes it) and when it next runs; "" turns it off.
func (s *Store) SetSchedule(ctx context.Context, team, channel string, actor prio.Actor, schedule string, next time.Time) error {
	res, err := setSchedule.Run(ctx, s.rdb, []string{metaKey(team, channel), ownersKey(team, channel)}, actor.ID, admin(actor), schedule).Slice()
	if err != nil {
		return translate(err)
	}
	if err := refusal(res, 0, ""); err != nil {
		return err
	}
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		if schedule == "" {
			p.ZRem(ctx, summariesDueKey(team), channel)
			return nil
		}
		p.SAdd(ctx, teamsKey(), team)
		p.ZAdd(ctx, summariesDueKey(team), redis.Z{Score: float64(next.UnixMilli()), Member: channel})
		return nil
	})
	return translate(err)
}

// Schedule returns a backlog's stored schedule, "" when none, and when it
// next runs (zero when none).
func (s *Store) Schedule(ctx context.Context, team, channel string) (string, time.Time, error) {
	var (
		sched *redis.StringCmd
		next  *redis.FloatCmd
	)
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		sched = p.HGet(ctx, metaKey(team, channel), "schedule")
		next = p.ZScore(ctx, summariesDueKey(team), channel)
		return nil
	})
	if err != nil && err != redis.Nil {
		return "", time.Time{}, translate(err)
	}
	if sched.Err() != nil {
		return "", time.Time{}, nil
	}
	var at time.Time
	if next.Err() == nil {
		at = time.UnixMilli(int64(next.Val())).UTC()
	}
	return sched.Val(), at, nil
}

// DueSummaries lists, in every team, the summaries due at now, oldest first.
func (s *Store) DueSummaries(ctx context.Context, now time.Time, limit int64) ([]weekly.Due, error) {
	due, err := s.dueBy(ctx, summariesDueKey, now, limit)
	out := make([]weekly.Due, len(due))
	for i, d := range due {
		out[i] = weekly.Due{Team: d.team, Channel: d.member, At: d.at}
	}
	return out, err
}

// Reschedule moves a due summary to its next run, unless it was turned off
// meanwhile, or another replica moved it already (at must still match).
func (s *Store) Reschedule(ctx context.Context, d weekly.Due, next time.Time) error {
	cur, err := s.rdb.ZScore(ctx, summariesDueKey(d.Team), d.Channel).Result()
	if err == redis.Nil || (err == nil && int64(cur) != d.At.UnixMilli()) {
		return nil
	}
	if err != nil {
		return translate(err)
	}
	return translate(s.rdb.ZAddXX(ctx, summariesDueKey(d.Team), redis.Z{Score: float64(next.UnixMilli()), Member: d.Channel}).Err())
}

// claimSummary claims a week's summary for one poster.
//
// KEYS[1] -> the week's marker (STRING)
// ARGV[1] -> now (unix ms), ARGV[2] -> after how long a claim is stale
// (its poster died), ARGV[3] -> how long the marker is kept (ms)
// Output: 1 claimed (post it), 0 another poster holds it, 2 already done.
var claimSummary = redis.NewScript(`
local v = redis.call("GET", KEYS[1])
if v == "done" then return 2 end
if v and tonumber(ARGV[1]) - tonumber(string.sub(v, 9)) <= tonumber(ARGV[2]) then return 0 end
redis.call("SET", KEYS[1], "posting:" .. ARGV[1], "PX", ARGV[3])
return 1
`)

// releaseSummary gives a claim back after a failed post, if it is still ours.
//
// KEYS[1] -> the week's marker; ARGV[1] -> the claim's value
// Output: 1 released, 0 not ours.
var releaseSummary = redis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end
return 0
`)

// summaryClaimStale is how long a claim protects a summary being posted:
// a replica that died meanwhile leaves it to another after that.
const summaryClaimStale = 10 * time.Minute

// ClaimSummary claims a channel's summary of an ISO week: exactly one
// poster at a time, however many replicas ask, and never twice once done.
// A claim older than ten minutes (its poster died) can be taken over.
func (s *Store) ClaimSummary(ctx context.Context, team, channel, week string, now time.Time) (weekly.Claim, error) {
	res, err := claimSummary.Run(ctx, s.rdb, []string{postedKey(team, channel, week)},
		now.UnixMilli(), summaryClaimStale.Milliseconds(), claimMemory.Milliseconds()).Int()
	if err != nil {
		return weekly.ClaimHeld, translate(err)
	}
	return map[int]weekly.Claim{0: weekly.ClaimHeld, 1: weekly.ClaimMine, 2: weekly.ClaimDone}[res], nil
}

// ReleaseSummary gives up a claim taken at now, so the next tick tries again.
func (s *Store) ReleaseSummary(ctx context.Context, team, channel, week string, now time.Time) error {
	return translate(releaseSummary.Run(ctx, s.rdb, []string{postedKey(team, channel, week)}, "posting:"+strconv.FormatInt(now.UnixMilli(), 10)).Err())
}

// NoteSkipped remembers that a week's summary was skipped, for the next one to say.
func (s *Store) NoteSkipped(ctx context.Context, team, channel, week string) error {
	return translate(s.rdb.HSet(ctx, metaKey(team, channel), "skipped_week", week).Err())
}

// TakeSkipped returns and forgets the week whose summary was skipped, if any.
func (s *Store) TakeSkipped(ctx context.Context, team, channel string) (string, error) {
	var week *redis.StringCmd
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		week = p.HGet(ctx, metaKey(team, channel), "skipped_week")
		p.HDel(ctx, metaKey(team, channel), "skipped_week")
		return nil
	})
	if err == redis.Nil {
		return "", nil
	}
	return week.Val(), translate(err)
}

// Snapshot records the ranking a summary shows for week and returns the
// ranks of the snapshot before it (number -> 1-based rank), or nil for a
// backlog's first summary, which has nothing to compare with.
func (s *Store) Snapshot(ctx context.Context, team, channel, week string, ranking []int64) (map[int64]int64, error) {
	args := []any{week, int64(snapshotMemory.Seconds())}
	for i, n := range ranking {
		args = append(args, n, i+1)
	}
	before, err := takeSnapshot.Run(ctx, s.rdb, []string{metaKey(team, channel), snapshotKey(team, channel, week)}, args...).Text()
	if err != nil || before == "" {
		return nil, translate(err)
	}
	return numbered(ctx, s, snapshotKey(team, channel, before), parseMember)
}

// Activity lists what changed in a backlog since since: the numbers of
// ideas submitted, scored and moved to another status, newest first.
func (s *Store) Activity(ctx context.Context, team, channel string, since time.Time) (submitted, scored, moved []int64, err error) {
	key := activityKey(team, channel)
	entries, err := s.rdb.ZRevRangeByScore(ctx, key, &redis.ZRangeBy{Min: strconv.FormatInt(since.UnixMilli(), 10), Max: "+inf"}).Result()
	if err != nil {
		return nil, nil, nil, translate(err)
	}
	for _, e := range entries {
		kind, num, _ := strings.Cut(e, ":")
		n := parseMember(num)
		switch kind {
		case "new":
			submitted = append(submitted, n)
		case "scored":
			scored = append(scored, n)
		case "status":
			moved = append(moved, n)
		}
	}
	// Older activity is of no use to any summary.
	err = s.rdb.ZRemRangeByScore(ctx, key, "-inf", "("+strconv.FormatInt(since.Add(-snapshotMemory).UnixMilli(), 10)).Err()
	return submitted, scored, moved, translate(err)
}

// NoteAgreement records how much a poker session agreed on an idea's score.
func (s *Store) NoteAgreement(ctx context.Context, team, channel string, n int64, agreement string) error {
	return translate(s.rdb.HSet(ctx, ideaKey(team, channel, n), "agreement", agreement).Err())
}
