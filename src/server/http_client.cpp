#include "server/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>

namespace longnan::server {

namespace beast = boost::beast;
namespace asio = boost::asio;

core::Result<std::string> http_get(const std::string& url, std::chrono::milliseconds timeout) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed || parsed->scheme() != "http" || parsed->host().empty())
    return core::invalid("url", "not an http:// URL: " + url);
  const std::string host(parsed->host());
  const std::string port = parsed->has_port() ? std::string(parsed->port()) : "80";
  std::string target(parsed->encoded_target());
  if (target.empty()) target = "/";
  const std::string where = host + ":" + port;
  try {
    asio::io_context io;
    beast::tcp_stream stream(io);
    stream.expires_after(timeout);
    asio::ip::tcp::resolver resolver(io);
    stream.connect(resolver.resolve(host, port));
    beast::http::request<beast::http::empty_body> request(beast::http::verb::get, target, 11);
    request.set(beast::http::field::host, host);
    request.set(beast::http::field::user_agent, "longnan");
    request.set(beast::http::field::accept, "application/json");
    beast::http::write(stream, request);
    beast::flat_buffer buffer;
    beast::http::response_parser<beast::http::string_body> parser;
    parser.body_limit(256 << 20);
    beast::http::read(stream, buffer, parser);
    beast::error_code ignored;
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    auto response = parser.release();
    if (response.result() != beast::http::status::ok)
      return core::unavailable(where + " answered " + std::to_string(response.result_int()));
    return std::move(response.body());
  } catch (const beast::system_error& error) {
    if (error.code() == beast::error::timeout) return core::unavailable(where + " did not answer in time");
    return core::unavailable(where + ": " + error.code().message());
  }
}

}  // namespace longnan::server
