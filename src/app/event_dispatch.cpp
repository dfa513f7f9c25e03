// Dispatch of non-HTTP events to the app's source routes: the source (and the sources it
// refines, and those that adapt it) chosen by the event's kind, per-record handling with
// partial batch responses, the middleware around every handler, and the fallback to
// on_event. The rules are documented in lift/app/event_routes.hpp.
#include "event_dispatch.hpp"

#include <cstddef>
#include <cstdio>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <typeinfo>
#include <utility>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "lift/app/errors.hpp"
#include "lift/core/log_line.hpp"
#include "lift/http/message.hpp"
#include "context_access.hpp"

namespace lift::detail {

namespace {

using Json = boost::json::value;

void write_log(const boost::json::object& line) {
  std::string text = boost::json::serialize(line);
  text += '\n';
  write_log_line(stderr, text);
}

// The exception being handled, for the log (never for the caller).
std::string exception_text() {
  try {
    throw;
  } catch (const std::exception& e) {
    return std::string(typeid(e).name()) + ": " + e.what();
  } catch (...) {
    return "unknown exception";
  }
}

Context make_context(const EventDispatch& dispatch) {
  Context ctx(http::Request{}, &dispatch.invocation);
  ContextAccess::set_event(ctx, dispatch.kind, &dispatch.event);
  return ctx;
}

// `endpoint` inside `chain`; an exception becomes InternalError (logged, not shown).
Result<void> run_guarded(const EventDispatch& dispatch, std::span<const Middleware> chain, const Endpoint& endpoint, Context& ctx,
                         std::string_view where) {
  try {
    return run_chain(chain, endpoint, ctx);
  } catch (...) {
    return event_exception(dispatch, where);
  }
}

// on_event for `event` (the whole event, or the records no route took), inside the app's chain.
Result<Json> to_on_event(const EventDispatch& dispatch, const Json& event) {
  Context ctx = make_context(dispatch);
  Json answer;
  const Endpoint endpoint = [&dispatch, &event, &answer](Context& c) -> Result<void> {
    auto answered = dispatch.on_event(c, event);
    if (!answered) return std::move(answered).error();
    answer = std::move(*answered);
    return {};
  };
  if (auto done = run_guarded(dispatch, dispatch.app_chain, endpoint, ctx, "on_event"); !done) return std::move(done).error();
  return answer;
}

class BatchRun {
 public:
  BatchRun(const EventDispatch& dispatch, RecordBatch& batch, events::Failures failures)
      : dispatch_(dispatch), batch_(batch), failures_(failures), count_(batch.size()) {}

  Result<std::optional<Json>> run() {
    // Every record's route first: an unroutable record fails the invocation before any handler ran.
    bool any_routed = false;
    for (std::size_t i = 0; i < count_; ++i) {
      if (batch_.route_of(i) != kNoRoute) {
        any_routed = true;
      } else if (!dispatch_.on_event) {
        return Error{"NoRoute", "no route matches " + batch_.describe(i), 400};
      }
    }
    if (count_ > 0 && !any_routed) {
      auto answer = to_on_event(dispatch_, dispatch_.event);
      if (!answer) return std::move(answer).error();
      return std::optional<Json>(std::move(*answer));
    }

    done_.assign(count_, false);
    failed_.assign(count_, false);
    for (std::size_t i = 0; i < count_; ++i) {
      if (done_[i]) continue;
      if (stopped_) {
        fail(i, not_processed());
        done_[i] = true;
        continue;
      }
      const std::size_t r = batch_.route_of(i);
      if (r != kNoRoute && batch_.per_record(r)) {
        done_[i] = true;
        run_record(r, i);
      } else {
        run_group(r, i);
      }
      // Without partial answers the first failure ends the batch.
      if (first_error_ && failures_ == events::Failures::fail_invocation) stopped_ = true;
    }
    if (failures_ != events::Failures::report_items) return std::optional<Json>();
    return report_items();
  }

 private:
  void fail(std::size_t i, Error error) {
    failed_[i] = true;
    batch_.settle(i, error);
    if (!first_error_) first_error_ = std::move(error);
  }

  void run_record(std::size_t r, std::size_t i) {
    Context ctx = make_context(dispatch_);
    if (!batch_.single_event()) ContextAccess::set_record(ctx, batch_.raw(i), i, batch_.typed(i), &batch_.record_type());
    const Endpoint endpoint = [this, r, i](Context& c) { return batch_.handle(r, i, c); };
    Result<void> result;
    std::string exception;
    try {
      result = run_chain(batch_.chain(r), endpoint, ctx);
    } catch (...) {
      exception = exception_text();
      result = errors::internal();
    }
    if (result) {
      batch_.settle(i, result);
      return;
    }
    log_failure(i, result.error(), exception);
    fail(i, result.error());
    stopped_ = stopped_ || batch_.ordered(i);
  }

