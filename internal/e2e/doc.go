// Package e2e holds the guide's browser tests. They build the real site
// with the pipeline, serve it under a sub-path (/okc/guide/) from a local
// test server, and drive real browsers (internal/browsertest) to check
// what a visitor gets. The offline, update, precache and fault tests run in
// Chromium, Firefox ESR and WebKitGTK, each as a subtest named for the
// engine; the others drive Chromium through the DevTools protocol
// (github.com/chromedp/chromedp):
//
//   - every page works offline once the service worker is in charge, and an
//     unknown address offline shows the offline page with both call links;
//     so do a page opened with a query string and the start addresses ./
//     and es/;
//   - the guide is installable: no installability errors, and the manifest
//     and its icons load with the right type and size;
//   - an update never mixes two versions on one page and leaves only the
//     new cache: one tab gets it by the second reload, or at the next page
//     opened after coming back to the tab; with two tabs open, both show
//     the "newer version" notice and its Reload switches both;
//   - the precache survives a weak signal: a file that answers 503 once is
//     fetched again, an install that fails is resumed without downloading
//     any file twice (counted at the server), and a broken deploy leaves
//     the saved version whole offline;
//   - the faults of the field end well: a file that fails for a whole
//     visit, a download that never answers, two deploys close together,
//     a cache deleted under an install, the network gone right after a
//     hand-over;
//   - the page says when the guide is saved, in its language, and offline
//     says when the saved copy is older than the site's limit;
//   - no request leaves the site's origin;
//   - no page breaks its Content-Security-Policy, online or offline;
//   - every page passes axe-core's WCAG 2.2 AA rules at 360 px wide, in
//     light and dark mode, and Tab reaches the skip link and the two call
//     buttons first;
//   - the Install button shows only once beforeinstallprompt fires, the
//     iPhone hint only on an iPhone (in the page's language, and not again
//     once closed), neither when installed, and the Share button shares
//     the home page;
//   - Spanish pages make Chromium read the Spanish manifest;
//   - built with a base URL and served there, each page's canonical link,
//     hreflang alternates and og:image are absolute and load.
//
// The package has only tests. internal/browsertest says where each
// engine is found. A missing engine skips its tests, unless
// GUIDE_REQUIRE_BROWSER=1, which makes them fail.
//
// testdata/axe.min.js is axe-core from the npm registry; see
// testdata/README.md for its version and how to refresh it.
package e2e
