package store_test

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/priobot/priobot/poker"
	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/store"
)

func startSession(t *testing.T, s *store.Store, voters []string, quorum int) poker.Session {
	t.Helper()
	seed(t, s, "dark mode")
	ps := poker.Session{Team: "T1", Channel: "C1", Facilitator: "U1", Voters: voters, VoterNames: make([]string, len(voters)),
		Quorum: quorum, Created: now, Ideas: []int64{1}, State: poker.SessionOpen, Framework: "value-effort"}
	var err error
	if ps.ID, _, _, err = s.StartSession(t.Context(), ps); err != nil {
		t.Fatal(err)
	}
	return ps
}

var criteria = []string{"value", "effort"}

// 50 voters clicking on one card at once: every vote counts once, the card
// reveals once, when the last voter completes, and nothing counts after.
func TestConcurrentVotesRevealOnce(t *testing.T) {
	s := open(t)
	voters := make([]string, 50)
	for i := range voters {
		voters[i] = fmt.Sprintf("U%03d", i)
	}
	ps := startSession(t, s, voters, 0)
	var (
		wg       sync.WaitGroup
		reveals  atomic.Int32
		clickSeq atomic.Int64
	)
	for _, v := range voters {
		for _, c := range criteria {
			wg.Go(func() {
				ts := fmt.Sprintf("1764000000.%06d", clickSeq.Add(1))
				voted, err := s.Vote(t.Context(), ps, 1, 1, prio.Actor{ID: v, Name: v}, c, "5", ts, "", criteria, now)
				if err != nil {
					t.Error(err)
				}
				if voted.Revealed != "" {
					reveals.Add(1)
				}
			})
		}
	}
	wg.Wait()
	if reveals.Load() != 1 {
		t.Errorf("the card revealed %d times, want once", reveals.Load())
	}
	card, err := s.Card(t.Context(), ps, 1)
	if err != nil {
		t.Fatal(err)
	}
	if card.State != poker.CardRevealed || len(card.Voted) != 50 || len(card.Votes["value"]) != 50 || len(card.Votes["effort"]) != 50 {
		t.Errorf("card %s with %d complete voters, %d value and %d effort votes", card.State, len(card.Voted), len(card.Votes["value"]), len(card.Votes["effort"]))
	}
	if _, err := s.Vote(t.Context(), ps, 1, 1, prio.Actor{ID: "U000"}, "value", "8", "1764000001.000000", "", criteria, now); prio.ErrorCode(err) != prio.Conflict {
		t.Errorf("a vote after reveal: %v, want Conflict", err)
	}
}

func TestVotesStayHiddenUntilReveal(t *testing.T) {
	s := open(t)
	ps := startSession(t, s, nil, 0)
	for _, c := range criteria {
		if _, err := s.Vote(t.Context(), ps, 1, 1, prio.Actor{ID: "U2"}, c, "8", "1764000000.000001", "", criteria, now); err != nil {
			t.Fatal(err)
		}
	}
	card, _ := s.Card(t.Context(), ps, 1)
	if card.Votes != nil || fmt.Sprint(card.Voted) != "[U2]" {
		t.Errorf("before reveal the store shows votes %v (voted %v)", card.Votes, card.Voted)
	}
	if err := s.Reveal(t.Context(), "T1", "C1", ps.ID, 1, prio.Actor{ID: "U2"}, now); prio.ErrorCode(err) != prio.Forbidden {
		t.Errorf("a voter revealed: %v", err)
	}
	if err := s.Reveal(t.Context(), "T1", "C1", ps.ID, 1, prio.Actor{ID: "U1"}, now); err != nil {
		t.Fatal(err)
	}
	if err := s.Reveal(t.Context(), "T1", "C1", ps.ID, 1, prio.Actor{ID: "U1"}, now); prio.ErrorCode(err) != prio.Conflict {
		t.Errorf("a second reveal: %v", err)
	}
	card, _ = s.Card(t.Context(), ps, 1)
	if card.Votes["value"]["U2"] != "8" {
		t.Errorf("after reveal votes = %v", card.Votes)
	}
}

