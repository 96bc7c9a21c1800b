#include "catalog/search_index.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

namespace darwaza::catalog {
namespace {

// BM25 as SQLite FTS5 computes it (fts5Bm25Function), with the store's column weights.
constexpr double kK1 = 1.2;
constexpr double kB = 0.75;
constexpr double kMinIdf = 1e-6;
constexpr float kTitleWeight = 10.0f;
constexpr float kKeywordWeight = 5.0f;
constexpr float kDescriptionWeight = 2.0f;

constexpr char32_t kReplacement = 0xFFFD;

bool in(char32_t c, char32_t lo, char32_t hi) { return c >= lo && c <= hi; }

// Scratch arrays of one search, one set per thread, sized to the largest index seen; every
// search leaves them zeroed.
struct Scratch {
  std::vector<double> score;
  std::vector<float> weighted;   // this word's Σ weighted hits per doc
  std::vector<std::uint8_t> words_matched;
  std::vector<std::uint32_t> candidates;  // docs that matched the first word
  std::vector<std::uint32_t> word_docs;   // docs that match the current word
  void fit(std::size_t n) {
    if (score.size() >= n) return;
    score.resize(n, 0.0);
    weighted.resize(n, 0.0f);
    words_matched.resize(n, 0);
  }
};

}  // namespace

namespace detail {

char32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  const int extra = b0 >= 0xF0 && b0 < 0xF5 ? 3 : b0 >= 0xE0 && b0 < 0xF0 ? 2 : b0 >= 0xC2 && b0 < 0xE0 ? 1 : -1;
  if (extra < 0) {
    ++i;
    return kReplacement;
  }
  char32_t c = b0 & (0x3F >> extra);
  for (int k = 1; k <= extra; ++k) {
    if (i + k >= s.size() || (byte(i + k) & 0xC0) != 0x80) {
      ++i;
      return kReplacement;
    }
    c = (c << 6) | (byte(i + k) & 0x3F);
  }
  i += extra + 1;
  return c;
}

int classify(char32_t c, char32_t* folded) {
  *folded = c;
  if (c < 0x80) {
    if (c >= 'A' && c <= 'Z') *folded = c + ('a' - 'A');
    return (in(c, '0', '9') || in(c, 'a', 'z') || in(c, 'A', 'Z')) ? 1 : 0;
  }
  // Latin-1: letters fold to lower case; its punctuation and symbols separate.
  if (in(c, 0xC0, 0xDE) && c != 0xD7) {
    *folded = c + 0x20;
    return 1;
  }
  if (in(c, 0x80, 0xBF)) return (c == 0xAA || c == 0xB5 || c == 0xBA) ? 1 : 0;
  if (c == 0xD7 || c == 0xF7) return 0;
  // Combining marks: accents on Latin letters, short vowels and Quranic marks in Arabic script,
  // the tatweel, and the invisible joiners and direction marks: dropped, the word goes on.
  if (in(c, 0x0300, 0x036F) || in(c, 0x0610, 0x061A) || in(c, 0x064B, 0x065F) || c == 0x0670 || c == 0x0640 ||
      in(c, 0x06D6, 0x06DC) || in(c, 0x06DF, 0x06E4) || in(c, 0x06E7, 0x06E8) || in(c, 0x06EA, 0x06ED) ||
      in(c, 0x200C, 0x200F))
    return 2;
  // Arabic-keyboard letters as Urdu writes them; Arabic-Indic digits as ASCII digits.
  switch (c) {
    case 0x064A: case 0x0649: *folded = 0x06CC; return 1;  // ي ى → ی
    case 0x0643: *folded = 0x06A9; return 1;                // ك → ک
    case 0x0647: *folded = 0x06C1; return 1;                // ه → ہ
    default: break;
  }
  if (in(c, 0x0660, 0x0669)) {
    *folded = '0' + (c - 0x0660);
    return 1;
  }
  if (in(c, 0x06F0, 0x06F9)) {
    *folded = '0' + (c - 0x06F0);
    return 1;
  }
  // Punctuation, symbols and spaces of the scripts in use: separators.
  if (in(c, 0x0600, 0x060F) || in(c, 0x061B, 0x061F) || in(c, 0x066A, 0x066D) || c == 0x06D4 || c == 0x06DD ||
      c == 0x06DE || c == 0x06E9 || in(c, 0x2000, 0x2BFF) || in(c, 0x3000, 0x303F) || in(c, 0xFD3E, 0xFD3F) ||
      in(c, 0xFE10, 0xFE6F) || c == 0xFEFF || in(c, 0xFF00, 0xFF0F) || in(c, 0xFF1A, 0xFF20) ||
      in(c, 0xFF3B, 0xFF40) || in(c, 0xFF5B, 0xFF65) || c == kReplacement || in(c, 0x1F000, 0x1FAFF))
    return 0;
  return 1;
}

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

}  // namespace detail

