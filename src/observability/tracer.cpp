#include "lift/observability/tracer.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstring>
#include <mutex>
#include <vector>

#include "invocation_state.hpp"
#include "json_out.hpp"
#include "lift/core/env.hpp"
#include "lift/core/json_text.hpp"
#include "lift/core/random.hpp"

namespace lift::observability {

namespace {

constexpr std::string_view kDatagramHeader = "{\"format\": \"json\", \"version\": 1}\n";
// The largest UDP payload over IPv4.
constexpr std::size_t kMaxDatagram = 65507;
constexpr std::size_t kMaxAnnotations = 50;
constexpr std::size_t kMaxAnnotationKey = 500;
constexpr std::size_t kMaxAnnotationString = 1000;
constexpr std::size_t kMaxName = 200;

bool is_hex(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

Error trace_error(std::string message) { return Error{"invalid_trace_header", std::move(message), 400}; }

double epoch_seconds(std::chrono::system_clock::time_point t) {
  return static_cast<double>(std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count()) / 1e6;
}

// X-Ray names: up to 200 characters of letters, numbers, whitespace and _ . : / % & # = + \ - @.
std::string clean_name(std::string_view name) {
  std::string out(name.substr(0, kMaxName));
  for (auto& ch : out) {
    const auto c = static_cast<unsigned char>(ch);
    const bool ok = c >= 0x80 || std::isalnum(c) != 0 || c == ' ' || std::strchr("_.:/%&#=+\\-@", ch) != nullptr;
    if (!ok || c == 0) ch = '_';
  }
  if (out.empty()) out = "unnamed";
  return out;
}

// The UDP destination: "host:port", "[v6]:port", or Lambda's "udp:host:port tcp:host:port".
struct Endpoint {
  sockaddr_storage address{};
  socklen_t length = 0;
};

std::optional<Endpoint> resolve(std::string_view spec) {
  // Lambda's two-address form: take the udp one.
  if (const auto at = spec.find("udp:"); at != std::string_view::npos) {
    spec = spec.substr(at + 4);
    spec = spec.substr(0, spec.find(' '));
  } else {
    spec = spec.substr(0, spec.find(' '));
  }
  const auto colon = spec.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == spec.size()) return std::nullopt;
  std::string host(spec.substr(0, colon));
  const std::string port(spec.substr(colon + 1));
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0 || found == nullptr) return std::nullopt;
  Endpoint endpoint;
  std::memcpy(&endpoint.address, found->ai_addr, found->ai_addrlen);
  endpoint.length = found->ai_addrlen;
  ::freeaddrinfo(found);
  return endpoint;
}

class UdpSocket {
 public:
  UdpSocket() = default;
  ~UdpSocket() {
    if (fd_ >= 0) ::close(fd_);
  }
  UdpSocket(const UdpSocket&) = delete;
  UdpSocket& operator=(const UdpSocket&) = delete;

  void open(int family) noexcept { fd_ = ::socket(family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0); }

  bool send(const Endpoint& to, std::string_view datagram) const noexcept {
    if (fd_ < 0) return false;
    const auto n = ::sendto(fd_, datagram.data(), datagram.size(), MSG_DONTWAIT | MSG_NOSIGNAL,
                            reinterpret_cast<const sockaddr*>(&to.address), to.length);
    return n == static_cast<ssize_t>(datagram.size());
  }

 private:
  int fd_ = -1;
};

}  // namespace

namespace detail {

// The trace of the invocation a thread runs.
struct TraceInvocation {
  std::optional<TraceHeader> trace;
  bool sampled = false;
  bool cold_start = false;
  std::uint64_t generation = 0;   // bumped at each begin and end: a late subsegment is not sent
  std::vector<std::string> open;  // ids of the open subsegments, innermost last

  void close(const std::string& id) {
    for (auto it = open.rbegin(); it != open.rend(); ++it) {
      if (*it == id) {
        open.erase(std::next(it).base());
        return;
      }
    }
  }
};

struct SubsegmentData {
  std::string name;
  std::string id;
  std::string parent_id;
  std::string trace_id;
  std::shared_ptr<TraceInvocation> invocation;  // the invocation it belongs to, on its thread
  std::uint64_t generation = 0;
  double start_time = 0;
  SubsegmentNamespace ns = SubsegmentNamespace::none;
  bool error = false;
  bool fault = false;
  bool throttle = false;
  bool ended = false;
  struct Cause {
    std::string id;
    std::string type;
    std::string message;
    bool remote = false;
  };
  std::vector<Cause> exceptions;
  std::vector<std::pair<std::string, AnnotationValue>> annotations;
  std::vector<std::pair<std::string, std::vector<std::pair<std::string, boost::json::value>>>> metadata;
  std::optional<AwsCall> aws;
  std::optional<HttpCall> http;
};

// Shared by every worker: settings (fixed once constructed), the socket or sink, the counters;
// each thread's invocation is its own TraceInvocation.
struct TracerCore {
  bool enabled = true;
  std::string service;
  std::optional<Endpoint> endpoint;
  UdpSocket socket;
  std::once_flag socket_opened;
  TraceSink sink;
  std::mutex sink_mutex;  // a custom sink gets one datagram at a time

