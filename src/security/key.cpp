// Key construction: raw HMAC secrets, JWKs and PEM, each checked against its algorithm.
#include "lift/security/key.hpp"

#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <array>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "lift/core/base64.hpp"
#include "lift/core/digest.hpp"
#include "lift/core/json_text.hpp"
#include "openssl.hpp"

namespace lift::security {

namespace json = boost::json;
using detail::Bignum;
using detail::Bio;
using detail::PKey;
using detail::PKeyCtx;

namespace {

struct AlgorithmName {
  Algorithm algorithm;
  std::string_view name;
};
constexpr std::array<AlgorithmName, 13> kAlgorithms{{
    {Algorithm::HS256, "HS256"}, {Algorithm::HS384, "HS384"}, {Algorithm::HS512, "HS512"},
    {Algorithm::RS256, "RS256"}, {Algorithm::RS384, "RS384"}, {Algorithm::RS512, "RS512"},
    {Algorithm::PS256, "PS256"}, {Algorithm::PS384, "PS384"}, {Algorithm::PS512, "PS512"},
    {Algorithm::ES256, "ES256"}, {Algorithm::ES384, "ES384"}, {Algorithm::ES512, "ES512"},
    {Algorithm::EdDSA, "EdDSA"},
}};

Error invalid_key(std::string message) { return Error{std::string(kInvalidKey), std::move(message), 500}; }

bool is_rsa(Algorithm a) {
  return a == Algorithm::RS256 || a == Algorithm::RS384 || a == Algorithm::RS512 || a == Algorithm::PS256 ||
         a == Algorithm::PS384 || a == Algorithm::PS512;
}
bool is_pss(Algorithm a) { return a == Algorithm::PS256 || a == Algorithm::PS384 || a == Algorithm::PS512; }
bool is_ec(Algorithm a) { return a == Algorithm::ES256 || a == Algorithm::ES384 || a == Algorithm::ES512; }

// JOSE curve name and OpenSSL group name of an ES algorithm.
std::string_view jose_curve(Algorithm a) {
  switch (a) {
    case Algorithm::ES256: return "P-256";
    case Algorithm::ES384: return "P-384";
    case Algorithm::ES512: return "P-521";
    default: return {};
  }
}
std::string_view openssl_group(Algorithm a) {
  switch (a) {
    case Algorithm::ES256: return "prime256v1";
    case Algorithm::ES384: return "secp384r1";
    case Algorithm::ES512: return "secp521r1";
    default: return {};
  }
}
std::optional<Algorithm> algorithm_for_curve(std::string_view crv) {
  if (crv == "P-256") return Algorithm::ES256;
  if (crv == "P-384") return Algorithm::ES384;
  if (crv == "P-521") return Algorithm::ES512;
  if (crv == "Ed25519") return Algorithm::EdDSA;
  return std::nullopt;
}

constexpr int kMinRsaBits = 2048;
constexpr int kMaxRsaBits = 16384;  // larger moduli only cost verification time

// OpenSSL keeps failures in a per-thread queue; drop them once handled so later calls start clean.
template <class T>
T clear_errors(T value) {
  ERR_clear_error();
  return value;
}

std::shared_ptr<EVP_PKEY> share(PKey key) { return {key.release(), EVP_PKEY_free}; }

Result<Key::Material> check_pkey_for(PKey pkey, Algorithm algorithm, bool has_private) {
  Key::Material material;
  material.has_private = has_private;
  if (is_rsa(algorithm)) {
    const bool fits = EVP_PKEY_is_a(pkey.get(), "RSA") == 1 || (is_pss(algorithm) && EVP_PKEY_is_a(pkey.get(), "RSA-PSS") == 1);
    if (!fits) return invalid_key("the key is not an RSA key, as " + std::string(to_string(algorithm)) + " needs");
    const int bits = EVP_PKEY_get_bits(pkey.get());
    if (bits < kMinRsaBits || bits > kMaxRsaBits)
      return invalid_key("RSA keys must have 2048 to 16384 bits, this one has " + std::to_string(bits));
    material.type = KeyType::rsa;
  } else if (is_ec(algorithm)) {
    if (EVP_PKEY_is_a(pkey.get(), "EC") != 1) return invalid_key("the key is not an EC key");
    std::array<char, 64> group{};
    std::size_t length = 0;
    if (EVP_PKEY_get_utf8_string_param(pkey.get(), OSSL_PKEY_PARAM_GROUP_NAME, group.data(), group.size(), &length) != 1 ||
        std::string_view(group.data(), length) != openssl_group(algorithm))
      return clear_errors(invalid_key("the EC key's curve is not " + std::string(jose_curve(algorithm))));
    material.type = KeyType::ec;
  } else if (algorithm == Algorithm::EdDSA) {
    if (EVP_PKEY_is_a(pkey.get(), "ED25519") != 1) return invalid_key("the key is not an Ed25519 key");
    material.type = KeyType::okp;
  } else {
    return invalid_key("HMAC keys are made from secret bytes, never from a public key");
  }
  material.pkey = share(std::move(pkey));
  return material;
}

Result<std::string> member_bytes(const json::object& jwk, std::string_view name) {
  const auto* value = jwk.if_contains(name);
  if (value == nullptr || !value->is_string()) return invalid_key("the JWK has no string \"" + std::string(name) + "\"");
  auto bytes = base64::decode_url(value->get_string());
  if (!bytes || bytes->empty()) return invalid_key("the JWK's \"" + std::string(name) + "\" is not base64url");
  return std::move(*bytes);
}

Bignum to_bignum(std::string_view bytes) {
  return Bignum(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()), nullptr));
}

