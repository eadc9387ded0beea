package lint

import (
	"strings"
	"time"

	"github.com/okcguide/guide/internal/contacts"
)

// checkStale warns when a page's lastVerified date, the record of a
// person's review of the page, is older than maxAgeDays or in the future.
// A page need not have one: only a person who reviewed it adds it. A date
// that is not a date is an error.
func (l *linter) checkStale(p *page) {
	t, ok, err := p.fmDate("lastVerified")
	if !ok {
		return // most pages: no review recorded, and no line to look up
	}
	line := p.fmKeyLine("lastVerified")
	switch {
	case err != nil:
		l.errorAt(p.rel, line, 1, "front-matter", "%v", err)
	case daysBetween(t, l.now) < -1:
		l.warnAt(p.rel, line, 1, "stale", "lastVerified is %s, which is in the future", t.Format(time.DateOnly))
	default:
		l.checkAge(p.rel, line, "lastVerified", t, "this page's facts")
	}
}

// checkFacts warns while nobody has confirmed the contact facts, and when
// a recorded check is due again. (A check dated in the future never gets
// here: package contacts refuses it when it loads the data.) It also needs where the facts come from
// ([source]) in every language the site has, since every page says it:
// this is the one place that rule is checked.
func (l *linter) checkFacts() {
	f := l.phones.facts
	for lang := range l.cfg.Langs {
		if strings.TrimSpace(f.Source[lang]) == "" {
			l.errorAt(contacts.File, f.SourceLine, 1, "contacts", "[source] needs %s = \"…\": where the facts come from, in that language, for its pages", lang)
		}
	}
	checked, ok := f.Checked()
	if !ok {
		l.warnAt(contacts.File, f.SourceLine, 1, "unconfirmed", "nobody has confirmed the contact facts, so every page says so: confirm the number %s, its hours, and that online reports start at [website] %s, with the police department's official site, then record the check in [check] (see \"Before you publish\" in README.md)", f.NonEmergency.Display, f.Website.URL)
		return
	}
	l.checkAge(contacts.File, f.CheckLine, "[check] date", checked, "the contact facts")
}

// checkAge warns when a review dated verified is more than maxAgeDays
// old.
func (l *linter) checkAge(file string, line int, key string, verified time.Time, what string) {
	if days := daysBetween(verified, l.now); days > l.cfg.MaxAgeDays {
		l.warnAt(file, line, 1, "stale", "%s is %s, %d days ago (the limit is %d): check %s again, then update the date", key, verified.Format(time.DateOnly), days, l.cfg.MaxAgeDays, what)
	}
}

// daysBetween counts whole calendar days from a to b.
func daysBetween(a, b time.Time) int {
	da := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
	db := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
	return int(db.Sub(da).Hours() / 24)
}
