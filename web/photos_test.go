package web_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/kefu-dev/kefu/cmd/kefu/stack"
	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/web"
)

// photoServer serves a demo stack with a photo directory on a real
// listener; it returns the base URL, the store and the directory.
func photoServer(t *testing.T, maxBytes int64) (string, *store.Store, string) {
	t.Helper()
	dir := t.TempDir()
	s, err := stack.New(context.Background(), stack.Config{DB: filepath.Join(dir, "kefu.db"), IdentitySecret: []byte("photo-test-secret-0123456789abcdef"),
		AllowedOrigins: []string{"https://shop.example.com"}},
		stack.Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Seed: true})
	if err != nil {
		t.Fatal(err)
	}
	photos := store.PhotoDirBeside(filepath.Join(dir, "kefu.db"))
	srv := web.New(web.Options{PhotoDir: photos, PhotoMaxBytes: maxBytes}, web.Deps{Store: s.Store, Engine: s.Engine, Gatherer: s.Metrics, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		s.Shutdown(ctx)
	})
	return "http://" + ln.Addr().String(), s.Store, photos
}

// openConversation starts a conversation on the widget socket and
// returns its id and resume token once its first message is stored.
func openConversation(t *testing.T, base string) (string, string) {
	_, id, token := openConversationSocket(t, base)
	return id, token
}

func openConversationSocket(t *testing.T, base string) (*websocket.Conn, string, string) {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(base, "http")+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	ws.WriteJSON(map[string]any{"type": "hello"})
	var id, token string
	readUntil(t, ws, func(f map[string]any) bool {
		if f["type"] == "welcome" {
			id, token = f["conversation_id"].(string), f["resume_token"].(string)
			return true
		}
		return false
	})
	ws.WriteJSON(map[string]any{"type": "message", "client_id": "first", "text": "my parcel arrived broken"})
	readUntil(t, ws, func(f map[string]any) bool { return f["type"] == "ack" })
	return ws, id, token
}

// upload posts body as the multipart field "photo" (named name) with the
// token as the resume_token field; it returns the status and the answer.
func upload(t *testing.T, base, token, name string, body []byte) (int, map[string]any) {
	t.Helper()
	code, out, _ := uploadFrom(t, base, "", token, name, body)
	return code, out
}

// uploadFrom is upload from a page on origin (none: a program); it also
// returns the answer's headers.
func uploadFrom(t *testing.T, base, origin, token, name string, body []byte) (int, map[string]any, http.Header) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("resume_token", token)
	fw, _ := mw.CreateFormFile("photo", name)
	fw.Write(body)
	mw.Close()
	req, _ := http.NewRequest("POST", base+"/api/photos", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out, resp.Header
}

