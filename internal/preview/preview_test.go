package preview_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/okcguide/guide/internal/browsertest"
	"github.com/okcguide/guide/internal/cli"
	"github.com/okcguide/guide/internal/preview"
	"github.com/okcguide/guide/internal/sitetest"
)

// The test binary doubles as the guide command, so a test can run
// `guide serve` as its own process and interrupt it.
func TestMain(m *testing.M) {
	if os.Getenv("GUIDE_SERVE_MAIN") == "1" {
		os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
	}
	code := sitetest.RunWithTempUserCache(m)
	browsertest.Close()
	os.Exit(code)
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// server is a running preview server.
type server struct {
	url            string
	src            string
	stdout, stderr *syncBuffer
}

// start serves the site in src on a free port until the test ends, then
// checks that the server stopped and removed its build folders.
func start(t *testing.T, src string) *server {
	t.Helper()
	ln, err := preview.Listen(0)
	if err != nil {
		t.Fatal(err)
	}
	return startOn(t, ln, src)
}

// startOn is start on a given listener.
func startOn(t *testing.T, ln net.Listener, src string) *server {
	t.Helper()
	p := &server{url: "http://" + ln.Addr().String(), src: src, stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	tmp := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- preview.Run(ctx, ln, preview.Options{Source: src, Stdout: p.stdout, Stderr: p.stderr, TempDir: tmp})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("the server did not stop within 5 s of being cancelled")
		}
		if left, _ := os.ReadDir(tmp); len(left) > 0 {
			t.Errorf("the server left %d entries in its temporary folder, first %s", len(left), left[0].Name())
		}
	})
	return p
}

type response struct {
	status int
	header http.Header
	body   string
}

func get(t *testing.T, url string) response {
	t.Helper()
	c := &http.Client{
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	res, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{res.StatusCode, res.Header, string(body)}
}

// event is one Server-Sent Event, with the time it arrived.
type event struct {
	name, data string
	at         time.Time
}

// stream reads the preview's event stream as a browser's EventSource does.
type stream struct {
	events chan event
}

func listen(t *testing.T, base string) *stream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+preview.EventsPath, nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("event stream Content-Type %q", ct)
	}
	s := &stream{events: make(chan event, 64)}
	go func() {
		defer close(s.events)
		sc := bufio.NewScanner(res.Body)
		var name string
		var data []string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if name != "" || data != nil {
					s.events <- event{name, strings.Join(data, "\n"), time.Now()}
				}
				name, data = "", nil
			case strings.HasPrefix(line, "event: "):
				name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				data = append(data, strings.TrimPrefix(line, "data: "))
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		res.Body.Close()
	})
	return s
}

// waitFor returns the next event called name, skipping others, or fails
// the test when none comes within d.
func (s *stream) waitFor(t *testing.T, name string, d time.Duration) event {
	t.Helper()
	d *= slowdown
	deadline := time.After(d)
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				t.Fatalf("the event stream ended while waiting for %q", name)
			}
			if ev.name == name {
				return ev
			}
		case <-deadline:
			t.Fatalf("no %q event within %v", name, d)
		}
	}
}

// quiet fails the test if any event arrives within d.
func (s *stream) quiet(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case ev := <-s.events:
		t.Fatalf("unexpected %q event (%q)", ev.name, ev.data)
	case <-time.After(d):
	}
}

// write replaces a file of the site, the way an editor saves.
func write(t *testing.T, dir, name, content string) time.Time {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return time.Now()
}