  std::atomic<bool> first_invocation{true};
  PerThreadInvocation<TraceInvocation> invocations;
  std::atomic<std::size_t> sent{0};
  std::atomic<std::size_t> dropped{0};

  std::unique_ptr<SubsegmentData> start(const std::shared_ptr<TraceInvocation>& invocation, std::string_view name,
                                        SubsegmentNamespace ns, std::string parent) {
    auto data = std::make_unique<SubsegmentData>();
    data->name = clean_name(name);
    data->id = random_hex(16);
    data->parent_id = std::move(parent);
    data->trace_id = invocation->trace->root;
    data->invocation = invocation;
    data->generation = invocation->generation;
    data->start_time = epoch_seconds(std::chrono::system_clock::now());
    data->ns = ns;
    invocation->open.push_back(data->id);
    return data;
  }

  void send(std::string_view datagram) noexcept {
    bool delivered = false;
    try {
      if (sink) {
        const std::lock_guard lock(sink_mutex);
        sink(datagram);
        delivered = true;
      } else if (endpoint) {
        // sendto on one datagram socket from several threads is safe; opening it is done once.
        std::call_once(socket_opened, [this] { socket.open(endpoint->address.ss_family); });
        delivered = socket.send(*endpoint, datagram);
      }
    } catch (...) {
      delivered = false;
    }
    ++(delivered ? sent : dropped);
  }
};

}  // namespace detail

namespace {

void append_annotation(std::string& out, const AnnotationValue& value) {
  std::visit(
      [&out](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>) {
          detail::append_string(out, v, kMaxAnnotationString);
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          detail::append_int(out, v);
        } else if constexpr (std::is_same_v<T, double>) {
          append_json_number(out, v);
        } else {
          out += v ? "true" : "false";
        }
      },
      value.get());
}

void append_field(std::string& out, std::string_view key, std::string_view value) {
  out += ",\"";
  out += key;
  out += "\":";
  detail::append_string(out, value);
}

std::string subsegment_document(const detail::SubsegmentData& s, double end_time, bool with_metadata) {
  std::string out;
  out.reserve(256);
  out += "{\"name\":";
  detail::append_string(out, s.name);
  append_field(out, "id", s.id);
  append_field(out, "trace_id", s.trace_id);
  append_field(out, "parent_id", s.parent_id);
  out += ",\"start_time\":";
  detail::append_fixed(out, s.start_time, 6);
  out += ",\"end_time\":";
  detail::append_fixed(out, std::max(end_time, s.start_time), 6);
  out += R"(,"type":"subsegment","in_progress":false)";
  if (s.ns == SubsegmentNamespace::aws) out += R"(,"namespace":"aws")";
  if (s.ns == SubsegmentNamespace::remote) out += R"(,"namespace":"remote")";
  if (s.error) out += R"(,"error":true)";
  if (s.fault) out += R"(,"fault":true)";
  if (s.throttle) out += R"(,"throttle":true)";
  if (!s.exceptions.empty()) {
    out += R"(,"cause":{"exceptions":[)";
    for (std::size_t i = 0; i < s.exceptions.size(); ++i) {
      const auto& e = s.exceptions[i];
      if (i > 0) out += ',';
      out += "{\"id\":";
      detail::append_string(out, e.id);
      append_field(out, "type", e.type);
      out += ",\"message\":";
      detail::append_string(out, e.message, 4096);
      out += e.remote ? R"(,"remote":true})" : R"(,"remote":false})";
    }
    out += "]}";
  }
  if (!s.annotations.empty()) {
    out += R"(,"annotations":{)";
    for (std::size_t i = 0; i < s.annotations.size(); ++i) {
      if (i > 0) out += ',';
      detail::append_string(out, s.annotations[i].first);
      out += ':';
      append_annotation(out, s.annotations[i].second);
    }
    out += '}';
  }
  if (with_metadata && !s.metadata.empty()) {
    out += R"(,"metadata":{)";
    for (std::size_t n = 0; n < s.metadata.size(); ++n) {
      if (n > 0) out += ',';
      detail::append_string(out, s.metadata[n].first);
      out += ":{";
      for (std::size_t i = 0; i < s.metadata[n].second.size(); ++i) {
        if (i > 0) out += ',';
        detail::append_string(out, s.metadata[n].second[i].first);
        out += ':';
        detail::append_json(out, s.metadata[n].second[i].second);
      }
      out += '}';
    }
    out += '}';
  }
  if (s.aws) {
    const auto& a = *s.aws;
    out += R"(,"aws":{)";
    const std::size_t mark = out.size();
    const auto member = [&out, mark](std::string_view key, std::string_view value) {
      if (value.empty()) return;
      if (out.size() > mark) out += ',';
      out += '"';
      out += key;
      out += "\":";
      detail::append_string(out, value);
    };
    member("operation", a.operation);
    member("region", a.region);
    member("request_id", a.request_id);
    member("table_name", a.table_name);
    member("queue_url", a.queue_url);
    if (a.retries) {
      if (out.size() > mark) out += ',';
      out += "\"retries\":";
      detail::append_int(out, *a.retries);
    }
    out += '}';
  }
  if (s.http) {
    const auto& h = *s.http;
    out += R"(,"http":{"request":{"method":)";
    detail::append_string(out, h.method);
    out += ",\"url\":";
    detail::append_string(out, h.url);
    out += '}';
    if (h.status != 0) {
      out += R"(,"response":{"status":)";
      detail::append_int(out, h.status);
      if (h.content_length) {
        out += ",\"content_length\":";
        detail::append_uint(out, *h.content_length);
      }
      out += '}';
    }
    out += '}';
  }
  out += '}';
  return out;
}

}  // namespace

