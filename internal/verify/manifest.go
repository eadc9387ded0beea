package verify

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"

	"github.com/okcguide/guide/internal/diag"
)

// manifestName is the web app manifest's name, in each language's folder.
const manifestName = "manifest.webmanifest"

// checkManifests checks each web app manifest in files: it is JSON, and
// its start_url, scope, icons and shortcuts name files of the site,
// relative to the manifest.
func checkManifests(fsys fs.FS, files map[string]int64) diag.List {
	var errs diag.List
	for name := range files {
		if path.Base(name) != manifestName {
			continue
		}
		add := func(format string, args ...any) {
			errs = append(errs, &diag.Error{File: name, Rule: "manifest", Msg: fmt.Sprintf(format, args...)})
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			add("cannot read it: %v", diag.Cause(err))
			continue
		}
		type icon struct{ Src string }
		var m struct {
			StartURL  string `json:"start_url"`
			Scope     string
			Icons     []icon
			Shortcuts []struct {
				URL   string
				Icons []icon
			}
		}
		if err := json.Unmarshal(data, &m); err != nil {
			add("not JSON: %v", err)
			continue
		}
		exists := func(field, ref string) {
			p, ok := resolve(name, ref)
			if !ok {
				add("%s: %q is not an address inside the site, relative to the manifest", field, ref)
			} else if _, ok := files[p]; !ok {
				add("%s: %s does not exist", field, p)
			}
		}
		exists("start_url", m.StartURL)
		exists("scope", m.Scope)
		for i, ic := range m.Icons {
			exists(fmt.Sprintf("icons[%d].src", i), ic.Src)
		}
		for i, sc := range m.Shortcuts {
			exists(fmt.Sprintf("shortcuts[%d].url", i), sc.URL)
			for j, ic := range sc.Icons {
				exists(fmt.Sprintf("shortcuts[%d].icons[%d].src", i, j), ic.Src)
			}
		}
	}
	return errs
}