func read(t *testing.T, dir, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

var buildAttr = regexp.MustCompile(`<script src="/_guide/reload\.js" data-build="([^"]*)" defer></script>`)

// buildOf returns the build id in a served page's reload script, and fails
// the test when the page has no reload script or more than one.
func buildOf(t *testing.T, page string) string {
	t.Helper()
	m := buildAttr.FindAllStringSubmatch(page, -1)
	if len(m) != 1 {
		t.Fatalf("want one reload script in the page, found %d", len(m))
	}
	return m[0][1]
}

func TestServesTheSiteWithTheReloadScript(t *testing.T) {
	p := start(t, sitetest.CopySite(t))

	for _, path := range []string{"/", "/about.html", "/es/"} {
		r := get(t, p.url+path)
		if r.status != 200 {
			t.Fatalf("GET %s: %d", path, r.status)
		}
		if !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
			t.Errorf("GET %s: Content-Type %q", path, r.header.Get("Content-Type"))
		}
		if id := buildOf(t, r.body); id == "" {
			t.Errorf("GET %s: the reload script names no build", path)
		}
		i := strings.Index(r.body, `<script src="/_guide/reload.js"`)
		if j := strings.LastIndex(r.body, "</body>"); j >= 0 && j < i {
			t.Errorf("GET %s: the reload script comes after </body>", path)
		}
		if !strings.Contains(r.body, "data-no-sw") {
			t.Errorf("GET %s: a preview page must carry data-no-sw, so register.js skips the service worker", path)
		}
		if !strings.Contains(r.body, `http-equiv=Content-Security-Policy`) {
			t.Errorf("GET %s: the page lost its CSP meta tag", path)
		}
	}

	// Everything is no-store and carries the site's CSP, which allows the
	// same-origin reload script and event stream.
	for _, path := range []string{"/", "/manifest.webmanifest", "/icons/icon.svg", preview.ReloadScript, preview.ReloadStyle, preview.WorkerPath, "/nope.html"} {
		r := get(t, p.url+path)
		if cc := r.header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("GET %s: Cache-Control %q, want no-store", path, cc)
		}
		if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("GET %s: Content-Security-Policy %q", path, csp)
		}
	}

	js := get(t, p.url+preview.ReloadScript)
	if js.status != 200 || !strings.HasPrefix(js.header.Get("Content-Type"), "text/javascript") {
		t.Fatalf("reload script: %d %q", js.status, js.header.Get("Content-Type"))
	}
	for _, want := range []string{"new EventSource('/_guide/events')", "location.reload()", "textContent", "'/_guide/reload.css'"} {
		if !strings.Contains(js.body, want) {
			t.Errorf("reload script lacks %q", want)
		}
	}
	if strings.Contains(js.body, "innerHTML") || strings.Contains(js.body, "setAttribute('style'") {
		t.Error("the reload script must insert text only and leave styles to reload.css")
	}

	sw := get(t, p.url+preview.WorkerPath)
	if sw.status != 200 || !strings.HasPrefix(sw.header.Get("Content-Type"), "text/javascript") {
		t.Fatalf("sw.js: %d %q", sw.status, sw.header.Get("Content-Type"))
	}
	for _, want := range []string{"skipWaiting()", "caches.delete(", "registration.unregister()"} {
		if !strings.Contains(sw.body, want) {
			t.Errorf("the preview's sw.js lacks %q", want)
		}
	}
	if strings.Contains(sw.body, "PRECACHE") {
		t.Error("the preview serves the production service worker")
	}

	if m := get(t, p.url+"/manifest.webmanifest"); m.status != 200 || m.header.Get("Content-Type") != "application/manifest+json" {
		t.Errorf("manifest: %d %q", m.status, m.header.Get("Content-Type"))
	}

	nf := get(t, p.url+"/nope.html")
	if nf.status != 404 || !strings.Contains(nf.body, "<h1>") {
		t.Errorf("missing page: %d, want 404 with the site's 404 page", nf.status)
	}
	buildOf(t, nf.body)

	if r := get(t, p.url+"/es"); r.status != 301 || r.header.Get("Location") != "/es/" {
		t.Errorf("GET /es: %d to %q, want 301 to /es/", r.status, r.header.Get("Location"))
	}
	if r := get(t, p.url+"/%2e%2e/hugo.toml"); r.status != 404 || strings.Contains(r.body, "baseURL") {
		t.Errorf("GET /../hugo.toml: %d; the source must not be reachable", r.status)
	}
	res, err := http.Post(p.url+"/", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /: %d, want 405", res.StatusCode)
	}
	if !strings.Contains(p.stdout.String(), "Serving the guide at "+p.url+"/") {
		t.Errorf("stdout does not give the address:\n%s", p.stdout)
	}
}

func TestEditReloadsWithTheNewText(t *testing.T) {
	p := start(t, sitetest.CopySite(t))
	page := get(t, p.url+"/about.html").body
	id := buildOf(t, page)
	if !strings.Contains(page, ">Works offline</h2>") {
		t.Fatal("about.html lacks the heading this test edits")
	}
	ev := listen(t, p.url)
	if hello := ev.waitFor(t, "hello", 2*time.Second); hello.data != id {
		t.Fatalf("hello names build %q, the page %q", hello.data, id)
	}

	var lat []time.Duration
	src := read(t, p.src, "content/about.md")
	for i := 1; i <= 5; i++ {
		heading := fmt.Sprintf("Works offline, edit %d", i)
		saved := write(t, p.src, "content/about.md", strings.Replace(src, "## Works offline", "## "+heading, 1))
		r := ev.waitFor(t, "reload", 2*time.Second)
		lat = append(lat, r.at.Sub(saved))
		if r.data == id {
			t.Fatalf("edit %d: reload names the old build %q", i, id)
		}
		id = r.data
		page := get(t, p.url+"/about.html").body
		if !strings.Contains(page, ">"+heading+"</h2>") {
			t.Fatalf("edit %d: after the reload event the page lacks the new heading %q", i, heading)
		}
		if got := buildOf(t, page); got != id {
			t.Fatalf("edit %d: the page is build %q, the reload named %q", i, got, id)
		}
	}
	slices.Sort(lat)
	t.Logf("save to reload event, 5 edits: min %v, median %v, max %v", lat[0].Round(time.Millisecond), lat[2].Round(time.Millisecond), lat[4].Round(time.Millisecond))
	if lat[2] > time.Second*slowdown {
		t.Errorf("median time from save to reload is %v, want under 1 s", lat[2])
	}
}

