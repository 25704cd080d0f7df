// Package prio is priobot's domain: ideas, their numbers and statuses, and the
// parsing of what people type. It imports neither Slack nor Redis, so every
// rule here is testable as a pure function.
package prio

import (
	"errors"
	"fmt"
)

// Code classifies an error by what the user can do about it.
type Code string

// The error vocabulary. Only Internal errors are logged; the others are
// answers to the user.
const (
	Invalid     Code = "invalid"     // the request is malformed; say how to fix it
	NotFound    Code = "not_found"   // the thing asked for does not exist (here)
	Forbidden   Code = "forbidden"   // the user may not do this
	Conflict    Code = "conflict"    // the state changed under the request
	Unavailable Code = "unavailable" // a dependency (Redis) is down; nothing was saved
	Internal    Code = "internal"    // a bug or an unexpected failure
)

// Error is an error whose Message is fit to show to a Slack user as is.
type Error struct {
	Code    Code
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with a formatted user-facing message.
func Errorf(code Code, format string, args ...any) error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, or Internal.
func ErrorCode(err error) Code {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Code
	}
	return Internal
}

// ErrorMessage returns the sentence to show a user for err. Internal errors
// get a generic apology: their details are for the log, not the channel.
func ErrorMessage(err error) string {
	if e, ok := errors.AsType[*Error](err); ok && e.Code != Internal {
		return e.Message
	}
	return "Sorry, something went wrong on priobot's side. Nothing was changed; please try again."
}

// maxEcho is how much of what a person typed an answer quotes back.
const maxEcho = 40

// Quote echoes what a person typed back to them in an answer: as they
// typed it (no Go escapes), in quotes, shortened to maxEcho characters.
func Quote(s string) string { return "“" + Shorten(s, maxEcho) + "”" }

// Shorten cuts s to at most n characters, marking the cut with "…".
func Shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
