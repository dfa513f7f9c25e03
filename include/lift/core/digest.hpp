#pragma once
// Message digests over OpenSSL's libcrypto, through its low-level digest functions (EVP's first
// use loads OpenSSL's default provider: see digest.cpp); in the lift_core_digest target so that
// code which never hashes does not link libcrypto. Each returns the raw digest; hex::encode
// writes the text form. They throw std::runtime_error only if libcrypto fails.

#include <string>
#include <string_view>

namespace lift::digest {

// 16 bytes. For checksums AWS defines with it (SQS md5OfBody, S3 ETags) and for spreading keys;
// never for security.
std::string md5(std::string_view data);

// 32 bytes.
std::string sha256(std::string_view data);

// HMAC-SHA256 of `data` under `key`: 32 bytes.
std::string hmac_sha256(std::string_view key, std::string_view data);

}  // namespace lift::digest
