// A small blocking HTTP/1.1 client for the services the server consults (a road router's
// table service), over plain http on the operator's own network. Beast stays in src/server:
// other modules receive http_get as a function.
// Thread-safety: http_get may be called from any thread; each call has its own connection.
#pragma once

#include <chrono>
#include <string>

#include "core/error.h"

namespace longnan::server {

// GETs `url` (http://host[:port]/path?query) and returns the body of a 200 answer; otherwise
// an error naming the host and what went wrong (cannot connect, timed out, status, too big).
// Gives up after `timeout` for the whole exchange.
core::Result<std::string> http_get(const std::string& url, std::chrono::milliseconds timeout);

}  // namespace longnan::server
