#include "lift/aws/retry.hpp"

#include <algorithm>

namespace lift::aws {

bool RetryQuota::acquire(FailureKind kind) {
  std::lock_guard lock(mutex_);
  const int price = cost(kind);
  if (tokens_ < price) return false;
  tokens_ -= price;
  return true;
}

void RetryQuota::on_success(int retry_cost) {
  std::lock_guard lock(mutex_);
  tokens_ = std::min(capacity_, tokens_ + (retry_cost > 0 ? retry_cost : 1));
}

int RetryQuota::available() const {
  std::lock_guard lock(mutex_);
  return tokens_;
}

std::chrono::milliseconds backoff(const RetryPolicy& policy, FailureKind kind, int retry, double random) {
  const auto base = kind == FailureKind::throttling ? policy.throttling_base_delay : policy.base_delay;
  return full_jitter_backoff(base, policy.max_delay, retry, random);
}

}  // namespace lift::aws