// Builds a public key of `type` ("RSA", "EC") from OSSL parameters.
Result<PKey> from_params(const char* type, OSSL_PARAM_BLD* builder) {
  detail::Params params(OSSL_PARAM_BLD_to_param(builder));
  PKeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1 || raw == nullptr)
    return clear_errors(invalid_key(std::string("OpenSSL refused the ") + type + " key"));
  PKey key(raw);
  PKeyCtx check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1)
    return clear_errors(invalid_key(std::string("the ") + type + " public key is not valid"));
  return key;
}

Result<PKey> rsa_from_jwk(const json::object& jwk) {
  auto n = member_bytes(jwk, "n");
  if (!n) return n.error();
  auto e = member_bytes(jwk, "e");
  if (!e) return e.error();
  if (e->size() > 8 || (static_cast<unsigned char>(e->back()) & 1U) == 0)
    return invalid_key("the RSA exponent must be odd and at most 64 bits");
  if (n->size() > kMaxRsaBits / 8 + 1) return invalid_key("the RSA modulus is too large");
  Bignum bn_n = to_bignum(*n);
  Bignum bn_e = to_bignum(*e);
  detail::ParamBld builder(OSSL_PARAM_BLD_new());
  if (!bn_n || !bn_e || !builder || OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1)
    return clear_errors(invalid_key("cannot build the RSA key"));
  return from_params("RSA", builder.get());
}

Result<PKey> ec_from_jwk(const json::object& jwk, Algorithm algorithm) {
  auto x = member_bytes(jwk, "x");
  if (!x) return x.error();
  auto y = member_bytes(jwk, "y");
  if (!y) return y.error();
  const std::size_t size = detail::ecdsa_component_size(algorithm);
  if (x->size() != size || y->size() != size)
    return invalid_key("the EC coordinates must have " + std::to_string(size) + " bytes");
  std::string point = "\x04" + *x + *y;  // uncompressed SEC 1 point
  const std::string group(openssl_group(algorithm));
  detail::ParamBld builder(OSSL_PARAM_BLD_new());
  if (!builder || OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, group.c_str(), 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1)
    return clear_errors(invalid_key("cannot build the EC key"));
  return from_params("EC", builder.get());
}

Result<PKey> okp_from_jwk(const json::object& jwk) {
  auto x = member_bytes(jwk, "x");
  if (!x) return x.error();
  if (x->size() != 32) return invalid_key("an Ed25519 key has 32 bytes");
  PKey key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(x->data()), x->size()));
  if (!key) return clear_errors(invalid_key("OpenSSL refused the Ed25519 key"));
  return key;
}

std::optional<std::string_view> string_member(const json::object& object, std::string_view name) {
  const auto* value = object.if_contains(name);
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return std::string_view(value->get_string());
}

