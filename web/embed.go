package web

import (
	"embed"
	"io/fs"
	"os"
)

// static holds the widget, the demo shop page and (later) the console:
// plain JavaScript and CSS, embedded so that one binary serves them.
//
//go:embed static
var static embed.FS

// assets returns the static files: from dir when set (KEFU_STATIC_DIR, for
// front-end work without rebuilding), else the embedded copy.
func assets(dir string) fs.FS {
	if dir != "" {
		return os.DirFS(dir)
	}
	sub, err := fs.Sub(static, "static")
	if err != nil {
		panic(err) // the embed directive guarantees the directory
	}
	return sub
}
