package chat

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the engine's Prometheus collectors.
type Metrics struct {
	Connections          prometheus.Gauge
	Turns                *prometheus.CounterVec // by outcome: answered, handoff, error
	TurnSeconds          prometheus.Histogram
	ToolCalls            *prometheus.CounterVec // by tool and status
	ModelErrors          prometheus.Counter
	Fallbacks            prometheus.Counter
	Handoffs             prometheus.Counter
	SlowClients          prometheus.Counter
	WriteBatch           prometheus.Histogram
	WriteCommitSeconds   prometheus.Histogram
	FramesRefused        *prometheus.CounterVec // by error code
	SocketsRefused       *prometheus.CounterVec // by HTTP status: 429 (per address), 503 (descriptors)
	RecommendationClicks prometheus.Counter
	OffersShown          prometheus.Counter
	CouponsIssued        prometheus.Counter
}

// NewMetrics creates the collectors and registers them with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Connections: prometheus.NewGauge(prometheus.GaugeOpts{Name: "kefu_connections", Help: "Open shopper WebSocket connections."}),
		Turns:       prometheus.NewCounterVec(prometheus.CounterOpts{Name: "kefu_turns_total", Help: "Agent turns, by outcome."}, []string{"outcome"}),
		TurnSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "kefu_turn_duration_seconds", Help: "Time from a shopper message to the agent's answer.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}}),
		ToolCalls:   prometheus.NewCounterVec(prometheus.CounterOpts{Name: "kefu_tool_calls_total", Help: "Tool calls, by tool and result status."}, []string{"tool", "status"}),
		ModelErrors: prometheus.NewCounter(prometheus.CounterOpts{Name: "kefu_model_errors_total", Help: "Turns in which the configured model failed or timed out."}),
		Fallbacks:   prometheus.NewCounter(prometheus.CounterOpts{Name: "kefu_model_fallbacks_total", Help: "Turns answered by the built-in model after the configured one failed."}),
		Handoffs:    prometheus.NewCounter(prometheus.CounterOpts{Name: "kefu_handoffs_total", Help: "Conversations handed to a person."}),
		SlowClients: prometheus.NewCounter(prometheus.CounterOpts{Name: "kefu_slow_client_disconnects_total", Help: "Sockets closed because they could not keep up."}),
		WriteBatch: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "kefu_write_batch_size", Help: "Messages committed per transaction by the batched writer.",
			Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128, 256}}),
		WriteCommitSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "kefu_write_commit_seconds", Help: "Time the batched writer took to store a batch (its transaction and commit).",
			Buckets: []float64{.0005, .001, .002, .005, .01, .02, .05, .1, .25, 1}}),
		FramesRefused: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "kefu_frames_refused_total", Help: "Shopper frames answered with an error, by code."}, []string{"code"}),
		SocketsRefused: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "kefu_sockets_refused_total",
			Help: "Shopper sockets refused before the upgrade, by status: 429 (too many from one address), 503 (the descriptors kept in reserve)."}, []string{"status"}),
		RecommendationClicks: prometheus.NewCounter(prometheus.CounterOpts{Name: "kefu_recommendation_clicks_total", Help: "Recommended products shoppers clicked in the widget."}),
		OffersShown:          prometheus.NewCounter(prometheus.CounterOpts{Name: "kefu_campaign_offers_shown_total", Help: "Campaign offers shown to signed-in shoppers."}),
		CouponsIssued:        prometheus.NewCounter(prometheus.CounterOpts{Name: "kefu_coupons_issued_total", Help: "Coupons the agent issued."}),
	}
	reg.MustRegister(m.Connections, m.Turns, m.TurnSeconds, m.ToolCalls, m.ModelErrors, m.Fallbacks, m.Handoffs,
		m.SlowClients, m.WriteBatch, m.WriteCommitSeconds, m.FramesRefused, m.SocketsRefused, m.RecommendationClicks, m.OffersShown, m.CouponsIssued)
	return m
}