// testJPEG is a 64×48 picture in JPEG.
func testJPEG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := range 64 {
		for y := range 48 {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 5), 90, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withGPS puts an EXIF APP1 segment after the JPEG's SOI, as a phone
// does: IFD0 points to a GPS IFD holding latitude 31°13'49" N.
func withGPS(jpg []byte) []byte {
	be := binary.BigEndian
	var tiff bytes.Buffer
	tiff.WriteString("MM\x00\x2a")
	binary.Write(&tiff, be, uint32(8)) // IFD0 at 8
	// IFD0: one entry, GPSInfo (0x8825, LONG) → GPS IFD at 26.
	binary.Write(&tiff, be, uint16(1))
	binary.Write(&tiff, be, []uint16{0x8825, 4})
	binary.Write(&tiff, be, []uint32{1, 26})
	binary.Write(&tiff, be, uint32(0))
	// GPS IFD at 26: GPSLatitudeRef "N", GPSLatitude 3 RATIONALs at 56.
	binary.Write(&tiff, be, uint16(2))
	binary.Write(&tiff, be, []uint16{1, 2})
	binary.Write(&tiff, be, uint32(2))
	tiff.WriteString("N\x00\x00\x00")
	binary.Write(&tiff, be, []uint16{2, 5})
	binary.Write(&tiff, be, []uint32{3, 56})
	binary.Write(&tiff, be, uint32(0))
	binary.Write(&tiff, be, []uint32{31, 1, 13, 1, 49, 1})
	payload := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	be.PutUint16(seg[2:], uint16(len(payload)+2))
	out := append([]byte{}, jpg[:2]...)
	out = append(append(out, seg...), payload...)
	return append(out, jpg[2:]...)
}

// pngBomb is a valid 1×1 PNG whose header claims 100,000 × 100,000
// pixels (40 GB decoded) in a few dozen bytes.
func pngBomb(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	png.Encode(&b, image.NewGray(image.Rect(0, 0, 1, 1)))
	data := b.Bytes()
	// IHDR's data starts at 16 (8 signature, 4 length, 4 type).
	binary.BigEndian.PutUint32(data[16:], 100_000)
	binary.BigEndian.PutUint32(data[20:], 100_000)
	binary.BigEndian.PutUint32(data[29:], crc32.ChecksumIEEE(data[12:29]))
	return data
}

// photoFiles lists the files in the photo directory.
func photoFiles(t *testing.T, dir string) []string {
	var out []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

func TestPhotoUploadStripsLocation(t *testing.T) {
	base, st, dir := photoServer(t, 0)
	convID, token := openConversation(t, base)
	jpg := withGPS(testJPEG(t))
	if _, err := jpeg.Decode(bytes.NewReader(jpg)); err != nil || !bytes.Contains(jpg, []byte("Exif")) {
		t.Fatalf("the test's photo is not a JPEG with EXIF: %v", err)
	}
	code, out := upload(t, base, token, "parcel.jpg", jpg)
	if code != http.StatusCreated {
		t.Fatalf("upload: %d %v", code, out)
	}
	id, _ := out["id"].(string)
	p, err := st.Photo(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if p.ConversationID != convID || p.ContentType != "image/jpeg" || p.Width != 64 || p.Height != 48 {
		t.Fatalf("recorded %+v", p)
	}
	stored, err := os.ReadFile(store.PhotoFile(dir, p.SHA256))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(stored, []byte("Exif")) || bytes.Contains(stored, []byte{0xFF, 0xE1}) {
		t.Fatal("the stored photo still has its EXIF segment (with the place it was taken)")
	}
	if cfg, err := jpeg.DecodeConfig(bytes.NewReader(stored)); err != nil || cfg.Width != 64 {
		t.Fatalf("the stored photo is not the picture: %v %v", cfg, err)
	}
	if len(photoFiles(t, dir)) != 1 {
		t.Fatalf("files: %v", photoFiles(t, dir))
	}
	// The database is not where the picture is.
	if db, _ := os.ReadFile(filepath.Join(filepath.Dir(dir), "kefu.db")); bytes.Contains(db, stored[len(stored)/2:len(stored)/2+64]) {
		t.Fatal("the photo's bytes are in the database file")
	}
	// The same picture again: a second row, the same file.
	if code, _ := upload(t, base, token, "again.jpg", jpg); code != http.StatusCreated || len(photoFiles(t, dir)) != 1 {
		t.Fatalf("second upload: %d, files %v", code, photoFiles(t, dir))
	}
}

func TestPhotoUploadWebPAndRawBody(t *testing.T) {
	base, st, dir := photoServer(t, 0)
	_, token := openConversation(t, base)
	webp, err := os.ReadFile("testdata/photo.webp")
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", base+"/api/photos", bytes.NewReader(webp))
	req.Header.Set("Content-Type", "application/octet-stream")
	req.Header.Set("X-Kefu-Resume-Token", token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	if resp.StatusCode != http.StatusCreated || out["content_type"] != "image/png" {
		t.Fatalf("webp upload: %d %v", resp.StatusCode, out)
	}
	p, _ := st.Photo(context.Background(), out["id"].(string))
	stored, _ := os.ReadFile(store.PhotoFile(dir, p.SHA256))
	if _, err := png.Decode(bytes.NewReader(stored)); err != nil {
		t.Fatalf("the WebP is not stored as PNG: %v", err)
	}
}

func TestHostilePhotosRefused(t *testing.T) {
	base, _, dir := photoServer(t, 0)
	_, token := openConversation(t, base)
	big := append(testJPEG(t), bytes.Repeat([]byte{0}, web.DefaultPhotoMaxBytes)...)
	for _, c := range []struct {
		name, file, token string
		body              []byte
		status            int
		message           string
	}{
		{"decompression bomb", "bomb.png", token, pngBomb(t), http.StatusUnprocessableEntity, "too many pixels"},
		{"polyglot", "cat.jpg", token, append(testJPEG(t), "<html><script>fetch('/api/console/me')</script></html>"...), http.StatusUnprocessableEntity, "web page or script"},
		{"text named .jpg", "photo.jpg", token, []byte("this is not a picture, whatever its name says\n"), http.StatusUnsupportedMediaType, "not a JPEG, PNG or WebP"},
		{"svg", "photo.png", token, []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), http.StatusUnsupportedMediaType, "not a JPEG, PNG or WebP"},
		{"truncated JPEG", "half.jpg", token, testJPEG(t)[:300], http.StatusUnprocessableEntity, "damaged"},
		{"oversized", "huge.jpg", token, big, http.StatusRequestEntityTooLarge, "larger than 8 MB"},
		{"forged token", "parcel.jpg", token + "x", testJPEG(t), http.StatusForbidden, "cannot be found"},
		{"no token", "parcel.jpg", "", testJPEG(t), http.StatusForbidden, "cannot be found"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out := upload(t, base, c.token, c.file, c.body)
			if msg, _ := out["message"].(string); code != c.status || !strings.Contains(msg, c.message) {
				t.Fatalf("got %d %v, want %d %q", code, out, c.status, c.message)
			}
		})
	}
	if files := photoFiles(t, dir); len(files) != 0 {
		t.Fatalf("refused uploads left files: %v", files)
	}
}

func TestPhotoServedOnlyToStaff(t *testing.T) {
	base, st, _ := photoServer(t, 0)
	_, token := openConversation(t, base)
	code, out := upload(t, base, token, "parcel.jpg", withGPS(testJPEG(t)))
	if code != http.StatusCreated {
		t.Fatalf("upload: %d %v", code, out)
	}
	path := "/api/console/photos/" + out["id"].(string)
	resp, err := http.Get(base + path)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("without a session: %d", resp.StatusCode)
	}
	client, _ := slowClient(t, base, st, "agent")
	resp, err = client.Get(base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("staff: %d %v", resp.StatusCode, resp.Header)
	}
	if _, err := jpeg.Decode(bytes.NewReader(body)); err != nil || bytes.Contains(body, []byte("Exif")) {
		t.Fatalf("served photo: %v, exif %v", err, bytes.Contains(body, []byte("Exif")))
	}
}

func TestPhotoAttachedToMessage(t *testing.T) {
	base, st, _ := photoServer(t, 0)
	ws, convID, token := openConversationSocket(t, base)
	_, otherToken := openConversation(t, base)
	code, mine := upload(t, base, token, "parcel.jpg", testJPEG(t))
	code2, theirs := upload(t, base, otherToken, "theirs.jpg", withGPS(testJPEG(t)))
	if code != http.StatusCreated || code2 != http.StatusCreated {
		t.Fatalf("uploads: %d %v, %d %v", code, mine, code2, theirs)
	}
	// A malformed id is refused on the socket.
	ws.WriteJSON(map[string]any{"type": "message", "client_id": "bad", "text": "see", "attachments": []string{"../../etc/passwd"}})
	readUntil(t, ws, func(f map[string]any) bool {
		return f["type"] == "error" && f["code"] == "invalid_message" && f["client_id"] == "bad"
	})
	// Its own photo is attached to the message; another conversation's is not.
	ws.WriteJSON(map[string]any{"type": "message", "client_id": "with-photo", "text": "here is the broken box",
		"attachments": []string{mine["id"].(string), theirs["id"].(string)}})
	var seq float64
	readUntil(t, ws, func(f map[string]any) bool {
		if f["type"] == "ack" && f["client_id"] == "with-photo" {
			seq = f["seq"].(float64)
			return true
		}
		return false
	})
	client, _ := slowClient(t, base, st, "agent")
	resp, err := client.Get(base + "/api/console/conversations/" + convID)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Photos []struct {
			ID  string  `json:"id"`
			Seq float64 `json:"seq"`
			URL string  `json:"url"`
		} `json:"photos"`
	}
	json.NewDecoder(resp.Body).Decode(&out)
	if len(out.Photos) != 1 || out.Photos[0].ID != mine["id"] || out.Photos[0].Seq != seq || out.Photos[0].URL != "/api/console/photos/"+mine["id"].(string) {
		t.Fatalf("photos of the conversation: %+v (want %v at seq %v)", out.Photos, mine["id"], seq)
	}
	if p, _ := st.Photo(context.Background(), theirs["id"].(string)); p.MessageSeq != 0 {
		t.Fatalf("another conversation's photo was attached: %+v", p)
	}
	// Exports link the photo from its message (JSONL and CSV), never carry it.
	link := "/api/console/photos/" + mine["id"].(string)
	get := func(format string) string {
		resp, err := client.Get(base + "/api/console/transcripts/export?format=" + format + "&id=" + convID)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("export %s: %d %s", format, resp.StatusCode, b)
		}
		return string(b)
	}
	var tr store.TranscriptJSON
	if err := json.Unmarshal([]byte(get("jsonl")), &tr); err != nil {
		t.Fatal(err)
	}
	for _, m := range tr.Messages {
		if want := m.Seq == int64(seq); want != (len(m.Photos) == 1 && m.Photos[0] == link) || !want && len(m.Photos) != 0 {
			t.Fatalf("exported message %d: photos %v (want %s at seq %v)", m.Seq, m.Photos, link, seq)
		}
	}
	if csv := get("csv"); !strings.Contains(csv, ",photos\n") || !strings.Contains(csv, "here is the broken box") || strings.Count(csv, link) != 1 {
		t.Fatalf("csv export:\n%s", csv)
	}
}

