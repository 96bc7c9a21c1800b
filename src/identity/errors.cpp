#include "identity/errors.hpp"

#include "identity/organisations.hpp"

namespace darwaza::identity {

namespace {
ErrorSpec spec_of(Errc code) {
  switch (code) {
    case Errc::duplicate_cnic: return {ErrorKind::conflict, "duplicate-cnic", "CNIC already registered", "An account with this CNIC already exists."};
    case Errc::duplicate_email: return {ErrorKind::conflict, "duplicate-email", "Email already registered", "An account with this email already exists."};
    case Errc::bad_credentials: return {ErrorKind::unauthenticated, "bad-credentials", "Wrong credentials", "The CNIC or email and password do not match."};
    case Errc::login_throttled: return {ErrorKind::rate_limited, "login-throttled", "Too many failed logins", "Too many failed attempts; wait before trying again."};
    case Errc::invalid_token: return {ErrorKind::unauthenticated, "invalid-token", "Invalid or expired token", "The session or token is unknown, expired or revoked."};
    case Errc::user_not_found: return {ErrorKind::not_found, "user-not-found", "No such user", "No account matches."};
    case Errc::agency_not_found: return {ErrorKind::not_found, "agency-not-found", "No such agency", "No agency has that id."};
    case Errc::client_not_found: return {ErrorKind::not_found, "client-not-found", "No such API client", "No API client of this agency has that id."};
    case Errc::invalid_client: return {ErrorKind::unauthenticated, "invalid-client", "Invalid client", "Client authentication failed."};
    case Errc::unsupported_grant: return {ErrorKind::invalid_request, "unsupported-grant-type", "Unsupported grant type", "Only grant_type=client_credentials is supported."};
    case Errc::org_not_found: return {ErrorKind::not_found, "organisation-not-found", "No such organisation", "No organisation has that id, or you are not a member."};
    case Errc::not_org_member: return {ErrorKind::forbidden, "not-organisation-member", "Not a member", "You are not a member of this organisation."};
    case Errc::not_org_owner: return {ErrorKind::forbidden, "not-organisation-owner", "Owner only", "Only an owner of this organisation may do this."};
    case Errc::duplicate_ntn: return {ErrorKind::conflict, "duplicate-ntn", "NTN already registered", "An organisation with this NTN already exists."};
    case Errc::duplicate_secp: return {ErrorKind::conflict, "duplicate-secp-number", "SECP number already registered", "An organisation with this SECP number already exists."};
    case Errc::last_owner: return {ErrorKind::conflict, "last-owner", "Last owner", "An organisation must keep at least one owner."};
    case Errc::too_many_organisations:
      static_assert(kMaxOrganisationsPerPerson == 100, "the message names the limit");
      return {ErrorKind::conflict, "too-many-organisations", "Too many organisations",
              "A person may belong to at most 100 organisations."};
    case Errc::not_permitted: return {ErrorKind::forbidden, "forbidden", "Forbidden", "Your role does not allow this action."};
    case Errc::wrong_password: return {ErrorKind::forbidden, "wrong-password", "Wrong current password", "The current password is not correct."};
  }
  return {ErrorKind::internal, "internal", "Internal error", ""};
}
}  // namespace

Error error(Errc code, std::string detail) { return make_error(spec_of(code), std::move(detail)); }

}  // namespace darwaza::identity