SearchIndex::SearchIndex(std::vector<storage::IndexedService> services, storage::CatalogGeneration generation)
    : generation_(generation) {
  std::sort(services.begin(), services.end(), [](const auto& a, const auto& b) {
    return std::tie(a.summary.title_en, a.summary.id) < std::tie(b.summary.title_en, b.summary.id);
  });
  std::unordered_map<std::string, std::size_t> word_ids;
  std::unordered_map<std::size_t, float> hits;  // one doc's words → weighted hits
  std::uint64_t total_length = 0;
  docs_.reserve(services.size());
  for (auto& s : services) {
    const auto doc = static_cast<std::uint32_t>(docs_.size());
    std::uint32_t length = 0;
    hits.clear();
    const auto column = [&](const std::string& text, float weight) {
      for_each_word(text, [&](std::string_view w) {
        auto [it, added] = word_ids.try_emplace(std::string(w), vocabulary_.size());
        if (added) vocabulary_.push_back(Word{std::string(w), {}});
        hits[it->second] += weight;
        ++length;
      });
    };
    column(s.summary.title_en, kTitleWeight);
    column(s.summary.title_ur, kTitleWeight);
    column(s.summary.description_en, kDescriptionWeight);
    column(s.summary.description_ur, kDescriptionWeight);
    column(s.keywords, kKeywordWeight);
    for (const auto& [word, weighted] : hits) vocabulary_[word].postings.push_back(Posting{doc, weighted});
    total_length += length;
    docs_.push_back(Doc{std::move(s.summary), length});
  }
  std::sort(vocabulary_.begin(), vocabulary_.end(), [](const Word& a, const Word& b) { return a.text < b.text; });
  average_length_ = docs_.empty() ? 0.0 : static_cast<double>(total_length) / static_cast<double>(docs_.size());
}

bool SearchIndex::passes(const Doc& d, const storage::CatalogQuery& q) const {
  return (q.agency.empty() || d.summary.agency == q.agency) && (q.category.empty() || d.summary.category == q.category);
}

storage::ServicePage SearchIndex::search(const storage::CatalogQuery& q) const {
  if (q.text.empty()) return browse(q);
  std::vector<std::string> words;
  for_each_word(q.text, [&](std::string_view w) {
    if (words.size() < kMaxQueryWords) words.emplace_back(w);
  });
  if (words.empty()) return {};
  return ranked(q, words);
}

storage::ServicePage SearchIndex::ranked(const storage::CatalogQuery& q, const std::vector<std::string>& words) const {
  thread_local Scratch s;
  s.fit(docs_.size());
  s.candidates.clear();
  const double n = static_cast<double>(docs_.size());
  for (std::size_t k = 0; k < words.size(); ++k) {
    const std::string& prefix = words[k];
    auto it = std::lower_bound(vocabulary_.begin(), vocabulary_.end(), prefix,
                               [](const Word& w, const std::string& p) { return w.text < p; });
    s.word_docs.clear();
    for (; it != vocabulary_.end() && it->text.compare(0, prefix.size(), prefix) == 0; ++it)
      for (const Posting& p : it->postings) {
        if (s.weighted[p.doc] == 0.0f) s.word_docs.push_back(p.doc);
        s.weighted[p.doc] += p.weighted_hits;
      }
    const double hit_docs = static_cast<double>(s.word_docs.size());
    const double idf = std::max(std::log((n - hit_docs + 0.5) / (hit_docs + 0.5)), kMinIdf);
    for (std::uint32_t d : s.word_docs) {
      if (s.words_matched[d] == k) {  // it matched every earlier word
        if (k == 0) s.candidates.push_back(d);
        const double f = s.weighted[d];
        s.score[d] += idf * (f * (kK1 + 1.0)) / (f + kK1 * (1.0 - kB + kB * docs_[d].length / average_length_));
        ++s.words_matched[d];
      }
      s.weighted[d] = 0.0f;
    }
  }
  std::vector<std::pair<double, std::uint32_t>> matches;
  for (std::uint32_t d : s.candidates) {
    if (s.words_matched[d] == words.size() && passes(docs_[d], q)) matches.emplace_back(s.score[d], d);
    s.score[d] = 0.0;
    s.words_matched[d] = 0;
  }
  storage::ServicePage page;
  page.total = static_cast<std::int64_t>(matches.size());
  const std::size_t offset = static_cast<std::size_t>(std::max(q.offset, 0));
  if (offset >= matches.size()) return page;
  const std::size_t end = std::min(matches.size(), offset + static_cast<std::size_t>(std::max(q.limit, 0)));
  // Best score first; equal scores by English title (the doc order).
  const auto better = [](const auto& a, const auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); };
  std::partial_sort(matches.begin(), matches.begin() + static_cast<std::ptrdiff_t>(end), matches.end(), better);
  for (std::size_t i = offset; i < end; ++i) page.items.push_back(docs_[matches[i].second].summary);
  return page;
}

storage::ServicePage SearchIndex::browse(const storage::CatalogQuery& q) const {
  storage::ServicePage page;
  const std::int64_t offset = std::max(q.offset, 0), end = offset + std::max(q.limit, 0);
  for (const Doc& d : docs_) {
    if (!passes(d, q)) continue;
    if (page.total >= offset && page.total < end) page.items.push_back(d.summary);
    ++page.total;
  }
  return page;
}

std::vector<storage::CategoryCount> SearchIndex::categories(const std::string& agency) const {
  std::map<std::string, std::int64_t> counts;
  for (const Doc& d : docs_)
    if (agency.empty() || d.summary.agency == agency) ++counts[d.summary.category];
  std::vector<storage::CategoryCount> out;
  out.reserve(counts.size());
  for (auto& [category, services] : counts) out.push_back({category, services});
  return out;
}

}  // namespace darwaza::catalog
