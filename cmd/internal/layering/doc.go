// Package layering holds only a test: it checks ARCHITECTURE.md's rule that
// imports point downward (handlers → bot → models), that platform packages
// never see gin and that domain code never sees Redis or gorm directly.
package layering
