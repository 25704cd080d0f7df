package prio

// Event is one entry of an idea's history, as the script that made the
// change recorded it.
type Event struct {
	Kind     string `json:"k"` // created, support, status, score, merged_into, merged_in, link
	At       int64  `json:"at"`
	By       string `json:"by"`
	Name     string `json:"name"`
	Via      string `json:"via,omitempty"`  // created: command, form or message; score: owner or poker
	From     string `json:"from,omitempty"` // status or score before
	To       string `json:"to,omitempty"`   // and after
	Reason   string `json:"reason,omitempty"`
	Into     int64  `json:"into,omitempty"`      // merged_into
	FromIdea int64  `json:"from_idea,omitempty"` // merged_in
	On       bool   `json:"on,omitempty"`        // support: joined (else left); link: added (else removed)
	N        int64  `json:"n,omitempty"`         // support: how many joined at once; merged_in: how many supporters moved; score: how many ratings
	URL      string `json:"url,omitempty"`
	Session  int64  `json:"session,omitempty"` // score from poker, or the round of ratings
	Value    string `json:"value,omitempty"`   // score from ratings: what was set, "reach 6.2"
}