  // One JSON line for a failed record; `exception` is what was thrown, if anything.
  void log_failure(std::size_t i, const Error& error, const std::string& exception) const {
    boost::json::object line;
    line["level"] = "ERROR";
    line["message"] = exception.empty() ? "record failed" : "unhandled exception while handling a record";
    line["source"] = dispatch_.kind.name();
    line["record_index"] = i;
    if (const auto id = batch_.item_id(i); !id.empty()) line["record_id"] = id;
    line["error_code"] = error.code;
    line["error"] = exception.empty() ? error.message : exception;
    line["request_id"] = dispatch_.invocation.request_id;
    write_log(line);
  }

  // A whole-batch route (or on_event, r = kNoRoute): all of its records in one call.
  void run_group(std::size_t r, std::size_t first) {
    std::vector<std::size_t> group;
    for (std::size_t j = first; j < count_; ++j) {
      if (!done_[j] && batch_.route_of(j) == r) {
        group.push_back(j);
        done_[j] = true;
      }
    }
    auto outcome = r != kNoRoute ? run_whole(r, group) : run_on_event(group);
    if (!outcome) {
      for (auto j : group) fail(j, outcome.error());
      stopped_ = stopped_ || batch_.ordered(first);
      return;
    }
    // Records the handler answered with an error.
    for (auto& [j, error] : outcome->failed) {
      log_failure(j, error, {});
      stopped_ = stopped_ || batch_.ordered(j);
      fail(j, std::move(error));
    }
    std::vector<bool> reported(count_, false);
    if (!outcome->reported.empty()) {
      // A record is named by its item_id's text or by its own itemIdentifier (Kafka's object).
      std::vector<std::string> ids(count_);
      std::vector<Json> identifiers(count_);
      for (auto j : group) {
        ids[j] = batch_.item_id(j);
        identifiers[j] = batch_.failure_identifier(j);
      }
      for (auto& failure : outcome->reported) {
        bool found = false;
        for (auto j : group) {
          const auto* text = failure.if_string();
          if ((text != nullptr && *text == ids[j]) || failure == identifiers[j]) {
            found = reported[j] = true;
            stopped_ = stopped_ || batch_.ordered(j);
          }
        }
        if (!found) unknown_ids_.push_back(std::move(failure));
      }
    }
    for (auto j : group) {
      if (failed_[j]) continue;
      if (reported[j]) {
        fail(j, Error{"RecordFailed", "reported failed by its batch handler", 500});
      } else {
        batch_.settle(j, Result<void>());
      }
    }
  }

  Result<GroupReport> run_whole(std::size_t r, const std::vector<std::size_t>& group) {
    Context ctx = make_context(dispatch_);
    GroupReport report;
    const Endpoint endpoint = [this, r, &group, &report](Context& c) -> Result<void> {
      auto outcome = batch_.handle_group(r, group, c);
      if (!outcome) return std::move(outcome).error();
      report = std::move(*outcome);
      return {};
    };
    if (auto done = run_guarded(dispatch_, batch_.chain(r), endpoint, ctx, "a batch handler"); !done) return std::move(done).error();
    return report;
  }

  // The records no route took, as an event of their own, to on_event; a batchItemFailures
  // answer counts like a whole-batch handler's (an itemIdentifier is text, or an object for
  // the sources that name records so).
  Result<GroupReport> run_on_event(const std::vector<std::size_t>& group) {
    auto answer = to_on_event(dispatch_, batch_.raw_subset(dispatch_.event, group));
    if (!answer) return std::move(answer).error();
    GroupReport report;
    const auto* object = answer->if_object();
    const auto* failures = object != nullptr ? object->if_contains("batchItemFailures") : nullptr;
    if (failures == nullptr || failures->is_null()) return report;
    const auto malformed = [](std::string problem) {
      return Error{"InvalidAnswer", "on_event answered a malformed batchItemFailures: " + std::move(problem), 500};
    };
    if (!failures->is_array()) return malformed("batchItemFailures: expected array");
    for (std::size_t k = 0; k < failures->get_array().size(); ++k) {
      const auto& failure = failures->get_array()[k];
      const auto* id = failure.is_object() ? failure.get_object().if_contains("itemIdentifier") : nullptr;
      if (id == nullptr || !(id->is_string() || id->is_object())) {
        return malformed("batchItemFailures[" + std::to_string(k) + "].itemIdentifier: expected string or object");
      }
      report.reported.emplace_back(*id, boost::json::storage_ptr());
    }
    return report;
  }

  Result<std::optional<Json>> report_items() {
    boost::json::array failures;
    std::vector<ErrorDetail> details;
    for (std::size_t i = 0; i < count_; ++i) {
      if (!failed_[i]) continue;
      auto id = batch_.item_id(i);
      // Lambda could not retry it alone; failing the invocation is the only way not to lose it.
      if (id.empty()) return Error{"BatchProcessingFailed", "record " + std::to_string(i) + " failed and has no identifier to report", 500};
      failures.push_back(boost::json::object{{"itemIdentifier", batch_.failure_identifier(i)}});
      details.push_back(ErrorDetail{"Records[" + std::to_string(i) + "]", std::move(id)});
    }
    if (count_ > 0 && failures.size() == count_) {
      std::string message = "all " + std::to_string(count_) + " records of the batch failed";
      if (first_error_) message += "; the first: " + first_error_->code + ": " + first_error_->message;
      return Error{"BatchProcessingFailed", std::move(message), 500, std::move(details)};
    }
    // Passed on as they came: Lambda decides what an identifier it never sent means.
    for (auto& id : unknown_ids_) failures.push_back(boost::json::object{{"itemIdentifier", std::move(id)}});
    return std::optional<Json>(Json(boost::json::object{{"batchItemFailures", std::move(failures)}}));
  }