// ---- TraceHeader ----

Result<TraceHeader> TraceHeader::parse(std::string_view header) {
  TraceHeader out;
  bool has_root = false;
  if (header.size() > 1024) return trace_error("trace header longer than 1024 characters");
  while (!header.empty()) {
    const auto semi = header.find(';');
    auto part = header.substr(0, semi);
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    while (!part.empty() && (part.front() == ' ' || part.front() == '\t')) part.remove_prefix(1);
    while (!part.empty() && (part.back() == ' ' || part.back() == '\t')) part.remove_suffix(1);
    if (part.empty()) continue;
    const auto eq = part.find('=');
    if (eq == std::string_view::npos) return trace_error("trace header part without '='");
    const auto key = part.substr(0, eq);
    const auto value = part.substr(eq + 1);
    if (key == "Root") {
      // 1-<8 hex>-<24 hex>
      if (value.size() != 35 || value.substr(0, 2) != "1-" || value[10] != '-' || !is_hex(value.substr(2, 8)) ||
          !is_hex(value.substr(11)))
        return trace_error("Root is not 1-<8 hex digits>-<24 hex digits>");
      out.root = std::string(value);
      has_root = true;
    } else if (key == "Parent") {
      if (value.size() != 16 || !is_hex(value)) return trace_error("Parent is not 16 hex digits");
      out.parent = std::string(value);
    } else if (key == "Sampled") {
      if (value == "1") {
        out.sampled = true;
      } else if (value == "0") {
        out.sampled = false;
      } else if (value != "?") {
        return trace_error("Sampled is not 0, 1 or ?");
      }
    } else if (key == "Lineage") {
      out.lineage = std::string(value);
    }
  }
  if (!has_root) return trace_error("trace header without Root");
  return out;
}

std::string TraceHeader::to_string() const {
  std::string out = "Root=" + root;
  if (!parent.empty()) out += ";Parent=" + parent;
  if (sampled) out += *sampled ? ";Sampled=1" : ";Sampled=0";
  if (!lineage.empty()) out += ";Lineage=" + lineage;
  return out;
}

// ---- Subsegment ----

Subsegment::Subsegment() noexcept = default;

Subsegment::Subsegment(std::shared_ptr<detail::TracerCore> core, std::unique_ptr<detail::SubsegmentData> data) noexcept
    : core_(std::move(core)), data_(std::move(data)) {}

Subsegment::~Subsegment() { end(); }

Subsegment::Subsegment(Subsegment&& other) noexcept = default;

Subsegment& Subsegment::operator=(Subsegment&& other) noexcept {
  if (this != &other) {
    end();
    core_ = std::move(other.core_);
    data_ = std::move(other.data_);
  }
  return *this;
}

bool Subsegment::active() const noexcept { return data_ != nullptr && !data_->ended; }

