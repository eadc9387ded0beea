package shrink_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/okcguide/guide/internal/shrink"
)

func TestMinify(t *testing.T) {
	for _, tc := range []struct{ name, in, gone string }{
		{"sw.js", "// the worker\nconst  answer = 42;\nself.addEventListener('fetch', () => {});\n", "// the worker"},
		{"manifest.webmanifest", "{\n  \"name\": \"Guide\",\n  \"display\": \"standalone\"\n}\n", "\n"},
		{"icons/icon.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\">\n  <!-- a box -->\n  <rect width=\"10\" height=\"10\"/>\n</svg>\n", "a box"},
	} {
		out, err := shrink.Minify(tc.name, []byte(tc.in))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if len(out) >= len(tc.in) || strings.Contains(string(out), tc.gone) {
			t.Errorf("%s not minified: %q", tc.name, out)
		}
	}
	// The manifest still says the same thing.
	out, _ := shrink.Minify("m.webmanifest", []byte(`{ "name": "Guide", "icons": [ {"src": "a.png"} ] }`))
	var m map[string]any
	if err := json.Unmarshal(out, &m); err != nil || m["name"] != "Guide" {
		t.Errorf("minified manifest %s: %v", out, err)
	}
	// Unknown types pass through untouched.
	if out, _ := shrink.Minify("_headers", []byte("/*\n  X: y\n")); string(out) != "/*\n  X: y\n" {
		t.Errorf("_headers changed: %q", out)
	}
	if _, err := shrink.Minify("bad.js", []byte("const = ;")); err == nil || !strings.HasPrefix(err.Error(), "bad.js: minify") {
		t.Errorf("a JS syntax error should name the file, got %v", err)
	}
}
