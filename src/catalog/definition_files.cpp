// check_directory: a folder of definition files, as `darwaza catalog check` and `catalog load` read it.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "catalog/definition.hpp"
#include "core/validation.hpp"

namespace darwaza::catalog {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;


// Finds keys that appear twice in one object, which nlohmann (like most parsers) would silently
// collapse to the last value; a definition must say each thing once.
class DuplicateKeys {
 public:
  bool operator()(int /*depth*/, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start: stack_.push_back({true, {}, {}, 0}); break;
      case json::parse_event_t::array_start: stack_.push_back({false, {}, {}, 0}); break;
      case json::parse_event_t::key: {
        auto key = parsed.get<std::string>();
        Frame& top = stack_.back();
        if (!top.keys.insert(key).second) {
          found.push_back(pointer_child(container_path(), key));
        }
        top.key = key;
        break;
      }
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        stack_.pop_back();
        element_done();
        break;
      case json::parse_event_t::value: element_done(); break;
    }
    return true;
  }

  std::vector<std::string> found;  // JSON pointers of the repeated keys

 private:
  struct Frame {
    bool object;
    std::set<std::string> keys;
    std::string key;        // objects: the member being read
    std::size_t index = 0;  // arrays: the element being read
  };
  void element_done() {
    if (!stack_.empty() && !stack_.back().object) ++stack_.back().index;
  }
  // The pointer of the innermost open object.
  std::string container_path() const {
    std::string p;
    for (std::size_t i = 0; i + 1 < stack_.size(); ++i)
      p = stack_[i].object ? pointer_child(p, stack_[i].key) : p + "/" + std::to_string(stack_[i].index);
    return p;
  }
  std::vector<Frame> stack_;
};

// "line L, column C" of the byte nlohmann stopped at (1-based; columns count characters).
std::string position(const std::string& text, std::size_t byte) {
  std::size_t end = std::min(byte == 0 ? 0 : byte - 1, text.size());
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < end; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++line;
      column = 1;
    } else if ((c & 0xC0) != 0x80) {  // not a UTF-8 continuation byte
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

// nlohmann's message without its "[json.exception...] parse error at ...: " prefix.
std::string parse_reason(const std::string& what) {
  auto p = what.find("parse error");
  if (p == std::string::npos) return what;
  auto colon = what.find(": ", p);
  return colon == std::string::npos ? what : what.substr(colon + 2);
}

}  // namespace

std::vector<std::string> json_files_in(const std::string& dir, std::vector<DefinitionProblem>& problems) {
  std::vector<std::string> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    problems.push_back({dir, "", "not a readable directory"});
    return out;
  }
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".json" && it->is_regular_file()) files.push_back(it->path());
  }
  if (ec) problems.push_back({dir, "", "cannot list directory: " + ec.message()});
  std::sort(files.begin(), files.end(),
            [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });
  for (const auto& f : files) out.push_back(f.string());
  return out;
}

std::optional<json> read_json_file(const std::string& file, std::vector<DefinitionProblem>& problems,
                                   std::size_t max_bytes) {
  std::error_code ec;
  auto size = fs::file_size(file, ec);
  if (ec) {
    problems.push_back({file, "", "cannot read: " + ec.message()});
    return std::nullopt;
  }
  if (size > max_bytes) {
    problems.push_back({file, "", "larger than " + std::to_string(max_bytes) + " bytes"});
    return std::nullopt;
  }
  std::ifstream in(file, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  if (!in) {
    problems.push_back({file, "", "cannot read"});
    return std::nullopt;
  }
  const std::string text = buf.str();
  DuplicateKeys dups;
  json j;
  try {
    j = json::parse(text, std::ref(dups));
  } catch (const json::parse_error& e) {
    problems.push_back({file, "", "malformed JSON at " + position(text, e.byte) + ": " + parse_reason(e.what())});
    return std::nullopt;
  }
  if (!dups.found.empty()) {
    for (const auto& p : dups.found) problems.push_back({file, p, "duplicate key"});
    return std::nullopt;
  }
  return j;
}

std::vector<DefinitionProblem> check_directory(const std::string& dir, std::vector<ServiceDefinition>* out,
                                               const DirectoryChecks& checks) {
  std::vector<DefinitionProblem> problems;
  std::map<std::string, std::string> id_file;  // id → first file defining it
  for (const auto& file : json_files_in(dir, problems)) {
    auto j = read_json_file(file, problems, kMaxDefinitionFileBytes);
    if (!j) continue;
    std::size_t before = problems.size();
    auto d = parse_definition(*j, file, problems);
    if (!d.ok() || problems.size() != before) continue;
    if (checks.agencies && !checks.agencies->count(d->agency)) {
      problems.push_back({file, "/agency", "no agency \"" + d->agency + "\" is known (agencies.json of the seed folder)"});
      continue;
    }
    if (checks.more) {
      auto more = checks.more(*d, file);
      if (!more.empty()) {
        problems.insert(problems.end(), more.begin(), more.end());
        continue;
      }
    }
    auto [it, fresh] = id_file.emplace(d->id, file);
    if (!fresh) {
      problems.push_back({file, "/id", "id \"" + d->id + "\" is also defined in " + it->second});
      continue;
    }
    if (out) out->push_back(std::move(d).value());
  }
  return problems;
}

}  // namespace darwaza::catalog
