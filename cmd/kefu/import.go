package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/store/demo"
)

// maxImportSize bounds the file `kefu import` reads into memory.
const maxImportSize = 256 << 20

// openStore opens the database for the commands that need nothing else.
func openStore(ctx context.Context, cfg Config, log *slog.Logger) (*store.Store, error) {
	st, err := store.Open(ctx, cfg.Database(), store.Options{Sync: cfg.Sync})
	if err != nil {
		return nil, err
	}
	log.Debug("database open", "path", st.Path(), "schema_version", store.SchemaVersion())
	return st, nil
}

func cmdSeed(ctx context.Context, c *cli, args []string) error {
	fs := c.flags()
	reset := fs.Bool("reset", false, "delete all shop data and conversations first")
	if _, err := c.parse(fs, args); err != nil {
		return err
	}
	cfg, log, err := c.config()
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	if *reset {
		if err := st.Reset(ctx); err != nil {
			return err
		}
	} else if has, err := st.HasShopData(ctx); err != nil {
		return err
	} else if has {
		return fmt.Errorf("%s already has shop data; use `kefu seed --reset` to replace it with the demo shop", st.Path())
	}
	rep, err := st.Import(ctx, demo.Dataset(st.Now()))
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "Seeded the demo shop into %s:\n%s", st.Path(), rep)
	return nil
}

func cmdImport(ctx context.Context, c *cli, args []string) error {
	fs := c.flags()
	transcripts := fs.Bool("transcripts", false, "the file is a `kefu export` JSONL of conversations")
	rest, err := c.parse(fs, args, "FILE")
	if err != nil {
		return err
	}
	path := rest[0]
	cfg, log, err := c.config()
	if err != nil {
		return err
	}
	if *transcripts {
		return importTranscripts(ctx, c, cfg, log, path)
	}
	ds, err := readDataset(path)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	st, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	rep, err := st.Import(ctx, ds)
	var verr *store.ValidationError
	if errors.As(err, &verr) {
		var list strings.Builder
		for _, p := range verr.Problems {
			fmt.Fprintf(&list, "\n  %s", p)
		}
		return fmt.Errorf("%s: nothing was imported; %d problem(s):%s", path, len(verr.Problems), list.String())
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "Imported %s into %s:\n%s", path, st.Path(), rep)
	return nil
}

func readDataset(path string) (*store.Dataset, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxImportSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxImportSize {
		return nil, fmt.Errorf("file is larger than %d MiB", maxImportSize>>20)
	}
	return store.DecodeDataset(b)
}

// importTranscripts loads conversations from a `kefu export` JSONL file.
func importTranscripts(ctx context.Context, c *cli, cfg Config, log *slog.Logger, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	rep, err := st.ImportTranscripts(ctx, f)
	if err != nil {
		return fmt.Errorf("%s: %w (%d imported before it)", path, err, rep.Imported)
	}
	fmt.Fprintf(c.stdout, "Imported %d conversation(s) from %s; %d already there.\n", rep.Imported, path, rep.Skipped)
	return nil
}