func TestDeadlineRevealsOnceAcrossReplicas(t *testing.T) {
	s := open(t)
	seed(t, s, "dark mode")
	ps := poker.Session{Team: "T1", Channel: "C1", Facilitator: "U1", Created: now, Deadline: now.Add(time.Hour),
		Ideas: []int64{1}, State: poker.SessionOpen, Framework: "value-effort"}
	var err error
	if ps.ID, _, _, err = s.StartSession(t.Context(), ps); err != nil {
		t.Fatal(err)
	}
	if due, _ := s.DueSessions(t.Context(), now); len(due) != 0 {
		t.Errorf("due before the deadline: %v", due)
	}
	later := now.Add(2 * time.Hour)
	due, err := s.DueSessions(t.Context(), later)
	if err != nil || len(due) != 1 || due[0].ID != ps.ID || due[0].Channel != "C1" {
		t.Fatalf("due = %v, %v", due, err)
	}
	var wg sync.WaitGroup
	var revealed atomic.Int32
	for range 5 { // five replicas at once
		wg.Go(func() {
			cards, err := s.RevealDue(t.Context(), ps, later)
			if err != nil {
				t.Error(err)
			}
			revealed.Add(int32(len(cards)))
		})
	}
	wg.Wait()
	if revealed.Load() != 1 {
		t.Errorf("%d reveals of one card", revealed.Load())
	}
	if due, _ := s.DueSessions(t.Context(), later); len(due) != 0 {
		t.Errorf("still due after its reveal: %v", due)
	}
}

// Ten starts racing for ideas #1 and #2, each also naming a third idea of
// its own: each of #1 and #2 gets one card, every start its own idea.
func TestStartsRacingForOneIdeaGiveItOneCard(t *testing.T) {
	s := open(t)
	for i := range 12 {
		seed(t, s, fmt.Sprintf("idea %d", i+1))
	}
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		holder = map[int64]int64{}
	)
	for i := range 10 {
		wg.Go(func() {
			own := int64(3 + i)
			ps := poker.Session{Team: "T1", Channel: "C1", Facilitator: "U1", Created: now, Ideas: []int64{1, 2, own},
				State: poker.SessionOpen, Framework: "value-effort"}
			sid, started, taken, err := s.StartSession(t.Context(), ps)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			for _, n := range started {
				if holder[n] != 0 {
					t.Errorf("#%d got a second card (sessions %d and %d)", n, holder[n], sid)
				}
				holder[n] = sid
			}
			if len(started)+len(taken) != 3 || !slices.Contains(started, own) {
				t.Errorf("a start got %v and was refused %v; want its own #%d and 3 in all", started, taken, own)
			}
		})
	}
	wg.Wait()
	inPlay, err := s.InPlay(t.Context(), "T1", "C1")
	if err != nil || len(inPlay) != 12 || inPlay[1] != holder[1] {
		t.Fatalf("in play %v (%v), want all 12 ideas, #1 with session %d", inPlay, err, holder[1])
	}
	// Once its session ends, #1 is free for another.
	ps, err := s.Session(t.Context(), "T1", "C1", holder[1])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.EndSession(t.Context(), ps, prio.Actor{ID: "U1"}, true, now); err != nil {
		t.Fatal(err)
	}
	card, _ := s.Card(t.Context(), ps, 1)
	if card.State != poker.CardClosed || card.Votes != nil {
		t.Errorf("a voting card of an ended session is %q with votes %v; want closed, votes hidden", card.State, card.Votes)
	}
	if _, started, _, err := s.StartSession(t.Context(), poker.Session{Team: "T1", Channel: "C1", Facilitator: "U1", Created: now,
		Ideas: []int64{1}, State: poker.SessionOpen, Framework: "value-effort"}); err != nil || fmt.Sprint(started) != "[1]" {
		t.Errorf("after the end #1 started %v, %v", started, err)
	}
}

