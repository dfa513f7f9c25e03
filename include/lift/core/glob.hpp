#pragma once
// Glob patterns over names and ARNs, as event routes use them: '*' matches any run of
// characters ('/' included), '?' any one character, everything else itself.

#include <string_view>

namespace lift {

// `pattern` against the whole of `text`. Linear in practice, never exponential.
[[nodiscard]] bool glob_match(std::string_view pattern, std::string_view text) noexcept;

// As glob_match, with ASCII letters compared without regard to case (mail addresses).
[[nodiscard]] bool glob_match_ignoring_case(std::string_view pattern, std::string_view text) noexcept;

}  // namespace lift
