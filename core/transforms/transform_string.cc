#include "core/transforms/transform_string.h"

namespace mq {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }

bool is_name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

bool is_value_char(char c) { return is_name_char(c) || c == '-' || c == '.' || c == '/'; }

class TransformStringParser {
 public:
  TransformStringParser(std::string_view text, std::vector<std::string>* warnings)
      : text_(text), warnings_(warnings) {}

  Status parse(TransformList* list, TransformStringError* error) {
    error_ = error;
    enum class State { kName, kParamName, kParamValue } state = State::kName;
    TransformSpec current;
    std::string param_name;
    size_t open_paren = 0;
    while (pos_ < text_.size()) {
      if (state == State::kName) {
        current = TransformSpec();
        skip_spaces();
        if (pos_ >= text_.size()) return Status::ok();
        current.offset = pos_;
        current.name = read_while(is_name_char);
        if (current.name.empty())
          return fail("expected a transform name, found " + describe_here(), "Looking for transform name, but found ");
        if (pos_ < text_.size() && text_[pos_] == '(') {
          open_paren = pos_++;
          state = State::kParamName;
        } else {
          list->push_back(std::move(current));
        }
      } else if (state == State::kParamName) {
        if (text_[pos_] == ')') {
          ++pos_;
          list->push_back(std::move(current));
          state = State::kName;
          continue;
        }
        if (text_[pos_] == ',') ++pos_;
        skip_spaces();
        param_name = read_while(is_name_char);
        if (param_name.empty()) {
          std::string hint = pos_ < text_.size() && is_space(text_[pos_ - 1]) && text_[pos_] == ')'
                                 ? " (no space is allowed before ')')"
                                 : "";
          return fail("expected a parameter name of '" + current.name + "', found " + describe_here() + hint,
                      "Looking for parameter name, but found ");
        }
        if (pos_ >= text_.size() || text_[pos_] != '=')
          return fail("expected '=' right after parameter '" + param_name + "' of '" + current.name + "', found " +
                          describe_here(),
                      "Looking for =, but found ");
        ++pos_;
        state = State::kParamValue;
      } else {
        std::string value;
        if (text_[pos_] == '"') {
          size_t quote = pos_++;
          bool closed = false;
          while (pos_ < text_.size()) {
            char c = text_[pos_];
            if (c == '"') {
              closed = true;
              break;
            }
            value += c;
            ++pos_;
            if (c == '\\' && pos_ < text_.size()) value += text_[pos_++];
          }
          if (!closed) {
            pos_ = quote + 1;
            return fail("the quoted value of '" + param_name + "' opened here is never closed",
                        "Looking for parameter name, but found ", quote);
          }
          ++pos_;  // the closing quote
        } else {
          value = read_while(is_value_char);
          if (value.empty())
            return fail("expected a value for '" + param_name + "' of '" + current.name + "', found " +
                            describe_here() +
                            " (values with characters other than letters, digits, '_', '-', '.' and '/' "
                            "need double quotes)",
                        "Looking for parameter name, but found ");
        }
        current.params[param_name].push_back(std::move(value));
        if (pos_ < text_.size() && text_[pos_] == '"') ++pos_;
        if (pos_ < text_.size() && text_[pos_] == '\'') ++pos_;
        state = State::kParamName;
      }
    }
    if (state != State::kName && warnings_)
      warnings_->push_back(locate(open_paren) + ": transform '" + current.name +
                           "' has no closing ')' and was ignored");
    return Status::ok();
  }

 private:
  std::string read_while(bool (*accept)(char)) {
    size_t start = pos_;
    while (pos_ < text_.size() && accept(text_[pos_])) ++pos_;
    return std::string(text_.substr(start, pos_ - start));
  }

  void skip_spaces() {
    while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
  }

  std::string describe_here() const {
    if (pos_ >= text_.size()) return "the end of the text";
    char c = text_[pos_];
    if (c == '\n') return "a line break";
    if (c == '\t') return "a tab";
    return "'" + std::string(1, c) + "'";
  }

  void position(size_t offset, int* line, int* column) const {
    *line = 1;
    size_t line_start = 0;
    for (size_t i = 0; i < offset && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++*line;
        line_start = i + 1;
      }
    }
    *column = static_cast<int>(offset - line_start) + 1;
  }

  std::string locate(size_t offset) const {
    int line = 1, column = 1;
    position(offset, &line, &column);
    bool multi_line = text_.find('\n') != std::string_view::npos;
    return multi_line ? "at line " + std::to_string(line) + ", column " + std::to_string(column)
                      : "at column " + std::to_string(column);
  }

  // `at` is the offending character (defaults to the current position); GTT's
  // message quotes the rest of the text from the current position.
  Status fail(const std::string& what, const std::string& gtt_prefix, size_t at = std::string_view::npos) {
    size_t offset = at == std::string_view::npos ? pos_ : at;
    std::string message = locate(offset) + ": " + what;
    if (error_) {
      error_->offset = offset;
      position(offset, &error_->line, &error_->column);
      error_->message = message;
      error_->gtt_message = gtt_prefix + std::string(text_.substr(pos_));
    }
    return Status::error(message);
  }

  std::string_view text_;
  std::vector<std::string>* warnings_;
  TransformStringError* error_ = nullptr;
  size_t pos_ = 0;
};

bool needs_quotes(const std::string& value) {
  if (value.empty()) return true;
  for (char c : value)
    if (!is_value_char(c)) return true;
  return false;
}

}  // namespace

StatusOr<TransformList> parse_transform_string(std::string_view text, TransformStringError* error,
                                               std::vector<std::string>* warnings) {
  TransformList list;
  TransformStringParser parser(text, warnings);
  MQ_RETURN_IF_ERROR(parser.parse(&list, error));
  return list;
}

std::string format_transform(const TransformSpec& spec) {
  std::string out = spec.name;
  if (spec.params.empty()) return out;
  out += '(';
  bool first = true;
  for (const auto& [name, values] : spec.params) {
    for (const std::string& value : values) {
      if (!first) out += ", ";
      first = false;
      out += name + "=" + (needs_quotes(value) ? "\"" + value + "\"" : value);
    }
  }
  out += ')';
  return out;
}

std::string format_transform_list(const TransformList& list) {
  std::string out;
  for (const TransformSpec& spec : list) {
    if (!out.empty()) out += ' ';
    out += format_transform(spec);
  }
  return out;
}

}  // namespace mq
