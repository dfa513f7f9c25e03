#pragma once
// Throwaway X.509 material made at test time with OpenSSL: a CA and leaf certificates signed by
// it (EC P-256, valid for a day), as PEM text. Nothing is stored in the repository.

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <random>
#include <stdexcept>
#include <string>

namespace lift::testing_support {

struct TestKeyPair {
  std::string certificate_pem;
  std::string private_key_pem;
};

namespace detail {

using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using CertPtr = std::unique_ptr<X509, decltype(&X509_free)>;

inline void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test certificate: ") + what);
}

inline std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(size));
}

inline std::string key_pem(EVP_PKEY* key) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1, "key PEM");
  return bio_text(bio.get());
}

inline std::string cert_pem(X509* cert) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  check(PEM_write_bio_X509(bio.get(), cert) == 1, "certificate PEM");
  return bio_text(bio.get());
}

inline KeyPtr read_key(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  KeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
  check(key != nullptr, "read key");
  return key;
}

inline CertPtr read_cert(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  CertPtr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free);
  check(cert != nullptr, "read certificate");
  return cert;
}

inline void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
  check(extension != nullptr, "extension");
  X509_add_ext(cert, extension, -1);
  X509_EXTENSION_free(extension);
}

// `issuer` null: self-signed CA.
inline TestKeyPair make_certificate(const std::string& common_name, const std::string& subject_alt_names,
                                    const TestKeyPair* issuer) {
  KeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), EVP_PKEY_free);
  check(key != nullptr, "key generation");
  CertPtr cert(X509_new(), X509_free);
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), static_cast<long>(std::random_device{}() & 0x7fffffff));  // unique per certificate
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0);
  CertPtr issuer_cert(nullptr, X509_free);
  KeyPtr issuer_key(nullptr, EVP_PKEY_free);
  if (issuer != nullptr) {
    issuer_cert = read_cert(issuer->certificate_pem);
    issuer_key = read_key(issuer->private_key_pem);
    X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer_cert.get()));
  } else {
    X509_set_issuer_name(cert.get(), name);
  }
  X509* signer = issuer != nullptr ? issuer_cert.get() : cert.get();
  if (issuer == nullptr) {
    add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
    add_extension(cert.get(), signer, NID_ext_key_usage, "serverAuth");
    if (!subject_alt_names.empty()) add_extension(cert.get(), signer, NID_subject_alt_name, subject_alt_names.c_str());
  }
  add_extension(cert.get(), signer, NID_subject_key_identifier, "hash");
  check(X509_sign(cert.get(), issuer != nullptr ? issuer_key.get() : key.get(), EVP_sha256()) > 0, "signing");
  return {cert_pem(cert.get()), key_pem(key.get())};
}

}  // namespace detail

inline TestKeyPair make_test_ca(const std::string& name = "lift test CA") { return detail::make_certificate(name, "", nullptr); }

// `subject_alt_names` in OpenSSL's form: "DNS:localhost,IP:127.0.0.1".
inline TestKeyPair make_test_leaf(const TestKeyPair& ca, const std::string& common_name, const std::string& subject_alt_names) {
  return detail::make_certificate(common_name, subject_alt_names, &ca);
}

}  // namespace lift::testing_support
