// The repositories of one connection, handed to transaction functions as a Tx.
#pragma once

#include "storage/database.hpp"
#include "storage/sql/application_repo.hpp"
#include "storage/sql/audit_repo.hpp"
#include "storage/sql/catalog_repo.hpp"
#include "storage/sql/consent_repo.hpp"
#include "storage/sql/document_repo.hpp"
#include "storage/sql/engagement_repo.hpp"
#include "storage/sql/identity_repos.hpp"
#include "storage/sql/indicator_repo.hpp"
#include "storage/sql/notification_repo.hpp"
#include "storage/sql/registry_repo.hpp"

namespace darwaza::storage::sql {

class SqlTx final : public Tx {
 public:
  explicit SqlTx(Connection& c, bool audit = true)
      : users_(c), sessions_(c), agencies_(c), orgs_(c), catalog_(c), applications_(c), documents_(c),
        registries_(c), audit_(c, audit), indicators_(c), engagements_(c), consents_(c), notifications_(c) {}
  UserRepo& users() override { return users_; }
  SessionRepo& sessions() override { return sessions_; }
  AgencyRepo& agencies() override { return agencies_; }
  OrganisationRepo& organisations() override { return orgs_; }
  CatalogRepo& catalog() override { return catalog_; }
  ApplicationRepo& applications() override { return applications_; }
  DocumentRepo& documents() override { return documents_; }
  RegistryRepo& registries() override { return registries_; }
  AuditRepo& audit() override { return audit_; }
  IndicatorRepo& indicators() override { return indicators_; }
  EngagementRepo& engagements() override { return engagements_; }
  ConsentRepo& consents() override { return consents_; }
  NotificationRepo& notifications() override { return notifications_; }

 private:
  SqlUserRepo users_;
  SqlSessionRepo sessions_;
  SqlAgencyRepo agencies_;
  SqlOrganisationRepo orgs_;
  SqlCatalogRepo catalog_;
  SqlApplicationRepo applications_;
  SqlDocumentRepo documents_;
  SqlRegistryRepo registries_;
  SqlAuditRepo audit_;
  SqlIndicatorRepo indicators_;
  SqlEngagementRepo engagements_;
  SqlConsentRepo consents_;
  SqlNotificationRepo notifications_;
};

}  // namespace darwaza::storage::sql