  const EventDispatch& dispatch_;
  RecordBatch& batch_;
  events::Failures failures_;
  std::size_t count_;
  std::vector<bool> done_, failed_;
  std::vector<Json> unknown_ids_;  // reported by a handler but not in its records
  std::optional<Error> first_error_;
  bool stopped_ = false;  // an ordered queue stops at its first failure; so does a source without partial answers
};

const SourceRoutesBase* routes_of(std::span<const std::unique_ptr<SourceRoutesBase>> sources, events::Kind kind) {
  for (const auto& source : sources) {
    if (source->kind() == kind) return source.get();
  }
  return nullptr;
}

// The event through the routes that take it; `answered`: a source answered it (its answer is
// the result, an error included).
Result<Json> route_event(const EventDispatch& dispatch, std::span<const std::unique_ptr<SourceRoutesBase>> sources, bool& answered) {
  bool routed = false;
  std::string unmatched;
  // The event's own kind, then each kind it refines; at each, the sources that adapt it first.
  for (events::Kind level = dispatch.kind; !level.is_unknown(); level = level.refines()) {
    for (const auto& source : sources) {
      if (source->adapts() != level || !source->adaptable(dispatch.event)) continue;
      routed = true;
      auto done = source->dispatch(dispatch, true);
      if (!done) return std::move(done).error();
      answered = done->answer.has_value();
      if (answered) return std::move(*done->answer);
      unmatched = std::move(done->unmatched);
    }
    if (const auto* own = routes_of(sources, level)) {
      routed = true;
      auto done = own->dispatch(dispatch, false);
      if (!done) return std::move(done).error();
      answered = done->answer.has_value();
      if (answered) return std::move(*done->answer);
      unmatched = std::move(done->unmatched);
    }
  }
  if (dispatch.on_event) return to_on_event(dispatch, dispatch.event);
  if (!routed) return Error{"UnsupportedEvent", "no handler for an event of kind " + std::string(dispatch.kind.name()), 400};
  return Error{"NoRoute", "no route matches " + (unmatched.empty() ? std::string("the event") : unmatched), 400};
}

Result<Json> dispatch_unguarded(const EventDispatch& dispatch, std::span<const std::unique_ptr<SourceRoutesBase>> sources) {
  bool answered = false;
  auto result = route_event(dispatch, sources, answered);
  if (result || answered) return result;
  // Refused before its source answered: the source may still owe its sender an answer.
  const auto* own = routes_of(sources, dispatch.kind);
  if (own == nullptr) return result;
  Error refusal = std::move(result).error();
  auto answer = own->refused(dispatch, refusal);
  if (answer) {
    boost::json::object line;
    line["level"] = "ERROR";
    line["message"] = "event refused; its source answered the refusal";
    line["source"] = dispatch.kind.name();
    line["error_code"] = refusal.code;
    line["error"] = refusal.message;
    line["request_id"] = dispatch.invocation.request_id;
    write_log(line);
  }
  return answer;
}

}  // namespace

Json RecordBatch::raw_subset(const Json& event, std::span<const std::size_t> group) const {
  if (const auto* list = event.if_array()) {
    // An event that is a list of records (an AppSync batch): the list of those records.
    boost::json::array picked;
    for (const auto i : group) {
      if (i < list->size()) picked.push_back((*list)[i]);
    }
    return picked;
  }
  return events::with_array_items(event, "Records", group);
}

Error not_processed() { return Error{"NotProcessed", "not handled: the batch stopped at an earlier failure", 500}; }

Error event_exception(const EventDispatch& dispatch, std::string_view where) {
  boost::json::object line;
  line["level"] = "ERROR";
  line["message"] = "unhandled exception in " + std::string(where);
  line["source"] = dispatch.kind.name();
  line["error"] = exception_text();
  line["request_id"] = dispatch.invocation.request_id;
  write_log(line);
  return errors::internal();
}

Result<std::optional<Json>> run_batch(const EventDispatch& dispatch, RecordBatch& batch, events::Failures failures) {
  return BatchRun(dispatch, batch, failures).run();
}

Result<Json> dispatch_event(const EventDispatch& dispatch, std::span<const std::unique_ptr<SourceRoutesBase>> sources) {
  try {
    return dispatch_unguarded(dispatch, sources);
  } catch (...) {
    // Handlers' exceptions are caught where they run; this is the dispatch itself failing
    // (memory exhausted, a descriptor throwing), which must not take the process down either.
    return event_exception(dispatch, "the event dispatch");
  }
}

}  // namespace lift::detail
