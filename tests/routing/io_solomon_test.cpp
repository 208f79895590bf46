#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "fixtures.h"
#include "routing/routing.h"

namespace longnan::routing {
namespace {

using testing::write_temp;

// Line numbers: the depot row is line 9, customer 1 line 10, customer 2 line 11.
constexpr const char* kSmall =
    "TINY\n"
    "\n"
    "VEHICLE\n"
    "NUMBER     CAPACITY\n"
    "  2         50\n"
    "\n"
    "CUSTOMER\n"
    "CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME\n"
    "    0      0          0          0          0        200          0\n"
    "    1      3          4         10          0        100         10\n"
    "    2      6          8         20         20         50         10\n";

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

std::string error_of(const std::string& name, const std::string& text) {
  auto problem = read_solomon(write_temp(name, text));
  EXPECT_FALSE(problem.ok()) << name << " was accepted";
  return problem.ok() ? "" : problem.error().message;
}

TEST(SolomonReader, ReadsASmallFile) {
  auto problem = parse_solomon(kSmall, "tiny.txt");
  ASSERT_TRUE(problem.ok()) << problem.error().message;
  EXPECT_EQ(problem->name, "TINY");
  ASSERT_EQ(problem->jobs.size(), 2u);
  ASSERT_EQ(problem->vehicles.size(), 2u);
  EXPECT_EQ(problem->vehicles[0].capacity[0], 50);
  EXPECT_EQ(problem->vehicles[0].shift_end, 200 * 10000);
  EXPECT_EQ(problem->jobs[1].id, "2");
  EXPECT_EQ(problem->jobs[1].ready, 20 * 10000);
  EXPECT_EQ(problem->jobs[1].service, 10 * 10000);
  EXPECT_EQ(problem->dist(0, 1), 5 * 10000);
  EXPECT_EQ(problem->dist(0, 2), 10 * 10000);
  EXPECT_TRUE(validate(*problem).ok());
}

TEST(SolomonReader, RoundsTravelTimesUpAndDistancesToNearest) {
  auto problem = parse_solomon(replace(kSmall, "    1      3          4", "    1      1          1"), "t.txt");
  ASSERT_TRUE(problem.ok()) << problem.error().message;
  EXPECT_EQ(problem->dist(0, 1), 14142);  // √2 × 10000 = 14142.1
  EXPECT_EQ(problem->time(0, 1), 14143);
}

TEST(SolomonReader, ReadsEveryShippedInstance) {
  std::ifstream csv(testing::source_path("data/solomon/best_known.csv"));
  std::string line;
  std::getline(csv, line);
  int read = 0;
  while (std::getline(csv, line)) {
    const std::string instance = line.substr(0, line.find(','));
    auto problem = read_solomon(testing::source_path("data/solomon/" + instance + ".txt"));
    ASSERT_TRUE(problem.ok()) << problem.error().message;
    EXPECT_EQ(problem->jobs.size(), 100u) << instance;
    EXPECT_EQ(problem->vehicles.size(), 25u) << instance;
    ++read;
  }
  EXPECT_EQ(read, 56);
}

TEST(SolomonReader, ReportsFileLineAndWhatForMalformedInput) {
  std::string message = error_of("bad_number.txt", replace(kSmall, "         20         20", "         2x         20"));
  EXPECT_NE(message.find("bad_number.txt:11: bad number '2x'"), std::string::npos) << message;

  message =
      error_of("columns.txt", replace(kSmall, "    2      6          8         20         20         50         10",
                                      "    2      6          8         20         20         50"));
  EXPECT_NE(message.find("columns.txt:11: expected 7 numbers"), std::string::npos) << message;

  message = error_of("no_vehicle.txt", replace(kSmall, "VEHICLE", "VEHICLES"));
  EXPECT_NE(message.find("no_vehicle.txt:3: expected the VEHICLE section"), std::string::npos) << message;

  message = error_of("no_customer.txt", replace(kSmall, "CUSTOMER\n", ""));
  EXPECT_NE(message.find("no_customer.txt:7: expected the CUSTOMER section"), std::string::npos) << message;

  message = error_of("negative.txt",
                     replace(kSmall, "         10          0        100", "        -10          0        100"));
  EXPECT_NE(message.find("negative.txt:10: customer 1: negative demand"), std::string::npos) << message;

  message = error_of("window.txt", replace(kSmall, "         20         50", "         60         50"));
  EXPECT_NE(message.find("window.txt:11: customer 2: window closes (due 50) before it opens (ready 60)"),
            std::string::npos)
      << message;

  message = error_of("capacity.txt", replace(kSmall, "         20         20", "         51         20"));
  EXPECT_NE(message.find("capacity.txt:11:"), std::string::npos) << message;
  EXPECT_NE(message.find("demand above every suitable vehicle's capacity"), std::string::npos) << message;

  // Customer 2 is 10 away from the depot but its window closes at 5.
  message = error_of("unreachable.txt", replace(kSmall, "         20         50", "          0          5"));
  EXPECT_NE(message.find("unreachable.txt:11:"), std::string::npos) << message;
  EXPECT_NE(message.find("no vehicle can reach it"), std::string::npos) << message;

  message = error_of("fleet.txt", replace(kSmall, "  2         50", "  0         50"));
  EXPECT_NE(message.find("fleet.txt:5: the number of vehicles"), std::string::npos) << message;

  message = error_of("empty.txt", "");
  EXPECT_NE(message.find("empty.txt: empty file"), std::string::npos) << message;

  message = error_of("no_depot.txt", std::string(kSmall).substr(0, std::string(kSmall).find("    0      0")));
  EXPECT_NE(message.find("no depot row"), std::string::npos) << message;

  auto missing = read_solomon("/nonexistent/longnan/x.txt");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("cannot open"), std::string::npos);
}

TEST(SolomonReader, AcceptsCrlfAndTrailingBlankLines) {
  std::string crlf;
  for (char c : std::string(kSmall)) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  auto problem = parse_solomon(crlf + "\r\n\r\n", "crlf.txt");
  ASSERT_TRUE(problem.ok()) << problem.error().message;
  EXPECT_EQ(problem->jobs.size(), 2u);
}

// Mutates a real instance byte by byte: every result is a problem or a one-line error,
// never a crash or hang.
TEST(SolomonReader, SurvivesRandomCorruption) {
  std::ifstream in(testing::source_path("data/solomon/C101.txt"), std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string original = buffer.str();
  uint64_t state = 42;
  auto next = [&] { return state = state * 6364136223846793005ULL + 1442695040888963407ULL; };
  const std::string alphabet = "0123456789-.eE \n\rxX+";
  for (int round = 0; round < 300; ++round) {
    std::string text = original;
    const int edits = 1 + static_cast<int>(next() >> 60);
    for (int edit = 0; edit < edits; ++edit) {
      const size_t at = (next() >> 20) % text.size();
      switch ((next() >> 40) % 3) {
        case 0:
          text[at] = alphabet[(next() >> 33) % alphabet.size()];
          break;
        case 1:
          text.erase(at, (next() >> 40) % 40);
          break;
        default:
          text.insert(at, 1, alphabet[(next() >> 33) % alphabet.size()]);
      }
    }
    auto problem = parse_solomon(text, "fuzz.txt");
    if (!problem.ok()) {
      EXPECT_EQ(problem.error().message.find('\n'), std::string::npos);
      EXPECT_EQ(problem.error().message.rfind("fuzz.txt", 0), 0u);
    } else {
      EXPECT_TRUE(validate(*problem).ok());
    }
  }
}

}  // namespace
}  // namespace longnan::routing
