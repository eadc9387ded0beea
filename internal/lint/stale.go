package lint

import (
	"time"

	"github.com/okcguide/guide/internal/contacts"
)

// checkStale warns when a page's lastVerified date is missing or older than
// maxAgeDays. A date that is not a date is an error.
func (l *linter) checkStale(p *page) {
	t, ok, err := p.fmDate("lastVerified")
	switch {
	case err != nil:
		l.errorAt(p.rel, p.fmKeyLine("lastVerified"), 1, "front-matter", "%v", err)
	case !ok:
		l.warnAt(p.rel, max(p.fmLine, 1), 1, "stale", "no lastVerified date: add the date a person last checked this page's facts, like lastVerified: %s", l.now.Format(time.DateOnly))
	default:
		l.checkAge(p.rel, p.fmKeyLine("lastVerified"), t, "this page's facts")
	}
}

// checkDataAge warns when the contact data itself is due for a check.
func (l *linter) checkDataAge() {
	l.checkAge(contacts.File, l.phones.line, l.phones.verified, "the contact facts")
}

func (l *linter) checkAge(file string, line int, verified time.Time, what string) {
	days := daysBetween(verified, l.now)
	switch {
	case days > l.cfg.MaxAgeDays:
		l.warnAt(file, line, 1, "stale", "lastVerified is %s, %d days ago (the limit is %d): check %s again, then update the date", verified.Format(time.DateOnly), days, l.cfg.MaxAgeDays, what)
	case days < -1:
		l.warnAt(file, line, 1, "stale", "lastVerified is %s, which is in the future", verified.Format(time.DateOnly))
	}
}

// daysBetween counts whole calendar days from a to b.
func daysBetween(a, b time.Time) int {
	da := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
	db := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
	return int(db.Sub(da).Hours() / 24)
}
