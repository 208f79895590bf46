// Uploaded files: product pictures and certification evidence (JPEG, PNG, WebP, PDF up to
// 5 MiB). Content-addressed by SHA-256 and stored in the database so that every app server
// serves them; the bytes must match the declared type. Files are public once uploaded
// (pictures are shown in the store; certificates are public documents).
//
// Thread-safety: Files is immutable after construction; handlers run on any thread.
#pragma once

#include <string>
#include <string_view>

#include "core/clock.h"
#include "db/db.h"
#include "http/http.h"

namespace longnan::files {

inline constexpr size_t kMaxFileBytes = 5 << 20;

// The content type the bytes are, if it is one we accept: "image/jpeg", "image/png",
// "image/webp" or "application/pdf"; empty otherwise.
std::string sniff_content_type(std::string_view bytes);

class Files {
 public:
  Files(db::Database& database, const core::Clock& clock) : database_(database), clock_(clock) {}
  void register_routes(http::Router& router);

 private:
  http::Response upload(http::Request& request);
  http::Response download(http::Request& request);

  db::Database& database_;
  const core::Clock& clock_;
};

}  // namespace longnan::files
