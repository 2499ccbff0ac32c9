#include "auth/crypto.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <cstdlib>
#include <memory>

namespace mnad::auth {
namespace {

// OpenSSL 3 looks an algorithm up by name on every one-shot call (an
// "implicit fetch"), which costs more than hashing a request. The
// algorithms are fetched once, and each thread keeps its own contexts.
const EVP_MD* FetchedSha256() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

EVP_MAC* FetchedHmac() {
  static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  return mac;
}

// An HMAC context for one digest; EVP_MAC_init with new key bytes keeps the
// digest chosen here.
EVP_MAC_CTX* NewHmacContext(const char* digest) {
  EVP_MAC_CTX* context = EVP_MAC_CTX_new(FetchedHmac());
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", const_cast<char*>(digest), 0),
                         OSSL_PARAM_construct_end()};
  if (context == nullptr || EVP_MAC_CTX_set_params(context, params) != 1) std::abort();
  return context;
}

// A thread's context for one-shot HMACs.
struct HmacContext {
  explicit HmacContext(const char* digest) : context(NewHmacContext(digest)) {}
  ~HmacContext() { EVP_MAC_CTX_free(context); }
  EVP_MAC_CTX* context;
};

// With a null key, EVP_MAC_init starts over with the key already set.
std::string Hmac(EVP_MAC_CTX* context, const std::string_view* key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  size_t out_length = 0;
  // Failure here means a broken OpenSSL installation, not bad input.
  if (EVP_MAC_init(context,
                   key == nullptr ? nullptr : reinterpret_cast<const unsigned char*>(key->data()),
                   key == nullptr ? 0 : key->size(), nullptr) != 1 ||
      EVP_MAC_update(context, reinterpret_cast<const unsigned char*>(data.data()), data.size()) !=
          1 ||
      EVP_MAC_final(context, out, &out_length, sizeof(out)) != 1) {
    std::abort();
  }
  return std::string(reinterpret_cast<char*>(out), out_length);
}

}  // namespace

std::string Sha256(std::string_view data) {
  thread_local std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                               EVP_MD_CTX_free);
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int out_length = 0;
  if (EVP_DigestInit_ex2(context.get(), FetchedSha256(), nullptr) != 1 ||
      EVP_DigestUpdate(context.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(context.get(), out, &out_length) != 1) {
    std::abort();
  }
  return std::string(reinterpret_cast<char*>(out), out_length);
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  thread_local HmacContext context("SHA256");
  return Hmac(context.context, &key, data);
}

std::string HmacSha1(std::string_view key, std::string_view data) {
  thread_local HmacContext context("SHA1");
  return Hmac(context.context, &key, data);
}

HmacSha256Signer::HmacSha256Signer(std::string_view key) : context_(NewHmacContext("SHA256")) {
  // Sets the key (hashing its pads) once; every Sign reuses it.
  (void)Hmac(context_, &key, "");
}

HmacSha256Signer::~HmacSha256Signer() {
  EVP_MAC_CTX_free(context_);
}

std::string HmacSha256Signer::Sign(std::string_view data) {
  return Hmac(context_, nullptr, data);
}

std::string HexLower(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char byte : bytes) {
    out.push_back(kDigits[byte >> 4]);
    out.push_back(kDigits[byte & 0x0f]);
  }
  return out;
}

std::string Base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(written));
  return out;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string SecureRandomBytes(size_t count) {
  std::string out(count, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(count)) != 1) {
    std::abort();  // No entropy means no safe secret; there is no fallback.
  }
  return out;
}

}  // namespace mnad::auth
