#include "govstack/member.hpp"

namespace darwaza::govstack {

std::optional<MemberId> parse_member_id(std::string_view text) {
  if (text.size() > kMaxMemberIdChars) return std::nullopt;
  std::string parts[4];
  int n = 0;
  for (std::size_t start = 0;;) {
    std::size_t slash = text.find('/', start);
    if (n == 4) return std::nullopt;
    parts[n++] = std::string(text.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (parts[n - 1].empty()) return std::nullopt;
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (n != 4) return std::nullopt;
  return MemberId{parts[0], parts[1], parts[2], parts[3]};
}

Result<Principal> MemberAuthenticator::authenticate_member(std::string_view member) {
  auto id = parse_member_id(member);
  if (!id)
    return make_error(ErrorKind::invalid_request, "invalid-member-header", "Invalid member header",
                      std::string("The ") + kClientHeader + " header reads INSTANCE/CLASS/MEMBER/SUBSYSTEM.");
  Error unknown = make_error(ErrorKind::unauthenticated, "unknown-member", "Unknown member",
                             "No API client of this platform has that member identifier.");
  if (id->instance != options_.instance || id->member_class != options_.member_class) return unknown;
  auto p = sessions_.member_client(id->member_code, id->subsystem);
  if (!p.ok()) return unknown;
  return p;
}

}  // namespace darwaza::govstack
