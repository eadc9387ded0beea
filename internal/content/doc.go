// Package content holds tests of what the guide says, checked on a real
// build of the site made with the pipeline:
//
//   - every English page has a Spanish translation (content/<name>.es.md)
//     with the same front matter keys and the same phone shortcodes, built
//     to es/<name>.html with <html lang="es">; the two link to each other
//     with hreflang alternates and with the footer's language switch, and
//     links inside a Spanish page stay in Spanish;
//   - okcpd-non-emergency.vcf, the contact card both home pages link to, is
//     a strict vCard 4.0 (CRLF line endings, folded lines of at most 75
//     octets) whose number, organization, URL and hours come from
//     data/contacts.toml;
//   - each home page carries schema.org JSON-LD (a GovernmentOrganization
//     with its non-emergency contact point) built from the same data.
//
// The package has no code of its own; it exists for its tests.
package content
