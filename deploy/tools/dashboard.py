#!/usr/bin/env python3
"""Writes the Grafana dashboard for news-enricher.

    python3 deploy/tools/dashboard.py          # writes deploy/grafana/news-enricher-dashboard.json
                                               # and the chart's copy under files/

The JSON is generated so that panels stay consistent (datasource variable, units, legends) and
the metric names live in one place below. Every name must be exported by the worker:
tests/deploy.rs checks them against src/metrics.rs and against a live /metrics scrape.
Standard library only.
"""

import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = [
    ROOT / "deploy/grafana/news-enricher-dashboard.json",
    ROOT / "deploy/helm/news-enricher/files/news-enricher-dashboard.json",
]

# Metric names (src/metrics.rs).
CONSUMED = "news_enricher_messages_consumed_total"
OUTPUTS = "news_enricher_outputs_produced_total"
DEAD = "news_enricher_dead_letters_total"
STAGE = "news_enricher_stage_duration_seconds"
E2E = "news_enricher_end_to_end_latency_seconds"
LAG = "news_enricher_consumer_lag_messages"
IN_FLIGHT = "news_enricher_in_flight_messages"
REBALANCES = "news_enricher_rebalances_total"
COMMIT_FAIL = "news_enricher_commit_failures_total"
READY = "news_enricher_ready"
PAUSED = "news_enricher_consumer_paused"
ASSIGNED = "news_enricher_assigned_partitions"
DRAIN_TIMEOUTS = "news_enricher_drain_timeouts_total"
PRODUCE_RETRIES = "news_enricher_produce_retries_total"
TRANSACTIONS = "news_enricher_transactions_total"
BUILD = "news_enricher_build_info"
QUALITY = "news_enricher_events_with_field_total"
TEXT_LEN = "news_enricher_event_text_bytes"

SEL = 'namespace=~"$namespace", job=~"$job"'
DS = {"type": "prometheus", "uid": "${datasource}"}

panels = []
_next_id = [1]
_y = [0]


def _id():
    i = _next_id[0]
    _next_id[0] += 1
    return i


def row(title):
    panels.append({
        "type": "row", "id": _id(), "title": title, "collapsed": False,
        "gridPos": {"h": 1, "w": 24, "x": 0, "y": _y[0]}, "panels": [],
    })
    _y[0] += 1


def target(expr, legend, ref):
    return {"datasource": DS, "expr": expr, "legendFormat": legend, "refId": ref, "range": True}


def ts(title, exprs, unit, x, w=12, h=8, desc="", stack=False, max_=None):
    fieldcfg = {
        "defaults": {
            "unit": unit,
            "custom": {"drawStyle": "line", "lineWidth": 1, "fillOpacity": 10,
                       "showPoints": "never",
                       "stacking": {"mode": "normal" if stack else "none", "group": "A"}},
        },
        "overrides": [],
    }
    if max_ is not None:
        fieldcfg["defaults"]["max"] = max_
        fieldcfg["defaults"]["min"] = 0
    panels.append({
        "type": "timeseries", "id": _id(), "title": title, "description": desc,
        "datasource": DS, "gridPos": {"h": h, "w": w, "x": x, "y": _y[0]},
        "fieldConfig": fieldcfg,
        "options": {"legend": {"displayMode": "table", "placement": "right", "calcs": ["lastNotNull", "max"]},
                    "tooltip": {"mode": "multi", "sort": "desc"}},
        "targets": [target(e, l, chr(ord("A") + i)) for i, (e, l) in enumerate(exprs)],
    })


def stat(title, expr, unit, x, w=4, h=4, desc="", thresholds=None, legend=""):
    panels.append({
        "type": "stat", "id": _id(), "title": title, "description": desc, "datasource": DS,
        "gridPos": {"h": h, "w": w, "x": x, "y": _y[0]},
        "fieldConfig": {"defaults": {"unit": unit, "thresholds": thresholds or {
            "mode": "absolute", "steps": [{"color": "green", "value": None}]}}, "overrides": []},
        "options": {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                    "colorMode": "background", "graphMode": "area", "textMode": "auto"},
        "targets": [target(expr, legend, "A")],
    })


def heatmap(title, expr, x, w=12, h=8, desc=""):
    panels.append({
        "type": "heatmap", "id": _id(), "title": title, "description": desc, "datasource": DS,
        "gridPos": {"h": h, "w": w, "x": x, "y": _y[0]},
        "options": {"calculate": False, "yAxis": {"unit": "short"},
                    "color": {"mode": "scheme", "scheme": "Oranges"}, "cellGap": 1},
        "targets": [dict(target(expr, "{{le}}", "A"), format="heatmap")],
    })


