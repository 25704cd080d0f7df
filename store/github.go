package store

import (
	"context"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/tracker"
)

// connectGitHub connects a backlog to a repository, if the actor may
// manage the backlog: a new connection, or the same repository again (a
// paused or stopped one resumes, keeping its cursor). Another repository
// is refused while one is connected.
//
// KEYS[1] -> the connection (HASH), KEYS[2] -> owners
// ARGV[1] -> actor, ARGV[2] -> "1" if a workspace admin, ARGV[3] -> repo,
// ARGV[4] -> its web address, ARGV[5] -> label, ARGV[6] -> now (unix ms),
// ARGV[7] -> the channel's name, for what priobot writes on GitHub
// Output: "connected", "resumed", "same" (already on), "taken" (another
// repository is connected: the Output's second element names it) or "forbidden".
var connectGitHub = redis.NewScript(prelude + `
if not allowed(KEYS[2], ARGV[1], ARGV[2]) then return {"forbidden", ""} end
local c = redis.call("HMGET", KEYS[1], "repo", "state", "label")
if c[1] and c[2] ~= "off" and string.lower(c[1]) ~= string.lower(ARGV[3]) then return {"taken", c[1]} end
local outcome = "connected"
if c[1] and string.lower(c[1]) == string.lower(ARGV[3]) then
	outcome = "resumed"
	if c[2] == "on" and c[3] == ARGV[5] then outcome = "same" end
else
	redis.call("HDEL", KEYS[1], "since", "etag", "polled", "outcome")
end
redis.call("HSET", KEYS[1], "repo", ARGV[3], "url", ARGV[4], "label", ARGV[5], "by", ARGV[1], "at", ARGV[6], "state", "on", "why", "",
	"channel_name", ARGV[7])
return {outcome, ARGV[3]}
`)

// ConnectGitHub connects a backlog to a repository (see connectGitHub)
// and schedules its first poll now. It returns "connected", "resumed" or
// "same".
func (s *Store) ConnectGitHub(ctx context.Context, team, channel, channelName string, actor prio.Actor, repo tracker.Repo, label string, now time.Time) (string, error) {
	res, err := connectGitHub.Run(ctx, s.rdb, []string{githubKey(team, channel), ownersKey(team, channel)},
		actor.ID, admin(actor), repo.Name, repo.URL, label, now.UnixMilli(), channelName).StringSlice()
	if err != nil {
		return "", translate(err)
	}
	switch res[0] {
	case "forbidden":
		return "", errForbidden
	case "taken":
		return "", prio.Errorf(prio.Conflict, "This backlog is connected to %s. `/backlog github disconnect` first, then connect another repository.", res[1])
	}
	return res[0], s.scheduleGitHubPoll(ctx, team, channel, now)
}

// scheduleGitHubPoll puts a backlog's next poll in its team's schedule.
func (s *Store) scheduleGitHubPoll(ctx context.Context, team, channel string, at time.Time) error {
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.SAdd(ctx, teamsKey(), team)
		p.ZAdd(ctx, githubPollsKey(team), redis.Z{Score: float64(at.UnixMilli()), Member: channel})
		return nil
	})
	return translate(err)
}

// GitHubConnection is a backlog's connection; ok is false when it has none.
func (s *Store) GitHubConnection(ctx context.Context, team, channel string) (tracker.Connection, bool, error) {
	h, err := s.rdb.HGetAll(ctx, githubKey(team, channel)).Result()
	if err != nil || h["repo"] == "" {
		return tracker.Connection{}, false, translate(err)
	}
	since, _ := strconv.ParseInt(h["since"], 10, 64)
	c := tracker.Connection{Repo: tracker.Repo{Name: h["repo"], URL: h["url"]}, Label: h["label"], By: h["by"], At: millis(h["at"]),
		State: h["state"], Why: h["why"], Polled: millis(h["polled"]), Outcome: h["outcome"], ChannelName: h["channel_name"],
		Cursor: tracker.Cursor{ETag: h["etag"]}}
	if since > 0 {
		c.Cursor.Since = time.Unix(since, 0).UTC()
	}
	return c, true, nil
}

// disconnectGitHub stops a backlog's sync, if the actor may manage it;
// links stay.
//
// KEYS[1] -> the connection (HASH), KEYS[2] -> owners
// ARGV[1] -> actor, ARGV[2] -> "1" if a workspace admin
// Output: the repository's name, "" when none is connected, or "forbidden".
var disconnectGitHub = redis.NewScript(prelude + `
if not allowed(KEYS[2], ARGV[1], ARGV[2]) then return "forbidden" end
local c = redis.call("HMGET", KEYS[1], "repo", "state")
if not c[1] or c[2] == "off" then return "" end
redis.call("HSET", KEYS[1], "state", "off", "why", "")
return c[1]
`)

// DisconnectGitHub stops a backlog's sync and returns the repository it
// was connected to ("" for none); the ideas keep their links.
func (s *Store) DisconnectGitHub(ctx context.Context, team, channel string, actor prio.Actor) (string, error) {
	repo, err := disconnectGitHub.Run(ctx, s.rdb, []string{githubKey(team, channel), ownersKey(team, channel)}, actor.ID, admin(actor)).Text()
	if err != nil {
		return "", translate(err)
	}
	if repo == "forbidden" {
		return "", errForbidden
	}
	return repo, translate(s.rdb.ZRem(ctx, githubPollsKey(team), channel).Err())
}

