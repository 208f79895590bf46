#include "server/server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <optional>
#include <thread>

#include "core/crypto.h"
#include "server/static_files.h"

namespace longnan::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

struct Server::Impl {
  Options options;
  const http::Router& router;
  http::Metrics& metrics;
  StaticFiles static_files;
  asio::io_context io{options.threads};
  asio::thread_pool compute{static_cast<size_t>(std::max(1, options.compute_threads))};
  asio::thread_pool writers{static_cast<size_t>(std::max(1, options.write_threads))};
  tcp::acceptor acceptor{io};
  std::atomic<int> in_flight{0};
  std::atomic<bool> draining{false};

  Impl(Options o, const http::Router& r, http::Metrics& m)
      : options(std::move(o)), router(r), metrics(m), static_files(options.static_dir) {}

  void accept();
  void drain(std::shared_ptr<asio::steady_timer> timer, std::chrono::steady_clock::time_point deadline);
  http::Response handle(http::Request& request);
};

namespace {

http::Method to_method(bhttp::verb verb) {
  switch (verb) {
    case bhttp::verb::get: return http::Method::kGet;
    case bhttp::verb::head: return http::Method::kHead;
    case bhttp::verb::post: return http::Method::kPost;
    case bhttp::verb::put: return http::Method::kPut;
    case bhttp::verb::patch: return http::Method::kPatch;
    case bhttp::verb::delete_: return http::Method::kDelete;
    case bhttp::verb::options: return http::Method::kOptions;
    default: return http::Method::kOther;
  }
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool is_api_path(std::string_view path) {
  return path.starts_with("/api/") || path == "/api" || path == "/healthz" || path == "/readyz" || path == "/metrics";
}

// A GS1 Digital Link (/01/…) asked for as data (JSON or a linkset) is the API's; asked for
// by a browser it is the web app's scan page.
bool wants_link_data(const http::Request& request) {
  if (!request.path.starts_with("/01/")) return false;
  auto accept = request.header("accept");
  return accept && accept->find("json") != std::string_view::npos;
}

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, Server::Impl& server) : stream_(std::move(socket)), server_(server) {
    beast::error_code error;
    auto endpoint = stream_.socket().remote_endpoint(error);
    if (!error) remote_address_ = endpoint.address().to_string();
  }

  void start() { read_header(); }

