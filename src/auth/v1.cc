#include "auth/v1.h"

#include <algorithm>

#include "auth/crypto.h"

namespace mnad::auth {

std::string V1StringToSign(std::string_view method, std::string_view host, std::string_view path,
                           const FormParams& params) {
  std::vector<const std::pair<std::string, std::string>*> sorted;
  sorted.reserve(params.size());
  for (const auto& param : params) {
    if (param.first != "Signature") sorted.push_back(&param);
  }
  std::sort(sorted.begin(), sorted.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  std::string out;
  out.append(method).append(host).append(path).push_back('?');
  for (size_t i = 0; i < sorted.size(); ++i) {
    if (i > 0) out.push_back('&');
    out.append(sorted[i]->first).push_back('=');
    out.append(sorted[i]->second);
  }
  return out;
}

std::string V1Signature(std::string_view secret_key, std::string_view signature_method,
                        std::string_view string_to_sign) {
  std::string mac = signature_method == "HmacSHA256" ? HmacSha256(secret_key, string_to_sign)
                                                     : HmacSha1(secret_key, string_to_sign);
  return Base64Encode(mac);
}

}  // namespace mnad::auth