func TestBrokenFrontMatterKeepsTheLastGoodBuild(t *testing.T) {
	p := start(t, sitetest.CopySite(t))
	good := get(t, p.url+"/about.html")
	id := buildOf(t, good.body)
	ev := listen(t, p.url)
	ev.waitFor(t, "hello", 2*time.Second)

	src := read(t, p.src, "content/about.md")
	broken := strings.Replace(src, `title: "About this guide"`, `title: "About this guide`, 1)
	if broken == src {
		t.Fatal("about.md lacks the title line this test breaks")
	}
	write(t, p.src, "content/about.md", broken)
	bad := ev.waitFor(t, "errors", 2*time.Second)
	if !strings.Contains(bad.data, "content/about.md:") {
		t.Fatalf("the errors event does not name content/about.md:\n%s", bad.data)
	}
	for _, line := range strings.Split(bad.data, "\n") {
		if !strings.Contains(p.stderr.String(), line+"\n") {
			t.Errorf("the terminal lacks the problem %q; stderr:\n%s", line, p.stderr)
		}
	}
	if !strings.Contains(p.stderr.String(), "still serving the last good build") {
		t.Errorf("the terminal does not say the last good build is served:\n%s", p.stderr)
	}

	// The last good build is still served, byte for byte.
	if now := get(t, p.url+"/about.html"); now.status != 200 || now.body != good.body {
		t.Fatalf("after the failed build /about.html changed (status %d)", now.status)
	}
	// A page opened now learns of the problem as soon as it connects.
	late := listen(t, p.url)
	if h := late.waitFor(t, "hello", 2*time.Second); h.data != id {
		t.Errorf("hello after a failed build names %q, want the last good %q", h.data, id)
	}
	if e := late.waitFor(t, "errors", 2*time.Second); e.data != bad.data {
		t.Errorf("a new stream got errors %q, want %q", e.data, bad.data)
	}

	// Fixing the file reloads the pages with the fixed build.
	write(t, p.src, "content/about.md", strings.Replace(src, "## Works offline", "## Works offline again", 1))
	r := ev.waitFor(t, "reload", 2*time.Second)
	if r.data == id {
		t.Fatal("the reload after the fix names the old build")
	}
	if page := get(t, p.url+"/about.html").body; !strings.Contains(page, ">Works offline again</h2>") || buildOf(t, page) != r.data {
		t.Error("after the fix the served page is not the new build")
	}
	late.waitFor(t, "reload", 2*time.Second)
}

func TestFirstBuildFailsThenRecovers(t *testing.T) {
	src := sitetest.CopySite(t)
	good := read(t, src, "content/about.md")
	write(t, src, "content/about.md", strings.Replace(good, `title: "About this guide"`, `title: [unclosed`, 1))
	p := start(t, src)

	r := get(t, p.url+"/about.html")
	if r.status != http.StatusServiceUnavailable {
		t.Fatalf("with no good build: status %d, want 503", r.status)
	}
	if !strings.Contains(r.body, "content/about.md:") || !strings.Contains(r.body, `id="guide-serve-errors"`) {
		t.Errorf("the page does not list the problem:\n%s", r.body)
	}
	if id := buildOf(t, r.body); id != "" {
		t.Errorf("with no good build the page names build %q", id)
	}
	ev := listen(t, p.url)
	if h := ev.waitFor(t, "hello", 2*time.Second); h.data != "" {
		t.Errorf("hello names build %q before any good build", h.data)
	}
	ev.waitFor(t, "errors", 2*time.Second)

	write(t, src, "content/about.md", good)
	rl := ev.waitFor(t, "reload", 2*time.Second)
	page := get(t, p.url+"/about.html")
	if page.status != 200 || buildOf(t, page.body) != rl.data || !strings.Contains(page.body, "<h1>About this guide</h1>") {
		t.Errorf("after the fix: status %d, want the built page", page.status)
	}
}