 private:
  void read_header() {
    parser_.emplace();
    parser_->header_limit(16 * 1024);
    // The real limit depends on the path, known only once the headers are in.
    parser_->body_limit(std::max(server_.options.body_limit, server_.options.upload_body_limit));
    stream_.expires_after(requests_ == 0 ? server_.options.header_timeout : server_.options.idle_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = shared_from_this()](beast::error_code error, size_t) { self->on_header(error); });
  }

  void on_header(beast::error_code error) {
    if (error) {
      if (error == bhttp::error::header_limit) return reject(431, "request headers too large");
      if (error == bhttp::error::body_limit) return reject(413, "request body too large");
      if (error == bhttp::error::end_of_stream || error == beast::error::timeout ||
          error == asio::error::connection_reset || error == asio::error::eof || error == asio::error::operation_aborted)
        return close();
      return reject(400, "malformed HTTP request");
    }
    ++requests_;
    server_.in_flight++;
    counted_ = true;
    started_ = std::chrono::steady_clock::now();
    std::string_view target(parser_->get().target().data(), parser_->get().target().size());
    bool upload = std::any_of(server_.options.upload_paths.begin(), server_.options.upload_paths.end(),
                              [&](const std::string& prefix) { return target.starts_with(prefix); });
    size_t limit = upload ? server_.options.upload_body_limit : server_.options.body_limit;
    parser_->body_limit(limit);
    if (auto length = parser_->content_length(); length && *length > limit)
      return reject(413, "request body larger than " + std::to_string(limit) + " bytes");
    stream_.expires_after(server_.options.body_timeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code error, size_t) { self->on_body(error); });
  }

  void on_body(beast::error_code error) {
    if (error == bhttp::error::body_limit) return reject(413, "request body too large");
    if (error) {
      if (error == beast::error::timeout) return reject(408, "request body not received in time");
      return close();
    }
    auto& message = parser_->get();
    http::Request request;
    request.method = to_method(message.method());
    request.target = std::string(message.target());
    request.remote_address = remote_address_;
    request.request_id = core::random_hex(8);
    request.body = std::move(message.body());
    for (const auto& field : message) request.headers.emplace_back(lowercase(field.name_string()), std::string(field.value()));
    if (!server_.options.trusted_proxy.empty() && remote_address_ == server_.options.trusted_proxy) {
      if (auto forwarded = request.header("x-forwarded-for")) {
        std::string_view last = forwarded->substr(forwarded->rfind(',') == std::string_view::npos ? 0 : forwarded->rfind(',') + 1);
        while (!last.empty() && last.front() == ' ') last.remove_prefix(1);
        while (!last.empty() && last.back() == ' ') last.remove_suffix(1);
        if (!last.empty() && last.size() <= 45) request.remote_address = std::string(last);
      }
    }

    keep_alive_ = message.keep_alive() && !server_.draining;
    auto url = boost::urls::parse_origin_form(request.target);
    if (!url) return write(request, http::error_response(request, core::bad_request("malformed request target")));
    request.path = std::string(url->path());
    for (const auto& param : url->params()) request.query.emplace_back(std::string(param.key), std::string(param.value));
    const http::Work work = server_.router.work_of(request);
    if (work == http::Work::kQuick) return write(request, server_.handle(request));
    // Compute and write work leave the I/O thread; the answer comes back to this
    // connection's strand.
    auto shared = std::make_shared<http::Request>(std::move(request));
    asio::post(work == http::Work::kCompute ? server_.compute : server_.writers, [self = shared_from_this(), shared] {
      auto response = std::make_shared<http::Response>(self->server_.handle(*shared));
      asio::post(self->stream_.get_executor(), [self, shared, response] { self->write(*shared, std::move(*response)); });
    });
  }

  void write(const http::Request& request, http::Response response) {
    auto out = std::make_shared<bhttp::response<bhttp::string_body>>();
    out->version(11);
    out->result(static_cast<unsigned>(response.status));
    out->set(bhttp::field::server, "longnan");
    if (response.status != 304 && response.status != 204) out->set(bhttp::field::content_type, response.content_type);
    out->set("X-Request-Id", request.request_id);
    out->set("X-Content-Type-Options", "nosniff");
    if (response.content_type.starts_with("text/html")) {
      out->set("X-Frame-Options", "DENY");
      out->set("Referrer-Policy", "same-origin");
    }
    for (const auto& [name, value] : response.headers) out->insert(name, value);
    out->body() = std::move(response.body);
    out->keep_alive(keep_alive_);
    out->prepare_payload();  // HEAD too: Content-Length is that of the GET answer

    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    std::string_view route = request.route.empty() ? std::string_view("(static)") : std::string_view(request.route);
    server_.metrics.record(http::method_name(request.method), route, response.status, seconds);
    if (response.status >= 500)
      spdlog::error("rid={} {} {} {} {:.1f}ms", request.request_id, http::method_name(request.method), request.path,
                    response.status, seconds * 1000);
    else
      spdlog::debug("rid={} {} {} {} {:.1f}ms", request.request_id, http::method_name(request.method), request.path,
                    response.status, seconds * 1000);

    stream_.expires_after(server_.options.body_timeout);
    auto done = [self = shared_from_this(), out](beast::error_code error, size_t) {
      self->finish();
      if (error || !self->keep_alive_) return self->close();
      self->read_header();
    };
    if (request.method == http::Method::kHead) {
      // A HEAD answer is the GET answer's header alone.
      auto serializer = std::make_shared<bhttp::response_serializer<bhttp::string_body>>(*out);
      bhttp::async_write_header(stream_, *serializer,
                                [serializer, done](beast::error_code error, size_t bytes) { done(error, bytes); });
      return;
    }
    bhttp::async_write(stream_, *out, std::move(done));
  }

  // Answers a request we will not read to the end, then closes the connection.
  void reject(int status, const std::string& message) {
    if (!counted_) {
      server_.in_flight++;
      counted_ = true;
      started_ = std::chrono::steady_clock::now();
    }
    http::Request request;
    request.request_id = core::random_hex(8);
    request.route = "(rejected)";
    std::string_view code = status == 413   ? "payload_too_large"
                            : status == 408 ? "request_timeout"
                            : status == 431 ? "headers_too_large"
                                            : "bad_request";
    http::Response response = http::error_response(request, status, code, message);
    keep_alive_ = false;
    write(request, std::move(response));
  }

  void finish() {
    if (counted_) server_.in_flight--;
    counted_ = false;
  }

  void close() {
    finish();
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  Server::Impl& server_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::string remote_address_;
  std::chrono::steady_clock::time_point started_;
  int requests_ = 0;
  bool keep_alive_ = false;
  bool counted_ = false;
};

}  // namespace

