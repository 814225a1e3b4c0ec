"""OpenTelemetry for the process: traces and metrics, off by default.

The code that is measured (requests in fieldbook/request_log, agent turns in agent/runner, database
transactions in domain/db, jobs in jobs/scheduler) uses the OpenTelemetry API only; until
`configure_telemetry` installs the SDK those calls are no-ops. Set
OTEL_EXPORTER_OTLP_ENDPOINT to export traces and metrics over OTLP/HTTP; set METRICS_TOKEN to serve
Prometheus text at /metrics to a caller presenting that token. The SDK is installed once per process.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from opentelemetry import metrics, trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import MetricReader, PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanProcessor
from prometheus_client import CollectorRegistry

from fieldbook import __version__
from fieldbook.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class Telemetry:
    """What this process exports; `registry` holds the Prometheus view of the metrics when /metrics is on."""
    traces: bool
    otlp_endpoint: str | None
    registry: CollectorRegistry | None
    tracer_provider: TracerProvider | None = None
    meter_provider: MeterProvider | None = None

    @property
    def enabled(self) -> bool:
        return self.tracer_provider is not None

    def flush(self) -> None:
        """Export what is buffered now (tests, shutdown)."""
        if self.tracer_provider is not None:
            self.tracer_provider.force_flush()
        if self.meter_provider is not None:
            self.meter_provider.force_flush()

    def shutdown(self) -> None:
        """Export what is left and stop exporting (the process is ending)."""
        if self.tracer_provider is not None:
            self.tracer_provider.shutdown()
        if self.meter_provider is not None:
            self.meter_provider.shutdown()


OFF = Telemetry(traces=False, otlp_endpoint=None, registry=None)
_installed: Telemetry | None = None


def configure_telemetry(settings: Settings, *, span_processors: list[SpanProcessor] = (),
                        metric_readers: list[MetricReader] = ()) -> Telemetry:
    """Installs the SDK when telemetry is configured (once per process; later calls get the same one)."""
    global _installed
    endpoint = str(settings.otel_exporter_otlp_endpoint).rstrip("/") if settings.otel_exporter_otlp_endpoint else None
    wanted = endpoint or settings.metrics_token or span_processors or metric_readers
    if not wanted:
        return _installed or OFF
    if _installed is not None:
        return _installed
    resource = Resource.create({"service.name": settings.otel_service_name, "service.version": __version__})
    registry = CollectorRegistry() if settings.metrics_token else None
    readers = list(metric_readers)
    processors = list(span_processors)
    if endpoint:
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        processors.append(BatchSpanProcessor(_exporter(OTLPSpanExporter, f"{endpoint}/v1/traces")))
        readers.append(PeriodicExportingMetricReader(_exporter(OTLPMetricExporter, f"{endpoint}/v1/metrics"),
                                                     export_interval_millis=settings.otel_metric_export_interval_ms))
    if registry is not None:
        from opentelemetry.exporter.prometheus import PrometheusMetricReader
        readers.append(PrometheusMetricReader(registry=registry, disable_target_info=True))
    tracer_provider = TracerProvider(resource=resource)
    for processor in processors:
        tracer_provider.add_span_processor(processor)
    meter_provider = MeterProvider(resource=resource, metric_readers=readers)
    trace.set_tracer_provider(tracer_provider)
    metrics.set_meter_provider(meter_provider)
    _installed = Telemetry(traces=bool(processors), otlp_endpoint=endpoint, registry=registry,
                           tracer_provider=tracer_provider, meter_provider=meter_provider)
    log.info("telemetry on (otlp: %s, prometheus /metrics: %s)", endpoint or "off", "on" if registry else "off")
    return _installed


def _exporter(cls: type[SpanExporter], url: str):
    return cls(endpoint=url, timeout=10)