func TestWatchesNewFoldersAndIgnoresEditorFiles(t *testing.T) {
	p := start(t, sitetest.CopySite(t))
	ev := listen(t, p.url)
	ev.waitFor(t, "hello", 2*time.Second)

	// A new folder, with a partial the footer now uses.
	if err := os.MkdirAll(filepath.Join(p.src, "layouts/_partials/extra"), 0o755); err != nil {
		t.Fatal(err)
	}
	sitetest.Apply(t, p.src, "-- layouts/_partials/extra/note.html --\n<p class=\"note\">Note one</p>\n")
	sitetest.Edit(t, p.src, "layouts/_partials/footer.html", `</footer>`, `{{ partial "extra/note.html" . }}</footer>`)
	ev.waitFor(t, "reload", 2*time.Second)
	if !strings.Contains(get(t, p.url+"/").body, "Note one") {
		t.Fatal("the page lacks the new partial")
	}
	// Editing a file in the new folder rebuilds too.
	write(t, p.src, "layouts/_partials/extra/note.html", `<p class="note">Note two</p>`)
	ev.waitFor(t, "reload", 2*time.Second)
	if !strings.Contains(get(t, p.url+"/").body, "Note two") {
		t.Fatal("an edit in a new folder did not reach the page")
	}

	// Swap and backup files, files outside the watched folders, and a
	// touch do not rebuild.
	write(t, p.src, "content/.about.md.swp", "x")
	write(t, p.src, "content/about.md~", "x")
	write(t, p.src, "notes.txt", "x")
	now := time.Now()
	if err := os.Chtimes(filepath.Join(p.src, "content/about.md"), now, now); err != nil {
		t.Fatal(err)
	}
	ev.quiet(t, 500*time.Millisecond)

	// hugo.toml is watched even when an editor replaces it.
	cfg := read(t, p.src, "hugo.toml")
	tmp := filepath.Join(p.src, "hugo.toml.new")
	if err := os.WriteFile(tmp, []byte(strings.Replace(cfg, `title = "OKC Police Non-Emergency Guide"`+"\ndefaultContentLanguage", `title = "OKC Guide Preview"`+"\ndefaultContentLanguage", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(p.src, "hugo.toml")); err != nil {
		t.Fatal(err)
	}
	ev.waitFor(t, "reload", 2*time.Second)
}

func TestInject(t *testing.T) {
	tag := preview.Tag("b1")
	for _, c := range []struct{ in, want string }{
		{"<p>a</p></body></html>", "<p>a</p>" + tag + "</body></html>"},
		{"<p>a</BODY></HTML>", "<p>a" + tag + "</BODY></HTML>"},
		{"<p>a</p>", "<p>a</p>" + tag},
		{"<p>&lt;/body&gt;</p></body>", "<p>&lt;/body&gt;</p>" + tag + "</body>"},
	} {
		if got := string(preview.Inject([]byte(c.in), "b1")); got != c.want {
			t.Errorf("Inject(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := preview.Tag(`"><script>`); strings.Contains(got, `"><script>`) {
		t.Errorf("Tag does not escape the id: %s", got)
	}
}

// TestSteadyChangesStillRebuild: a file saved over and over, faster than
// the quiet time, still gets built within about a second.
func TestSteadyChangesStillRebuild(t *testing.T) {
	p := start(t, sitetest.CopySite(t))
	ev := listen(t, p.url)
	ev.waitFor(t, "hello", 2*time.Second)
	src := read(t, p.src, "content/about.md")
	stop := make(chan struct{})
	stopped := make(chan time.Time, 1)
	go func() {
		defer func() { stopped <- time.Now() }()
		for i := 0; i < 150; i++ { // up to 6 s of saves, 40 ms apart
			select {
			case <-stop:
				return
			case <-time.After(40 * time.Millisecond):
			}
			os.WriteFile(filepath.Join(p.src, "content/about.md"), []byte(strings.Replace(src, "## Works offline", fmt.Sprintf("## Works offline %d", i), 1)), 0o644)
		}
	}()
	begun := time.Now()
	r := ev.waitFor(t, "reload", 5*time.Second)
	close(stop)
	if end := <-stopped; r.at.After(end) {
		t.Fatal("the rebuild waited for the saves to stop")
	}
	t.Logf("first rebuild %v after steady saves began", r.at.Sub(begun).Round(time.Millisecond))
}
