// Package shrink minifies the files Hugo did not write: the service worker,
// the web app manifest and the SVG icon. Hugo already minifies what it
// renders (minifyOutput and resources.Minify), so this stage touches only
// the files it is given and never minifies twice. The offline stage calls
// File as it writes each file, so the revisions it records are those of
// the minified bytes.
package shrink

import (
	"bytes"
	"fmt"
	"path"

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

// File minifies the contents of the file name by its extension, and
// returns data as it is for a type it does not know.
func File(name string, data []byte) ([]byte, error) {
	mt, ok := mediaTypes[path.Ext(name)]
	if !ok {
		return data, nil
	}
	out, err := Bytes(nil, mt, data)
	if err != nil {
		return nil, fmt.Errorf("%s: minify: %w", name, err)
	}
	return out, nil
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
