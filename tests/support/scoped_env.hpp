#pragma once
// Sets (or unsets) an environment variable for the scope of a test, then puts it back.

#include <cstdlib>
#include <optional>
#include <string>

namespace lift::testing_support {

class ScopedEnv {
 public:
  // value nullptr or nullopt: the variable is unset for the scope.
  ScopedEnv(const char* name, const char* value)
      : ScopedEnv(name, value != nullptr ? std::optional<std::string>(value) : std::nullopt) {}
  ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      ::setenv(name, value->c_str(), 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_.c_str(), old_->c_str(), 1);
    } else {
      ::unsetenv(name_.c_str());
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::string name_;
  std::optional<std::string> old_;
};

}  // namespace lift::testing_support
