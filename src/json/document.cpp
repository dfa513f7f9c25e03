// A DOM builder over Boost.JSON's SAX parser that reads numbers with std::from_chars. It does
// what boost::json::parser does (the same value_stack), except for the text of doubles.

#include "lift/json/document.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <system_error>

namespace lift::json {
namespace {

using boost::json::error_code;
using boost::json::string_view;

class ExactNumbersHandler {
 public:
  static constexpr std::size_t max_object_size = boost::json::object::max_size();
  static constexpr std::size_t max_array_size = boost::json::array::max_size();
  static constexpr std::size_t max_key_size = boost::json::string::max_size();
  static constexpr std::size_t max_string_size = boost::json::string::max_size();

  // The stack's own memory is `scratch` (then the default resource); the values it builds live
  // in `storage`.
  ExactNumbersHandler(boost::json::storage_ptr storage, unsigned char* scratch, std::size_t size)
      : stack_(boost::json::storage_ptr(), scratch, size) {
    stack_.reset(std::move(storage));
  }

  boost::json::value release() { return stack_.release(); }
  bool out_of_range() const noexcept { return out_of_range_; }

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_object_begin(error_code&) { return true; }
  bool on_object_end(std::size_t n, error_code&) {
    stack_.push_object(n);
    return true;
  }
  bool on_array_begin(error_code&) { return true; }
  bool on_array_end(std::size_t n, error_code&) {
    stack_.push_array(n);
    return true;
  }
  bool on_key_part(string_view s, std::size_t, error_code&) {
    stack_.push_chars(s);
    return true;
  }
  bool on_key(string_view s, std::size_t, error_code&) {
    stack_.push_key(s);
    return true;
  }
  bool on_string_part(string_view s, std::size_t, error_code&) {
    stack_.push_chars(s);
    return true;
  }
  bool on_string(string_view s, std::size_t, error_code&) {
    stack_.push_string(s);
    return true;
  }
  // Only when a number straddles two writes; one write of the whole text never splits one.
  bool on_number_part(string_view s, error_code&) {
    number_.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t i, string_view, error_code&) {
    number_.clear();
    stack_.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, string_view, error_code&) {
    number_.clear();
    stack_.push_uint64(u);
    return true;
  }
  bool on_double(double approximate, string_view s, error_code& ec) {
    std::string_view text(s.data(), s.size());
    if (!number_.empty()) {
      number_.append(text);
      text = number_;
    }
    double exact = 0;
    const auto [end, status] = std::from_chars(text.data(), text.data() + text.size(), exact);
    if (status == std::errc::result_out_of_range) {
      // 1e-400 is zero, as every reader takes it; 1e400 has no double, and infinity would be
      // written back as null, so it is refused rather than changed.
      if (std::isfinite(approximate) && std::abs(approximate) < 1) {
        exact = text.front() == '-' ? -0.0 : 0.0;
      } else {
        out_of_range_ = true;
        ec = boost::json::error::exponent_overflow;
        return false;
      }
    } else if (status != std::errc{} || end != text.data() + text.size()) {
      exact = approximate;  // not expected: the parser has validated the text
    }
    stack_.push_double(exact);
    number_.clear();
    return true;
  }
  bool on_bool(bool b, error_code&) {
    stack_.push_bool(b);
    return true;
  }
  bool on_null(error_code&) {
    stack_.push_null();
    return true;
  }
  bool on_comment_part(string_view, error_code&) { return true; }
  bool on_comment(string_view, error_code&) { return true; }

 private:
  boost::json::value_stack stack_;
  std::string number_;
  bool out_of_range_ = false;
};

Error invalid_json(std::string_view text, std::size_t offset, std::string_view reason) {
  offset = std::min(offset, text.size());
  std::size_t line = 1;
  std::size_t column = 1;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  std::string message = "invalid JSON at line " + std::to_string(line) + ", column " + std::to_string(column) + ": ";
  message += reason;
  return Error{"InvalidJson", std::move(message), 400, {}};
}

}  // namespace

Result<boost::json::value> parse_document(std::string_view text, boost::json::storage_ptr storage) {
  boost::json::parse_options options;
  options.max_depth = 64;
  unsigned char scratch[2048];  // the parser's own stack: no allocation for shallow documents
  boost::json::basic_parser<ExactNumbersHandler> parser(options, std::move(storage), scratch, sizeof scratch);
  error_code ec;
  const std::size_t consumed = parser.write_some(false, text.data(), text.size(), ec);
  if (ec) {
    const bool range = parser.handler().out_of_range();
    return invalid_json(text, consumed, range ? "number out of the range of a double" : ec.message());
  }
  // write_some stops after the document and the whitespace that follows it.
  if (consumed < text.size()) {
    return invalid_json(text, consumed, boost::json::make_error_code(boost::json::error::extra_data).message());
  }
  return parser.handler().release();
}

}  // namespace lift::json
