#pragma once
// Shared by the observability middleware tests: an Observability whose logger, metrics and
// tracer write into memory (each sink is called by one thread at a time).

#include <string>
#include <string_view>
#include <vector>

#include "lift/middleware/observability.hpp"

namespace lift::middleware_test {

struct Captured {
  std::vector<std::string> logs, documents, datagrams;
};

inline lift::mw::Observability make_observability(Captured& out) {
  namespace obs = lift::observability;
  obs::LoggerOptions log;
  log.service = "orders";
  log.level = obs::LogLevel::info;
  log.format = obs::LogFormat::json;
  log.sink = [&out](std::string_view line) { out.logs.emplace_back(line); };
  obs::MetricsOptions metrics;
  metrics.metrics_namespace = "Shop";
  metrics.service = "orders";
  metrics.warn_on_empty = false;
  metrics.sink = [&out](std::string_view document) { out.documents.emplace_back(document); };
  obs::TracerOptions tracer;
  tracer.service = "orders";
  tracer.enabled = true;
  tracer.sink = [&out](std::string_view datagram) { out.datagrams.emplace_back(datagram); };
  return lift::mw::Observability{obs::Logger(std::move(log)), obs::Metrics(std::move(metrics)), obs::Tracer(std::move(tracer))};
}

}  // namespace lift::middleware_test
