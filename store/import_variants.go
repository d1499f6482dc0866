package store

import (
	"strings"
	"unicode/utf8"
)

// Bounds of the variant and address parts of the import format.
const (
	maxOptions       = 8  // options per variant
	maxOptionText    = 60 // characters in an option's name or value
	maxAddresses     = 20 // saved addresses per customer
	maxVariantGroups = 80 // characters in a group id
)

// checkVariant checks a product's variant fields: a group id of its
// product, options that tell it apart from the group's other variants,
// and stock that is not negative.
func (im *importer) checkVariant(path string, p *Product) {
	if p.Stock != nil && *p.Stock < 0 {
		im.problem(path+".stock", "must not be negative")
	}
	if len(p.Options) > maxOptions {
		im.problem(path+".options", "more than %d options", maxOptions)
	}
	for _, k := range p.Options.Names() {
		v := p.Options[k]
		switch {
		case strings.TrimSpace(k) == "" || strings.TrimSpace(v) == "":
			im.problem(path+".options", "option names and values must not be empty")
		case utf8.RuneCountInString(k) > maxOptionText || utf8.RuneCountInString(v) > maxOptionText:
			im.problem(path+".options."+k, "longer than %d characters", maxOptionText)
		}
	}
	group := strings.TrimSpace(p.Group)
	switch {
	case group == "":
		return
	case utf8.RuneCountInString(group) > maxVariantGroups:
		im.problem(path+".group", "longer than %d characters", maxVariantGroups)
		return
	case len(p.Options) == 0:
		im.problem(path+".options", "required for a variant of group %q (e.g. {\"size\": \"M\"})", group)
		return
	}
	key := group + "\x00" + optionsJSON(p.Options)
	if other, dup := im.seen.variants[key]; dup {
		im.problem(path+".options", "the same as %s, another variant of group %q", other, group)
		return
	}
	im.seen.variants[key] = path
}

// checkAddresses checks a customer's saved addresses: each complete, at
// most one the default.
func (im *importer) checkAddresses(path string, as []Address) {
	if len(as) > maxAddresses {
		im.problem(path, "more than %d addresses", maxAddresses)
	}
	defaults := 0
	for j, a := range as {
		im.checkAddress(at(path, j), a)
		if a.Default {
			defaults++
		}
	}
	if defaults > 1 {
		im.problem(path, "%d addresses are marked default; at most one may be", defaults)
	}
}

func (im *importer) checkAddress(path string, a Address) {
	for _, p := range a.Problems() {
		field, why, _ := strings.Cut(p, ": ")
		im.problem(path+"."+field, "%s", why)
	}
}
