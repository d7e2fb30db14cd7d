// Package docs embeds the documents the program serves: the OpenAPI
// description of the JSON API.
package docs

import _ "embed"

// OpenAPI is the OpenAPI 3.1 document of the JSON API under /api/v1/.
//
//go:embed openapi.json
var OpenAPI []byte
