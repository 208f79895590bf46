// Expected failures as values. A request that fails validation, names an unknown id or
// breaks a rule returns an Error; only infrastructure failures throw.
// Thread-safety: plain values, safe to copy between threads.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace longnan::core {

// What went wrong, independent of transport. http/error_status.cpp maps each to one status.
enum class ErrorCode {
  kBadRequest,       // malformed input: bad JSON, wrong type
  kValidation,       // well-formed but invalid value
  kUnauthenticated,  // no or expired credentials
  kForbidden,        // authenticated but not allowed
  kNotFound,         // unknown id, or an id outside the caller's data scope
  kConflict,         // state does not allow the change, or a duplicate
  kPayloadTooLarge,
  kUnsupportedMediaType,
  kRateLimited,
  kMethodNotAllowed,
  kUnavailable,  // a service the server depends on did not answer
};

struct Error {
  ErrorCode code;
  std::string message;
  std::string field;  // the input field at fault, empty when none
};

inline Error bad_request(std::string message, std::string field = {}) {
  return {ErrorCode::kBadRequest, std::move(message), std::move(field)};
}
inline Error invalid(std::string field, std::string message) {
  return {ErrorCode::kValidation, std::move(message), std::move(field)};
}
inline Error not_found(std::string message) { return {ErrorCode::kNotFound, std::move(message), {}}; }
inline Error forbidden(std::string message) { return {ErrorCode::kForbidden, std::move(message), {}}; }
inline Error conflict(std::string message, std::string field = {}) {
  return {ErrorCode::kConflict, std::move(message), std::move(field)};
}
inline Error unavailable(std::string message) { return {ErrorCode::kUnavailable, std::move(message), {}}; }

// Result<T> holds a T or an Error.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}
  Result(Error error) : state_(std::move(error)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }
  // REQUIRES: ok()
  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }
  // REQUIRES: !ok()
  const Error& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

// Result<void>: success or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), failed_(true) {}
  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return error_; }

 private:
  Error error_{};
  bool failed_ = false;
};

using Status = Result<void>;

}  // namespace longnan::core
