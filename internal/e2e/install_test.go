package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/png"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// TestInstallable: Chromium finds nothing that stops the guide from being
// installed, and the manifest and each icon it lists load with status 200
// and the type the manifest says; PNG icons have the size it says.
func TestInstallable(t *testing.T) {
	s := newSite(t, "")
	ctx := newDefaultProfileTab(t)
	if err := navigate(ctx, s.URL("index.html")); err != nil {
		t.Fatal(err)
	}
	if err := waitControlled(ctx); err != nil {
		t.Fatal(err)
	}

	res, err := chromedp.Call(ctx, page.GetInstallabilityErrors, cdp.Empty{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range res.InstallabilityErrors {
		var args []string
		for _, a := range e.ErrorArguments {
			args = append(args, a.Name+"="+a.Value)
		}
		t.Errorf("installability error %s %v", e.ErrorID, args)
	}

	man, err := chromedp.Call(ctx, page.GetAppManifest, page.GetAppManifestParams{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range man.Errors {
		t.Errorf("manifest %s:%d:%d: %s", man.URL, e.Line, e.Column, e.Message)
	}
	if want := s.URL("manifest.webmanifest"); man.URL != want {
		t.Fatalf("manifest URL = %q, want %q", man.URL, want)
	}
	// Installed, the guide must open at and stay inside its sub-path.
	if man.Manifest == nil {
		t.Fatal("the browser parsed no manifest")
	}
	if man.Manifest.StartURL != s.Base || man.Manifest.Scope != s.Base {
		t.Errorf("start_url = %q, scope = %q; want both %q", man.Manifest.StartURL, man.Manifest.Scope, s.Base)
	}

	body := fetch(t, man.URL, "application/manifest+json")
	var m struct {
		Icons []struct {
			Src, Sizes, Type, Purpose string
		} `json:"icons"`
	}
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("manifest: %v", err)
	}
	if len(m.Icons) == 0 {
		t.Fatal("the manifest lists no icons")
	}
	base, _ := url.Parse(man.URL)
	for _, ic := range m.Icons {
		t.Run(ic.Src, func(t *testing.T) {
			ref, err := url.Parse(ic.Src)
			if err != nil {
				t.Fatal(err)
			}
			u := base.ResolveReference(ref)
			if !strings.HasPrefix(u.String(), s.Base) {
				t.Errorf("icon %s resolves to %s, outside the guide", ic.Src, u)
			}
			data := fetch(t, u.String(), ic.Type)
			switch ic.Type {
			case "image/png":
				if got := http.DetectContentType(data); got != "image/png" {
					t.Fatalf("the bytes are %s, not a PNG", got)
				}
				img, err := png.DecodeConfig(bytes.NewReader(data))
				if err != nil {
					t.Fatal(err)
				}
				if got := fmt.Sprintf("%dx%d", img.Width, img.Height); got != ic.Sizes {
					t.Errorf("decoded size %s, manifest says %s", got, ic.Sizes)
				}
			case "image/svg+xml":
				if ic.Sizes != "any" {
					t.Errorf("an SVG icon should have sizes \"any\", has %q", ic.Sizes)
				}
				if !bytes.Contains(data, []byte("<svg")) {
					t.Error("the file has no <svg element")
				}
			default:
				t.Errorf("unexpected icon type %q", ic.Type)
			}
		})
	}
}

// fetch GETs u and checks the status and the media type.
func fetch(t *testing.T, u, wantType string) []byte {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", u, res.Status)
	}
	got, _, err := mime.ParseMediaType(res.Header.Get("Content-Type"))
	if err != nil || got != wantType {
		t.Errorf("GET %s: Content-Type %q, want %s", u, res.Header.Get("Content-Type"), wantType)
	}
	return data
}
