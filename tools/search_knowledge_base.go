package tools

import (
	"context"
	"strings"

	"github.com/kefu-dev/kefu/store"
)

// SearchKnowledgeBase finds the shop's help articles that answer a question.
type SearchKnowledgeBase struct {
	Articles interface {
		SearchArticles(ctx context.Context, query, locale string, limit int) ([]store.ArticleHit, error)
	}
}

var _ Tool = (*SearchKnowledgeBase)(nil)

func (*SearchKnowledgeBase) Name() string { return NameSearchKnowledgeBase }
func (*SearchKnowledgeBase) Risk() Risk   { return Read }

func (*SearchKnowledgeBase) Description() string {
	return "Search the shop's help articles (shipping, returns and refunds, exchanges, payment, order changes, " +
		"warranty, sizing, gift cards, privacy, contact and opening hours). Use it for any question about the shop's " +
		"policies or how things work, and answer only from the excerpts it returns; if nothing relevant comes back, " +
		"say you don't know and offer a person. Not for a specific order: use the order tools."
}

func (*SearchKnowledgeBase) Parameters() map[string]any {
	return schema(map[string]any{
		"query":  str("The shopper's question or its key words, in the shopper's language."),
		"locale": map[string]any{"type": "string", "enum": []string{"en", "zh"}, "description": "Language of the articles; defaults to the shopper's."},
	}, "query")
}

func (t *SearchKnowledgeBase) Call(ctx context.Context, id Identity, args string) (Result, error) {
	var a struct {
		Query  string `json:"query"`
		Locale string `json:"locale"`
	}
	if err := decodeArgs(args, &a); err != nil {
		return invalid(err.Error()), nil
	}
	a.Query = strings.TrimSpace(a.Query)
	if a.Query == "" {
		return invalid(`"query" is required`), nil
	}
	if len(a.Query) > 500 {
		a.Query = a.Query[:500]
	}
	switch a.Locale {
	case "":
		a.Locale = id.Locale
	case "en", "zh":
	default:
		return invalid(`"locale" must be "en" or "zh"`), nil
	}
	hits, err := t.Articles.SearchArticles(ctx, a.Query, a.Locale, 3)
	if err != nil {
		return Result{}, err
	}
	if len(hits) == 0 {
		return Result{Status: StatusNotFound, Reason: "no_articles",
			Message: "The knowledge base has nothing on this. Say so honestly and offer to connect the shopper with a person."}, nil
	}
	views := make([]ArticleView, 0, len(hits))
	for _, h := range hits {
		views = append(views, ArticleView{Slug: h.Slug, Title: h.Title, Locale: h.Locale, Excerpt: h.Excerpt})
	}
	return ok(&ArticleHits{Articles: views}), nil
}
