package models

import (
	"context"
	"time"
)

// StoredFile is a generated file kept for delivery and download: a
// monthly ledger workbook or a chart (policy 4.4.1). Files expire.
type StoredFile struct {
	ID        uint64    `gorm:"primaryKey;autoIncrement"`
	Name      string    `gorm:"size:128;not null"`
	Mime      string    `gorm:"size:96;not null"`
	Size      int       `gorm:"not null"`
	Content   []byte    `gorm:"type:longblob;not null"`
	ExpiresAt time.Time `gorm:"index;not null"`
	CreatedAt time.Time
}

// FileService stores generated files.
type FileService interface {
	// SaveFile writes f and fills in its ID and CreatedAt.
	SaveFile(ctx context.Context, f *StoredFile) error
	// FindFile returns ENOTFOUND when the file does not exist or expired.
	FindFile(ctx context.Context, id uint64) (*StoredFile, error)
}
