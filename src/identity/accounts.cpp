#include "identity/accounts.hpp"
#include "audit/audit.hpp"

#include "core/validation.hpp"
#include "identity/errors.hpp"
#include "identity/validate.hpp"

namespace darwaza::identity {
namespace {

void check_name(FieldErrors& errs, const std::string& path, const std::optional<std::string>& v, bool required,
                std::string& out) {
  if (!v) {
    if (required) errs.add(path, "required");
    return;
  }
  out = trim(*v);
  if (out.empty()) errs.add(path, "required");
  else if (utf8_length(out) > kMaxNameChars) errs.add(path, "max_length", std::to_string(kMaxNameChars));
}

void check_lang(FieldErrors& errs, const std::optional<std::string>& v, std::string& out) {
  if (!v) return;
  if (*v != "en" && *v != "ur") errs.add("/preferred_lang", "one_of", "en, ur");
  else out = *v;
}

}  // namespace

Result<User> Accounts::signup(const Principal& caller, const SignupInput& in, const std::string& lang) {
  FieldErrors errs(lang);
  User u;
  if (!in.cnic) errs.add("/cnic", "required");
  else if (!valid_cnic(*in.cnic)) errs.add("/cnic", "cnic");
  else u.cnic = *in.cnic;
  check_name(errs, "/name", in.name, true, u.name);
  if (!in.email) errs.add("/email", "required");
  else if (auto e = normalise_email(*in.email)) u.email = *e;
  else errs.add("/email", "email");
  if (!in.mobile) errs.add("/mobile", "required");
  else if (auto m = normalise_mobile(*in.mobile)) u.mobile = *m;
  else errs.add("/mobile", "mobile");
  if (!in.password) errs.add("/password", "required");
  else if (!acceptable_password(*in.password)) errs.add("/password", "password", std::to_string(kMinPasswordChars));
  check_lang(errs, in.preferred_lang, u.preferred_lang);
  if (!errs.empty()) return errs.to_error();

  u.id = crypto::random_id("usr");
  u.password_hash = hasher_.hash(*in.password);  // outside the write: it is the slow part
  u.created_at = u.updated_at = clock_.now_ms();
  return storage::write_value<User>(db_, [&](storage::Tx& tx) -> Result<User> {
    if (tx.users().by_cnic(u.cnic)) return error(Errc::duplicate_cnic);
    if (tx.users().by_email(u.email)) return error(Errc::duplicate_email);
    tx.users().insert(u);
    const audit::Act act{"account.create", "user", u.id, u.id, "", "", "ok"};
    // Signing up over HTTP is the person's own act; `darwaza user create` is the administrator's.
    if (audit::is_platform_actor(caller)) audit::record(tx, caller, u.created_at, act);
    else audit::record_self(tx, caller, u.id, u.created_at, act);
    return u;
  });
}

Result<Profile> Accounts::profile(const std::string& user_id) {
  return storage::read_value<Profile>(db_, [&](storage::Tx& tx) -> Result<Profile> {
    auto u = tx.users().by_id(user_id);
    if (!u) return error(Errc::user_not_found);
    return Profile{std::move(*u), tx.users().roles_of(user_id)};
  });
}

Result<User> Accounts::user(const Principal& who) {
  if (const User* mine = person_of(who)) return *mine;
  return storage::read_value<User>(db_, [&](storage::Tx& tx) -> Result<User> {
    auto u = tx.users().by_id(who.user_id);
    if (!u) return error(Errc::user_not_found);
    u->password_hash.clear();
    return std::move(*u);
  });
}

Result<Profile> Accounts::update_profile(const Principal& who, const ProfilePatch& p, const std::string& lang) {
  const std::string& user_id = who.user_id;
  FieldErrors errs(lang);
  std::string name, email, mobile, pref;
  check_name(errs, "/name", p.name, false, name);
  if (p.email) {
    if (auto e = normalise_email(*p.email)) email = *e;
    else errs.add("/email", "email");
  }
  if (p.mobile) {
    if (auto m = normalise_mobile(*p.mobile)) mobile = *m;
    else errs.add("/mobile", "mobile");
  }
  check_lang(errs, p.preferred_lang, pref);
  if (p.new_password) {
    if (!acceptable_password(*p.new_password)) errs.add("/new_password", "password", std::to_string(kMinPasswordChars));
    if (!p.current_password) errs.add("/current_password", "required");
  }
  if (!errs.empty()) return errs.to_error();

  std::string new_hash;
  if (p.new_password) {
    auto current = profile(user_id);
    if (!current.ok()) return current.take_error();
    if (!hasher_.verify(current->user.password_hash, *p.current_password)) return error(Errc::wrong_password);
    new_hash = hasher_.hash(*p.new_password);
  }
  UnixMs now = clock_.now_ms();
  return storage::write_value<Profile>(db_, [&](storage::Tx& tx) -> Result<Profile> {
    auto u = tx.users().by_id(user_id);
    if (!u) return error(Errc::user_not_found);
    if (!name.empty()) u->name = name;
    if (!email.empty() && email != u->email) {
      if (tx.users().by_email(email)) return error(Errc::duplicate_email);
      u->email = email;
    }
    if (!mobile.empty()) u->mobile = mobile;
    if (!pref.empty()) u->preferred_lang = pref;
    if (!new_hash.empty()) {
      u->password_hash = new_hash;
      // A new password ends every session of this person, this one included: sign in again.
      tx.sessions().revoke_all_of(user_id, now);
    }
    u->updated_at = now;
    tx.users().update(*u);
    audit::record_self(tx, who, user_id, now,
                       {new_hash.empty() ? "profile.update" : "profile.password_change", "user", user_id, user_id, "", "", "ok"});
    return Profile{std::move(*u), tx.users().roles_of(user_id)};
  });
}

Result<User> Accounts::find(const std::string& key) {
  return storage::read_value<User>(db_, [&](storage::Tx& tx) -> Result<User> {
    std::optional<User> u;
    if (valid_cnic(key)) u = tx.users().by_cnic(key);
    else if (auto e = normalise_email(key)) u = tx.users().by_email(*e);
    if (!u) return error(Errc::user_not_found);
    return std::move(*u);
  });
}

Status Accounts::grant_role_bootstrap(const std::string& user_id, const RoleGrant& grant) {
  UnixMs now = clock_.now_ms();
  return db_.write([&](storage::Tx& tx) -> Status {
    if (!tx.users().by_id(user_id)) return error(Errc::user_not_found);
    if (!grant.agency_id.empty() && !tx.agencies().by_id(grant.agency_id)) return error(Errc::agency_not_found);
    tx.users().grant_role(user_id, grant, "cli", now);
    audit::record(tx, audit::cli_actor(), now, {"role.grant", "role", to_string(grant.role), user_id, "", "", "ok"});
    return ok_status();
  });
}

}  // namespace darwaza::identity
