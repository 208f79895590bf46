#include "catalog/search.h"

#include <xapian.h>

namespace longnan::catalog {

struct SearchIndex::Impl {
  Xapian::WritableDatabase database{std::string(), Xapian::DB_BACKEND_INMEMORY};
  Xapian::TermGenerator generator;
  Xapian::QueryParser parser;

  Impl() {
    generator.set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM);
    parser.set_database(database);
    parser.set_default_op(Xapian::Query::OP_AND);
  }
};

SearchIndex::SearchIndex() : impl_(std::make_unique<Impl>()) {}
SearchIndex::~SearchIndex() = default;

void SearchIndex::put(const IndexedProduct& product) {
  Xapian::Document document;
  std::lock_guard lock(mutex_);
  impl_->generator.set_document(document);
  impl_->generator.index_text(product.name, 6);
  impl_->generator.increase_termpos();
  impl_->generator.index_text(product.brand, 3);
  impl_->generator.increase_termpos();
  impl_->generator.index_text(product.category, 2);
  impl_->generator.increase_termpos();
  impl_->generator.index_text(product.place, 1);
  impl_->generator.increase_termpos();
  impl_->generator.index_text(product.producer, 1);
  impl_->generator.increase_termpos();
  impl_->generator.index_text(product.store, 1);
  impl_->generator.increase_termpos();
  impl_->generator.index_text(product.description, 1);
  impl_->generator.increase_termpos();
  impl_->generator.index_text(product.name_en, 2);
  impl_->database.replace_document(static_cast<Xapian::docid>(product.id), document);
}

void SearchIndex::remove(int64_t id) {
  std::lock_guard lock(mutex_);
  try {
    impl_->database.delete_document(static_cast<Xapian::docid>(id));
  } catch (const Xapian::DocNotFoundError&) {
  }
}

std::vector<int64_t> SearchIndex::search(const std::string& query, size_t limit) const {
  std::vector<int64_t> ids;
  if (query.empty()) return ids;
  std::lock_guard lock(mutex_);
  Xapian::Query parsed;
  try {
    parsed = impl_->parser.parse_query(query, Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_CJK_NGRAM);
  } catch (const Xapian::QueryParserError&) {
    // Stray operators in user input: search the words as plain text instead.
    parsed = impl_->parser.parse_query(query, Xapian::QueryParser::FLAG_CJK_NGRAM);
  }
  Xapian::Enquire enquire(impl_->database);
  enquire.set_query(parsed);
  Xapian::MSet matches = enquire.get_mset(0, static_cast<Xapian::doccount>(limit));
  for (auto it = matches.begin(); it != matches.end(); ++it) ids.push_back(static_cast<int64_t>(*it));
  return ids;
}

size_t SearchIndex::size() const {
  std::lock_guard lock(mutex_);
  return impl_->database.get_doccount();
}

}  // namespace longnan::catalog
