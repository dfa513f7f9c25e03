#include "lift/events/kafka.hpp"

#include <algorithm>
#include <chrono>
#include <iterator>
#include <utility>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "lift/core/base64.hpp"
#include "lift/core/json_text.hpp"
#include "lift/core/uuid.hpp"

namespace lift::events {

namespace {

constexpr int kLowestByte = -128;  // Java's signed bytes
constexpr int kHighestByte = 255;  // or unsigned ones

Result<std::string> decoded(const std::optional<std::string>& text, std::string_view field) {
  if (!text) return std::string();
  auto bytes = base64::decode(*text);
  if (!bytes) return invalid_event(field, "invalid base64");
  return bytes;
}

bool header_bytes_fit(const std::vector<std::map<std::string, std::vector<int>>>& headers) noexcept {
  for (const auto& header : headers) {
    for (const auto& [name, bytes] : header) {
      for (const int b : bytes) {
        if (b < kLowestByte || b > kHighestByte) return false;
      }
    }
  }
  return true;
}

// `["key"]`, as lift::json writes a map key in a path.
std::string key_path(std::string_view key) {
  std::string out = "[";
  append_json_string(out, key);
  out += ']';
  return out;
}

}  // namespace

Result<std::string> KafkaRecord::key_bytes() const { return decoded(key, "key"); }

Result<std::string> KafkaRecord::value_bytes() const { return decoded(value, "value"); }

std::optional<std::string> KafkaRecord::header(std::string_view name) const {
  for (const auto& header : headers) {
    const auto found = header.find(std::string(name));
    if (found == header.end()) continue;
    std::string bytes;
    bytes.reserve(found->second.size());
    // Signed and unsigned spellings of a byte are the same byte.
    for (const int b : found->second) bytes.push_back(static_cast<char>(static_cast<unsigned char>(b & 0xFF)));
    return bytes;
  }
  return std::nullopt;
}

std::string KafkaRecord::topic_partition() const { return topic + "-" + std::to_string(partition); }

std::string KafkaRecord::item_id() const { return topic_partition() + "@" + std::to_string(offset); }

void lift_rules(lift::json::Rules<KafkaRecord>& r) {
  r.field(&KafkaRecord::topic).required();
  r.field(&KafkaRecord::partition).required();
  r.field(&KafkaRecord::offset).required();
  r.field(&KafkaRecord::headers).check(header_bytes_fit, "header bytes must be numbers from -128 to 255");
}

void lift_rules(lift::json::Rules<KafkaEvent>& r) {
  r.field(&KafkaEvent::eventSource).required();
  r.field(&KafkaEvent::records).required();
}

// ---- KafkaRecords ----

void KafkaRecords::add(std::string_view topic_partition, KafkaRecord record) {
  if (const auto found = index_.find(topic_partition); found != index_.end()) {
    const std::size_t g = found->second;
    const std::size_t at = groups_[g].first + groups_[g].count;
    records_.insert(records_.begin() + static_cast<std::ptrdiff_t>(at), std::move(record));
    ++groups_[g].count;
    for (std::size_t k = g + 1; k < groups_.size(); ++k) ++groups_[k].first;
    return;
  }
  index_.emplace(std::string(topic_partition), groups_.size());
  groups_.push_back(Group{std::string(topic_partition), records_.size(), 1});
  records_.push_back(std::move(record));
}

std::vector<KafkaRecords::Partition> KafkaRecords::partitions() const {
  std::vector<Partition> out;
  out.reserve(groups_.size());
  for (const auto& g : groups_) out.push_back(Partition{g.key, std::span<const KafkaRecord>(records_).subspan(g.first, g.count)});
  return out;
}

std::span<const KafkaRecord> KafkaRecords::of(std::string_view topic_partition) const noexcept {
  const auto found = index_.find(topic_partition);
  if (found == index_.end()) return {};
  const auto& g = groups_[found->second];
  return std::span<const KafkaRecord>(records_).subspan(g.first, g.count);
}

std::string_view KafkaRecords::topic_partition_of(std::size_t i) const noexcept {
  // Groups are contiguous and in order: the last one starting at or before i holds it.
  const auto after = std::upper_bound(groups_.begin(), groups_.end(), i, [](std::size_t at, const Group& g) { return at < g.first; });
  if (after == groups_.begin() || i >= records_.size()) return {};
  return std::prev(after)->key;
}

Result<void> lift_from_json(const boost::json::value& json, KafkaRecords& out) {
  const auto* object = json.if_object();
  if (object == nullptr) return Error{"InvalidBody", "expected object", 400};
  out = KafkaRecords();
  std::vector<ErrorDetail> details;
  constexpr std::size_t kMostDetails = 32;  // as lift::json reports at most
  for (const auto& group : *object) {
    auto records = lift::json::parse<std::vector<KafkaRecord>>(group.value());
    if (!records) {
      const std::string at = key_path(group.key());
      auto error = std::move(records).error();
      if (error.details.empty()) details.push_back(ErrorDetail{at, std::move(error.message)});
      for (auto& d : error.details) {
        if (details.size() >= kMostDetails) break;
        details.push_back(ErrorDetail{at + d.field, std::move(d.message)});
      }
      if (details.size() >= kMostDetails) break;
      continue;
    }
    for (auto& record : *records) out.add(group.key(), std::move(record));
  }
  if (details.empty()) return {};
  std::string message = details.front().field + ": " + details.front().message;
  return Error{"InvalidBody", std::move(message), 400, std::move(details)};
}

boost::json::value lift_to_json(const KafkaRecords& records) {
  boost::json::object out;
  for (const auto& g : records.groups_) {
    boost::json::array items;
    items.reserve(g.count);
    for (std::size_t i = g.first; i < g.first + g.count; ++i) items.push_back(lift::json::to_json(records.records_[i]));
    out.emplace(g.key, std::move(items));
  }
  return out;
}

Result<KafkaEvent> parse_kafka(const boost::json::value& event) {
  auto out = parse_event<KafkaEvent>(event);
  if (!out) return out;
  if (out->eventSourceArn) {
    for (auto& record : out->records) record.cluster_arn = *out->eventSourceArn;
  }
  return out;
}

// ---- the source ----

bool Kafka::detect(const boost::json::value& event) noexcept {
  const auto source = string_member(event, "eventSource");
  if (std::find(std::begin(kKafkaEventSources), std::end(kKafkaEventSources), source) == std::end(kKafkaEventSources)) return false;
  const auto* records = member_at(event, {"records"});
  return records != nullptr && records->is_object();
}

std::vector<const boost::json::value*> Kafka::raw_records(const boost::json::value& event) {
  std::vector<const boost::json::value*> out;
  const auto* records = member_at(event, {"records"});
  if (records == nullptr || !records->is_object()) return out;
  for (const auto& group : records->get_object()) {
    if (const auto* items = group.value().if_array()) {
      for (const auto& item : *items) out.push_back(&item);
    }
  }
  return out;
}

std::string Kafka::describe(const Record& r) {
  std::string out = "the Kafka topic " + r.topic;
  if (!r.cluster_arn.empty()) out += " of " + r.cluster_arn;
  return out;
}

boost::json::value Kafka::failure_identifier(const Record& r) {
  return boost::json::object{{"partition", r.topic_partition()}, {"offset", r.offset}};
}

KafkaEvent Kafka::subset(const Event& event, std::span<const std::size_t> indices) {
  KafkaEvent out;
  out.eventSource = event.eventSource;
  out.eventSourceArn = event.eventSourceArn;
  out.bootstrapServers = event.bootstrapServers;
  for (const auto i : indices) {
    if (i < event.records.size()) out.records.add(event.records.topic_partition_of(i), event.records[i]);
  }
  return out;
}

boost::json::value Kafka::raw_subset(const boost::json::value& event, std::span<const std::size_t> indices) {
  const auto* object = event.if_object();
  if (object == nullptr) return boost::json::value(event, boost::json::storage_ptr());
  std::vector<std::size_t> wanted(indices.begin(), indices.end());
  std::sort(wanted.begin(), wanted.end());
  boost::json::object out;
  for (const auto& member : *object) {
    if (member.key() != "records") out.emplace(member.key(), member.value());
  }
  boost::json::object picked;
  if (const auto* records = object->if_contains("records"); records != nullptr && records->is_object()) {
    std::size_t index = 0;
    auto next = wanted.begin();
    for (const auto& group : records->get_object()) {
      const auto* items = group.value().if_array();
      if (items == nullptr) continue;
      boost::json::array kept;
      for (const auto& item : *items) {
        while (next != wanted.end() && *next < index) ++next;
        if (next != wanted.end() && *next == index) kept.push_back(item);
        ++index;
      }
      if (!kept.empty()) picked.emplace(group.key(), std::move(kept));
    }
  }
  out["records"] = std::move(picked);
  return out;
}

void Kafka::summarize(const boost::json::value& event, Summary& out) {
  out.note(parse_kafka(event));
  const auto records = raw_records(event);
  out.records = records.size();
  out.add("event_source", string_member(event, "eventSource"));
  out.add("cluster", string_member(event, "eventSourceArn"));
  for (const auto* r : records) {
    boost::json::object item{{"topic", string_at(*r, {"topic"})}};
    for (const auto* name : {"partition", "offset"}) {
      if (const auto* number = member_at(*r, {name}); number != nullptr && number->is_number()) item[name] = *number;
    }
    if (auto key = base64::decode(string_at(*r, {"key"})); key && !key->empty()) add_payload(item, "key", *key);
    if (auto value = base64::decode(string_at(*r, {"value"}))) add_payload(item, "value", *value);
    out.items.push_back(std::move(item));
  }
}

Result<boost::json::value> Kafka::sample(const SampleOptions& options) {
  if (options.topic.empty()) return invalid_sample("the topic is empty");
  if (options.partition < 0) return invalid_sample("the partition is negative");
  if (options.region.empty()) return invalid_sample("the region is empty");
  if (!options.self_managed && options.cluster.empty()) return invalid_sample("the cluster name is empty");
  boost::json::array headers;
  for (const auto& header : options.headers) {
    const auto equals = header.find('=');
    if (equals == std::string::npos || equals == 0) return invalid_sample("a header is name=value: " + header);
    boost::json::array bytes;
    // As Lambda writes them: Java's signed bytes.
    for (const char c : std::string_view(header).substr(equals + 1)) bytes.push_back(static_cast<signed char>(c));
    headers.push_back(boost::json::object{{header.substr(0, equals), std::move(bytes)}});
  }
  const std::vector<std::string> values = options.values.empty() ? std::vector<std::string>{"Hello from Kafka!"} : options.values;
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  boost::json::array records;
  for (std::size_t i = 0; i < values.size(); ++i) {
    boost::json::object record{{"topic", options.topic},
                               {"partition", options.partition},
                               {"offset", static_cast<std::int64_t>(i)},
                               {"timestamp", now - static_cast<std::int64_t>(values.size() - i)},
                               {"timestampType", "CREATE_TIME"}};
    if (!options.key.empty()) record["key"] = base64::encode(options.key);
    record["value"] = base64::encode(values[i]);
    record["headers"] = headers;
    records.push_back(std::move(record));
  }
  boost::json::object event;
  if (options.self_managed) {
    event["eventSource"] = "SelfManagedKafka";
    event["bootstrapServers"] = "kafka-1.example.com:9092,kafka-2.example.com:9092";
  } else {
    event["eventSource"] = "aws:kafka";
    event["eventSourceArn"] = "arn:aws:kafka:" + options.region + ":123456789012:cluster/" + options.cluster + "/" + lift::uuid() + "-1";
    const std::string broker = "." + options.cluster + ".a1bcde.c1.kafka." + options.region + ".amazonaws.com:9092";
    event["bootstrapServers"] = "b-1" + broker + ",b-2" + broker;
  }
  event["records"] = boost::json::object{{options.topic + "-" + std::to_string(options.partition), std::move(records)}};
  return boost::json::value(std::move(event));
}

}  // namespace lift::events
