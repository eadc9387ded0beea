package e2e

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/ledongthuc/pdf"

	"github.com/okcguide/guide/internal/contacts"
)

// TestFlyerPrints: built with a base URL, each language's flyer, printed
// to PDF by Chromium on US Letter paper as a reader's print would (the
// page's own @page size and margins win, and the browser's header and
// footer are on), is one Letter page with no header or footer. Read back
// from the PDF, the page holds the non-emergency number, the
// "not yet confirmed" caveat (no check is recorded) and the address of
// the guide in the flyer's language; its QR code has loaded.
func TestFlyerPrints(t *testing.T) {
	s := newSiteWithBase(t, "")
	c, err := contacts.Load(s.Src)
	if err != nil {
		t.Fatal(err)
	}
	ctx := newBrowserContext(t)
	yes := true
	for _, f := range []struct{ lang, page, address string }{
		{"en", "flyer.html", s.Base},
		{"es", "es/flyer.html", s.Base + "es/"},
	} {
		t.Run(f.lang, func(t *testing.T) {
			if err := navigate(ctx, s.URL(f.page)); err != nil {
				t.Fatal(err)
			}
			if ok, err := eval[bool](ctx, `(() => { const i = document.querySelector('.flyer-qr img'); return !!i && i.complete && i.naturalWidth > 0; })()`); err != nil || !ok {
				t.Fatalf("the flyer's QR code did not load (%v)", err)
			}
			var data []byte
			if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				res, err := cdp.Call(ctx, tg, page.PrintToPDF, page.PrintToPDFParams{PaperWidth: 8.5, PaperHeight: 11, PreferCSSPageSize: &yes, DisplayHeaderFooter: &yes})
				data = res.Data
				return err
			})); err != nil {
				t.Fatalf("printing to PDF: %v", err)
			}
			r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				t.Fatalf("reading the PDF: %v", err)
			}
			if n := r.NumPage(); n != 1 {
				t.Fatalf("the flyer prints on %d pages, want 1", n)
			}
			p := r.Page(1)
			if box := p.V.Key("MediaBox"); box.Len() != 4 || box.Index(2).Float64() != 612 || box.Index(3).Float64() != 792 {
				t.Errorf("the page is %v points, want US Letter, [0 0 612 792]", box)
			}
			text, err := p.GetPlainText(nil)
			if err != nil {
				t.Fatalf("reading the PDF's text: %v", err)
			}
			// Lines break where the page's width says, and the PDF writes
			// "fi" as one letter.
			flat := strings.Join(strings.Fields(strings.ReplaceAll(text, "ﬁ", "fi")), "")
			caveat := i18n(t, s, f.lang)["factsUnconfirmed"]
			for _, want := range []string{c.NonEmergency.Display, c.Emergency.Display, caveat, f.address} {
				if !strings.Contains(flat, strings.Join(strings.Fields(want), "")) {
					t.Errorf("the printed page does not have %q; it reads:\n%s", want, text)
				}
			}
			// The browser's header and footer (the page's title and address,
			// the date, the page number) are asked for, as a print dialog
			// does by default, but the flyer leaves them no room.
			if strings.Contains(flat, f.page) || strings.Contains(flat, "1/1") {
				t.Errorf("the printed page has the browser's header or footer; it reads:\n%s", text)
			}
		})
	}
}
