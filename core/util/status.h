// Status and StatusOr: how the core reports failure. The core never throws,
// prints or exits; every message is meant to be shown to a user as is.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace mq {

// What kind of failure: the shells map kInvalidInput to exit code 2 and
// kInternal to exit code 1.
enum class StatusCode { kOk = 0, kInvalidInput, kUnsupported, kResourceExhausted, kInternal };

class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status ok() { return Status(); }
  static Status error(std::string message) { return Status(StatusCode::kInvalidInput, std::move(message)); }
  static Status unsupported(std::string message) { return Status(StatusCode::kUnsupported, std::move(message)); }
  static Status resource_exhausted(std::string message) {
    return Status(StatusCode::kResourceExhausted, std::move(message));
  }
  static Status internal(std::string message) { return Status(StatusCode::kInternal, std::move(message)); }

  bool is_ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is "prefix: message" (for adding the file,
  // node or transform a lower layer did not know about).
  // The same kind of failure with another message.
  Status with_message(std::string message) const {
    if (is_ok()) return *this;
    return Status(code_, std::move(message));
  }

  Status with_context(const std::string& prefix) const {
    if (is_ok()) return *this;
    return Status(code_, prefix + ": " + message_);
  }

 private:
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  StatusOr(Status status) : status_(std::move(status)) {}  // NOLINT: implicit by design

  bool is_ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace mq

#define MQ_STATUS_CONCAT_INNER(a, b) a##b
#define MQ_STATUS_CONCAT(a, b) MQ_STATUS_CONCAT_INNER(a, b)

#define MQ_RETURN_IF_ERROR(expr)              \
  do {                                        \
    ::mq::Status mq_status_ = (expr);         \
    if (!mq_status_.is_ok()) return mq_status_; \
  } while (0)

#define MQ_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.is_ok()) return tmp.status();         \
  lhs = std::move(tmp).value()

#define MQ_ASSIGN_OR_RETURN(lhs, expr) \
  MQ_ASSIGN_OR_RETURN_IMPL(MQ_STATUS_CONCAT(mq_statusor_, __LINE__), lhs, expr)
