// The HTTP server: the only code that includes Beast and Asio. Accepts connections,
// enforces size and time limits, turns Beast messages into http::Request, dispatches API
// paths to the Router, serves the built web app from a directory, and shuts down
// gracefully on SIGTERM or SIGINT.
//
// Thread-safety: run() blocks the calling thread and runs `threads` I/O threads; the
// Router, Metrics and the request hook must be safe to call from all of them.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "http/http.h"
#include "http/metrics.h"

namespace longnan::server {

struct Options {
  std::string address = "0.0.0.0";
  uint16_t port = 8080;
  int threads = 4;
  int compute_threads = 2;  // for password hashing, imports and exports
  int write_threads = 64;   // for requests that change data (they wait for group commits)
  size_t body_limit = 1 << 20;          // 1 MiB for ordinary API requests
  size_t upload_body_limit = 32 << 20;  // 32 MiB for imports and file uploads
  std::vector<std::string> upload_paths{"/api/v1/import/", "/api/v1/files", "/api/v1/epcis/capture"};  // path prefixes
  std::chrono::seconds header_timeout{10};  // a slow client must send all headers in this time
  std::chrono::seconds body_timeout{30};
  std::chrono::seconds idle_timeout{30};    // keep-alive connections close after this
  std::chrono::seconds drain_timeout{10};   // how long shutdown waits for requests in flight
  std::string static_dir;                   // built web app (web/dist); empty to serve none
  // Peer address of a reverse proxy (nginx) whose X-Forwarded-For is believed: requests
  // from it are attributed to the address the proxy appended last. Empty: none.
  std::string trusted_proxy;
};

class Server {
 public:
  Server(Options options, const http::Router& router, http::Metrics& metrics);
  ~Server();
  // Binds, then serves until SIGTERM/SIGINT; returns after requests in flight finished.
  // Throws std::runtime_error with one readable line when the address cannot be bound.
  void run();

  struct Impl;  // defined in server.cpp

 private:
  Impl* impl_;
};

}  // namespace longnan::server