const std::string& Subsegment::id() const noexcept {
  static const std::string kNone;
  return data_ ? data_->id : kNone;
}

Result<void> Subsegment::annotate(std::string_view key, AnnotationValue value) {
  const bool key_ok = !key.empty() && key.size() <= kMaxAnnotationKey &&
                      std::all_of(key.begin(), key.end(), [](char c) {
                        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
                      });
  if (!key_ok) return Error{"invalid_annotation", "annotation keys are 1 to 500 characters of [A-Za-z0-9_]", 500};
  if (!active()) return ok();
  for (auto& [existing, current] : data_->annotations) {
    if (existing == key) {
      current = std::move(value);
      return ok();
    }
  }
  if (data_->annotations.size() >= kMaxAnnotations)
    return Error{"invalid_annotation", "at most 50 annotations per subsegment", 500};
  data_->annotations.emplace_back(std::string(key), std::move(value));
  return ok();
}

Result<void> Subsegment::add_metadata(std::string_view key, boost::json::value value, std::string_view ns) {
  if (ns.empty() || ns.substr(0, 4) == "AWS.")
    return Error{"invalid_metadata", "metadata namespaces are non-empty and do not start with \"AWS.\"", 500};
  if (key.empty()) return Error{"invalid_metadata", "metadata keys are non-empty", 500};
  if (!active()) return ok();
  auto it = std::find_if(data_->metadata.begin(), data_->metadata.end(), [ns](const auto& n) { return n.first == ns; });
  if (it == data_->metadata.end()) {
    data_->metadata.emplace_back(std::string(ns), std::vector<std::pair<std::string, boost::json::value>>{});
    it = std::prev(data_->metadata.end());
  }
  for (auto& [existing, current] : it->second) {
    if (existing == key) {
      current = std::move(value);
      return ok();
    }
  }
  it->second.emplace_back(std::string(key), std::move(value));
  return ok();
}

void Subsegment::set_error() noexcept {
  if (active()) data_->error = true;
}
void Subsegment::set_fault() noexcept {
  if (active()) data_->fault = true;
}
void Subsegment::set_throttle() noexcept {
  if (!active()) return;
  data_->throttle = true;
  data_->error = true;
}

void Subsegment::add_exception(const std::exception& error, bool remote) noexcept {
  if (!active()) return;
  try {
    data_->exceptions.push_back({random_hex(16), detail::type_name(error), error.what(), remote});
  } catch (...) {
  }
  data_->fault = true;
}

void Subsegment::add_exception(std::exception_ptr error, bool remote) noexcept {
  if (!active() || !error) return;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    add_exception(e, remote);
  } catch (...) {
    try {
      data_->exceptions.push_back({random_hex(16), "unknown", "a value that is not a std::exception was thrown", remote});
    } catch (...) {
    }
    data_->fault = true;
  }
}

void Subsegment::set_namespace(SubsegmentNamespace ns) noexcept {
  if (active()) data_->ns = ns;
}

void Subsegment::set_aws(const AwsCall& call) noexcept {
  if (!active()) return;
  try {
    data_->aws = call;
    data_->ns = SubsegmentNamespace::aws;
  } catch (...) {
  }
}

void Subsegment::set_http(const HttpCall& call) noexcept {
  if (!active()) return;
  try {
    data_->http = call;
  } catch (...) {
  }
  if (data_->ns == SubsegmentNamespace::none) data_->ns = SubsegmentNamespace::remote;
  if (call.status == 429) {
    set_throttle();
  } else if (call.status >= 400 && call.status < 500) {
    data_->error = true;
  } else if (call.status >= 500) {
    data_->fault = true;
  }
}

Subsegment Subsegment::begin_subsegment(std::string_view name, SubsegmentNamespace ns) {
  if (!active() || !core_) return {};
  const auto& invocation = data_->invocation;
  if (!invocation->sampled || !invocation->trace || invocation->generation != data_->generation) return {};
  return Subsegment(core_, core_->start(invocation, name, ns, data_->id));
}

void Subsegment::end() noexcept {
  if (!active()) return;
  data_->ended = true;
  auto& core = *core_;
  auto& invocation = *data_->invocation;
  try {
    // A subsegment outliving its invocation belongs to a trace that is over.
    if (invocation.generation != data_->generation || !invocation.sampled) return;
    invocation.close(data_->id);
    const double end_time = epoch_seconds(std::chrono::system_clock::now());
    std::string datagram(kDatagramHeader);
    datagram += subsegment_document(*data_, end_time, true);
    if (datagram.size() > kMaxDatagram) {
      // Too large for one datagram: metadata is the part X-Ray can do without.
      datagram.assign(kDatagramHeader);
      datagram += subsegment_document(*data_, end_time, false);
    }
    if (datagram.size() > kMaxDatagram) {
      ++core.dropped;
      return;
    }
    core.send(datagram);
  } catch (...) {
    ++core.dropped;
  }
}

