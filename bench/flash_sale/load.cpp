// Load generator for bench/flash_sale.sh: every buyer of a fixture file sends one order
// (POST /api/v1/orders with its own bearer token and Idempotency-Key) over CONNECTIONS
// keep-alive connections to a server on loopback, one request in flight per connection.
// Measures each request's latency from the first byte written to the last byte read, and
// counts the answers by status (201 is an order acknowledged to the client).
//
// usage: flash_load PORT FIXTURE CONNECTIONS [MODE]
//   MODE sale (default): buy one unit of the fixture's sale event
//   MODE cart: put one unit of the fixture's SKU in the cart, then check out
// Prints "RESULT requests=… created=… refused=… failed=… seconds=… p50_ms=… p99_ms=…", a
// STATUSES line, and the checkout ids acknowledged with 201, one per line after "ACKED".
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Buyer {
  std::string token;
  std::string address_id;
};

struct Connection {
  int fd = -1;
  std::string out;      // bytes still to write
  std::string in;       // bytes read of the current answer
  size_t buyer = 0;     // whose request is in flight
  int step = 0;         // cart mode: 0 = put in cart, 1 = check out
  Clock::time_point started;
  bool busy = false;
};

std::string request_for(const Buyer& buyer, const std::string& event, const std::string& sku, const std::string& mode,
                        int step) {
  std::string method = "POST", path = "/api/v1/orders", body, extra;
  if (mode == "sale") {
    body = "{\"address_id\":" + buyer.address_id + ",\"delivery_mode\":\"same_city\",\"sale\":{\"event_id\":" + event +
           ",\"sku_id\":" + sku + ",\"quantity\":1}}";
    extra = "Idempotency-Key: flash-" + buyer.address_id + "\r\n";
  } else if (step == 0) {
    method = "PUT";
    path = "/api/v1/cart/items/" + sku;
    body = "{\"quantity\":1}";
  } else {
    body = "{\"address_id\":" + buyer.address_id + ",\"delivery_mode\":\"same_city\"}";
    extra = "Idempotency-Key: cart-" + buyer.address_id + "\r\n";
  }
  return method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAuthorization: Bearer " +
         buyer.token + "\r\n" + extra + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

// The status and the body once `in` holds a whole answer (Content-Length framing); else -1.
int complete_answer(const std::string& in, std::string& body) {
  size_t end = in.find("\r\n\r\n");
  if (end == std::string::npos) return -1;
  size_t length_at = in.find("Content-Length: ");
  if (length_at == std::string::npos || length_at > end) length_at = in.find("content-length: ");
  size_t length = length_at == std::string::npos || length_at > end ? 0 : std::strtoul(in.c_str() + length_at + 16, nullptr, 10);
  if (in.size() < end + 4 + length) return -1;
  body = in.substr(end + 4, length);
  return std::atoi(in.c_str() + 9);
}

int connect_to(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    perror("connect");
    std::exit(1);
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  fcntl(fd, F_SETFL, O_NONBLOCK);
  return fd;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: flash_load PORT FIXTURE CONNECTIONS [sale|cart]\n");
    return 2;
  }
  const int port = std::atoi(argv[1]);
  const size_t connections = std::strtoul(argv[3], nullptr, 10);
  const std::string mode = argc > 4 ? argv[4] : "sale";
  std::ifstream fixture(argv[2]);
  std::string event, sku;
  fixture >> event >> sku;
  std::vector<Buyer> buyers;
  for (Buyer buyer; fixture >> buyer.token >> buyer.address_id;) buyers.push_back(buyer);

  const int epoll = epoll_create1(0);
  std::vector<Connection> pool(std::min(connections, buyers.size()));
  size_t next = 0, answered = 0;
  std::vector<double> latencies_ms, created_ms;
  latencies_ms.reserve(buyers.size() * 2);
  std::map<int, size_t> statuses;
  std::vector<std::string> acked;
  const auto start = Clock::now();

  auto send_next = [&](Connection& c) {
    if (c.step == 0 && next >= buyers.size()) {
      c.busy = false;
      return;
    }
    if (c.step == 0) c.buyer = next++;
    c.out = request_for(buyers[c.buyer], event, sku, mode, c.step);
    c.in.clear();
    c.busy = true;
    c.started = Clock::now();
    ssize_t written = write(c.fd, c.out.data(), c.out.size());
    if (written > 0) c.out.erase(0, static_cast<size_t>(written));
    epoll_event change{};
    change.events = c.out.empty() ? EPOLLIN : (EPOLLIN | EPOLLOUT);
    change.data.ptr = &c;
    epoll_ctl(epoll, EPOLL_CTL_MOD, c.fd, &change);
  };

  for (auto& c : pool) {
    c.fd = connect_to(port);
    epoll_event add{};
    add.events = EPOLLIN;
    add.data.ptr = &c;
    epoll_ctl(epoll, EPOLL_CTL_ADD, c.fd, &add);
  }
  for (auto& c : pool) send_next(c);

  const size_t total_requests = buyers.size() * (mode == "cart" ? 2 : 1);
  std::vector<epoll_event> events(256);
  char buffer[65536];
  while (answered < total_requests) {
    int ready = epoll_wait(epoll, events.data(), static_cast<int>(events.size()), 10000);
    if (ready <= 0) {
      std::fprintf(stderr, "flash_load: no answer for 10 s (%zu of %zu answered)\n", answered, total_requests);
      break;
    }
    for (int i = 0; i < ready; ++i) {
      Connection& c = *static_cast<Connection*>(events[i].data.ptr);
      if ((events[i].events & EPOLLOUT) && !c.out.empty()) {
        ssize_t written = write(c.fd, c.out.data(), c.out.size());
        if (written > 0) c.out.erase(0, static_cast<size_t>(written));
        if (c.out.empty()) {
          epoll_event change{};
          change.events = EPOLLIN;
          change.data.ptr = &c;
          epoll_ctl(epoll, EPOLL_CTL_MOD, c.fd, &change);
        }
      }
      if (!(events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) continue;
      for (;;) {
        ssize_t got = read(c.fd, buffer, sizeof buffer);
        if (got > 0) {
          c.in.append(buffer, static_cast<size_t>(got));
          continue;
        }
        if (got == 0) {
          std::fprintf(stderr, "flash_load: the server closed a connection\n");
          return 1;
        }
        break;  // EAGAIN
      }
      std::string body;
      int status = complete_answer(c.in, body);
      if (status < 0 || !c.busy) continue;
      latencies_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - c.started).count());
      ++answered;
      ++statuses[status];
      const bool checkout = mode == "sale" || c.step == 1;
      if (checkout && status == 201) {
        created_ms.push_back(latencies_ms.back());
        size_t at = body.find("\"checkout_id\":");
        acked.push_back(at == std::string::npos ? "?" : body.substr(at + 14, body.find_first_of(",}", at) - at - 14));
      }
      c.step = mode == "cart" && c.step == 0 ? 1 : 0;
      send_next(c);
    }
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::sort(latencies_ms.begin(), latencies_ms.end());
  std::sort(created_ms.begin(), created_ms.end());
  auto percentile_of = [](const std::vector<double>& sorted, double p) {
    return sorted.empty() ? 0.0 : sorted[std::min(sorted.size() - 1, static_cast<size_t>(p * sorted.size()))];
  };
  auto percentile = [&](double p) { return percentile_of(latencies_ms, p); };
  size_t created = 0, refused = statuses[409], failed = 0;
  std::ostringstream by_status;
  for (const auto& [status, count] : statuses) {
    by_status << status << "x" << count << ",";
    if (status != 201 && status != 409 && status != 200) failed += count;
  }
  created = acked.size();
  std::printf("RESULT requests=%zu created=%zu refused=%zu failed=%zu seconds=%.3f p50_ms=%.2f p99_ms=%.2f\n", answered,
              created, refused, failed, seconds, percentile(0.50), percentile(0.99));
  std::printf("CREATED p50_ms=%.2f p99_ms=%.2f\n", percentile_of(created_ms, 0.50), percentile_of(created_ms, 0.99));
  std::printf("STATUSES %s\nACKED\n", by_status.str().c_str());
  for (const auto& id : acked) std::printf("%s\n", id.c_str());
  return answered == total_requests ? 0 : 1;
}