// ImportIssue makes an idea of a tracker issue (idea.Issue), once per
// backlog: the script that creates the idea records the issue as its
// source. It returns the new idea and its place in the queue, or (taken)
// the number of the idea the issue made before.
func (s *Store) ImportIssue(ctx context.Context, idea prio.Idea) (created prio.Idea, place, taken int64, err error) {
	if idea.Issue == nil {
		return prio.Idea{}, 0, 0, prio.Errorf(prio.Invalid, "an imported idea needs its issue")
	}
	return s.create(ctx, idea, nil)
}

// IssueIdea is the idea a tracker issue made or was linked to in a
// backlog, 0 for none.
func (s *Store) IssueIdea(ctx context.Context, team, channel, repo string, number int) (int64, error) {
	n, err := s.rdb.HGet(ctx, sourcesKey(team, channel), issueRef(repo, number)).Int64()
	if err == redis.Nil {
		return 0, nil
	}
	return n, translate(err)
}

// DueGitHubPolls lists the backlogs, in every team, whose repository is
// due to be polled by now.
func (s *Store) DueGitHubPolls(ctx context.Context, now time.Time) ([]tracker.Due, error) {
	due, err := s.dueBy(ctx, githubPollsKey, now, 0)
	out := make([]tracker.Due, len(due))
	for i, d := range due {
		out[i] = tracker.Due{Team: d.team, Channel: d.member}
	}
	return out, err
}

// ClaimGitHubPoll takes the backlog's poll for lease, so one replica polls
// a repository at a time; it returns a token to release it with, or ""
// when another replica holds it.
func (s *Store) ClaimGitHubPoll(ctx context.Context, team, channel string, lease time.Duration) (string, error) {
	token := strconv.FormatInt(time.Now().UnixNano(), 36) + strconv.FormatInt(rand.Int64(), 36)
	ok, err := s.rdb.SetNX(ctx, githubLeaseKey(team, channel), token, lease).Result()
	if err != nil || !ok {
		return "", translate(err)
	}
	return token, nil
}

// releaseLease deletes a lease if it is still the holder's.
//
// KEYS[1] -> the lease (STRING); ARGV[1] -> the holder's token
// Output: 1 when released, 0 when it had passed to another.
var releaseLease = redis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end
return 0
`)

// notePoll records a poll of a backlog's repository, if the connection is
// still on: the cursor to resume from, what the poll found, and when to
// poll next; a disconnected or paused one is left as it is.
//
// KEYS[1] -> the connection (HASH)
// ARGV[1] -> since (unix s, "" to keep), ARGV[2] -> etag, ARGV[3] -> now
// (unix ms), ARGV[4] -> outcome, ARGV[5] -> the repository polled
// Output: 1 when recorded, 0 when the connection changed meanwhile.
var notePoll = redis.NewScript(`
local c = redis.call("HMGET", KEYS[1], "state", "repo")
if c[1] ~= "on" or c[2] ~= ARGV[5] then return 0 end
if ARGV[1] ~= "" then redis.call("HSET", KEYS[1], "since", ARGV[1], "etag", ARGV[2]) end
redis.call("HSET", KEYS[1], "polled", ARGV[3], "outcome", ARGV[4])
return 1
`)

// FinishGitHubPoll records a poll (see notePoll), schedules the next at
// next (unless the connection is off or paused) and releases the lease.
func (s *Store) FinishGitHubPoll(ctx context.Context, team, channel, lease, repo string, cur *tracker.Cursor, outcome string, now, next time.Time) error {
	since, etag := "", ""
	if cur != nil {
		since, etag = strconv.FormatInt(cur.Since.Unix(), 10), cur.ETag
	}
	on, err := notePoll.Run(ctx, s.rdb, []string{githubKey(team, channel)}, since, etag, now.UnixMilli(), outcome, repo).Int()
	if err == nil && on == 1 {
		err = s.scheduleGitHubPoll(ctx, team, channel, next)
	}
	if err == nil && on == 0 {
		err = s.rdb.ZRem(ctx, githubPollsKey(team), channel).Err()
	}
	if err == nil {
		err = releaseLease.Run(ctx, s.rdb, []string{githubLeaseKey(team, channel)}, lease).Err()
	}
	return translate(err)
}

// pauseGitHub pauses a connection that is on, saying why.
//
// KEYS[1] -> the connection (HASH)
// ARGV[1] -> why, ARGV[2] -> now (unix ms), ARGV[3] -> the repository
// Output: 1 when it paused it now, 0 when it was not on.
var pauseGitHub = redis.NewScript(`
local c = redis.call("HMGET", KEYS[1], "state", "repo")
if c[1] ~= "on" or c[2] ~= ARGV[3] then return 0 end
redis.call("HSET", KEYS[1], "state", "paused", "why", ARGV[1], "polled", ARGV[2], "outcome", "paused")
return 1
`)

// PauseGitHub pauses a backlog's sync after a refusal (why says what to
// do), until an owner connects again, and releases the lease. It reports
// whether this call paused it, so the owners are told once.
func (s *Store) PauseGitHub(ctx context.Context, team, channel, lease, repo, why string, now time.Time) (bool, error) {
	paused, err := pauseGitHub.Run(ctx, s.rdb, []string{githubKey(team, channel)}, why, now.UnixMilli(), repo).Int()
	if err == nil {
		err = s.rdb.ZRem(ctx, githubPollsKey(team), channel).Err()
	}
	if err == nil {
		err = releaseLease.Run(ctx, s.rdb, []string{githubLeaseKey(team, channel)}, lease).Err()
	}
	return paused == 1, translate(err)
}
