#pragma once
// Random (version 4) UUIDs from the kernel's CSPRNG, in the canonical lower-case form.

#include <string>

namespace lift {

std::string uuid();

}  // namespace lift
