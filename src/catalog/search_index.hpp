// The catalog's in-memory search index: every current service's summary and search text, held
// by each node so that a search or a browse costs microseconds instead of a ranked full-text
// query per request. The catalog changes only when definitions are loaded; the index is an
// immutable snapshot, rebuilt from the store when that happens (catalog/catalog.cpp).
//
// Search follows the store's full-text search (SQLite FTS5 with bm25, src/storage/sql/
// catalog_repo.cpp) so both answer alike: every word of the query is a prefix that must match a
// word of the service (all words ANDed), and matches rank by BM25 (k1 = 1.2, b = 0.75) with the
// same column weights — titles 10, keywords 5, descriptions 2 — then by English title.
// Words: runs of letters and digits, ASCII folded to lower case; in Urdu the Arabic-keyboard
// letters ي ى ك ه are read as Urdu's ی ک ہ, and short vowel marks are dropped, so a query typed
// either way finds the same services.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/catalog_repo.hpp"

namespace darwaza::catalog {

// Calls `word` with each normalised word of `text`, in order.
template <class F>
void for_each_word(std::string_view text, F&& word);

class SearchIndex {
 public:
  static constexpr std::size_t kMaxQueryWords = 12;  // bounds the cost of one search, as the store does

  // `services` in any order; `generation` identifies the store state they were read from.
  SearchIndex(std::vector<storage::IndexedService> services, storage::CatalogGeneration generation);

  // Ranked matches (text non-empty) or the browse order, by English title (text empty); filtered
  // by agency and category when given. `total` counts every match.
  storage::ServicePage search(const storage::CatalogQuery& q) const;
  // Current services per category (sorted by category), for one agency or all.
  std::vector<storage::CategoryCount> categories(const std::string& agency) const;

  const storage::CatalogGeneration& generation() const { return generation_; }
  std::size_t size() const { return docs_.size(); }

 private:
  struct Posting {
    std::uint32_t doc;
    float weighted_hits;  // Σ column weight × occurrences of the word in that column
  };
  struct Word {
    std::string text;
    std::vector<Posting> postings;  // by doc
  };
  struct Doc {
    storage::ServiceSummary summary;
    std::uint32_t length = 0;  // words in all columns
  };

  bool passes(const Doc& d, const storage::CatalogQuery& q) const;
  storage::ServicePage ranked(const storage::CatalogQuery& q, const std::vector<std::string>& words) const;
  storage::ServicePage browse(const storage::CatalogQuery& q) const;

  std::vector<Doc> docs_;          // sorted by (English title, id): the browse order
  std::vector<Word> vocabulary_;   // sorted by text: a query word's prefix range is contiguous
  double average_length_ = 0;
  storage::CatalogGeneration generation_;
};

// ---- implementation of the word splitter (a template: the index and its tests share it) ----

namespace detail {
// Decodes one UTF-8 code point at text[i] and advances i; malformed bytes decode as U+FFFD.
char32_t next_code_point(std::string_view text, std::size_t& i);
// 0: separator; 1: part of a word; 2: dropped (a vowel mark inside a word). *folded gets the
// code point to keep.
int classify(char32_t c, char32_t* folded);
void append_utf8(std::string& out, char32_t c);
}  // namespace detail

template <class F>
void for_each_word(std::string_view text, F&& word) {
  std::string current;
  std::size_t i = 0;
  while (i < text.size()) {
    char32_t folded = 0;
    const int kind = detail::classify(detail::next_code_point(text, i), &folded);
    if (kind == 1) {
      detail::append_utf8(current, folded);
    } else if (kind == 0 && !current.empty()) {
      word(std::string_view(current));
      current.clear();
    }
  }
  if (!current.empty()) word(std::string_view(current));
}

}  // namespace darwaza::catalog
