package web

import (
	"net/http"

	"sotepe"
	"sotepe/web/kit"
)

// Caller returns the signed-in user of a request that went through the
// server's middleware (nil when nobody is signed in) and the language to
// answer in; handlers web mounts from other packages (Config.FHIR) read
// their caller through it.
func Caller(r *http.Request) (*sotepe.User, sotepe.Lang) {
	in := kit.Info(r)
	return in.User, in.Lang
}

// fhir serves /fhir/R4/ through Config.FHIR, or answers 404 without one.
func (s *Server) fhir(w http.ResponseWriter, r *http.Request) error {
	if s.cfg.FHIR == nil {
		return sotepe.NotFound("page")
	}
	s.cfg.FHIR.ServeHTTP(w, r)
	return nil
}
