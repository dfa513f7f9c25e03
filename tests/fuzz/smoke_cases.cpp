// Fuzzes the smoke hook's cases (LIFT_SMOKE_CASES) and its judging of a function's answer: any
// input gives cases or SmokeHook.InvalidCases, and any answer a verdict; nothing crashes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "smoke_hook.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto cases = smoke_hook::parse_cases(input);
  if (!cases && cases.error().code != smoke_hook::kInvalidCases) std::abort();
  if (cases && (cases->empty() || cases->size() > smoke_hook::kMaxCases)) std::abort();
  const smoke_hook::SmokeCase probe{"probe", "{}", {200, std::string("ok")}};
  const auto verdict = smoke_hook::check_answer(probe, lift::aws::LambdaInvokeResult{200, std::string(input)});
  if (verdict.passed == !verdict.reason.empty()) std::abort();
  (void)smoke_hook::has_qualifier(input);
  return 0;
}
