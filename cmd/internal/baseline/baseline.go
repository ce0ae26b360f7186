// Package baseline serves the reference handlers the load driver measures
// Tapline against (issue 7, "Load driver and baselines"): (1) bare gin
// answering the POST, (2) silenceper's Official Account server in safe mode
// echoing the message, (3) the same plus one Redis GET and SET, (4) the same
// plus one gorm INSERT into the same database.
package baseline

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/redis/go-redis/v9"
	"github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/officialaccount"
	oaconfig "github.com/silenceper/wechat/v2/officialaccount/config"
	"github.com/silenceper/wechat/v2/officialaccount/message"
	"gorm.io/gorm"
)

// Kind selects one of the four baselines.
type Kind int

// The baselines, cheapest first.
const (
	Gin Kind = iota + 1
	OA
	OARedis
	OARedisInsert
)

// Kinds lists every baseline in order.
var Kinds = []Kind{Gin, OA, OARedis, OARedisInsert}

// String names the baseline as the report prints it.
func (k Kind) String() string {
	switch k {
	case Gin:
		return "(1) bare gin"
	case OA:
		return "(2) silenceper OA server, safe mode"
	case OARedis:
		return "(3) (2) + Redis GET + SET"
	case OARedisInsert:
		return "(4) (3) + gorm INSERT"
	}
	return fmt.Sprintf("baseline %d", int(k))
}

// Config holds what a baseline needs: the WeChat credentials for (2)–(4),
// Redis for (3)–(4) and the database for (4).
type Config struct {
	Kind           Kind
	AppID          string
	Token          string
	EncodingAESKey string
	Redis          redis.UniversalClient
	DB             *gorm.DB
	KeyPrefix      string // Redis keys of (3) and (4)
}

// Row is the row baseline (4) inserts per message.
type Row struct {
	ID        uint64 `gorm:"primaryKey"`
	Sender    string `gorm:"size:64;index"`
	Content   string `gorm:"type:text"`
	CreatedAt time.Time
}

// TableName names the table.
func (Row) TableName() string { return "load_baseline_messages" }

// Handler returns the gin engine of the baseline cfg.Kind, answering POST
// /webhooks/wechat like Tapline's webhook.
func Handler(cfg Config) (http.Handler, error) {
	if cfg.Kind < Gin || cfg.Kind > OARedisInsert {
		return nil, fmt.Errorf("baseline: unknown kind %d", cfg.Kind)
	}
	if cfg.Kind >= OARedis && cfg.Redis == nil {
		return nil, fmt.Errorf("baseline: %v needs Redis", cfg.Kind)
	}
	if cfg.Kind == OARedisInsert && cfg.DB == nil {
		return nil, fmt.Errorf("baseline: %v needs a database", cfg.Kind)
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(gin.Recovery()) // the OA server panics on closed connections (STACK-NOTES)
	if cfg.Kind == Gin {
		r.POST("/webhooks/wechat", func(c *gin.Context) { c.String(http.StatusOK, "success") })
		return r, nil
	}
	oa := officialaccount.NewOfficialAccount(&oaconfig.Config{AppID: cfg.AppID, Token: cfg.Token,
		EncodingAESKey: cfg.EncodingAESKey, Cache: cache.NewMemory()})
	r.POST("/webhooks/wechat", func(c *gin.Context) { serveOA(c, oa, cfg) })
	return r, nil
}

// serveOA runs silenceper's server for one request, echoing the text.
func serveOA(c *gin.Context, oa *officialaccount.OfficialAccount, cfg Config) {
	srv := oa.GetServer(c.Request, c.Writer)
	var failed error
	srv.SetMessageHandler(func(m *message.MixMessage) *message.Reply {
		if err := work(c.Request.Context(), cfg, string(m.FromUserName), m.Content); err != nil {
			failed = err
			return &message.Reply{MsgType: message.MsgTypeText, MsgData: message.NewText("error")}
		}
		return &message.Reply{MsgType: message.MsgTypeText, MsgData: message.NewText(m.Content)}
	})
	if err := srv.Serve(); err != nil {
		c.String(http.StatusBadRequest, "bad request")
		return
	}
	if failed != nil {
		c.String(http.StatusInternalServerError, failed.Error())
		return
	}
	if err := srv.Send(); err != nil {
		c.String(http.StatusInternalServerError, "reply failed")
	}
}

// work is the per-message cost of baselines (3) and (4).
func work(ctx context.Context, cfg Config, sender, content string) error {
	if cfg.Kind < OARedis {
		return nil
	}
	key := cfg.KeyPrefix + sender
	if err := cfg.Redis.Get(ctx, key).Err(); err != nil && err != redis.Nil {
		return fmt.Errorf("baseline get: %w", err)
	}
	if err := cfg.Redis.Set(ctx, key, content, 10*time.Minute).Err(); err != nil {
		return fmt.Errorf("baseline set: %w", err)
	}
	if cfg.Kind < OARedisInsert {
		return nil
	}
	row := Row{Sender: sender, Content: content, CreatedAt: time.Now().UTC().Truncate(time.Millisecond)}
	if err := cfg.DB.WithContext(ctx).Create(&row).Error; err != nil {
		return fmt.Errorf("baseline insert: %w", err)
	}
	return nil
}
