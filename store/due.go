package store

import (
	"context"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// due is one member of a team's schedule: a ZSET scored by when (Unix ms)
// the member falls due.
type due struct {
	team, member string
	at           time.Time
}

// dueBy lists, in every team, the members of the team's schedule (key) due
// by now, at most limit per team (0: all): the one way the scheduler finds
// poker deadlines, reminders, weekly summaries and outboxes to work on.
// On an error it returns nothing.
func (s *Store) dueBy(ctx context.Context, key func(team string) string, now time.Time, limit int64) ([]due, error) {
	teams, err := s.rdb.SMembers(ctx, teamsKey()).Result()
	if err != nil {
		return nil, translate(err)
	}
	var out []due
	for _, t := range teams {
		zs, err := s.rdb.ZRangeByScoreWithScores(ctx, key(t), &redis.ZRangeBy{
			Min: "-inf", Max: strconv.FormatInt(now.UnixMilli(), 10), Count: limit}).Result()
		if err != nil {
			return nil, translate(err)
		}
		for _, z := range zs {
			out = append(out, due{team: t, member: z.Member.(string), at: time.UnixMilli(int64(z.Score)).UTC()})
		}
	}
	return out, nil
}
