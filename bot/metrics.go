package bot

import (
	"net/http"
	"path"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are priobot's Prometheus series, served at /metrics.
type Metrics struct {
	registry       *prometheus.Registry
	envelopes      *prometheus.CounterVec   // by envelope type
	handlerSeconds *prometheus.HistogramVec // by envelope type
	handlerErrors  *prometheus.CounterVec   // by envelope type and error code
	slackCalls     *prometheus.CounterVec   // by Web API method and HTTP status
	redisErrors    prometheus.Counter
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
	}
	m.registry.MustRegister(m.envelopes, m.handlerSeconds, m.handlerErrors, m.slackCalls, m.redisErrors,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
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