// Uploads follow the widget's origin rule, and one conversation's are
// bounded.
func TestPhotoUploadOriginsAndLimit(t *testing.T) {
	base, _, _ := photoServer(t, 0)
	_, token := openConversation(t, base)
	jpg := testJPEG(t)
	code, out, h := uploadFrom(t, base, "https://evil.example", token, "a.jpg", jpg)
	if msg, _ := out["message"].(string); code != http.StatusForbidden || !strings.Contains(msg, "cannot be sent from this page") {
		t.Fatalf("from another site: %d %v", code, out)
	}
	code, out, h = uploadFrom(t, base, "https://shop.example.com", token, "a.jpg", jpg)
	if code != http.StatusCreated || h.Get("Access-Control-Allow-Origin") != "https://shop.example.com" {
		t.Fatalf("from the shop's page: %d %v %v", code, out, h)
	}
	for i := 2; i <= 20; i++ {
		if code, out := upload(t, base, token, "a.jpg", jpg); code != http.StatusCreated {
			t.Fatalf("upload %d: %d %v", i, code, out)
		}
	}
	if code, out := upload(t, base, token, "a.jpg", jpg); code != http.StatusTooManyRequests || !strings.Contains(out["message"].(string), "at most 20 photos") {
		t.Fatalf("upload 21: %d %v", code, out)
	}
}

