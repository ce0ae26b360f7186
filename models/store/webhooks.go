package store

import (
	"context"
	"errors"
	"strconv"

	"gorm.io/gorm"

	"tapline/models"
)

var _ models.WebhookService = (*DB)(nil)

// CreateSubscription implements models.WebhookService.
func (db *DB) CreateSubscription(ctx context.Context, s *models.Subscription) error {
	now := db.now()
	s.ID, s.CreatedAt, s.UpdatedAt = 0, now, now
	if err := db.conn.WithContext(ctx).Create(s).Error; err != nil {
		return db.wrap("store: create subscription", err)
	}
	return nil
}

// Subscriptions implements models.WebhookService.
func (db *DB) Subscriptions(ctx context.Context) ([]*models.Subscription, error) {
	var out []*models.Subscription
	err := db.conn.WithContext(ctx).Order("id").Find(&out).Error
	return out, db.wrap("store: subscriptions", err)
}

// FindSubscription implements models.WebhookService.
func (db *DB) FindSubscription(ctx context.Context, id uint64) (*models.Subscription, error) {
	var s models.Subscription
	err := db.conn.WithContext(ctx).Where("id = ?", id).Take(&s).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, notFound("没有编号为 %d 的事件订阅。", id)
	}
	if err != nil {
		return nil, db.wrap("store: find subscription", err)
	}
	return &s, nil
}

// UpdateSubscription implements models.WebhookService.
func (db *DB) UpdateSubscription(ctx context.Context, id uint64, u models.SubscriptionUpdate) (*models.Subscription, error) {
	updates := map[string]any{"updated_at": db.now()}
	if u.URL != nil {
		updates["url"] = *u.URL
	}
	if u.Events != nil {
		updates["events"] = *u.Events
	}
	if u.Description != nil {
		updates["description"] = *u.Description
	}
	if u.Active != nil {
		updates["active"] = *u.Active
	}
	res := db.conn.WithContext(ctx).Model(&models.Subscription{}).Where("id = ?", id).Updates(updates)
	if res.Error != nil {
		return nil, db.wrap("store: update subscription", res.Error)
	}
	return db.FindSubscription(ctx, id)
}

// DeleteSubscription implements models.WebhookService.
func (db *DB) DeleteSubscription(ctx context.Context, id uint64) error {
	res := db.conn.WithContext(ctx).Where("id = ?", id).Delete(&models.Subscription{})
	if res.Error != nil {
		return db.wrap("store: delete subscription", res.Error)
	}
	if res.RowsAffected == 0 {
		return notFound("没有编号为 %d 的事件订阅。", id)
	}
	return nil
}

// ReplayDelivery implements models.WebhookService: a copy of the delivery,
// pending and due now, with a fresh attempt count.
func (db *DB) ReplayDelivery(ctx context.Context, id uint64) (*models.Outbox, error) {
	row, err := db.FindOutbox(ctx, id)
	if err == nil && row.Channel != models.ChannelWebhook {
		err = notFound("编号 %d 不是事件投递。", id)
	}
	if err != nil {
		return nil, err
	}
	if _, err := strconv.ParseUint(row.Target, 10, 64); err != nil {
		return nil, notFound("编号 %d 不是事件投递。", id)
	}
	replay := &models.Outbox{CaseID: row.CaseID, Channel: row.Channel, Target: row.Target,
		Audience: row.Audience, Kind: row.Kind, Payload: row.Payload}
	if err := db.AddOutbox(ctx, []*models.Outbox{replay}); err != nil {
		return nil, err
	}
	return replay, nil
}
