// Serves the built web app (web/dist): content types, ETags, cache headers (hashed assets
// are immutable, HTML is revalidated), gzip for text, and the single-page-app fallback
// (an unknown path without an extension gets index.html; under /admin/, admin.html).
//
// Thread-safety: serve() may be called from any thread; files are read once and cached.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>

#include "http/http.h"

namespace longnan::server {

class StaticFiles {
 public:
  explicit StaticFiles(std::string root) : root_(std::move(root)) {}
  // nullopt when the path names no file and no fallback applies.
  std::optional<http::Response> serve(const http::Request& request);

 private:
  struct Entry {
    std::string body;
    std::string gzip_body;  // empty when compression does not pay
    std::string content_type;
    std::string etag;
    std::string cache_control;
  };
  std::shared_ptr<const Entry> load(const std::string& relative);

  std::string root_;
  std::shared_mutex mutex_;
  std::map<std::string, std::shared_ptr<const Entry>> cache_;
};

// gzip-compresses `data` at libdeflate level `level` (1 fastest … 12 smallest).
std::string gzip(std::string_view data, int level = 6);

}  // namespace longnan::server