// ---- Tracer ----

Tracer::Tracer(TracerOptions options) : core_(std::make_shared<detail::TracerCore>()) {
  auto& core = *core_;
  if (options.enabled) {
    core.enabled = *options.enabled;
  } else {
    const auto disabled = env_or("POWERTOOLS_TRACE_DISABLED", "");
    core.enabled = !(disabled == "true" || disabled == "1" || disabled == "TRUE" || disabled == "True");
  }
  core.service = options.service ? *options.service : env_or("POWERTOOLS_SERVICE_NAME", "service_undefined");
  core.sink = std::move(options.sink);
  if (!core.sink && core.enabled) {
    const std::string address =
        options.daemon_address ? *options.daemon_address : env_or("AWS_XRAY_DAEMON_ADDRESS", "127.0.0.1:2000");
    core.endpoint = resolve(address);
  }
}

void Tracer::begin_invocation(const runtime::InvocationContext& context) noexcept {
  if (!context.trace_id.empty()) {
    (void)begin_invocation(std::string_view(context.trace_id));
  } else {
    (void)begin_invocation(env("_X_AMZN_TRACE_ID").value_or(std::string_view()));
  }
}

Result<void> Tracer::begin_invocation(std::string_view trace_header) noexcept {
  auto& core = *core_;
  try {
    auto* started = core.invocations.begin();
    if (started == nullptr) return ok();
    auto& invocation = *started;
    ++invocation.generation;
    invocation.open.clear();
    invocation.trace.reset();
    invocation.sampled = false;
    invocation.cold_start = core.first_invocation.exchange(false, std::memory_order_relaxed);
    if (trace_header.empty()) return ok();
    auto parsed = TraceHeader::parse(trace_header);
    if (!parsed) return std::move(parsed).error();
    invocation.trace = std::move(*parsed);
    // Independent subsegments need a parent: without one there is nothing to attach them to.
    invocation.sampled = core.enabled && invocation.trace->sampled.value_or(false) && !invocation.trace->parent.empty();
    return ok();
  } catch (const std::exception& e) {
    return Error{"invalid_trace_header", e.what(), 400};
  }
}

void Tracer::end_invocation() noexcept {
  auto& core = *core_;
  if (auto* invocation = core.invocations.current()) {
    ++invocation->generation;
    invocation->open.clear();
    invocation->trace.reset();
    invocation->sampled = false;
  }
  core.invocations.end();
}

bool Tracer::sampled() const noexcept {
  const auto* invocation = core_->invocations.current();
  return invocation != nullptr && invocation->sampled;
}

const std::optional<TraceHeader>& Tracer::trace() const noexcept {
  static const std::optional<TraceHeader> kNone;
  const auto* invocation = core_->invocations.current();
  return invocation != nullptr ? invocation->trace : kNone;
}

std::size_t Tracer::sent() const noexcept { return core_->sent.load(std::memory_order_relaxed); }
std::size_t Tracer::dropped() const noexcept { return core_->dropped.load(std::memory_order_relaxed); }

Subsegment Tracer::begin_subsegment(std::string_view name, SubsegmentNamespace ns) {
  auto& core = *core_;
  auto invocation = core.invocations.current_shared();
  if (!invocation || !invocation->sampled || !invocation->trace) return {};
  std::string parent = invocation->open.empty() ? invocation->trace->parent : invocation->open.back();
  return Subsegment(core_, core.start(invocation, name, ns, std::move(parent)));
}

Subsegment Tracer::begin_handler_subsegment(std::string_view handler) {
  std::string name = "## ";
  name += handler;
  auto sub = begin_subsegment(name);
  if (sub.active()) {
    (void)sub.annotate("ColdStart", sub.data_->invocation->cold_start);
    (void)sub.annotate("Service", core_->service);
  }
  return sub;
}

std::string Tracer::propagation_header() const {
  const auto* invocation = core_->invocations.current();
  if (invocation == nullptr || !invocation->trace) return {};
  TraceHeader out = *invocation->trace;
  if (!invocation->open.empty()) out.parent = invocation->open.back();
  // An unsampled trace still propagates its decision so downstream services do not sample it.
  out.sampled = invocation->sampled;
  return out.to_string();
}

}  // namespace lift::observability
