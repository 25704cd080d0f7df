package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/priobot/priobot/prio"
)

// The fields of an idea's HASH.
const (
	fNumber  = "number"
	fTitle   = "title"
	fDesc    = "description"
	fAuthor  = "author"
	fStatus  = "status"
	fCreated = "created" // unix milliseconds
	fCardTS  = "card_ts"
)

// CreateIdea gives idea the team's next number and stores it in its
// channel's backlog, awaiting scoring; it returns the idea and its 1-based
// place in that queue. Numbers come from one INCR per team, so they are
// never reused across goroutines, replicas or restarts.
func (s *Store) CreateIdea(ctx context.Context, idea prio.Idea) (prio.Idea, int64, error) {
	n, err := s.rdb.Incr(ctx, ideaSeqKey(idea.Team)).Result()
	if err != nil {
		return prio.Idea{}, 0, translate(err)
	}
	idea.Number = n
	place, err := createIdea.Run(ctx, s.rdb,
		[]string{ideaKey(idea.Team, idea.Channel, n), awaitingKey(idea.Team, idea.Channel)},
		n,
		fNumber, n, fTitle, idea.Title, fDesc, idea.Description, fAuthor, idea.Author,
		fStatus, string(idea.Status), fCreated, idea.Created.UnixMilli(),
	).Int64()
	if err != nil {
		return prio.Idea{}, 0, translate(err)
	}
	if place == 0 {
		return prio.Idea{}, 0, fmt.Errorf("idea number %d of team %s already in use", n, idea.Team)
	}
	// The index lives in the team's slot, so it is written apart from the
	// backlog; an idea missing from it is still listed in its own channel.
	if err := s.rdb.HSet(ctx, ideaIndexKey(idea.Team), n, idea.Channel).Err(); err != nil {
		return prio.Idea{}, 0, translate(err)
	}
	return idea, place, nil
}

// SetCardTS remembers the ts of an idea's card message.
func (s *Store) SetCardTS(ctx context.Context, team, channel string, number int64, ts string) error {
	return translate(s.rdb.HSet(ctx, ideaKey(team, channel, number), fCardTS, ts).Err())
}

// Awaiting returns up to limit of a backlog's ideas awaiting scoring, oldest
// first from offset, and how many there are in all. Two round trips: the
// page of numbers, then one pipeline of HGETALLs.
func (s *Store) Awaiting(ctx context.Context, team, channel string, offset, limit int64) ([]prio.Idea, int64, error) {
	key := awaitingKey(team, channel)
	var (
		page  *redis.StringSliceCmd
		total *redis.IntCmd
	)
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		page = p.ZRange(ctx, key, offset, offset+limit-1)
		total = p.ZCard(ctx, key)
		return nil
	})
	if err != nil {
		return nil, 0, translate(err)
	}
	ideas, err := s.ideas(ctx, team, channel, page.Val())
	return ideas, total.Val(), err
}

// ideas loads the ideas with the given numbers from one backlog, in order,
// skipping any that vanished in between.
func (s *Store) ideas(ctx context.Context, team, channel string, numbers []string) ([]prio.Idea, error) {
	if len(numbers) == 0 {
		return nil, nil
	}
	cmds := make([]*redis.MapStringStringCmd, len(numbers))
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, num := range numbers {
			n, _ := strconv.ParseInt(num, 10, 64)
			cmds[i] = p.HGetAll(ctx, ideaKey(team, channel, n))
		}
		return nil
	})
	if err != nil {
		return nil, translate(err)
	}
	out := make([]prio.Idea, 0, len(cmds))
	for _, c := range cmds {
		if h := c.Val(); len(h) > 0 {
			out = append(out, decodeIdea(team, channel, h))
		}
	}
	return out, nil
}

func decodeIdea(team, channel string, h map[string]string) prio.Idea {
	n, _ := strconv.ParseInt(h[fNumber], 10, 64)
	ms, _ := strconv.ParseInt(h[fCreated], 10, 64)
	return prio.Idea{
		Team: team, Channel: channel, Number: n,
		Title: h[fTitle], Description: h[fDesc], Author: h[fAuthor],
		Status: prio.Status(h[fStatus]), Created: time.UnixMilli(ms).UTC(),
		CardTS: h[fCardTS],
	}
}
