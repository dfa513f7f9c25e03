#pragma once
// A bulkhead: at most `max_concurrent` calls to a dependency in flight at once, so that one slow
// dependency cannot tie up every worker of an environment serving many invocations (Lambda
// Managed Instances, AWS_LAMBDA_MAX_CONCURRENCY > 1). A call over the limit waits up to
// `max_wait` for a place (never past the invocation's deadline), then is refused with
// BulkheadFull (503).
//
//   LIFT_TRY(payments, lift::resilience::Bulkhead::create("payments", {.max_concurrent = 8}));
//   auto receipt = payments.call([&] { return charge(order); });
//
// A Bulkhead is a handle: copies share one limit. A call that finds a place takes no lock.

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "lift/core/result.hpp"

namespace lift::resilience {

struct BulkheadOptions {
  // Calls in flight at once (at least 1).
  int max_concurrent = 16;
  // How long a call over the limit waits for a place (zero: refused at once; not negative).
  std::chrono::milliseconds max_wait{0};
};

namespace detail {
class BulkheadCore;
}  // namespace detail

class Bulkhead {
 public:
  // InvalidConfiguration when `options` cannot work or `name` is empty.
  static Result<Bulkhead> create(std::string name, BulkheadOptions options = {});

  // A place in the bulkhead, given back when destroyed (a moved-from one gives back nothing).
  // It keeps the bulkhead alive.
  class Permit {
   public:
    Permit(Permit&&) noexcept = default;
    Permit& operator=(Permit&& other) noexcept {
      if (this != &other) {
        release();
        core_ = std::move(other.core_);
      }
      return *this;
    }
    Permit(const Permit&) = delete;
    Permit& operator=(const Permit&) = delete;
    ~Permit() { release(); }

   private:
    friend class Bulkhead;
    explicit Permit(std::shared_ptr<detail::BulkheadCore> core) noexcept : core_(std::move(core)) {}
    void release() noexcept;
    std::shared_ptr<detail::BulkheadCore> core_;
  };

  // A place, waiting for one up to max_wait; BulkheadFull (503, detail {"bulkhead": name})
  // when none came free in time. For code that cannot wrap its call in a function.
  [[nodiscard]] Result<Permit> acquire() const;

  // Calls `fn` (returning any lift::Result<T>) in a place of the bulkhead; BulkheadFull when
  // no place came free in time. The place is given back however `fn` ends (a throw included).
  template <class F>
  auto call(F&& fn) const -> std::remove_cvref_t<std::invoke_result_t<F&>> {
    using R = std::remove_cvref_t<std::invoke_result_t<F&>>;
    static_assert(is_result_v<R>, "lift::resilience::Bulkhead::call: the call must return a lift::Result");
    if (!enter()) return R(rejection());
    // This handle keeps the bulkhead alive for the call: no reference count to touch.
    struct Leave {
      const Bulkhead& bulkhead;
      ~Leave() { bulkhead.leave(); }
    } leave{*this};
    return std::invoke(fn);
  }

  [[nodiscard]] const std::string& name() const noexcept;
  // Calls in flight now.
  [[nodiscard]] int in_flight() const noexcept;

 private:
  explicit Bulkhead(std::shared_ptr<detail::BulkheadCore> core) : core_(std::move(core)) {}
  [[nodiscard]] bool enter() const;
  void leave() const noexcept;
  [[nodiscard]] Error rejection() const;
  std::shared_ptr<detail::BulkheadCore> core_;
};

}  // namespace lift::resilience
