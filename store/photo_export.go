package store

import "context"

// PhotoPath is the console route that serves a photo to signed-in staff;
// exports link to it, relative to the kefu that wrote them.
func PhotoPath(id string) string { return "/api/console/photos/" + id }

// photoLinks are the conversation's attached photos as links, by the seq
// of the message that attached them (exports: photos, not their bytes).
func (s *Store) photoLinks(ctx context.Context, conversationID string) (map[int64][]string, error) {
	ps, err := s.PhotosByConversation(ctx, conversationID)
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	out := map[int64][]string{}
	for _, p := range ps {
		if p.MessageSeq != 0 {
			out[p.MessageSeq] = append(out[p.MessageSeq], PhotoPath(p.ID))
		}
	}
	return out, nil
}
