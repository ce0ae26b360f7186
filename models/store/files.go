package store

import (
	"context"
	"errors"

	"gorm.io/gorm"

	"tapline/models"
)

var _ models.FileService = (*DB)(nil)

// maxFileSize bounds a stored file (a 100 000-case ledger is ~10 MB).
const maxFileSize = 64 << 20

// SaveFile implements models.FileService.
func (db *DB) SaveFile(ctx context.Context, f *models.StoredFile) error {
	if f == nil || f.Name == "" || len(f.Content) == 0 || len(f.Content) > maxFileSize {
		return models.Errorf(models.EINVALID, "A file needs a name and 1 byte to 64 MiB of content.")
	}
	row := *f
	row.ID, row.Size, row.CreatedAt, row.ExpiresAt = 0, len(f.Content), db.now(), norm(f.ExpiresAt)
	if err := db.conn.WithContext(ctx).Create(&row).Error; err != nil {
		return db.wrap("store: save file", err)
	}
	*f = row
	return nil
}

// FindFile implements models.FileService.
func (db *DB) FindFile(ctx context.Context, id uint64) (*models.StoredFile, error) {
	var f models.StoredFile
	err := db.conn.WithContext(ctx).Where("id = ? AND expires_at > ?", id, db.now()).Take(&f).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, notFound("File %d does not exist or has expired.", id)
	}
	if err != nil {
		return nil, db.wrap("store: find file", err)
	}
	return &f, nil
}

// ReadFile implements bot.FileSource.
func (db *DB) ReadFile(ctx context.Context, id uint64) (string, []byte, error) {
	f, err := db.FindFile(ctx, id)
	if err != nil {
		return "", nil, err
	}
	return f.Name, f.Content, nil
}
