// Helpers shared by end-to-end tests: unique people, sign-up and login through the API.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace darwaza::test {

struct Person {
  std::string cnic, name, email, mobile, password;
  std::string id, token;
};

// A new, unique, valid person (not yet signed up).
Person new_person(const std::string& name = "Test Citizen");
// Signs up and logs in through the API; fills id and token. Fails the test on error.
Person signed_in(HttpClient& c, const std::string& name = "Test Citizen");
// Creates a person with a role via the CLI (server may be running on the same data dir).
Person cli_user(const ServerProcess& s, const std::string& role, const std::string& agency = {});

// Runs SQL on a running server's own database (its data folder's SQLite file or PostgreSQL
// database): how a test stands in for time passing or for data at volume. "" or the error.
std::string run_sql_on(const ServerProcess& s, const std::string& sql);
std::string login(HttpClient& c, const Person& p);
// Moves application `id` by `transition` as `p` (with an optional comment and resubmitted data).
HttpResponse apply_transition(HttpClient& c, const Person& p, const std::string& id, const std::string& transition,
                              const std::string& comment = "", std::optional<nlohmann::json> data = std::nullopt);
// Claims the application as `officer` and moves it through review and payment to approval;
// returns the approval's response.
HttpResponse approve_application(HttpClient& c, const Person& officer, const std::string& id);
// A new API client of `agency`, created by `admin` (that agency's admin); returns its access token.
std::string agency_client_token(HttpClient& c, const Person& admin, const std::string& agency);

// A new API client of `agency` (created by a new agency admin, returned in `admin` if given), as
// the GovStack member identifier eGovStack/GOV/<agency>/<client id> that names it.
std::string govstack_member(HttpClient& c, const ServerProcess& s, const std::string& agency, Person* admin = nullptr);

// The problem `type` of a refusal ("/problems/..."), empty when the body has none.
std::string problem_type(const HttpResponse& r);

// A suite sharing one server started on the shipped services and registries (data/services,
// data/registries): `c` talks to it, `staff` signs in a new staff member.
class ShippedDataSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite();  // the server with the web pages (--web-dir)
  static void TearDownTestSuite();
  // Starts the shared server with `extra` options added, after `before` (if given) has run
  // against its data folder (a data file loaded with the product's own tools).
  static void start(std::vector<std::string> extra, const std::function<void(const ServerProcess&)>& before = {});
  static ServerProcess& server() { return *server_; }
  Person staff(const std::string& agency, const std::string& role = "officer");
  // Uploads a small PDF as `p`; returns the document's id.
  std::string document(const Person& p);

  HttpClient c = server_->client();

 private:
  static ServerProcess* server_;
};

// ShippedDataSuite with GovStack listeners (docs/govstack.md) on ephemeral ports. A suite names
// its listeners and fixtures in its own SetUpTestSuite:
//   static void SetUpTestSuite() { start_govstack({"registration"}, kTestServices); }
class GovStackSuite : public ShippedDataSuite {
 protected:
  enum Fixtures : unsigned {
    kNoFixtures = 0,
    kTestServices = 1u << 0,    // tests/fixtures/services, through `darwaza catalog load`
    kTestRegistries = 1u << 1,  // tests/fixtures/govstack/registries, through `darwaza registry load`
  };
  // --govstack-<adapter> 127.0.0.1:0 for each adapter ("registries", "registration", "mediator",
  // "consent"), the fixtures loaded first.
  static void start_govstack(const std::vector<std::string>& adapters, unsigned fixtures);
  // A client of the adapter's listener.
  static HttpClient govstack(const std::string& adapter) { return server().client_of("govstack-" + adapter); }
  // A new API client of `agency` as the GovStack member identifier naming it (govstack_member).
  std::string member_of(const std::string& agency, Person* admin = nullptr) {
    return govstack_member(c, server(), agency, admin);
  }

  HttpClient& portal = c;
};

}  // namespace darwaza::test