def advance(h):
    _y[0] += h


def q(p, metric, by):
    return (f"histogram_quantile({p}, sum by (le{', ' + by if by else ''}) "
            f"(rate({metric}_bucket{{{SEL}}}[$__rate_interval])))")


# --- overview -------------------------------------------------------------------------------
row("Overview")
stat("Consumed / s", f"sum(rate({CONSUMED}{{{SEL}}}[$__rate_interval]))", "reqps", 0,
     desc="Input messages consumed per second, all workers.")
stat("Outputs / s", f"sum(rate({OUTPUTS}{{{SEL}}}[$__rate_interval]))", "reqps", 4,
     desc="Outputs (events and dead letters) acknowledged by the broker per second.")
stat("Total lag", f"sum({LAG}{{{SEL}}})", "short", 8,
     desc="Messages of the input topic not yet processed by the group.",
     thresholds={"mode": "absolute", "steps": [{"color": "green", "value": None},
                                               {"color": "orange", "value": 1000},
                                               {"color": "red", "value": 10000}]})
stat("Dead-letter share", f"sum(rate({DEAD}{{{SEL}}}[$__rate_interval])) / "
     f"clamp_min(sum(rate({CONSUMED}{{{SEL}}}[$__rate_interval])), 1e-9)", "percentunit", 12,
     thresholds={"mode": "absolute", "steps": [{"color": "green", "value": None},
                                               {"color": "orange", "value": 0.02},
                                               {"color": "red", "value": 0.05}]})
stat("Ready workers", f"sum({READY}{{{SEL}}})", "short", 16,
     desc="Workers that joined the group and have a connected producer.")
stat("Version", f"count by (version) ({BUILD}{{{SEL}}})", "short", 20, legend="{{version}}",
     desc="Workers per running version (several during a rolling upgrade).")
advance(4)

# --- throughput -----------------------------------------------------------------------------
row("Throughput")
ts("Throughput: consumed and produced per second",
   [(f"sum(rate({CONSUMED}{{{SEL}}}[$__rate_interval]))", "consumed"),
    (f"sum by (outcome) (rate({OUTPUTS}{{{SEL}}}[$__rate_interval]))", "produced {{outcome}}")],
   "reqps", 0, desc="Inputs consumed and outputs acknowledged, by outcome (event or dead letter).")
ts("Throughput per worker",
   [(f"sum by (pod) (rate({CONSUMED}{{{SEL}}}[$__rate_interval]))", "{{pod}}")],
   "reqps", 12, desc="Uneven bars mean uneven partitions: check keys and partition count.")
advance(8)

# --- lag ------------------------------------------------------------------------------------
row("Consumer lag")
ts("Consumer lag by partition",
   [(f"sum by (topic, partition) ({LAG}{{{SEL}}})", "{{topic}}/{{partition}}")],
   "short", 0, desc="Per partition of the input topic; one partition growing alone means a hot key or a stuck worker.")
ts("In-flight messages and rebalances",
   [(f"sum by (pod) ({IN_FLIGHT}{{{SEL}}})", "in flight {{pod}}"),
    (f"sum by (pod) (increase({REBALANCES}{{{SEL}}}[$__rate_interval]))", "rebalances {{pod}}")],
   "short", 12, desc="In-flight work is bounded by delivery.max_in_flight; at the bound the consumer pauses.")
advance(8)

# --- latency --------------------------------------------------------------------------------
row("Latency")
ts("Stage latency p50 / p99 by stage",
   [(q(0.5, STAGE, "stage"), "p50 {{stage}}"), (q(0.99, STAGE, "stage"), "p99 {{stage}}")],
   "s", 0, desc="Time spent in each pipeline stage (clean, entities, dates).")
ts("End-to-end latency (message timestamp to acknowledged output)",
   [(q(0.5, E2E, ""), "p50"), (q(0.99, E2E, ""), "p99")],
   "s", 12, desc="Includes time spent waiting in the topic: grows with lag.")
advance(8)

# --- dead letters ---------------------------------------------------------------------------
row("Dead letters and errors")
ts("Dead letters by reason",
   [(f"sum by (reason) (rate({DEAD}{{{SEL}}}[$__rate_interval]))", "{{reason}}")],
   "reqps", 0, stack=True,
   desc="undecodable / too_large / bad_envelope: producers upstream; no_content: site changes; internal: bugs.")
