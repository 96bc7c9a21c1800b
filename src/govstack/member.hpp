// The caller as GovStack names it: the Information-Mediator-Client header
// (INSTANCE/CLASS/MEMBER/SUBSYSTEM), mapped to an agency's API client.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "govstack/govstack.hpp"
#include "http/pipeline.hpp"
#include "identity/sessions.hpp"

namespace darwaza::govstack {

constexpr const char* kClientHeader = "Information-Mediator-Client";
constexpr const char* kMediatorClientHeader = "X-GovStack-Client";  // the IM directory API's name for it
constexpr std::size_t kMaxMemberIdChars = 400;

struct MemberId {
  std::string instance, member_class, member_code, subsystem;
};

// Four non-empty parts separated by '/'; nullopt otherwise.
std::optional<MemberId> parse_member_id(std::string_view text);

// Bearer tokens as the portal's API does; member headers as API clients of the named agency.
class MemberAuthenticator final : public http::Authenticator {
 public:
  MemberAuthenticator(identity::Sessions& sessions, Options options)
      : sessions_(sessions), options_(std::move(options)) {}
  Result<Principal> authenticate(std::string_view token, bool with_person) override {
    return sessions_.authenticate(token, with_person);
  }
  Result<Principal> authenticate_member(std::string_view member) override;

 private:
  identity::Sessions& sessions_;
  Options options_;
};

}  // namespace darwaza::govstack
