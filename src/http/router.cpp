#include "http/router.hpp"

#include <stdexcept>

namespace darwaza::http {

std::string describe_access(AccessMask mask) {
  static const std::pair<Access, const char*> kNames[] = {
      {kPublic, "public"},           {kCitizen, "citizen"},   {kAgencyOfficer, "agency_officer"},
      {kAgencyAdmin, "agency_admin"}, {kPlatformAdmin, "platform_admin"},
      {kAuditor, "auditor"},         {kApiClient, "api_client"}};
  std::string out;
  for (auto [bit, name] : kNames) {
    if (mask & bit) {
      if (!out.empty()) out += ",";
      out += name;
    }
  }
  return out;
}

bool url_decode(std::string_view in, std::string& out, bool plus_is_space) {
  auto hex = [](char h) -> int {
    if (h >= '0' && h <= '9') return h - '0';
    if (h >= 'a' && h <= 'f') return h - 'a' + 10;
    if (h >= 'A' && h <= 'F') return h - 'A' + 10;
    return -1;
  };
  out.clear();
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int hi = hex(in[i + 1]);
      int lo = hex(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return true;
}

std::string url_encode(std::string_view in) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(in.size());
  for (char c : in) {
    const auto b = static_cast<unsigned char>(c);
    if ((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[b >> 4]);
      out.push_back(kHex[b & 0x0F]);
    }
  }
  return out;
}

bool split_path(std::string_view path, std::vector<std::string>& out) {
  out.clear();
  if (path.empty() || path.front() != '/') return false;
  std::size_t pos = 1;
  while (pos <= path.size()) {
    std::size_t next = path.find('/', pos);
    if (next == std::string_view::npos) next = path.size();
    std::string_view seg = path.substr(pos, next - pos);
    if (seg.empty()) {
      if (next != path.size()) return false;  // "//" in the middle
    } else {
      std::string decoded;
      if (!url_decode(seg, decoded, false)) return false;
      out.push_back(std::move(decoded));
    }
    pos = next + 1;
  }
  return true;
}

void parse_query(std::string_view query, std::unordered_map<std::string, std::string>& out) {
  std::size_t pos = 0;
  while (pos < query.size()) {
    std::size_t amp = query.find('&', pos);
    if (amp == std::string_view::npos) amp = query.size();
    std::string_view pair = query.substr(pos, amp - pos);
    std::size_t eq = pair.find('=');
    std::string key, value;
    if (url_decode(pair.substr(0, eq), key, true) &&
        (eq == std::string_view::npos || url_decode(pair.substr(eq + 1), value, true)) && !key.empty()) {
      out.emplace(std::move(key), std::move(value));  // first occurrence wins
    }
    pos = amp + 1;
  }
}

bool admits(AccessMask mask, const Principal& p, std::string_view agency) {
  if (mask & kPublic) return true;
  const bool any_staff = p.has_role(Role::officer) || p.has_role(Role::agency_admin);
  return ((mask & kCitizen) && p.is_user()) ||
         ((mask & kAgencyOfficer) && p.is_user() && (agency.empty() ? any_staff : p.is_staff_of(agency))) ||
         ((mask & kAgencyAdmin) && p.is_user() && (agency.empty() ? p.has_role(Role::agency_admin) : p.is_admin_of(agency))) ||
         ((mask & kPlatformAdmin) && p.has_role(Role::platform_admin)) ||
         ((mask & kAuditor) && p.has_role(Role::auditor)) ||
         ((mask & kApiClient) && p.is_client() && (agency.empty() || p.agency_id == agency));
}

void Router::add(bhttp::verb method, std::string pattern, AccessMask access, Handler handler,
                 RouteOptions options) {
  if (options.dispatch == Dispatch::async) throw std::invalid_argument("async route without an async handler: " + pattern);
  add_route(Route{method, std::move(pattern), access, std::move(handler), nullptr, options});
}

void Router::add_async(bhttp::verb method, std::string pattern, AccessMask access, AsyncHandler handler,
                       RouteOptions options) {
  options.dispatch = Dispatch::async;
  // The lane is left when a pool handler returns; an async answer would never leave it.
  if (options.costly_read) throw std::invalid_argument("an async route cannot be a costly read: " + pattern);
  add_route(Route{method, std::move(pattern), access, nullptr, std::move(handler), options});
}

void Router::add_route(Route r) {
  Compiled c;
  std::vector<std::string> raw;
  if (!split_path(r.pattern, raw)) throw std::invalid_argument("bad route pattern: " + r.pattern);
  for (auto& s : raw) {
    Segment seg;
    if (s.size() > 2 && s.front() == '{' && s.back() == '}') {
      seg.param = s.substr(1, s.size() - 2);
    } else {
      seg.literal = s;
    }
    c.segments.push_back(std::move(seg));
  }
  for (const auto& other : routes_) {
    if (other.method == r.method && other.pattern == r.pattern) throw std::invalid_argument("duplicate route: " + r.pattern);
  }
  if (r.access == 0) throw std::invalid_argument("route without access policy: " + r.pattern);
  // A read-only node answers its replica routes to anonymous callers and cannot write.
  if (r.options.replica && (r.method != bhttp::verb::get || !(r.access & kPublic)))
    throw std::invalid_argument("a replica route must be a public GET: " + r.pattern);
  r.index = routes_.size();
  routes_.push_back(std::move(r));
  compiled_.push_back(std::move(c));
}

Router::Match Router::match(bhttp::verb method, std::string_view path,
                            std::unordered_map<std::string, std::string>& params) const {
  Match m;
  std::vector<std::string> segs;
  if (!split_path(path, segs)) return m;
  // Literal segments win over parameters: among matching routes take the one whose first
  // differing segment is literal. Routes are few, so a linear scan with a score is enough.
  int best_score = -1;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const auto& c = compiled_[i];
    if (c.segments.size() != segs.size()) continue;
    int score = 0;
    bool ok = true;
    for (std::size_t k = 0; k < segs.size(); ++k) {
      const auto& s = c.segments[k];
      if (s.param.empty()) {
        if (s.literal != segs[k]) { ok = false; break; }
        score = score * 2 + 1;
      } else {
        score = score * 2;
      }
    }
    if (!ok) continue;
    m.path_known = true;
    if (routes_[i].method != method) {
      m.allowed_methods.emplace_back(bhttp::to_string(routes_[i].method));
      continue;
    }
    if (score > best_score) {
      best_score = score;
      m.route = &routes_[i];
    }
  }
  if (m.route) {
    const auto& c = compiled_[m.route->index];
    params.clear();
    for (std::size_t k = 0; k < segs.size(); ++k)
      if (!c.segments[k].param.empty()) params[c.segments[k].param] = segs[k];
  }
  return m;
}

}  // namespace darwaza::http