ts("Commit failures",
   [(f"sum by (pod) (rate({COMMIT_FAIL}{{{SEL}}}[$__rate_interval]))", "{{pod}}")],
   "reqps", 12, desc="Offset or transaction commits that failed (retried; outputs may repeat after a restart).")
advance(8)

# --- delivery -------------------------------------------------------------------------------
row("Delivery")
ts("Assigned partitions and backpressure",
   [(f"sum by (pod) ({ASSIGNED}{{{SEL}}})", "partitions {{pod}}"),
    (f"sum by (pod) ({PAUSED}{{{SEL}}})", "paused {{pod}}")],
   "short", 0, desc="Partitions per worker (their sum is the topic's partition count), and 1 while a worker's consumer is paused because delivery.max_in_flight is reached.")
ts("Produce retries, drain timeouts, transactions",
   [(f"sum(rate({PRODUCE_RETRIES}{{{SEL}}}[$__rate_interval]))", "produce retries"),
    (f"sum(increase({DRAIN_TIMEOUTS}{{{SEL}}}[$__rate_interval]))", "drain timeouts"),
    (f"sum by (result) (rate({TRANSACTIONS}{{{SEL}}}[$__rate_interval]))", "transactions {{result}}")],
   "short", 12, desc="Retries mean broker trouble; a drain timeout means a revoke or shutdown left work in flight (repeats after restart, never loss); aborted transactions in exactly-once mode.")
advance(8)

# --- quality --------------------------------------------------------------------------------
row("Extraction quality")
ts("Quality coverage: share of events with each field",
   [(f"sum by (field) (rate({QUALITY}{{{SEL}, field=~\"published_at|authors|entities\"}}[$__rate_interval])) "
     f"/ scalar(sum(rate({OUTPUTS}{{{SEL}, outcome=\"event\"}}[$__rate_interval])))", "{{field}}"),
    (f"sum by (field) (rate({QUALITY}{{{SEL}, field!~\"published_at|authors|entities\"}}[$__rate_interval])) "
     f"/ scalar(sum(rate({OUTPUTS}{{{SEL}, outcome=\"event\"}}[$__rate_interval])))", "{{field}}")],
   "percentunit", 0, max_=1,
   desc="Share of produced events with a publication date, authors, at least one entity (and title, language, temporal expressions). A drop is an extraction regression or a redesigned site.")
heatmap("Text length distribution (bytes of extracted text)",
        f"sum by (le) (increase({TEXT_LEN}_bucket{{{SEL}}}[$__rate_interval]))", 12,
        desc="Length of the extracted main text. Mass moving to the lowest buckets: boilerplate removal or extraction broke.")
advance(8)

dashboard = {
    "uid": "news-enricher",
    "title": "news-enricher",
    "description": "Kafka news enrichment worker: throughput, lag, latency, dead letters, extraction quality.",
    "tags": ["news-enricher", "kafka"],
    "timezone": "utc",
    "editable": True,
    "graphTooltip": 1,
    "refresh": "30s",
    "schemaVersion": 39,
    "version": 1,
    "time": {"from": "now-6h", "to": "now"},
    "annotations": {"list": []},
    "links": [],
    "templating": {"list": [
        {"name": "datasource", "label": "Data source", "type": "datasource", "query": "prometheus",
         "current": {}, "hide": 0, "refresh": 1},
        {"name": "namespace", "label": "Namespace", "type": "query", "datasource": DS,
         "query": {"query": f"label_values({BUILD}, namespace)", "refId": "ns"},
         "definition": f"label_values({BUILD}, namespace)",
         "includeAll": True, "multi": True, "allValue": ".*", "current": {}, "refresh": 2, "hide": 0},
        {"name": "job", "label": "Deployment (job)", "type": "query", "datasource": DS,
         "query": {"query": f"label_values({BUILD}{{namespace=~\"$namespace\"}}, job)", "refId": "job"},
         "definition": f"label_values({BUILD}{{namespace=~\"$namespace\"}}, job)",
         "includeAll": True, "multi": True, "allValue": ".*", "current": {}, "refresh": 2, "hide": 0},
    ]},
    "panels": panels,
}

text = json.dumps(dashboard, indent=2, ensure_ascii=False) + "\n"
for path in OUT:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    print(f"wrote {path.relative_to(ROOT)}")
