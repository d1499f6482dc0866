package web

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"net/http"

	"golang.org/x/image/webp"
)

// maxPhotoPixels bounds a photo's width × height, read from its header
// before anything is decoded: a 40 KB PNG can claim 100,000 × 100,000
// pixels and take 40 GB to decode. 40 megapixels is more than any phone
// camera's picture, and 160 MB decoded.
const maxPhotoPixels = 40_000_000

// photoError is an upload refused for what the file is; its message is
// for the shopper.
type photoError struct{ msg string }

func (e photoError) Error() string { return e.msg }

var (
	errPhotoType     = photoError{"this file is not a JPEG, PNG or WebP picture"}
	errPhotoBroken   = photoError{"this picture is damaged and cannot be read"}
	errPhotoTooLarge = photoError{fmt.Sprintf("this picture has too many pixels (at most %d million)", maxPhotoPixels/1_000_000)}
	errPhotoMixed    = photoError{"this picture also holds a web page or script, and is refused"}
)

// cleanPhoto checks that data is a JPEG, PNG or WebP picture by its
// bytes (never by a name or a declared type), and returns it re-encoded
// from its pixels: whatever else the file held (EXIF with the place it
// was taken, comments, a payload after the image) is not in the result.
// WebP comes back as PNG, for which Go has an encoder.
func cleanPhoto(data []byte) (out []byte, contentType string, width, height int, err error) {
	sniffed := http.DetectContentType(data)
	decode := map[string]func([]byte) (image.Image, error){
		"image/jpeg": func(b []byte) (image.Image, error) { return jpeg.Decode(bytes.NewReader(b)) },
		"image/png":  func(b []byte) (image.Image, error) { return png.Decode(bytes.NewReader(b)) },
		"image/webp": func(b []byte) (image.Image, error) { return webp.Decode(bytes.NewReader(b)) },
	}[sniffed]
	if decode == nil {
		return nil, "", 0, 0, errPhotoType
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || "image/"+format != sniffed {
		return nil, "", 0, 0, errPhotoBroken
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > maxPhotoPixels {
		return nil, "", 0, 0, errPhotoTooLarge
	}
	// A file that is both a picture and a page (a polyglot) is an attack
	// on whoever opens it as the other; a real photo has no markup.
	if hasMarkup(data) {
		return nil, "", 0, 0, errPhotoMixed
	}
	img, err := decode(data)
	if err != nil {
		return nil, "", 0, 0, errPhotoBroken
	}
	var buf bytes.Buffer
	contentType = "image/png"
	if sniffed == "image/jpeg" {
		contentType, err = "image/jpeg", jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90})
	} else {
		err = (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, img)
	}
	if err != nil {
		return nil, "", 0, 0, fmt.Errorf("web: unable to re-encode a photo: %w", err)
	}
	b := img.Bounds()
	return buf.Bytes(), contentType, b.Dx(), b.Dy(), nil
}

// markup is what a browser or an interpreter takes for a document. Each
// is five bytes or more, which compressed pixels hold by chance (case
// aside) once in about 2^36 positions: one 8 MB photo in 8,000 for the
// shortest, refused with a message that says why.
var markup = [][]byte{[]byte("<script"), []byte("<html"), []byte("<!doctype"), []byte("<?php"),
	[]byte("<iframe"), []byte("javascript:")}

func hasMarkup(data []byte) bool {
	lower := bytes.ToLower(data)
	for _, m := range markup {
		if bytes.Contains(lower, m) {
			return true
		}
	}
	return false
}

// isPhotoError reports whether err is a refusal for the shopper.
func isPhotoError(err error) bool {
	var pe photoError
	return errors.As(err, &pe)
}
