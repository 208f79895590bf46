#include "files/files.h"

#include <boost/json.hpp>
#include <sodium.h>

#include "core/crypto.h"
#include "http/json.h"

namespace longnan::files {
namespace {

std::string to_base64(std::string_view bytes) {
  std::string encoded(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(encoded.data(), encoded.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  encoded.pop_back();
  return encoded;
}

std::string from_base64(std::string_view text) {
  std::string bytes(text.size(), '\0');
  size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(), text.data(), text.size(), nullptr,
                        &length, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
    throw std::runtime_error("stored file is not valid base64");
  bytes.resize(length);
  return bytes;
}

bool valid_sha256(std::string_view text) {
  return text.size() == 64 && text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

boost::json::object file_json(const std::string& sha256, const std::string& content_type, int64_t size) {
  return {{"sha256", sha256}, {"url", "/api/v1/files/" + sha256}, {"content_type", content_type}, {"size_bytes", size}};
}

}  // namespace

std::string sniff_content_type(std::string_view bytes) {
  if (bytes.starts_with("\xFF\xD8\xFF")) return "image/jpeg";
  if (bytes.starts_with("\x89PNG\r\n\x1A\n")) return "image/png";
  if (bytes.size() >= 12 && bytes.starts_with("RIFF") && bytes.substr(8, 4) == "WEBP") return "image/webp";
  if (bytes.starts_with("%PDF-")) return "application/pdf";
  return {};
}

// POST /api/v1/files: uploads a picture or a PDF (the raw bytes as the body). Staff and
// suppliers upload product pictures and certificates; anyone logged in may upload pictures
// (a buyer's photos of damaged goods for an after-sales request).
http::Response Files::upload(http::Request& request) {
  auto principal = http::require_login(request);
  if (!principal) return http::error_response(request, principal.error());
  const core::Role role = (*principal)->role;
  const bool staff = role == core::Role::kCountyAdmin || role == core::Role::kStoreKeeper || role == core::Role::kSupplier;
  std::string declared(request.header("content-type").value_or(""));
  declared = declared.substr(0, declared.find(';'));
  if (!staff && declared == "application/pdf")
    return http::error_response(request, core::forbidden("only staff and suppliers upload documents; upload a picture"));
  if (declared != "image/jpeg" && declared != "image/png" && declared != "image/webp" && declared != "application/pdf")
    return http::error_response(request, {core::ErrorCode::kUnsupportedMediaType,
                                          "upload image/jpeg, image/png, image/webp or application/pdf", {}});
  if (request.body.size() > kMaxFileBytes)
    return http::error_response(request, {core::ErrorCode::kPayloadTooLarge, "files are limited to 5 MiB", {}});
  if (request.body.empty()) return http::error_response(request, core::invalid("file", "the file is empty"));
  if (sniff_content_type(request.body) != declared)
    return http::error_response(request, core::invalid("file", "the bytes are not a " + declared + " file"));
  const std::string sha256 = core::sha256_hex(request.body);
  const int64_t size = static_cast<int64_t>(request.body.size());
  bool created = false;
  database_.write([&](db::Session& session) {
    if (session.query_one("SELECT id FROM files WHERE sha256 = :s", {sha256})) return;
    session.exec(
        "INSERT INTO files (sha256, platform_id, content_type, size_bytes, data_base64, uploaded_by, created_at) "
        "VALUES (:s, :p, :c, :z, :d, :u, :t) ON CONFLICT (sha256) DO NOTHING",
        {sha256, (*principal)->platform_id ? db::Value(*(*principal)->platform_id) : db::Value(), declared, size,
         to_base64(request.body), (*principal)->user_id, clock_.now_ms()});
    created = true;
  });
  return http::json_response(file_json(sha256, declared, size), created ? 201 : 200);
}

// GET /api/v1/files/{sha256}: the file, cacheable for ever (its name is its content).
http::Response Files::download(http::Request& request) {
  std::string sha256(request.path_param("sha256"));
  if (!valid_sha256(sha256)) return http::error_response(request, core::not_found("no such file"));
  std::optional<db::Row> row;
  database_.with_session([&](db::Session& session) {
    row = session.query_one("SELECT content_type, data_base64 FROM files WHERE sha256 = :s", {sha256});
  });
  if (!row) return http::error_response(request, core::not_found("no such file"));
  http::Response response;
  response.content_type = row->text(0);
  response.body = from_base64(row->text(1));
  response.headers.emplace_back("Cache-Control", "public, max-age=31536000, immutable");
  response.headers.emplace_back("ETag", "\"" + sha256 + "\"");
  response.headers.emplace_back("Content-Security-Policy", "default-src 'none'; sandbox");
  if (response.content_type == "application/pdf")
    response.headers.emplace_back("Content-Disposition", "inline; filename=\"" + sha256.substr(0, 16) + ".pdf\"");
  return response;
}

void Files::register_routes(http::Router& router) {
  router.add(http::Method::kPost, "/api/v1/files", [this](http::Request& r) { return upload(r); }, http::Work::kCompute);
  router.add(http::Method::kGet, "/api/v1/files/{sha256}", [this](http::Request& r) { return download(r); });
}

}  // namespace longnan::files
