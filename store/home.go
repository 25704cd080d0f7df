package store

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// homeMemory is how long someone counts as looking at their App Home after
// opening it: past that, changes no longer publish it for them.
const homeMemory = 30 * 24 * time.Hour

// NoteHome records that user's App Home shows something of each of
// channels' backlogs, so changes there publish it again: opened, they
// opened it now; otherwise it was published again, and only backlogs it
// shows for the first time are added.
func (s *Store) NoteHome(ctx context.Context, team, user string, channels []string, opened bool, now time.Time) error {
	old := strconv.FormatInt(now.Add(-homeMemory).UnixMilli(), 10)
	seen := redis.Z{Score: float64(now.UnixMilli()), Member: user}
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		keys := backlogKeys(team, channels)
		if opened {
			keys = append(keys, homesKey(team))
		}
		for _, key := range keys {
			if opened {
				p.ZAdd(ctx, key, seen)
			} else {
				p.ZAddNX(ctx, key, seen)
			}
			p.ZRemRangeByScore(ctx, key, "-inf", "("+old)
		}
		return nil
	})
	return translate(err)
}

func backlogKeys(team string, channels []string) []string {
	keys := make([]string, len(channels))
	for i, c := range channels {
		keys[i] = backlogHomesKey(team, c)
	}
	return keys
}

// HomeViewers lists who opened their Home lately and sees something of a
// backlog there.
func (s *Store) HomeViewers(ctx context.Context, team, channel string, now time.Time) ([]string, error) {
	users, err := s.rdb.ZRangeByScore(ctx, backlogHomesKey(team, channel),
		&redis.ZRangeBy{Min: strconv.FormatInt(now.Add(-homeMemory).UnixMilli(), 10), Max: "+inf"}).Result()
	return users, translate(err)
}

// HomeViewer reports whether user opened their Home lately.
func (s *Store) HomeViewer(ctx context.Context, team, user string, now time.Time) (bool, error) {
	at, err := s.rdb.ZScore(ctx, homesKey(team), user).Result()
	if err == redis.Nil {
		return false, nil
	}
	return err == nil && at >= float64(now.Add(-homeMemory).UnixMilli()), translate(err)
}

// ClaimHomeRedraw takes the right to publish user's Home for the next
// period; false when someone else holds it.
func (s *Store) ClaimHomeRedraw(ctx context.Context, team, user string, period time.Duration) (bool, error) {
	ok, err := s.rdb.SetNX(ctx, homeRenderKey(team, user), 1, period).Result()
	return ok, translate(err)
}

// ManagedBacklogs lists the backlogs user manages, of the team's backlogs
// and the channels user submitted to (submitted): those naming them an
// owner, and those with no owners among submitted.
func (s *Store) ManagedBacklogs(ctx context.Context, team, user string, submitted []string) ([]string, error) {
	channels, err := s.rdb.SMembers(ctx, backlogsKey(team)).Result()
	if err != nil {
		return nil, translate(err)
	}
	for _, c := range submitted {
		if !slices.Contains(channels, c) {
			channels = append(channels, c)
		}
	}
	slices.Sort(channels)
	owner := make([]*redis.BoolCmd, len(channels))
	count := make([]*redis.IntCmd, len(channels))
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, c := range channels {
			owner[i] = p.SIsMember(ctx, ownersKey(team, c), user)
			count[i] = p.SCard(ctx, ownersKey(team, c))
		}
		return nil
	})
	if err != nil {
		return nil, translate(err)
	}
	var out []string
	for i, c := range channels {
		if owner[i].Val() || (count[i].Val() == 0 && slices.Contains(submitted, c)) {
			out = append(out, c)
		}
	}
	return out, nil
}
