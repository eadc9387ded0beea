package preview

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/okcguide/guide/internal/offline"
)

// The preview's own files, served under /_guide/ and as /sw.js.
//
//go:embed client/reload.js client/reload.css client/sw.js
var client embed.FS

// Paths the preview adds to the site.
const (
	ReloadScript = "/_guide/reload.js"
	ReloadStyle  = "/_guide/reload.css"
	EventsPath   = "/_guide/events"
	WorkerPath   = "/sw.js"
)

// keepAlive is how often an idle event stream gets a comment line, so a
// dropped connection is noticed.
var keepAlive = 15 * time.Second

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	// The site's own policy (params.csp); before a first good build, the
	// strictest one that still lets the reload script and events work.
	csp := s.state().csp
	if csp == "" {
		csp = "default-src 'self'"
	}
	for _, kv := range offline.SiteHeaders(csp) {
		h.Set(kv[0], kv[1])
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		http.Error(w, "only GET and HEAD", http.StatusMethodNotAllowed)
		return
	}
	switch r.URL.Path {
	case EventsPath:
		if r.Method != http.MethodGet {
			h.Set("Allow", "GET")
			http.Error(w, "only GET", http.StatusMethodNotAllowed)
			return
		}
		s.events(w, r)
	case ReloadScript:
		serveEmbedded(w, r, "client/reload.js", "text/javascript; charset=utf-8")
	case ReloadStyle:
		serveEmbedded(w, r, "client/reload.css", "text/css; charset=utf-8")
	case WorkerPath:
		serveEmbedded(w, r, "client/sw.js", "text/javascript; charset=utf-8")
	default:
		s.file(w, r)
	}
}

func serveEmbedded(w http.ResponseWriter, r *http.Request, name, ctype string) {
	data, err := client.ReadFile(name)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", ctype)
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(data))
}

// Types Go's mime table may not know.
var types = map[string]string{
	".webmanifest": "application/manifest+json",
	".vcf":         "text/vcard; charset=utf-8",
	".svg":         "image/svg+xml",
	".js":          "text/javascript; charset=utf-8",
	".html":        "text/html; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".xml":         "application/xml; charset=utf-8",
	".txt":         "text/plain; charset=utf-8",
}

func contentType(name string) string {
	ext := strings.ToLower(filepath.Ext(name))
	if t, ok := types[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

// file serves a file of the current build, as a static host would: a
// folder's index.html for the folder, 404.html for anything missing.
// HTML gets the reload script.
func (s *server) file(w http.ResponseWriter, r *http.Request) {
	st := s.state()
	if st.dir == "" {
		s.noBuild(w, st)
		return
	}
	upath := path.Clean("/" + r.URL.Path)
	name := filepath.Join(st.dir, filepath.FromSlash(upath))
	fi, err := os.Stat(name)
	if err == nil && fi.IsDir() {
		if !strings.HasSuffix(r.URL.Path, "/") {
			http.Redirect(w, r, path.Base(upath)+"/", http.StatusMovedPermanently)
			return
		}
		name = filepath.Join(name, "index.html")
		fi, err = os.Stat(name)
	}
	status := http.StatusOK
	if err != nil || fi.IsDir() {
		status = http.StatusNotFound
		name = filepath.Join(st.dir, "404.html")
	}
	data, err := os.ReadFile(name)
	if errors.Is(err, os.ErrNotExist) {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", contentType(name))
	if strings.EqualFold(filepath.Ext(name), ".html") {
		data = Inject(data, st.id)
	}
	if status != http.StatusOK {
		w.Header().Set("Content-Length", fmt.Sprint(len(data)))
		w.WriteHeader(status)
		if r.Method != http.MethodHead {
			w.Write(data)
		}
		return
	}
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(data))
}

// Tag is the script element added to a page of the build named id.
func Tag(id string) string {
	return `<script src="` + ReloadScript + `" data-build="` + template.HTMLEscapeString(id) + `" defer></script>`
}

// Inject adds the reload script to an HTML page, just before its last
// </body>, or at the end when the page has none (a minified page may
// leave the tag out; the parser then still puts the script in the body).
func Inject(page []byte, id string) []byte {
	tag := Tag(id)
	i := bytes.LastIndex(bytes.ToLower(page), []byte("</body>"))
	if i < 0 {
		return append(page[:len(page):len(page)], tag...)
	}
	out := make([]byte, 0, len(page)+len(tag))
	out = append(out, page[:i]...)
	out = append(out, tag...)
	return append(out, page[i:]...)
}

// noBuildPage is what every page request gets while no build has
// succeeded: the problems, and the reload script, which reloads it when a
// build succeeds.
var noBuildPage = template.Must(template.New("").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>The guide did not build</title>
<link rel="stylesheet" href="` + ReloadStyle + `">
</head>
<body>
<main>
<section id="guide-serve-errors" role="alert">
<h2>The guide did not build</h2>
<p>Fix the problems below and save. This page will reload by itself.</p>
<ul>
{{- range .}}
<li>{{.}}</li>
{{- end}}
</ul>
</section>
</main>
</body>
</html>
`))

func (s *server) noBuild(w http.ResponseWriter, st state) {
	var buf bytes.Buffer
	errs := st.errs
	if len(errs) == 0 {
		errs = []string{"The first build has not finished."}
	}
	noBuildPage.Execute(&buf, errs)
	data := Inject(buf.Bytes(), st.id)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", fmt.Sprint(len(data)))
	w.WriteHeader(http.StatusServiceUnavailable)
	w.Write(data)
}

// events is the event stream the reload script listens to. It sends:
//
//	event: hello   data: the served build's id (on connect)
//	event: reload  data: the new build's id (after each good build)
//	event: errors  data: one problem per line (after a failed build, and
//	               on connect while the latest build has failed)
//
// A page reloads when a hello or reload names a build other than its own.
func (s *server) events(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming is not supported", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("X-Accel-Buffering", "no")
	wake := s.subscribe()
	defer s.unsubscribe(wake)

	var b strings.Builder
	b.WriteString("retry: 500\n\n")
	first, sentID, sentErrs := true, "", ""
	tick := time.NewTicker(keepAlive)
	defer tick.Stop()
	for {
		st := s.state()
		switch {
		case first:
			writeEvent(&b, "hello", []string{st.id})
		case st.id != sentID:
			writeEvent(&b, "reload", []string{st.id})
		}
		first, sentID = false, st.id
		if errs := strings.Join(st.errs, "\n"); errs != sentErrs {
			if errs != "" {
				writeEvent(&b, "errors", st.errs)
			}
			sentErrs = errs
		}
		if b.Len() > 0 {
			if _, err := io.WriteString(w, b.String()); err != nil {
				return
			}
			fl.Flush()
			b.Reset()
		}
		select {
		case <-wake:
		case <-tick.C:
			b.WriteString(": still here\n\n")
		case <-r.Context().Done():
			return
		case <-s.done:
			return
		}
	}
}

func writeEvent(b *strings.Builder, name string, lines []string) {
	b.WriteString("event: " + name + "\n")
	for _, l := range lines {
		b.WriteString("data: " + l + "\n")
	}
	b.WriteString("\n")
}
