package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"image"
	"image/png"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A shopper drops a photo on the widget and attaches another with the
// button; both reach the conversation as attachments of their messages,
// without their location, and the console shows them from the staff-only
// route. A text file chosen with the button is refused with the server's
// message.
func TestBrowserWidgetPhotos(t *testing.T) {
	hs, st := newStack(t)
	ctx := browser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(hs.URL)); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the widget", shadow(`return !!(root && root.querySelector('[data-kefu=launcher]'))`))
	run(t, ctx, shadow(`root.querySelector('[data-kefu=launcher]').click(); return true;`))
	waitJS(t, ctx, "the photo button", shadow(`return !!root.querySelector('[data-kefu=photo]')`))
	say(t, ctx, "my parcel arrived broken")
	waitJS(t, ctx, "the first message stored", `window.kefu.debug.state().lastSeq > 0`)

	// file is a JS File from bytes.
	file := func(name, typ string, b []byte) string {
		return fmt.Sprintf(`new File([Uint8Array.from(atob(%q), c => c.charCodeAt(0))], %q, {type: %q})`, base64.StdEncoding.EncodeToString(b), name, typ)
	}
	// Dropped on the panel.
	run(t, ctx, shadow(`const dt = new DataTransfer(); dt.items.add(`+file("parcel.jpg", "image/jpeg", withGPS(testJPEG(t)))+`);
		root.querySelector('[data-kefu=panel]').dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));
		return true;`))
	waitJS(t, ctx, "the dropped photo's preview, sent", shadow(`return root.querySelectorAll('[data-kefu=photo-preview]').length === 1 &&
		window.kefu.debug.state().outbox.length === 0`))
	// Chosen with the button's file input.
	webp, err := os.ReadFile("testdata/photo.webp")
	if err != nil {
		t.Fatal(err)
	}
	choose := func(f string) {
		run(t, ctx, shadow(`const dt = new DataTransfer(); dt.items.add(`+f+`);
			const input = root.querySelector('[data-kefu=photo-file]'); input.files = dt.files;
			input.dispatchEvent(new Event('change', {bubbles: true})); return true;`))
	}
	choose(file("box.webp", "image/webp", webp))
	waitJS(t, ctx, "the chosen photo's preview, sent", shadow(`return root.querySelectorAll('[data-kefu=photo-preview]').length === 2 &&
		window.kefu.debug.state().outbox.length === 0`))
	choose(file("notes.jpg", "image/jpeg", []byte("not a picture at all\n")))
	waitJS(t, ctx, "the refusal", shadow(`const e = root.querySelector('[data-kefu=error]'); return !e.hidden && e.innerText.includes('not a JPEG, PNG or WebP')`))

	convID, err := chromedp.Run(ctx, chromedp.Evaluate[string](`window.kefu.debug.state().conversationId`))
	if err != nil || convID == "" {
		t.Fatalf("conversation id: %q %v", convID, err)
	}
	photos, err := st.PhotosByConversation(context.Background(), convID)
	if err != nil || len(photos) != 2 || photos[0].MessageSeq == 0 || photos[1].MessageSeq == 0 || photos[1].ContentType != "image/png" {
		t.Fatalf("stored photos: %+v %v", photos, err)
	}

	// The console shows both under their messages, loaded through the session.
	addStaff(t, st, "agent@shop.example.com", "Agent", "agent")
	staffTab, cancel := chromedp.NewContext(ctx)
	defer cancel()
	consoleLogin(t, staffTab, hs.URL, "agent@shop.example.com")
	waitJS(t, staffTab, "the inbox", `!!document.querySelector('[data-console=row]')`)
	run(t, staffTab, fmt.Sprintf(`(() => { location.hash = 'c=%s'; return true; })()`, convID))
	waitJS(t, staffTab, "the photos in the transcript", `(() => { const imgs = [...document.querySelectorAll('[data-console=entry][data-role=user] [data-console=photo] img')];
		return imgs.length === 2 && imgs.every(i => i.complete && i.naturalWidth > 0); })()`)
	// One sent while the console has the conversation open shows at once.
	run(t, ctx, shadow(`const dt = new DataTransfer(); dt.items.add(`+file("again.png", "image/png", pngOf(t))+`);
		root.querySelector('[data-kefu=input]').dispatchEvent(new ClipboardEvent('paste', {clipboardData: dt, bubbles: true, cancelable: true}));
		return true;`))
	waitJS(t, staffTab, "the pasted photo, live", `(() => { const imgs = [...document.querySelectorAll('[data-console=entry][data-role=user] [data-console=photo] img')];
		return imgs.length === 3 && imgs.every(i => i.complete && i.naturalWidth > 0); })()`)
	src, _ := chromedp.Run(staffTab, chromedp.Evaluate[string](`document.querySelector('[data-console=photo] img').src`))
	if !strings.Contains(src, "/api/console/photos/"+photos[0].ID) {
		t.Fatalf("photo src %q", src)
	}

	// After a reload the shopper finds their photos under their messages
	// again, opened with the conversation's resume token.
	if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the widget again", shadow(`return !!(root && root.querySelector('[data-kefu=launcher]'))`))
	run(t, ctx, shadow(`root.querySelector('[data-kefu=launcher]').click(); return true;`))
	waitJS(t, ctx, "the photos in the history", shadow(`const imgs = [...root.querySelectorAll('[data-kefu=message][data-role=user] [data-kefu=photo-shown]')];
		return imgs.length === 3 && imgs.every(i => i.complete && i.naturalWidth > 0)`))
}

// pngOf is a 20×10 PNG.
func pngOf(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 20, 10))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