// Refuses the passphrase prompt that OpenSSL would otherwise show for encrypted PEM.
int no_passphrase(char*, int, int, void*) { return 0; }

}  // namespace

std::string_view to_string(Algorithm algorithm) noexcept {
  for (const auto& entry : kAlgorithms)
    if (entry.algorithm == algorithm) return entry.name;
  return "unknown";
}

std::optional<Algorithm> parse_algorithm(std::string_view name) noexcept {
  for (const auto& entry : kAlgorithms)
    if (entry.name == name) return entry.algorithm;
  return std::nullopt;
}

bool is_hmac(Algorithm algorithm) noexcept {
  return algorithm == Algorithm::HS256 || algorithm == Algorithm::HS384 || algorithm == Algorithm::HS512;
}

KeyType Key::type() const noexcept { return material_->type; }
bool Key::can_sign() const noexcept { return material_->type == KeyType::oct || material_->has_private; }

Result<Key> Key::hmac(Algorithm algorithm, std::string_view secret, std::string kid) {
  if (!is_hmac(algorithm)) return invalid_key(std::string(to_string(algorithm)) + " is not an HMAC algorithm");
  const std::size_t minimum = static_cast<std::size_t>(EVP_MD_get_size(detail::digest_for(algorithm)));
  if (secret.size() < minimum)
    return invalid_key(std::string(to_string(algorithm)) + " needs a secret of at least " + std::to_string(minimum) + " bytes");
  if (secret.find("-----BEGIN") != std::string_view::npos)
    return invalid_key("a PEM block is not an HMAC secret");
  Material material;
  material.type = KeyType::oct;
  material.secret = std::string(secret);
  return Key(algorithm, std::move(kid), std::make_shared<const Material>(std::move(material)));
}

Result<Key> Key::from_jwk(const json::object& jwk, std::optional<Algorithm> algorithm) {
  const auto kty = string_member(jwk, "kty");
  if (!kty) return invalid_key("the JWK has no \"kty\"");
  if (const auto* use = jwk.if_contains("use"); use != nullptr && !(use->is_string() && use->get_string() == "sig"))
    return invalid_key("the JWK is not for signatures (\"use\")");
  if (const auto* ops = jwk.if_contains("key_ops"); ops != nullptr) {
    bool verify = false;
    if (ops->is_array())
      for (const auto& op : ops->get_array()) verify = verify || (op.is_string() && op.get_string() == "verify");
    if (!verify) return invalid_key("the JWK's \"key_ops\" do not include \"verify\"");
  }
  if (const auto* alg = jwk.if_contains("alg"); alg != nullptr) {
    const auto named = alg->is_string() ? parse_algorithm(alg->get_string()) : std::nullopt;
    if (!named) return invalid_key("the JWK's \"alg\" is not a supported signature algorithm");
    if (algorithm && *algorithm != *named)
      return invalid_key("the JWK's \"alg\" is " + std::string(to_string(*named)) + ", not " +
                         std::string(to_string(*algorithm)));
    algorithm = named;
  }
  const auto crv = string_member(jwk, "crv");
  std::string kid(string_member(jwk, "kid").value_or(""));

  if (*kty == "oct") {
    if (!algorithm) return invalid_key("an \"oct\" JWK needs an HS algorithm");
    if (!is_hmac(*algorithm)) return invalid_key("an \"oct\" JWK can only be an HMAC key");
    auto secret = member_bytes(jwk, "k");
    if (!secret) return secret.error();
    return hmac(*algorithm, *secret, std::move(kid));
  }
  Result<PKey> pkey = invalid_key("unsupported JWK \"kty\": " + std::string(*kty));
  if (*kty == "RSA") {
    if (!algorithm) return invalid_key("an RSA JWK needs an algorithm (RS* or PS*)");
    if (!is_rsa(*algorithm)) return invalid_key("an RSA JWK cannot be used with " + std::string(to_string(*algorithm)));
    pkey = rsa_from_jwk(jwk);
  } else if (*kty == "EC" || *kty == "OKP") {
    const auto implied = crv ? algorithm_for_curve(*crv) : std::nullopt;
    if (!implied || (*kty == "EC") != is_ec(*implied))
      return invalid_key("unsupported " + std::string(*kty) + " curve: " + std::string(crv.value_or("(none)")));
    if (algorithm && *algorithm != *implied)
      return invalid_key("the curve " + std::string(*crv) + " cannot be used with " + std::string(to_string(*algorithm)));
    algorithm = implied;
    pkey = *kty == "EC" ? ec_from_jwk(jwk, *algorithm) : okp_from_jwk(jwk);
  }
  if (!pkey) return pkey.error();
  auto material = check_pkey_for(std::move(*pkey), *algorithm, false);
  if (!material) return material.error();
  return Key(*algorithm, std::move(kid), std::make_shared<const Material>(std::move(*material)));
}

