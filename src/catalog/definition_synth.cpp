// synth_definitions: bilingual definitions that look like a national catalog, for scale tests
// (search, load, listing). Uses its own generator so that a seed gives the same output everywhere.
#include <array>
#include <cctype>
#include <cstdio>
#include <map>
#include <string_view>

#include "catalog/definition.hpp"
#include "core/rng.hpp"

namespace darwaza::catalog {
namespace {

using Rng = SplitMix64;

// The ids of data/agencies.json.
constexpr std::array<const char*, 9> kAgencyIds{"moitt", "stza", "pseb", "stp", "pta",
                                                "erozgaar", "nitb", "secp", "fbr"};

struct Subject {
  const char* slug;
  const char* en;
  const char* ur;
  const char* category;
  Applicant applicant;
};

constexpr Applicant kCit = Applicant::citizen;
constexpr Applicant kOrg = Applicant::organisation;
constexpr Applicant kBoth = Applicant::both;

constexpr std::array<Subject, 66> kSubjects{{
    {"restaurant", "Restaurant", "ریسٹورنٹ", "food", kOrg},
    {"bakery", "Bakery", "بیکری", "food", kOrg},
    {"food-business", "Food Business", "فوڈ بزنس", "food", kBoth},
    {"slaughterhouse", "Slaughterhouse", "مذبح خانہ", "food", kOrg},
    {"pharmacy", "Pharmacy", "فارمیسی", "health", kOrg},
    {"private-hospital", "Private Hospital", "نجی ہسپتال", "health", kOrg},
    {"diagnostic-laboratory", "Diagnostic Laboratory", "تشخیصی لیبارٹری", "health", kOrg},
    {"medical-practitioner", "Medical Practitioner", "طبی معالج", "health", kCit},
    {"ambulance-service", "Ambulance Service", "ایمبولینس سروس", "health", kOrg},
    {"water-filtration-plant", "Water Filtration Plant", "واٹر فلٹریشن پلانٹ", "health", kOrg},
    {"private-school", "Private School", "نجی اسکول", "education", kOrg},
    {"tuition-centre", "Tuition Centre", "ٹیوشن سینٹر", "education", kBoth},
    {"vocational-institute", "Vocational Institute", "فنی تربیتی ادارہ", "education", kOrg},
    {"driving", "Driving", "ڈرائیونگ", "transport", kCit},
    {"commercial-vehicle", "Commercial Vehicle", "کمرشل گاڑی", "transport", kBoth},
    {"route", "Route", "روٹ", "transport", kBoth},
    {"rickshaw", "Rickshaw", "رکشہ", "transport", kCit},
    {"goods-transport", "Goods Transport", "مال بردار ٹرانسپورٹ", "transport", kOrg},
    {"fishing", "Fishing", "ماہی گیری", "agriculture", kCit},
    {"fishing-boat", "Fishing Boat", "ماہی گیری کشتی", "agriculture", kBoth},
    {"poultry-farm", "Poultry Farm", "پولٹری فارم", "agriculture", kBoth},
    {"dairy-farm", "Dairy Farm", "ڈیری فارم", "agriculture", kBoth},
    {"seed-dealer", "Seed Dealer", "بیج ڈیلر", "agriculture", kBoth},
    {"fertiliser-dealer", "Fertiliser Dealer", "کھاد ڈیلر", "agriculture", kBoth},
    {"pesticide-dealer", "Pesticide Dealer", "زرعی ادویات ڈیلر", "agriculture", kBoth},
    {"tube-well", "Tube Well", "ٹیوب ویل", "agriculture", kCit},
    {"building-plan", "Building Plan", "بلڈنگ پلان", "construction", kBoth},
    {"building-contractor", "Building Contractor", "تعمیراتی ٹھیکیدار", "construction", kBoth},
    {"housing-scheme", "Housing Scheme", "ہاؤسنگ اسکیم", "construction", kOrg},
    {"outdoor-advertising", "Outdoor Advertising", "بیرونی تشہیر", "media", kOrg},
    {"cable-tv", "Cable TV", "کیبل ٹی وی", "media", kOrg},
    {"fm-radio", "FM Radio", "ایف ایم ریڈیو", "media", kOrg},
    {"printing-press", "Printing Press", "پرنٹنگ پریس", "media", kOrg},
    {"internet-service-provider", "Internet Service Provider", "انٹرنیٹ سروس پرووائیڈر", "telecom", kOrg},
    {"mobile-device", "Mobile Device", "موبائل ڈیوائس", "telecom", kBoth},
    {"radio-frequency", "Radio Frequency", "ریڈیو فریکوئنسی", "telecom", kOrg},
    {"vpn", "VPN", "وی پی این", "telecom", kBoth},
    {"software-house", "Software House", "سافٹ ویئر ہاؤس", "it", kOrg},
    {"call-centre", "Call Centre", "کال سینٹر", "it", kOrg},
    {"freelancer", "Freelancer", "فری لانسر", "it", kCit},
    {"data-centre", "Data Centre", "ڈیٹا سینٹر", "it", kOrg},
    {"domain-name", "Domain Name", "ڈومین نیم", "it", kBoth},
    {"drone", "Drone", "ڈرون", "security", kBoth},
    {"arms", "Arms", "اسلحہ", "security", kCit},
    {"private-security-company", "Private Security Company", "نجی سیکیورٹی کمپنی", "security", kOrg},
    {"explosives", "Explosives", "دھماکہ خیز مواد", "security", kOrg},
    {"import", "Import", "درآمدی", "trade", kOrg},
    {"export", "Export", "برآمدی", "trade", kOrg},
    {"trademark", "Trademark", "ٹریڈ مارک", "trade", kBoth},
    {"warehouse", "Warehouse", "گودام", "trade", kOrg},
    {"courier-service", "Courier Service", "کوریئر سروس", "trade", kOrg},
    {"shop", "Shop", "دکان", "trade", kBoth},
    {"estate-agent", "Estate Agent", "اسٹیٹ ایجنٹ", "trade", kCit},
    {"money-changer", "Money Changer", "منی چینجر", "finance", kOrg},
    {"insurance-agent", "Insurance Agent", "انشورنس ایجنٹ", "finance", kCit},
    {"travel-agency", "Travel Agency", "ٹریول ایجنسی", "tourism", kOrg},
    {"hotel", "Hotel", "ہوٹل", "tourism", kOrg},
    {"tour-guide", "Tour Guide", "ٹورسٹ گائیڈ", "tourism", kCit},
    {"tour-operator", "Tour Operator", "ٹور آپریٹر", "tourism", kOrg},
    {"petrol-pump", "Petrol Pump", "پٹرول پمپ", "energy", kOrg},
    {"lpg-distribution", "LPG Distribution", "ایل پی جی ڈسٹری بیوشن", "energy", kOrg},
    {"cng-station", "CNG Station", "سی این جی اسٹیشن", "energy", kOrg},
    {"solar-installer", "Solar Installer", "سولر انسٹالر", "energy", kBoth},
    {"industrial-unit", "Industrial Unit", "صنعتی یونٹ", "industry", kOrg},
    {"boiler", "Boiler", "بوائلر", "industry", kOrg},
    {"stone-crusher", "Stone Crusher", "اسٹون کرشر", "industry", kOrg},
}};

// A document kind. `ur` is the Urdu title pattern with %s for the subject.
struct Kind {
  const char* slug;
  const char* en;
  const char* ur;
  const char* ur_word;  // for keywords
};

constexpr std::array<Kind, 9> kKinds{{
    {"licence", "Licence", "%s لائسنس", "لائسنس"},
    {"permit", "Permit", "%s اجازت نامہ", "اجازت نامہ"},
    {"registration", "Registration", "%s رجسٹریشن", "رجسٹریشن"},
    {"certificate", "Certificate", "%s سرٹیفکیٹ", "سرٹیفکیٹ"},
    {"noc", "No Objection Certificate", "%s کے لیے عدم اعتراض سرٹیفکیٹ (این او سی)", "این او سی"},
    {"approval", "Approval", "%s کی منظوری", "منظوری"},
    {"clearance", "Clearance", "%s کلیئرنس", "کلیئرنس"},
    {"enrolment", "Enrolment", "%s اندراج", "اندراج"},
    {"inspection", "Inspection Certificate", "%s معائنہ سرٹیفکیٹ", "معائنہ"},
}};

// What the application asks for; `en`/`ur` patterns wrap the base title (%s).
struct Action {
  const char* slug;  // empty for a new issue
  const char* en;
  const char* ur;
  int weight;
  bool certificate;  // whether approval issues a certificate
};

constexpr std::array<Action, 6> kActions{{
    {"", "%s", "%s", 40, true},
    {"renewal", "Renewal of %s", "%s کی تجدید", 25, true},
    {"amendment", "Amendment of %s", "%s میں ترمیم", 12, true},
    {"duplicate", "Duplicate %s", "%s کی نقل (ڈپلیکیٹ)", 9, true},
    {"transfer", "Transfer of %s", "%s کی منتقلی", 7, true},
    {"cancellation", "Cancellation of %s", "%s کی منسوخی", 7, false},
}};

struct Region {
  const char* slug;
  const char* en;
  const char* ur;
};

constexpr std::array<Region, 7> kRegions{{
    {"punjab", "Punjab", "پنجاب"},
    {"sindh", "Sindh", "سندھ"},
    {"kp", "Khyber Pakhtunkhwa", "خیبر پختونخوا"},
    {"balochistan", "Balochistan", "بلوچستان"},
    {"ict", "Islamabad Capital Territory", "اسلام آباد کیپیٹل ٹیریٹری"},
    {"gb", "Gilgit-Baltistan", "گلگت بلتستان"},
    {"ajk", "Azad Jammu and Kashmir", "آزاد جموں و کشمیر"},
}};

constexpr std::array<std::int64_t, 13> kFeesPaisa{20000,  50000,   100000,  150000,  200000,  250000,  500000,
                                                  750000, 1000000, 2500000, 5000000, 10000000, 123450};

std::string fill(const char* pattern, const std::string& s) {
  std::string p(pattern);
  auto at = p.find("%s");
  return at == std::string::npos ? p : p.replace(at, 2, s);
}

I18n tr(const char* en, const char* ur) { return {en, ur}; }

FormField field(const char* name, FieldType type, const char* en, const char* ur) {
  FormField f;
  f.name = name;
  f.type = type;
  f.label = tr(en, ur);
  return f;
}

std::vector<Option> province_options() {
  std::vector<Option> out;
  for (const auto& r : kRegions) out.push_back({r.slug, tr(r.en, r.ur)});
  return out;
}

// The pool a synthetic form draws from; the first two of each applicant kind always come first.
std::vector<FormField> field_pool() {
  using T = FieldType;
  std::vector<FormField> p;
  auto add = [&](FormField f) -> FormField& { return p.emplace_back(std::move(f)); };
  add(field("applicant_name", T::text, "Full name of applicant", "درخواست گزار کا پورا نام"));
  p.back().min = 3;
  p.back().max = 120;
  add(field("cnic", T::cnic, "CNIC number", "شناختی کارڈ نمبر")).help =
      tr("13 digits as printed on the card, e.g. 12345-1234567-1", "کارڈ پر درج 13 ہندسے، مثلاً 12345-1234567-1");
  add(field("business_name", T::text, "Name of business", "کاروبار کا نام")).max = 200;
  add(field("ntn", T::ntn, "National Tax Number (NTN)", "نیشنل ٹیکس نمبر (این ٹی این)"));
  add(field("father_name", T::text, "Father's or husband's name", "والد یا شوہر کا نام")).max = 120;
  add(field("secp_number", T::text, "SECP incorporation number", "ایس ای سی پی رجسٹریشن نمبر")).pattern = "^[0-9]{7}$";
  add(field("business_address", T::long_text, "Business address", "کاروبار کا پتہ")).max = 500;
  add(field("residential_address", T::long_text, "Residential address", "رہائشی پتہ")).max = 500;
  add(field("district", T::text, "District", "ضلع")).max = 60;
  add(field("province", T::enumeration, "Province or territory", "صوبہ یا علاقہ")).options = province_options();
  add(field("email", T::email, "Email address", "ای میل ایڈریس"));
  add(field("mobile", T::phone, "Mobile number", "موبائل نمبر"));
  add(field("date_of_birth", T::date, "Date of birth", "تاریخ پیدائش"));
  add(field("commencement_date", T::date, "Proposed date of commencement", "کام شروع کرنے کی مجوزہ تاریخ"));
  add(field("employees", T::integer, "Number of employees", "ملازمین کی تعداد"));
  p.back().min = 0;
  p.back().max = 1000000;
  add(field("covered_area_sq_ft", T::integer, "Covered area (square feet)", "مسقف رقبہ (مربع فٹ)"));
  p.back().min = 1;
  p.back().max = 10000000;
  add(field("paid_up_capital", T::money, "Paid-up capital", "ادا شدہ سرمایہ")).currency = "PKR";
  p.back().min = 0;
  add(field("planned_investment", T::money, "Planned investment", "متوقع سرمایہ کاری")).currency = "USD";
  p.back().min = 0;
  add(field("annual_turnover", T::money, "Annual turnover", "سالانہ ٹرن اوور")).currency = "PKR";
  add(field("ownership_type", T::enumeration, "Type of ownership", "ملکیت کی قسم")).options = {
      {"sole_proprietor", tr("Sole proprietorship", "واحد ملکیت")},
      {"partnership", tr("Partnership", "شراکت داری")},
      {"private_limited", tr("Private limited company", "پرائیویٹ لمیٹڈ کمپنی")},
      {"public_limited", tr("Public limited company", "پبلک لمیٹڈ کمپنی")},
  };
  add(field("held_before", T::boolean, "Have you held this licence or permit before?",
                   "کیا آپ کے پاس پہلے یہ لائسنس یا اجازت نامہ رہا ہے؟"));
  add(field("previous_licence_number", T::text, "Previous licence number", "سابقہ لائسنس نمبر")).pattern =
      "^[A-Z0-9/-]{4,30}$";
  add(field("nationality", T::country, "Nationality", "قومیت"));
  add(field("supporting_documents", T::document, "Supporting documents", "معاون دستاویزات"));
  p.back().min_items = 1;
  p.back().max_items = 10;
  add(field("site_plan", T::document, "Site plan", "سائٹ پلان")).max_items = 1;
  add(field("photograph", T::document, "Photograph", "تصویر")).max_items = 1;
  add(field("purpose", T::long_text, "Purpose of application", "درخواست کا مقصد")).max = 2000;
  add(field("capacity_tonnes", T::decimal, "Capacity (tonnes)", "گنجائش (ٹن)"));
  p.back().min = 0;
  p.back().max = 100000;
  add(field("vehicle_registration", T::text, "Vehicle registration number", "گاڑی کا رجسٹریشن نمبر")).pattern =
      "^[A-Z]{2,4}-[0-9]{1,4}$";
  add(field("server_addresses", T::ip_list, "Server IP addresses", "سرور کے آئی پی ایڈریس")).max_items = 64;
  add(field("products", T::list, "Products or services offered", "پیش کردہ مصنوعات یا خدمات")).max_items = 20;
  add(field("premises", T::registry_ref, "Registered premises", "رجسٹرڈ احاطہ")).registry = "registered-premises";
  add(field("website", T::text, "Website", "ویب سائٹ")).pattern = "^https?://[^\\s]+$";
  add(field("qualification", T::enumeration, "Highest qualification", "اعلیٰ ترین تعلیمی قابلیت")).options = {
      {"matric", tr("Matriculation", "میٹرک")},
      {"intermediate", tr("Intermediate", "انٹرمیڈیٹ")},
      {"bachelors", tr("Bachelor's degree", "بیچلرز ڈگری")},
      {"masters", tr("Master's degree or higher", "ماسٹرز ڈگری یا اس سے زائد")},
  };
  add(field("experience_years", T::integer, "Years of experience", "تجربہ (سال)"));
  p.back().min = 0;
  p.back().max = 60;
  return p;
}

State state(const char* id, const char* en, const char* ur, std::optional<int> sla, Outcome outcome = Outcome::none,
            bool awaiting = false) {
  return State{id, tr(en, ur), sla, outcome, awaiting};
}

Transition transition(const char* id, std::vector<std::string> from, const char* to, std::vector<std::string> roles,
                      const char* en, const char* ur) {
  Transition t;
  t.id = id;
  t.from = std::move(from);
  t.to = to;
  t.roles = std::move(roles);
  t.label = tr(en, ur);
  return t;
}

// submitted → under_review (⇄ info_requested) → [awaiting_payment →] approved | rejected;
// the applicant may withdraw until the end.
Workflow standard_workflow(bool fee, int review_days) {
  Workflow w;
  w.initial = "submitted";
  w.states = {state("submitted", "Submitted", "جمع شدہ", 3),
              state("under_review", "Under review", "زیرِ جائزہ", review_days),
              state("info_requested", "More information requested", "مزید معلومات درکار", std::nullopt, Outcome::none,
                    true)};
  if (fee)
    w.states.push_back(
        state("awaiting_payment", "Awaiting fee payment", "فیس کی ادائیگی کا انتظار", std::nullopt, Outcome::none, true));
  w.states.push_back(state("approved", "Approved", "منظور شدہ", std::nullopt, Outcome::approved));
  w.states.push_back(state("rejected", "Rejected", "مسترد", std::nullopt, Outcome::rejected));
  w.states.push_back(state("withdrawn", "Withdrawn", "واپس لے لی گئی", std::nullopt, Outcome::withdrawn));

  w.transitions.push_back(
      transition("start_review", {"submitted"}, "under_review", {"officer"}, "Start review", "جائزہ شروع کریں"));
  auto& ask = w.transitions.emplace_back(transition("request_info", {"under_review"}, "info_requested", {"officer"},
                                                    "Request more information", "مزید معلومات طلب کریں"));
  ask.comment_required = true;
  auto& resubmit = w.transitions.emplace_back(
      transition("resubmit", {"info_requested"}, "under_review", {"applicant"}, "Resubmit", "دوبارہ جمع کرائیں"));
  resubmit.applicant_edits = true;
  if (fee) {
    w.transitions.push_back(transition("accept", {"under_review"}, "awaiting_payment", {"officer", "agency_admin"},
                                       "Accept, subject to fee", "فیس کی ادائیگی سے مشروط منظوری"));
    auto& approve = w.transitions.emplace_back(transition("approve", {"awaiting_payment"}, "approved",
                                                          {"officer", "agency_admin"}, "Approve", "منظور کریں"));
    approve.requires_payment = true;
  } else {
    w.transitions.push_back(transition("approve", {"under_review"}, "approved", {"officer", "agency_admin"}, "Approve",
                                       "منظور کریں"));
  }
  auto& reject = w.transitions.emplace_back(transition("reject", {"submitted", "under_review"}, "rejected",
                                                       {"officer", "agency_admin"}, "Reject", "مسترد کریں"));
  reject.comment_required = true;
  std::vector<std::string> open{"submitted", "under_review", "info_requested"};
  if (fee) open.push_back("awaiting_payment");
  w.transitions.push_back(
      transition("withdraw", open, "withdrawn", {"applicant"}, "Withdraw application", "درخواست واپس لیں"));
  return w;
}

std::string rupees(std::int64_t paisa) {
  std::string s = std::to_string(paisa / 100);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<std::size_t>(i), ",");
  if (paisa % 100) s += "." + std::string(paisa % 100 < 10 ? "0" : "") + std::to_string(paisa % 100);
  return s;
}

ServiceDefinition synth_one(Rng& rng, int index, const std::vector<FormField>& pool) {
  const Subject& subject = rng.pick(kSubjects);
  const Kind& kind = rng.pick(kKinds);
  std::size_t roll = rng.below(100), acc = 0, a = 0;
  for (; a + 1 < kActions.size(); ++a) {
    acc += static_cast<std::size_t>(kActions[a].weight);
    if (roll < acc) break;
  }
  const Action& action = kActions[a];
  const Region* region = rng.chance(45) ? &rng.pick(kRegions) : nullptr;

  ServiceDefinition d;
  std::string base_en = std::string(subject.en) + " " + kind.en;
  std::string base_ur = fill(kind.ur, subject.ur);
  d.title.en = fill(action.en, base_en);
  d.title.ur = fill(action.ur, base_ur);
  if (region) {
    d.title.en += std::string(" (") + region->en + ")";
    d.title.ur += std::string(" (") + region->ur + ")";
  }
  char serial[16];
  std::snprintf(serial, sizeof serial, "%05d", index);
  d.id = std::string(subject.slug) + "-" + kind.slug + (*action.slug ? std::string("-") + action.slug : "") +
         (region ? std::string("-") + region->slug : "") + "-" + serial;
  d.agency = rng.pick(kAgencyIds);
  d.category = subject.category;
  d.applicant = subject.applicant;

  bool fee = rng.chance(55);
  if (fee) d.fee.amount_paisa = rng.pick(kFeesPaisa);
  int review_days = static_cast<int>(5 + rng.below(26));
  d.workflow = standard_workflow(fee, review_days);

  std::string lower_title = d.title.en;
  static constexpr std::array<const char*, 3> kOpenersEn{"Apply online for %s.", "Use this service to apply for %s.",
                                                          "Online application for %s."};
  static constexpr std::array<const char*, 3> kOpenersUr{"%s کے لیے آن لائن درخواست دیں۔",
                                                          "%s کے حصول کے لیے یہ سروس استعمال کریں۔",
                                                          "%s کے لیے آن لائن درخواست۔"};
  std::size_t opener = rng.below(kOpenersEn.size());
  d.description.en = fill(kOpenersEn[opener], "the " + lower_title) +
                     " Fill in the form and attach the required documents; an officer reviews each application within " +
                     std::to_string(review_days) + " working days.";
  d.description.ur = fill(kOpenersUr[opener], d.title.ur) +
                     " فارم پُر کریں اور مطلوبہ دستاویزات منسلک کریں؛ متعلقہ افسر " + std::to_string(review_days) +
                     " کام کے دنوں میں ہر درخواست کا جائزہ لے گا۔";
  if (fee) {
    d.description.en += " The fee is Rs. " + rupees(d.fee.amount_paisa) + ", payable after the application is accepted.";
    d.description.ur += " فیس " + rupees(d.fee.amount_paisa) + " روپے ہے، جو درخواست قبول ہونے کے بعد ادا کی جائے گی۔";
  }

  // Identity fields first (as every real form starts), then a varied selection.
  std::size_t count = 3 + rng.below(10);
  bool person = subject.applicant == Applicant::citizen || (subject.applicant == Applicant::both && rng.chance(50));
  std::vector<std::size_t> order;
  order.push_back(person ? 0 : 2);
  order.push_back(person ? 1 : 3);
  std::vector<std::size_t> rest;
  for (std::size_t i = 4; i < pool.size(); ++i) rest.push_back(i);
  while (order.size() < count && !rest.empty()) {
    std::size_t k = rng.below(rest.size());
    order.push_back(rest[k]);
    rest.erase(rest.begin() + static_cast<std::ptrdiff_t>(k));
  }
  for (std::size_t i = 0; i < order.size(); ++i) {
    FormField f = pool[order[i]];
    f.required = i < 2 || rng.chance(60);
    d.form.push_back(std::move(f));
  }

  if (action.certificate) {
    static constexpr std::array<int, 5> kValidity{0, 365, 730, 1095, 1825};
    d.certificate = CertificateOutput{std::string(subject.slug) + "-" + kind.slug, rng.pick(kValidity),
                                      I18n{base_en, base_ur}};
  }
  if (rng.chance(40)) d.registry = RegistryOutput{std::string(subject.slug) + "-register"};
  d.keywords = {subject.en, kind.en, subject.ur, kind.ur_word};
  if (region) {
    d.keywords.push_back(region->en);
    d.keywords.push_back(region->ur);
  }
  return d;
}

}  // namespace

