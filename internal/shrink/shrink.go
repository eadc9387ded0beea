// Package shrink is the build stage that minifies the files Hugo did not
// write: the service worker, the web app manifest and the SVG icon. Hugo
// already minifies what it renders (minifyOutput and resources.Minify), so
// this stage touches only the files it is given and never minifies twice.
package shrink

import (
	"bytes"
	"fmt"
	"os"
	"path"
	"path/filepath"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
	"github.com/tdewolff/minify/v2/html"
	"github.com/tdewolff/minify/v2/js"
	"github.com/tdewolff/minify/v2/json"
	"github.com/tdewolff/minify/v2/svg"
	"github.com/tdewolff/minify/v2/xml"
)

var mediaTypes = map[string]string{
	".js":          "application/javascript",
	".mjs":         "application/javascript",
	".json":        "application/json",
	".webmanifest": "application/json",
	".svg":         "image/svg+xml",
	".css":         "text/css",
	".html":        "text/html",
	".xml":         "text/xml",
}

func newMinifier() *minify.M {
	m := minify.New()
	m.AddFunc("application/javascript", js.Minify)
	m.AddFunc("application/json", json.Minify)
	m.AddFunc("image/svg+xml", svg.Minify)
	m.AddFunc("text/css", css.Minify)
	m.Add("text/html", &html.Minifier{KeepDocumentTags: true, KeepEndTags: true, KeepQuotes: true})
	m.AddFunc("text/xml", xml.Minify)
	return m
}

// Files minifies, in place, each named file under dir (slash-separated,
// relative). Files of a type it does not know are left alone.
func Files(dir string, names []string) error {
	m := newMinifier()
	for _, name := range names {
		mt, ok := mediaTypes[path.Ext(name)]
		if !ok {
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		in, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out, err := Bytes(m, mt, in)
		if err != nil {
			return fmt.Errorf("%s: minify: %w", name, err)
		}
		if err := os.WriteFile(p, out, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Bytes minifies in as media type mt with minifier m (nil for the stage's
// own). It keeps the input when the result would not be smaller.
func Bytes(m *minify.M, mt string, in []byte) ([]byte, error) {
	if m == nil {
		m = newMinifier()
	}
	var out bytes.Buffer
	if err := m.Minify(mt, &out, bytes.NewReader(in)); err != nil {
		return nil, err
	}
	if out.Len() >= len(in) {
		return in, nil
	}
	return out.Bytes(), nil
}
