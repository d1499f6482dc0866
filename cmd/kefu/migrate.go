package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/kefu-dev/kefu/store"
)

// cmdMigrateTo copies the SQLite database (KEFU_DB) into a PostgreSQL
// database (kefu migrate-to postgres://…), for a shop moving to several
// nodes. The copy is one transaction on the target, counted on both sides
// afterwards; it refuses a target that holds data unless --replace, with
// which running it again gives the same result.
func cmdMigrateTo(ctx context.Context, c *cli, args []string) error {
	fs := c.flags()
	replace := fs.Bool("replace", false, "delete what the target database holds first (copying again gives the same result)")
	photosTo := fs.String("photos-to", "", "also copy the photos' files (from KEFU_PHOTO_DIR) into this folder: the one the nodes share as their KEFU_PHOTO_DIR")
	rest, err := c.parse(fs, args, "postgres://USER:PASSWORD@HOST:5432/DB")
	if err != nil {
		return err
	}
	target := rest[0]
	if !store.IsPostgresURL(target) {
		return usagef("want the PostgreSQL database to copy into, such as postgres://kefu:secret@db:5432/kefu")
	}
	cfg, log, err := c.config()
	if err != nil {
		return err
	}
	if cfg.DatabaseURL != "" {
		return errors.New("KEFU_DATABASE_URL is set: migrate-to copies the SQLite file KEFU_DB into the database it is given; unset KEFU_DATABASE_URL")
	}
	if _, err := os.Stat(cfg.DB); err != nil {
		return fmt.Errorf("the SQLite database to copy (KEFU_DB): %w", err)
	}
	src, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := store.Open(ctx, target, store.Options{})
	if err != nil {
		return err
	}
	defer dst.Close()
	fmt.Fprintf(c.stderr, "Copying %s into %s (stop kefu serve on it first: what it writes during the copy is not copied)…\n", src.Path(), dst.Path())
	counts, err := src.CopyTo(ctx, dst, *replace)
	if errors.Is(err, store.ErrTargetNotEmpty) {
		return fmt.Errorf("%w; nothing was copied", err)
	}
	if err != nil {
		return err
	}
	var total int64
	for _, t := range counts {
		fmt.Fprintf(c.stdout, "  %-24s %8d\n", t.Table, t.Rows)
		total += t.Rows
	}
	fmt.Fprintf(c.stdout, "Copied %d rows into %s; every table holds as many rows as the source. The search index is rebuilt by the first kefu started on it.\n", total, dst.Path())
	if err := copyPhotos(ctx, c, src, cfg.PhotoDir, *photosTo); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "Run the nodes with KEFU_DATABASE_URL set to it (docs/scale.md).\n")
	return nil
}

// copyPhotos copies the photos' files, which live in a folder and not in
// the database, into the folder the nodes share (--photos-to), or says
// where they are when it was not given.
func copyPhotos(ctx context.Context, c *cli, src *store.Store, from, to string) error {
	hashes, err := src.PhotoHashes(ctx)
	if err != nil || len(hashes) == 0 {
		return err
	}
	if to == "" {
		fmt.Fprintf(c.stdout, "The %d photos' files are in %s, not in the database: copy that folder to the nodes' KEFU_PHOTO_DIR (a folder they share), or run again with --replace --photos-to DIR.\n", len(hashes), from)
		return nil
	}
	copied, missing, err := store.CopyPhotoFiles(from, to, hashes)
	if err != nil {
		return fmt.Errorf("copying the photos into %s: %w", to, err)
	}
	fmt.Fprintf(c.stdout, "Copied %d photos' files into %s.\n", copied, to)
	if len(missing) > 0 {
		fmt.Fprintf(c.stderr, "%d photos' files were not in %s (erased by hand?); their messages show no photo.\n", len(missing), from)
	}
	return nil
}
