package bot

import (
	"context"
	"net/http"
	"path"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/priobot/priobot/outbox"
)

// Metrics are priobot's Prometheus series, served at /metrics.
type Metrics struct {
	registry       *prometheus.Registry
	envelopes      *prometheus.CounterVec   // by envelope type
	handlerSeconds *prometheus.HistogramVec // by envelope type
	handlerErrors  *prometheus.CounterVec   // by envelope type and error code
	slackCalls     *prometheus.CounterVec   // by Web API method and HTTP status
	redisErrors    prometheus.Counter
	deliveries     *prometheus.CounterVec // outbox deliveries, by kind and outcome
}

// NewMetrics registers priobot's series (and the Go runtime's) in a fresh registry.
func NewMetrics() *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		envelopes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "priobot_envelopes_total", Help: "Socket Mode envelopes received, by type.",
		}, []string{"type"}),
		handlerSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "priobot_handler_seconds", Help: "Time from receiving an envelope to finishing its handler.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"type"}),
		handlerErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "priobot_handler_errors_total", Help: "Handlers that ended in an error or a panic, by envelope type and error code.",
		}, []string{"type", "code"}),
		slackCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "priobot_slack_api_calls_total", Help: "Slack Web API calls, by method and HTTP status.",
		}, []string{"method", "status"}),
		redisErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "priobot_redis_errors_total", Help: "Redis commands and dials that failed.",
		}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "priobot_outbox_deliveries_total", Help: "Outbox items this process tried to deliver, by kind and outcome (delivered, retry, dead).",
		}, []string{"kind", "outcome"}),
	}
	m.registry.MustRegister(m.envelopes, m.handlerSeconds, m.handlerErrors, m.slackCalls, m.redisErrors, m.deliveries,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// OutboxDelivered counts one delivery attempt of an outbox item.
func (m *Metrics) OutboxDelivered(kind, outcome string) {
	m.deliveries.WithLabelValues(kind, outcome).Inc()
}

// WatchOutbox reports the outboxes' totals, asked of totals at each scrape
// (within two seconds): items waiting, the age of the oldest, dead letters.
func (m *Metrics) WatchOutbox(totals func(context.Context) (outbox.Totals, error)) {
	m.registry.MustRegister(outboxCollector(totals))
}

var (
	outboxWaiting = prometheus.NewDesc("priobot_outbox_waiting", "Outbox items not delivered yet, in every backlog.", nil, nil)
	outboxOldest  = prometheus.NewDesc("priobot_outbox_oldest_seconds", "Age of the oldest outbox item not delivered yet (0 for none).", nil, nil)
	outboxDead    = prometheus.NewDesc("priobot_outbox_dead_letters", "Outbox items given up on after every retry, kept for /backlog outbox.", nil, nil)
)

// outboxCollector asks Redis for the outboxes' totals when scraped.
type outboxCollector func(context.Context) (outbox.Totals, error)

func (outboxCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- outboxWaiting
	ch <- outboxOldest
	ch <- outboxDead
}

func (c outboxCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	t, err := c(ctx)
	if err != nil {
		return // Redis trouble shows in priobot_redis_errors_total and /readyz
	}
	age := 0.0
	if !t.Oldest.IsZero() {
		age = time.Since(t.Oldest).Seconds()
	}
	ch <- prometheus.MustNewConstMetric(outboxWaiting, prometheus.GaugeValue, float64(t.Waiting))
	ch <- prometheus.MustNewConstMetric(outboxOldest, prometheus.GaugeValue, age)
	ch <- prometheus.MustNewConstMetric(outboxDead, prometheus.GaugeValue, float64(t.Dead))
}

// RedisError counts one failed Redis command (for store.Options.OnError).
func (m *Metrics) RedisError(error) { m.redisErrors.Inc() }

func (m *Metrics) observe(envelopeType string, start time.Time) {
	m.handlerSeconds.WithLabelValues(envelopeType).Observe(time.Since(start).Seconds())
}

// countingTransport counts Slack Web API calls by method and status. The
// method is the last element of the URL path (…/api/chat.postMessage);
// response_url and upload calls are counted under their own names.
type countingTransport struct {
	next http.RoundTripper
	m    *Metrics
}

func (t countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	method := path.Base(req.URL.Path)
	if !isAPIPath(req.URL.Path) {
		method = "other"
	}
	resp, err := t.next.RoundTrip(req)
	status := "error"
	if err == nil {
		status = strconv.Itoa(resp.StatusCode)
	}
	t.m.slackCalls.WithLabelValues(method, status).Inc()
	return resp, err
}

func isAPIPath(p string) bool { return path.Base(path.Dir(p)) == "api" }