Result<Key> Key::from_jwk(std::string_view jwk_json, std::optional<Algorithm> algorithm) {
  boost::system::error_code ec;
  json::value parsed = json::parse(jwk_json, ec);
  if (ec || !parsed.is_object()) return invalid_key("the JWK is not a JSON object");
  return from_jwk(parsed.get_object(), algorithm);
}

Result<Key> Key::from_pem(std::string_view pem, Algorithm algorithm, std::string kid) {
  if (is_hmac(algorithm)) return invalid_key("HMAC keys are made from secret bytes, never from PEM");
  const auto begin = pem.find("-----BEGIN ");
  if (begin == std::string_view::npos) return invalid_key("no PEM block");
  const auto label_end = pem.find("-----", begin + 11);
  if (label_end == std::string_view::npos) return invalid_key("no PEM block");
  const std::string_view label = pem.substr(begin + 11, label_end - begin - 11);

  Bio bio(BIO_new_mem_buf(pem.data() + begin, static_cast<int>(pem.size() - begin)));
  if (!bio) return invalid_key("out of memory");
  PKey pkey;
  bool has_private = false;
  if (label == "CERTIFICATE") {
    detail::X509Ptr certificate(PEM_read_bio_X509(bio.get(), nullptr, no_passphrase, nullptr));
    if (certificate) pkey.reset(X509_get_pubkey(certificate.get()));
  } else if (label == "PRIVATE KEY" || label == "RSA PRIVATE KEY" || label == "EC PRIVATE KEY") {
    pkey.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr));
    has_private = true;
  } else if (label == "PUBLIC KEY" || label == "RSA PUBLIC KEY") {
    EVP_PKEY* raw = nullptr;
    using Decoder = std::unique_ptr<OSSL_DECODER_CTX, detail::Deleter<OSSL_DECODER_CTX_free>>;
    Decoder decoder(OSSL_DECODER_CTX_new_for_pkey(&raw, "PEM", nullptr, nullptr, EVP_PKEY_PUBLIC_KEY, nullptr, nullptr));
    if (decoder && OSSL_DECODER_from_bio(decoder.get(), bio.get()) == 1) pkey.reset(raw);
  } else {
    return invalid_key("unsupported PEM block: " + std::string(label));
  }
  if (!pkey) return clear_errors(invalid_key("cannot read the PEM " + std::string(label)));
  auto material = check_pkey_for(std::move(pkey), algorithm, has_private);
  if (!material) return material.error();
  return Key(algorithm, std::move(kid), std::make_shared<const Material>(std::move(*material)));
}

Result<std::string> jwk_thumbprint(const json::object& jwk) {
  const auto kty = string_member(jwk, "kty");
  if (!kty) return invalid_key("the JWK has no \"kty\"");
  std::vector<std::string_view> members;
  if (*kty == "RSA") members = {"e", "kty", "n"};
  else if (*kty == "EC") members = {"crv", "kty", "x", "y"};
  else if (*kty == "OKP") members = {"crv", "kty", "x"};
  else if (*kty == "oct") members = {"k", "kty"};
  else return invalid_key("unsupported JWK \"kty\": " + std::string(*kty));
  std::string canonical = "{";
  for (const auto name : members) {
    const auto value = string_member(jwk, name);
    if (!value) return invalid_key("the JWK has no string \"" + std::string(name) + "\"");
    if (canonical.size() > 1) canonical += ',';
    append_json_string(canonical, name);
    canonical += ':';
    append_json_string(canonical, *value);
  }
  canonical += '}';
  return base64::encode_url(digest::sha256(canonical));
}

}  // namespace lift::security
