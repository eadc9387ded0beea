// Package shrink minifies the files Hugo did not write: the service worker
// and the SVG files (the icon and the QR codes). Hugo already minifies what it
// renders (minifyOutput and resources.Minify), so this package handles
// only the files the offline stage gives it and never minifies twice. The
// offline stage calls Minify as it writes each file, so the revisions it
// records are those of the minified bytes.
package shrink

import (
	"bytes"
	"fmt"
	"path"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/js"
	"github.com/tdewolff/minify/v2/svg"

	"github.com/okcguide/guide/internal/diag"
)

// mediaTypes maps the extensions of the files the offline stage writes to
// the minifier's media types.
var mediaTypes = map[string]string{
	".js":  "application/javascript",
	".svg": "image/svg+xml",
}

// minifier is shared: a minify.M is safe for concurrent use once set up.
var minifier = func() *minify.M {
	m := minify.New()
	m.AddFunc("application/javascript", js.Minify)
	m.AddFunc("image/svg+xml", svg.Minify)
	return m
}()

// Minify returns data, the contents of the file name, minified by the
// file's extension. It returns data as it is for a type it does not know,
// or when the result would not be smaller.
func Minify(name string, data []byte) ([]byte, error) {
	mt, ok := mediaTypes[path.Ext(name)]
	if !ok {
		return data, nil
	}
	var out bytes.Buffer
	if err := minifier.Minify(mt, &out, bytes.NewReader(data)); err != nil {
		return nil, &diag.Error{File: name, Msg: fmt.Sprintf("minify: %v", err)}
	}
	if out.Len() >= len(data) {
		return data, nil
	}
	return out.Bytes(), nil
}
