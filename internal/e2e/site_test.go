package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"golang.org/x/net/html"

	"github.com/okcguide/guide/internal/contacts"
	"github.com/okcguide/guide/internal/pipeline"
	"github.com/okcguide/guide/internal/sitetest"
)

// subPath is where the test server puts the guide, as a host that serves
// it from a folder of a bigger site would.
const subPath = "/okc/guide/"

// site is one built copy of the guide and the server that serves it.
type site struct {
	Src  string           // source copy
	Dir  string           // built output, served
	Srv  *httptest.Server // serves Dir under subPath
	Base string           // the guide's address, ending in subPath
	// BaseURL is the base URL the build was given: Base, or "" for none.
	BaseURL string

	mu        sync.Mutex
	downloads map[string]int           // files the service worker got with status 200, by path
	asked     map[string]int           // the service worker's requests, any outcome, by path
	failures  map[string]failure       // by path relative to the site's root
	hangs     map[string]int           // how many more requests of a path get no answer
	holds     map[string]chan struct{} // paths answered only once the channel closes
	hangups   map[string]int           // endless failed answers the browser hung up, by path
	release   chan struct{}            // closed when the test ends: held requests end
}

// failure is a status a path answers instead of its file, how many more
// times it does, and whether the answer's body never ends.
type failure struct {
	status, left int
	endless      bool
}

// fail makes the service worker's next n downloads of rel (relative to
// the site's root) answer status instead of the file.
func (s *site) fail(rel string, status, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[rel] = failure{status: status, left: n}
}

// failEndless is fail with an error page that starts and never ends, as
// from a host or proxy that stalls: the server holds each such answer
// open until the browser hangs up (counted by hungUp) or the test ends.
func (s *site) failEndless(rel string, status, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[rel] = failure{status: status, left: n, endless: true}
}

// hungUp is how many endless failed answers of rel the browser hung up.
func (s *site) hungUp(rel string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hangups[rel]
}

// hang makes the service worker's next n requests of rel (relative to the
// site's root) get no answer at all: the server holds each open, sending
// nothing, until the browser gives up on it or the test ends, as a dead
// connection on a weak signal does. Failures set with fail come after.
func (s *site) hang(rel string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hangs[rel] = n
}

// hold makes the service worker's requests of rel wait, with no answer,
// until release is called; then they are answered as usual. A download
// held longer than the worker's own timeout is given up by the browser.
func (s *site) hold(rel string) (release func()) {
	ch := make(chan struct{})
	s.mu.Lock()
	s.holds[rel] = ch
	s.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			delete(s.holds, rel)
			s.mu.Unlock()
			close(ch)
		})
	}
}

// requests returns how many times the service worker asked for rel so
// far, whatever the answer.
func (s *site) requests(rel string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.asked[rel]
}

// failuresLeft is how many more times rel will fail.
func (s *site) failuresLeft(rel string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.failures[rel].left
}

// downloaded returns how many times the service worker downloaded each
// file whole (status 200), by path relative to the site's root, and
// starts counting again from zero.
func (s *site) downloaded() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.downloads
	s.downloads = map[string]int{}
	return out
}

// hooks counts the service worker's requests and downloads, and answers
// the hangs and failures set with hang and fail. A service worker's fetch()
// is the only request with Sec-Fetch-Dest "empty" here: pages, styles,
// scripts, the manifest and sw.js itself each have their own destination.
func (s *site) hooks(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rel := strings.TrimPrefix(r.URL.Path, "/")
		if rel == "" || strings.HasSuffix(rel, "/") {
			rel += "index.html" // where Go's file server sends index.html
		}
		fromWorker := r.Header.Get("Sec-Fetch-Dest") == "empty"
		s.mu.Lock()
		if fromWorker {
			s.asked[rel]++
		}
		if fromWorker && s.hangs[rel] > 0 {
			s.hangs[rel]--
			s.mu.Unlock()
			select {
			case <-r.Context().Done(): // the browser gave up
			case <-s.release:
			}
			return
		}
		if held := s.holds[rel]; fromWorker && held != nil {
			s.mu.Unlock()
			select {
			case <-held:
			case <-r.Context().Done():
				return
			case <-s.release:
				return
			}
			s.mu.Lock()
		}
		if f := s.failures[rel]; fromWorker && f.left > 0 {
			f.left--
			s.failures[rel] = f
			s.mu.Unlock()
			if !f.endless {
				http.Error(w, http.StatusText(f.status), f.status)
				return
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(f.status)
			io.WriteString(w, "<!doctype html><title>"+http.StatusText(f.status)+"</title><p>")
			http.NewResponseController(w).Flush()
			select {
			case <-r.Context().Done():
				s.mu.Lock()
				s.hangups[rel]++
				s.mu.Unlock()
			case <-s.release:
			}
			return
		}
		s.mu.Unlock()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(rec, r)
		if fromWorker && rec.status == http.StatusOK {
			s.mu.Lock()
			s.downloads[rel]++
			s.mu.Unlock()
		}
	})
}