std::vector<nlohmann::json> synth_definitions(int count, std::uint64_t seed) {
  std::vector<nlohmann::json> out;
  if (count <= 0) return out;
  out.reserve(static_cast<std::size_t>(count));
  const auto pool = field_pool();
  Rng rng(seed);
  for (int i = 1; i <= count; ++i) {
    nlohmann::json j = to_json(synth_one(rng, i, pool));
    j.erase("version");  // assigned by the catalog when loaded
    out.push_back(std::move(j));
  }
  return out;
}


using nlohmann::json;

std::vector<json> synth_registry_schemas(const std::vector<json>& defs) {
  std::map<std::string, json> out;  // by name: the first definition naming a registry gives its agency
  auto text = [](const char* name, const char* en, const char* ur, bool required) {
    return json{{"name", name}, {"type", "text"}, {"label", {{"en", en}, {"ur", ur}}}, {"required", required},
                {"max", 200}, {"public", true}};
  };
  auto schema = [&](const std::string& name, const std::string& agency, const char* subject, json fields) {
    return json{{"name", name},
                {"version", 1},
                {"agency", agency},
                {"title", {{"en", "Synthetic register " + name}, {"ur", "مصنوعی رجسٹر " + name}}},
                {"description",
                 {{"en", "Written by darwaza catalog synth for scale tests."},
                  {"ur", "پیمانے کی جانچ کے لیے darwaza catalog synth کا لکھا ہوا۔"}}},
                {"subject", subject},
                {"fields", std::move(fields)}};
  };
  for (const auto& d : defs) {
    const std::string agency = d.at("agency");
    if (auto r = d.find("registry"); r != d.end()) {
      const std::string name = r->at("registry");
      json j = schema(name, agency, "both", json::array({text("notes", "Notes", "نوٹ", false)}));
      std::string prefix = "SYN-";  // and the name's initials: at most 20 of A-Z, 0-9 and -
      for (std::size_t i = 0; i < name.size() && prefix.size() < 12; ++i)
        if (i == 0 || name[i - 1] == '-') prefix += static_cast<char>(std::toupper(static_cast<unsigned char>(name[i])));
      j["number_prefix"] = prefix;
      out.emplace(name, std::move(j));
    }
    for (const auto& f : d.at("form"))
      if (f.at("type") == "registry_ref") {
        const std::string name = f.at("registry");
        out.emplace(name, schema(name, agency, "none", json::array({text("name", "Name", "نام", true)})));
      }
  }
  std::vector<json> list;
  for (auto& [name, j] : out) list.push_back(std::move(j));
  return list;
}

}  // namespace darwaza::catalog
