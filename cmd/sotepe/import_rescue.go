package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"sotepe"
	"sotepe/i18n"
	"sotepe/rescue"
)

// runImportRescue is `sotepe import rescue-missions --db … --file FILE.csv`:
// the file's missions (rescue.MissionColumns) land whole in one
// transaction or not at all. A bad file stores nothing and names the line
// and the field in the language of --lang; missions the database has
// already (the same external id) count as duplicates, so a file can be
// imported again safely.
func runImportRescue(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	const usage = "usage: sotepe import rescue-missions --db … --file FILE.csv [--lang fi|sv|en]"
	var c config
	fs := newFlags("import rescue-missions", getenv, stderr, &c, "", "")
	file := fs.String("file", "", "the missions CSV file")
	lang := fs.String("lang", "en", "the language of the error messages: fi, sv or en")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *file == "" && fs.NArg() == 1 {
		*file = fs.Arg(0)
	}
	if c.db == "" || *file == "" {
		return errors.New(usage)
	}
	l, cat, err := errorLanguage(*lang)
	if err != nil {
		return err
	}
	loc, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		return err
	}
	f, err := os.Open(*file)
	if err != nil {
		return err
	}
	defer f.Close()
	ms, lines, err := rescue.ParseMissions(f, loc)
	if err != nil {
		return importFailed(cat, l, err)
	}
	st, err := c.openStore(ctx, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	started := time.Now()
	res, err := st.AddRescueMissions(ctx, ms)
	if err != nil {
		return importFailed(cat, l, rescue.LineOf(err, lines))
	}
	fmt.Fprintf(stdout, "imported %d missions in %s: %d added, %d there already\n", len(ms),
		time.Since(started).Round(time.Millisecond), res.Added, res.Duplicates)
	return nil
}

// errorLanguage returns the language an import's --lang names and the
// catalogue its errors are written from.
func errorLanguage(lang string) (sotepe.Lang, *i18n.Catalog, error) {
	l, ok := sotepe.ParseLang(lang)
	if !ok {
		return "", nil, errors.New("--lang must be fi, sv or en")
	}
	cat, err := i18n.New()
	return l, cat, err
}

// importFailed is the error of a file that stored nothing, in language l:
// the line and the field when the error names them.
func importFailed(cat *i18n.Catalog, l sotepe.Lang, err error) error {
	return errors.New(rescue.Explain(cat.T, l, err) + " — " + cat.T(l, "rescue.import.nothing_stored", nil))
}