// statusRecorder remembers the status a handler answered with.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// newSite copies the real site, applies archive (a txtar of changed files,
// may be empty), builds it and serves it on a fresh port.
func newSite(t *testing.T, archive string) *site {
	t.Helper()
	return serveSite(t, archive, false)
}

// newSiteWithBase is newSite for a build told its address (-base-url):
// the address the test server serves it at.
func newSiteWithBase(t *testing.T, archive string) *site {
	t.Helper()
	return serveSite(t, archive, true)
}

func serveSite(t *testing.T, archive string, withBase bool) *site {
	t.Helper()
	requireBrowser(t) // skip before the build when there is no browser
	s := &site{Src: sitetest.Site(t, archive), Dir: filepath.Join(t.TempDir(), "public"),
		downloads: map[string]int{}, asked: map[string]int{}, failures: map[string]failure{},
		hangs: map[string]int{}, holds: map[string]chan struct{}{}, hangups: map[string]int{}, release: make(chan struct{})}
	mux := http.NewServeMux()
	mux.Handle(subPath, http.StripPrefix(strings.TrimSuffix(subPath, "/"), s.hooks(etag(s.Dir, http.FileServer(http.Dir(s.Dir))))))
	s.Srv = httptest.NewUnstartedServer(mux)
	s.Base = "http://" + s.Srv.Listener.Addr().String() + subPath
	if withBase {
		s.BaseURL = s.Base
	}
	t.Cleanup(s.Srv.Close)
	// Cleanups run last first: held requests end before Close waits for them.
	t.Cleanup(func() { close(s.release) })
	s.build(t)
	s.Srv.Start()
	return s
}

// etag gives each file an ETag from its content, as static hosts do. Go's
// file server validates by modification time alone, to the second, and
// the update tests deploy two builds within a second: a browser checking
// sw.js for an update would be told "not modified".
func etag(dir string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := filepath.Join(dir, filepath.FromSlash(path.Clean("/"+r.URL.Path)))
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			p = filepath.Join(p, "index.html")
		}
		if data, err := os.ReadFile(p); err == nil {
			sum := sha256.Sum256(data)
			w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:8])+`"`)
		}
		h.ServeHTTP(w, r)
	})
}

// build runs the real pipeline from s.Src into s.Dir.
func (s *site) build(t *testing.T) {
	t.Helper()
	if _, err := pipeline.Build(t.Context(), pipeline.Options{Source: s.Src, Dest: s.Dir, Log: io.Discard, BaseURL: s.BaseURL}); err != nil {
		t.Fatalf("building the site: %v", err)
	}
}

// rebuild applies archive to the source and builds again into the served
// folder, as a deploy over a live site does.
func (s *site) rebuild(t *testing.T, archive string) {
	t.Helper()
	sitetest.Apply(t, s.Src, archive)
	s.build(t)
}

// URL is the address of a page given relative to the site's root.
func (s *site) URL(rel string) string { return s.Base + rel }

func (s *site) read(t *testing.T, rel string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(s.Dir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// pages lists every page a reader browses to, as paths relative to the
// site's root: every built .html file but the offline and 404 pages, which
// a reader only meets when something is missing. (The sitemaps, which
// list the same pages, are written only by a build with a base URL.)
func (s *site) pages(t *testing.T) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(s.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".html" {
			return err
		}
		if b := filepath.Base(p); b == "offline.html" || b == "404.html" {
			return nil
		}
		rel, _ := filepath.Rel(s.Dir, p)
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	if len(out) == 0 {
		t.Fatal("the build has no pages")
	}
	return out
}

// h1 is the text of the first h1 of a built page, spaces collapsed.
func (s *site) h1(t *testing.T, rel string) string {
	t.Helper()
	h1 := sitetest.FindAll(sitetest.ParseHTML(t, rel, s.read(t, rel)), func(n *html.Node) bool { return n.Data == "h1" })
	if len(h1) == 0 {
		t.Fatalf("%s has no h1", rel)
	}
	return sitetest.Text(h1[0])
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// version is the cache version baked into the built sw.js.
func (s *site) version(t *testing.T) string {
	t.Helper()
	m := regexp.MustCompile(`VERSION\s*=\s*["']([^"']+)["']`).FindSubmatch(s.read(t, "sw.js"))
	if m == nil {
		t.Fatal("sw.js: no VERSION")
	}
	return string(m[1])
}

// tels are the tel: links of the two numbers every page must offer, from
// the site's contact data.
func (s *site) tels(t *testing.T) []string {
	t.Helper()
	c, err := contacts.Load(s.Src)
	if err != nil {
		t.Fatal(err)
	}
	return []string{"tel:" + c.NonEmergency.Tel, "tel:" + c.Emergency.Tel}
}
