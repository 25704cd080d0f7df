package slackemu

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
)

// Files: the two-step upload (files.getUploadURLExternal, a POST to the
// upload URL, files.completeUploadExternal) and what was shared where.

// maxAltText is how long a file's alt text may be.
const maxAltText = 1000

func (s *Server) uploadURL(p params) (map[string]any, error) {
	length, err := strconv.Atoi(p["length"])
	if p["filename"] == "" || err != nil || length <= 0 {
		return nil, apiError("invalid_arguments")
	}
	if len([]rune(p["alt_txt"])) > maxAltText {
		return nil, apiError("alt_txt_too_large")
	}
	f := &File{ID: s.nextID("F"), Name: p["filename"], AltText: p["alt_txt"]}
	s.files[f.ID] = f
	return map[string]any{"upload_url": s.base + "/upload/" + f.ID, "file_id": f.ID}, nil
}

func (s *Server) serveUpload(w http.ResponseWriter, r *http.Request) {
	var content []byte
	if file, _, err := r.FormFile("file"); err == nil {
		content, _ = io.ReadAll(file)
	} else {
		content, _ = io.ReadAll(r.Body)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.files[r.PathValue("id")]
	if !ok {
		http.Error(w, "no such upload", http.StatusNotFound)
		return
	}
	f.Content = content
	s.changedLocked()
	_, _ = io.WriteString(w, "OK - "+strconv.Itoa(len(content)))
}

func (s *Server) completeUpload(p params) (map[string]any, error) {
	var files []struct{ ID, Title string }
	if err := json.Unmarshal([]byte(p["files"]), &files); err != nil || len(files) == 0 {
		return nil, apiError("invalid_arguments")
	}
	out := []map[string]any{}
	var ids []string
	for _, in := range files {
		f, ok := s.files[in.ID]
		if !ok || f.Content == nil {
			return nil, apiError("file_not_found")
		}
		f.Title = in.Title
		ids = append(ids, f.ID)
		out = append(out, map[string]any{"id": f.ID, "title": f.Title, "name": f.Name})
	}
	if p["channel_id"] != "" {
		c, err := s.channelLocked(p["channel_id"])
		if err != nil {
			return nil, err
		}
		if c.private && !c.botMember {
			return nil, apiError("not_in_channel")
		}
		for _, id := range ids {
			s.files[id].Channel = c.id
		}
		c.messages = append(c.messages, &msg{channel: c.id, ts: s.nextTS(), threadTS: p["thread_ts"], user: BotUserID,
			text: p["initial_comment"], files: ids})
	}
	return map[string]any{"files": out}, nil
}

// Files returns the files shared in a channel, oldest first.
func (s *Server) Files(channelID string) []File {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []File
	for _, id := range sortedKeys(s.files) {
		if f := s.files[id]; f.Channel == channelID {
			out = append(out, *f)
		}
	}
	return out
}