// A shopper opens their own conversation's photo with its resume token
// (the widget's history after a reload): without a token it is refused,
// with another conversation's token it is not found, from a page the
// shop does not allow it is refused, and the token works in the form body
// or the header.
func TestShopperOpensOwnPhoto(t *testing.T) {
	base, _, _ := photoServer(t, 0)
	_, token := openConversation(t, base)
	_, other := openConversation(t, base)
	code, out := upload(t, base, token, "parcel.jpg", withGPS(testJPEG(t)))
	if code != http.StatusCreated {
		t.Fatalf("upload: %d %v", code, out)
	}
	id := out["id"].(string)
	open := func(token, origin string, inHeader bool) (*http.Response, []byte) {
		t.Helper()
		form := url.Values{}
		if !inHeader {
			form.Set("resume_token", token)
		}
		req, _ := http.NewRequest("POST", base+"/api/photos/"+id, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if inHeader {
			req.Header.Set("X-Kefu-Resume-Token", token)
		}
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, body
	}
	if resp, _ := open("", "", false); resp.StatusCode != http.StatusForbidden {
		t.Errorf("without a token: %d", resp.StatusCode)
	}
	if resp, _ := open(other, "", false); resp.StatusCode != http.StatusNotFound {
		t.Errorf("with another conversation's token: %d", resp.StatusCode)
	}
	if resp, _ := open(token, "https://evil.example.net", false); resp.StatusCode != http.StatusForbidden {
		t.Errorf("from a page the shop does not allow: %d", resp.StatusCode)
	}
	for _, inHeader := range []bool{false, true} {
		resp, body := open(token, "https://shop.example.com", inHeader)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" || resp.Header.Get("Access-Control-Allow-Origin") != "https://shop.example.com" {
			t.Fatalf("own photo (token in header %v): %d %v", inHeader, resp.StatusCode, resp.Header)
		}
		if _, err := jpeg.Decode(bytes.NewReader(body)); err != nil || bytes.Contains(body, []byte("Exif")) {
			t.Fatalf("served photo: %v", err)
		}
	}
}
