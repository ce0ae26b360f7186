// Package apiclient is the Go client generated from handlers/openapi.yaml
// by oapi-codegen (client.gen.go, never edited by hand). It exists to
// prove the contract: cmd/server's TestGeneratedClientAndEventWebhooks
// drives a whole case with it against the real server, and CI
// (scripts/apiclient.sh -check) fails when regenerating it would change
// it. Regenerate with `bash scripts/apiclient.sh`.
package apiclient