http::Response Server::Impl::handle(http::Request& request) {
  try {
    if (!is_api_path(request.path) && !wants_link_data(request)) {
      if (auto file = static_files.serve(request)) return *file;
    }
    http::Response response = router.dispatch(request);
    // Large JSON and text answers travel compressed when the client allows it, at zlib's
    // fastest level: it takes a quarter of the default's time for most of its savings (a
    // scan page's 60 KB of events: about 0.4 ms instead of 2).
    auto encodings = request.header("accept-encoding");
    bool textual = response.content_type.starts_with("application/json") || response.content_type.starts_with("text/");
    if (textual && response.body.size() > 4096 && encodings && encodings->find("gzip") != std::string_view::npos) {
      std::string compressed = gzip(response.body, 1);
      if (!compressed.empty()) {
        response.body = std::move(compressed);
        response.headers.emplace_back("Content-Encoding", "gzip");
        response.headers.emplace_back("Vary", "Accept-Encoding");
      }
    }
    return response;
  } catch (const std::exception& error) {
    spdlog::error("rid={} {} {} failed: {}", request.request_id, http::method_name(request.method), request.path,
                  error.what());
    return http::internal_error_response(request);
  }
}

void Server::Impl::accept() {
  acceptor.async_accept(asio::make_strand(io), [this](beast::error_code error, tcp::socket socket) {
    if (error) {
      if (error == asio::error::operation_aborted || !acceptor.is_open()) return;
      spdlog::warn("accept failed: {}", error.message());
    } else {
      std::make_shared<Connection>(std::move(socket), *this)->start();
    }
    accept();
  });
}

void Server::Impl::drain(std::shared_ptr<asio::steady_timer> timer, std::chrono::steady_clock::time_point deadline) {
  if (in_flight == 0 || std::chrono::steady_clock::now() >= deadline) {
    if (in_flight > 0) spdlog::warn("shutting down with {} request(s) still in flight", in_flight.load());
    io.stop();
    return;
  }
  timer->expires_after(std::chrono::milliseconds(20));
  timer->async_wait([this, timer, deadline](beast::error_code) { drain(timer, deadline); });
}

Server::Server(Options options, const http::Router& router, http::Metrics& metrics)
    : impl_(new Impl(std::move(options), router, metrics)) {}

Server::~Server() { delete impl_; }

void Server::run() {
  Impl& impl = *impl_;
  beast::error_code error;
  auto address = asio::ip::make_address(impl.options.address, error);
  if (error) throw std::runtime_error("invalid listen address " + impl.options.address);
  tcp::endpoint endpoint(address, impl.options.port);
  std::string where = impl.options.address + ":" + std::to_string(impl.options.port);
  impl.acceptor.open(endpoint.protocol(), error);
  if (!error) impl.acceptor.set_option(asio::socket_base::reuse_address(true), error);
  if (!error) impl.acceptor.bind(endpoint, error);
  if (!error) impl.acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error) throw std::runtime_error("cannot listen on " + where + ": " + error.message());

  asio::signal_set signals(impl.io, SIGINT, SIGTERM);
  signals.async_wait([&impl](beast::error_code error, int signal) {
    if (error) return;
    spdlog::info("signal {} received: finishing requests in flight, then stopping", signal);
    impl.draining = true;
    beast::error_code ignored;
    impl.acceptor.close(ignored);
    auto timer = std::make_shared<asio::steady_timer>(impl.io);
    impl.drain(timer, std::chrono::steady_clock::now() + impl.options.drain_timeout);
  });

  impl.accept();
  spdlog::info("listening on http://{} with {} threads", where, impl.options.threads);
  std::vector<std::thread> threads;
  for (int index = 1; index < impl.options.threads; ++index) threads.emplace_back([&impl] { impl.io.run(); });
  impl.io.run();
  for (auto& thread : threads) thread.join();
  impl.compute.join();
  impl.writers.join();
  spdlog::info("stopped");
}

}  // namespace longnan::server
