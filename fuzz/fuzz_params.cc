// fuzz_params: the parameter decoders of every action. The input is read as
// a query string or form body (api::ParseUrlEncoded, then DecodeFormParams)
// and as a JSON body (DecodeJsonParams), against each schema of schemas.h.
//
// Invariants:
// - a parsed form holds valid UTF-8 only, and encoding it again and parsing
//   that gives the same parameters;
// - a decoded object obeys its schema (types, bounds, allowed values,
//   required fields, nothing undeclared, text valid UTF-8);
// - the two encodings agree (api/params.h): parameters decoded from a form
//   and sent again as JSON decode to the same object, and the other way
//   round whenever the form can say the same thing;
// - a refusal carries one of the parameter error codes.
#include <algorithm>
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/form.h"
#include "api/params.h"
#include "client_signer.h"
#include "core/text.h"
#include "fuzz_check.h"
#include "param_checks.h"
#include "schemas.h"

namespace mnad::fuzz {
namespace {

std::string EncodeForm(const api::FormParams& form) {
  std::string text;
  for (const auto& [name, value] : form) {
    if (!text.empty()) text.push_back('&');
    text += PercentEncode(name) + "=" + PercentEncode(value);
  }
  return text;
}

void CheckRefusal(const Error& error, std::string_view what) {
  bool expected = error.code == ErrorCode::kInvalidParameter ||
                  error.code == ErrorCode::kInvalidParameterValue ||
                  error.code == ErrorCode::kMissingParameter ||
                  error.code == ErrorCode::kUnknownParameter;
  Check(expected, std::string(what) + " refused with an unexpected code",
        std::string(ErrorCodeName(error.code)) + ": " + error.message);
}

void CheckParsedForm(const api::FormParams& form, std::string_view input) {
  size_t pairs_max = static_cast<size_t>(std::count(input.begin(), input.end(), '&')) + 1;
  Check(form.size() <= pairs_max, "ParseUrlEncoded made more pairs than the text has", input);
  for (const auto& [name, value] : form) {
    Check(IsValidUtf8(name) && IsValidUtf8(value), "ParseUrlEncoded let invalid UTF-8 through",
          name + "=" + value);
  }
  std::string encoded = EncodeForm(form);
  Result<api::FormParams> again = api::ParseUrlEncoded(encoded);
  Check(again.has_value(), "a form encoded again does not parse", encoded);
  Check(*again == form, "a form encoded again parses to other parameters", encoded);
}

// Form-decoded parameters, sent as a JSON body, decode the same.
void CheckFormAsJson(const api::ParamObject& decoded, const std::vector<api::ParamSpec>& specs) {
  boost::json::object json = ObjectToJson(decoded, specs);
  std::string body = boost::json::serialize(json);
  Result<api::ParamObject> again = api::DecodeJsonParams(body, specs);
  Check(again.has_value(), "parameters decoded from a form are refused as JSON",
        body + " -> " + (again ? "" : again.error().message));
  Check(SameParams(ObjectToJson(*again, specs), json), "a form and its JSON decode differently",
        body);
}

// JSON-decoded parameters, sent as a form, decode the same.
void CheckJsonAsForm(const api::ParamObject& decoded, const std::vector<api::ParamSpec>& specs) {
  api::FormParams form;
  if (!FlattenObject(decoded, specs, "", &form)) return;  // not expressible as a form
  std::string text = EncodeForm(form);
  Result<api::FormParams> parsed = api::ParseUrlEncoded(text);
  Check(parsed.has_value() && *parsed == form, "an encoded form does not parse back", text);
  Result<api::ParamObject> again = api::DecodeFormParams(form, specs);
  boost::json::object json = ObjectToJson(decoded, specs);
  Check(
      again.has_value(), "parameters decoded from JSON are refused as a form",
      boost::json::serialize(json) + " as " + text + " -> " + (again ? "" : again.error().message));
  Check(SameParams(ObjectToJson(*again, specs), json),
        "a JSON body and its form decode differently",
        boost::json::serialize(json) + " as " + text);
}

}  // namespace
}  // namespace mnad::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mnad;
  using namespace mnad::fuzz;
  std::string_view input(reinterpret_cast<const char*>(data), size);

  Result<api::FormParams> form = api::ParseUrlEncoded(input);
  if (form) {
    CheckParsedForm(*form, input);
  } else {
    Check(form.error().code == ErrorCode::kInvalidParameter,
          "ParseUrlEncoded refused with an unexpected code", form.error().message);
  }

  for (const NamedSchema& schema : Schemas()) {
    if (form) {
      Result<api::ParamObject> decoded = api::DecodeFormParams(*form, schema.params);
      if (decoded) {
        CheckObjectConforms(*decoded, schema.params, "");
        CheckFormAsJson(*decoded, schema.params);
      } else {
        CheckRefusal(decoded.error(), "DecodeFormParams");
      }
    }
    Result<api::ParamObject> decoded = api::DecodeJsonParams(input, schema.params);
    if (decoded) {
      CheckObjectConforms(*decoded, schema.params, "");
      CheckJsonAsForm(*decoded, schema.params);
    } else {
      CheckRefusal(decoded.error(), "DecodeJsonParams");
    }
  }
  return 0;
}
