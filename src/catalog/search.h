// Internal to catalog: the Xapian index of listed products. Chinese text is indexed and
// queried with Xapian's CJK n-gram mode, so one- and two-character words (蜜, 花椒) match.
//
// Thread-safety: every method locks; the index lives in memory and is derived from the
// database (rebuild at start, then refresh by ids).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace longnan::catalog {

struct IndexedProduct {
  int64_t id = 0;
  std::string name;         // weighted highest
  std::string brand;
  std::string category;     // names of the category and its parents
  std::string place;        // county, township, village
  std::string producer;
  std::string store;
  std::string description;
  std::string name_en;
};

class SearchIndex {
 public:
  SearchIndex();
  ~SearchIndex();
  void put(const IndexedProduct& product);
  void remove(int64_t id);
  // Ids of matching products, best first; empty for an empty or unparsable query.
  std::vector<int64_t> search(const std::string& query, size_t limit) const;
  size_t size() const;

 private:
  struct Impl;
  mutable std::mutex mutex_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace longnan::catalog
