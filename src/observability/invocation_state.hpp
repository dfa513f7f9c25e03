#pragma once
// The state of the invocation a thread is running, kept per owner (a logger family, a Metrics,
// a Tracer). One object of each is shared by every worker of lift::run(app); what belongs to
// one invocation (its ids, keys, buffered lines, pending metrics, open subsegments) lives here,
// out of reach of the other workers.
//
// Per thread is right because the runtime hands each invocation to one worker thread that runs
// it from start to end, one at a time (as lift::aws::InvocationDeadline relies on too). The
// entries of a thread are few (one per owner it has run invocations for) and are reused from one
// invocation to the next, so a warm invocation allocates nothing here.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace lift::observability::detail {

// A number no other owner had or will have in this process: an entry left behind by an owner
// that is gone can never be taken for a new owner's, as an address could.
inline std::uint64_t next_owner_id() noexcept {
  static std::atomic<std::uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

template <class State>
class PerThreadInvocation {
 public:
  PerThreadInvocation() noexcept : owner_(next_owner_id()) {}
  // Copies are new owners: a copy must never see the original's invocations.
  PerThreadInvocation(const PerThreadInvocation&) noexcept : owner_(next_owner_id()) {}
  PerThreadInvocation& operator=(const PerThreadInvocation&) = delete;

  // The invocation this thread is running for this owner; null outside one.
  [[nodiscard]] State* current() const noexcept {
    const Entry* entry = find();
    return entry != nullptr && entry->active ? entry->state.get() : nullptr;
  }
  // The same, shared: for what may outlive the invocation's scope (a subsegment).
  [[nodiscard]] std::shared_ptr<State> current_shared() const noexcept {
    const Entry* entry = find();
    return entry != nullptr && entry->active ? entry->state : nullptr;
  }

  // Starts an invocation on this thread: the entry of this owner, marked active. Its state is
  // the one the last invocation left; the caller resets what it needs. Null only while the
  // thread is exiting (an owner used after the thread's own state is gone, e.g. a static one).
  State* begin() {
    auto* list = entries();
    if (list == nullptr) return nullptr;
    for (auto& entry : *list) {
      if (entry.owner != owner_) continue;
      entry.active = true;
      return entry.state.get();
    }
    // Entries of owners no longer in use would pile up on a thread that outlives many of
    // them (a test runner): inactive ones go once there are several.
    if (list->size() >= 8) std::erase_if(*list, [](const Entry& entry) { return !entry.active; });
    list->push_back(Entry{owner_, true, std::make_shared<State>()});
    return list->back().state.get();
  }

  void end() noexcept {
    if (auto* list = entries()) {
      for (auto& entry : *list) {
        if (entry.owner == owner_) entry.active = false;
      }
    }
  }

 private:
  struct Entry {
    std::uint64_t owner;
    bool active;
    std::shared_ptr<State> state;
  };
  struct Entries {
    std::vector<Entry> list;
    Entries() = default;
    Entries(const Entries&) = delete;
    Entries& operator=(const Entries&) = delete;
    ~Entries() { gone() = true; }
  };
  // Trivially destructible, so still readable while the thread's other thread_locals (and, on
  // the main thread, static objects after them) are being destroyed.
  static bool& gone() noexcept {
    thread_local bool flag = false;
    return flag;
  }
  static std::vector<Entry>* entries() noexcept {
    if (gone()) return nullptr;
    thread_local Entries entries;
    return &entries.list;
  }
  [[nodiscard]] const Entry* find() const noexcept {
    const auto* list = entries();
    if (list == nullptr) return nullptr;
    for (const auto& entry : *list) {
      if (entry.owner == owner_) return &entry;
    }
    return nullptr;
  }

  std::uint64_t owner_;
};

}  // namespace lift::observability::detail