// A voter's receipts on a card take turns: a vote cast while another of
// theirs is being answered leaves its response_url to that sender, who is
// handed the newest vote next.
func TestReceiptsTakeTurns(t *testing.T) {
	s := open(t)
	ps := startSession(t, s, nil, 0)
	bob := prio.Actor{ID: "U2", Name: "bob"}
	first, err := s.Vote(t.Context(), ps, 1, 1, bob, "value", "5", "1764000000.000001", "https://r/1", criteria, now)
	if err != nil || !first.Turn {
		t.Fatalf("the first vote: %+v, %v; want its turn to answer", first, err)
	}
	second, _ := s.Vote(t.Context(), ps, 1, 1, bob, "effort", "3", "1764000000.000002", "https://r/2", criteria, now)
	third, _ := s.Vote(t.Context(), ps, 1, 1, bob, "effort", "2", "1764000000.000003", "https://r/3", criteria, now)
	if second.Turn || third.Turn {
		t.Fatalf("votes cast while a receipt is on its way took a turn too: %+v %+v", second, third)
	}
	carl, _ := s.Vote(t.Context(), ps, 1, 1, prio.Actor{ID: "U3"}, "value", "8", "1764000000.000004", "https://r/4", criteria, now)
	if !carl.Turn {
		t.Error("another voter waited for bob's receipt")
	}
	next, more, err := s.ReceiptSent(t.Context(), ps, 1, bob.ID, first.Receipt, criteria, now)
	if err != nil || !more || next.Number != third.Receipt || next.URL != "https://r/3" || fmt.Sprint(next.Mine) != "[5 2]" {
		t.Fatalf("after the first receipt: %+v (more %v, %v); want the third vote's, Value 5 and Effort 2", next, more, err)
	}
	if _, more, _ := s.ReceiptSent(t.Context(), ps, 1, bob.ID, next.Number, criteria, now); more {
		t.Error("nothing is left to send, yet the turn went on")
	}
	if again, _ := s.Vote(t.Context(), ps, 1, 1, bob, "value", "8", "1764000000.000005", "https://r/5", criteria, now); !again.Turn {
		t.Error("once every receipt was sent, a new vote had to wait")
	}
	// A sender that never reports back holds the turn only for poker.ReceiptTurn.
	late, _ := s.Vote(t.Context(), ps, 1, 1, bob, "value", "3", "1764000000.000006", "https://r/6", criteria, now.Add(poker.ReceiptTurn+time.Second))
	if !late.Turn {
		t.Error("a lost sender held the turn forever")
	}
}

// Many handlers ending their turns at once share pipelines, and each is
// answered for its own voter.
func TestReceiptTurnsEndTogether(t *testing.T) {
	s := open(t)
	ps := startSession(t, s, nil, 0)
	var wg sync.WaitGroup
	for i := range 200 {
		wg.Go(func() {
			voter := prio.Actor{ID: fmt.Sprintf("U%03d", i)}
			v, err := s.Vote(t.Context(), ps, 1, 1, voter, "value", "5", "1764000000.000001", "https://r/a", criteria, now)
			if err != nil || !v.Turn {
				t.Errorf("%s: %+v %v", voter.ID, v, err)
				return
			}
			if _, more, err := s.ReceiptSent(t.Context(), ps, 1, voter.ID, v.Receipt, criteria, now); err != nil || more {
				t.Errorf("%s: more %v, %v", voter.ID, more, err)
			}
			if again, _ := s.Vote(t.Context(), ps, 1, 1, voter, "effort", "3", "1764000000.000002", "https://r/b", criteria, now); !again.Turn {
				t.Errorf("%s: the turn was not given back", voter.ID)
			}
		})
	}
	wg.Wait()
}
