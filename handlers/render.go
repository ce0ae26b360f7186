package handlers

import (
	"encoding/json"
	"net/http"
)

// problemRender writes a problem as application/problem+json.
type problemRender struct{ p *problem }

// Render implements gin's render.Render.
func (r problemRender) Render(w http.ResponseWriter) error {
	r.WriteContentType(w)
	return json.NewEncoder(w).Encode(r.p)
}

// WriteContentType implements gin's render.Render.
func (r problemRender) WriteContentType(w http.ResponseWriter) {
	w.Header().Set("Content-Type", ProblemContentType)
}
