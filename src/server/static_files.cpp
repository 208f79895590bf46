#include "server/static_files.h"

#include <libdeflate.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>

#include "core/crypto.h"

namespace longnan::server {
namespace {

std::string content_type_for(const std::string& path) {
  static const std::map<std::string, std::string> kTypes{
      {".html", "text/html; charset=utf-8"},  {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},          {".svg", "image/svg+xml"},
      {".png", "image/png"},                  {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},                {".webp", "image/webp"},
      {".ico", "image/x-icon"},               {".woff2", "font/woff2"},
      {".woff", "font/woff"},                 {".ttf", "font/ttf"},
      {".txt", "text/plain; charset=utf-8"},  {".map", "application/json"},
  };
  auto extension = std::filesystem::path(path).extension().string();
  auto it = kTypes.find(extension);
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

bool compressible(const std::string& content_type) {
  return content_type.starts_with("text/") || content_type.starts_with("application/json") ||
         content_type.starts_with("image/svg");
}

bool accepts_gzip(const http::Request& request) {
  auto encodings = request.header("accept-encoding");
  return encodings && encodings->find("gzip") != std::string_view::npos;
}

}  // namespace

std::string gzip(std::string_view data, int level) {
  // A compressor per thread and level, kept: making one costs more than compressing an
  // answer. libdeflate at level 1 took half zlib's time on a scan page's data, and made it
  // smaller.
  using Compressor = std::unique_ptr<libdeflate_compressor, decltype(&libdeflate_free_compressor)>;
  thread_local std::map<int, Compressor> compressors;
  auto found = compressors.find(level);
  if (found == compressors.end())
    found = compressors.emplace(level, Compressor(libdeflate_alloc_compressor(level), &libdeflate_free_compressor)).first;
  if (!found->second) return {};
  std::string out(libdeflate_gzip_compress_bound(found->second.get(), data.size()), '\0');
  out.resize(libdeflate_gzip_compress(found->second.get(), data.data(), data.size(), out.data(), out.size()));
  return out;  // empty when it did not fit, which the bound rules out
}

std::shared_ptr<const StaticFiles::Entry> StaticFiles::load(const std::string& relative) {
  {
    std::shared_lock lock(mutex_);
    if (auto it = cache_.find(relative); it != cache_.end()) return it->second;
  }
  std::filesystem::path full = std::filesystem::path(root_) / relative;
  std::error_code error;
  if (!std::filesystem::is_regular_file(full, error)) return nullptr;
  std::ifstream in(full, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  auto entry = std::make_shared<Entry>();
  entry->body = contents.str();
  entry->content_type = content_type_for(relative);
  entry->etag = "\"" + core::sha256_hex(entry->body).substr(0, 20) + "\"";
  // Vite names built assets by content hash, so they never change under one name.
  entry->cache_control =
      relative.starts_with("assets/") ? "public, max-age=31536000, immutable" : "no-cache";
  if (compressible(entry->content_type) && entry->body.size() > 512) {
    std::string compressed = gzip(entry->body);
    if (!compressed.empty() && compressed.size() < entry->body.size()) entry->gzip_body = std::move(compressed);
  }
  std::unique_lock lock(mutex_);
  cache_[relative] = entry;
  return entry;
}

std::optional<http::Response> StaticFiles::serve(const http::Request& request) {
  if (root_.empty()) return std::nullopt;
  if (request.method != http::Method::kGet && request.method != http::Method::kHead) return std::nullopt;
  std::string relative;
  for (auto segment : http::split_path(request.path)) {
    if (segment == ".." || segment == "." || segment.find('\\') != std::string_view::npos ||
        segment.find('\0') != std::string_view::npos)
      return std::nullopt;
    if (!relative.empty()) relative += '/';
    relative += segment;
  }
  if (relative.empty()) relative = "index.html";
  auto entry = load(relative);
  // A page of the app: a path without a file extension, or a printed code's GS1 Digital
  // Link, whose lot numbers and serials may hold dots (/01/…/21/LOT.2).
  const bool digital_link = relative.starts_with("01/");
  if (!entry && (std::filesystem::path(relative).extension().empty() || digital_link)) {
    bool admin = relative == "admin" || relative.starts_with("admin/");
    entry = admin ? load("admin.html") : nullptr;
    if (!entry) entry = load("index.html");
  }
  if (!entry) return std::nullopt;

  http::Response response;
  response.content_type = entry->content_type;
  response.headers.emplace_back("ETag", entry->etag);
  response.headers.emplace_back("Cache-Control", entry->cache_control);
  response.headers.emplace_back("Vary", "Accept-Encoding");
  if (auto match = request.header("if-none-match"); match && *match == entry->etag) {
    response.status = 304;
    return response;
  }
  if (!entry->gzip_body.empty() && accepts_gzip(request)) {
    response.body = entry->gzip_body;
    response.headers.emplace_back("Content-Encoding", "gzip");
  } else {
    response.body = entry->body;
  }
  return response;
}

}  // namespace longnan::server
