#include "indicators/errors.hpp"

namespace darwaza::indicators {

namespace {
ErrorSpec spec_of(Errc code) {
  switch (code) {
    case Errc::series_not_found: return {ErrorKind::not_found, "indicator-not-found", "No such indicator", "No indicator series has that id."};
    case Errc::observation_missing: return {ErrorKind::not_found, "observation-missing", "No figure for that period", "The series has no figure for a period this computation needs."};
    case Errc::not_additive: return {ErrorKind::validation, "indicator-not-additive", "Totals do not apply", "This series measures a level, not a flow: its periods cannot be added up."};
    case Errc::not_monthly: return {ErrorKind::validation, "indicator-not-monthly", "Monthly series only", "Fiscal-year-to-date totals need a monthly series."};
  }
  return {ErrorKind::internal, "internal", "Internal error", ""};
}
}  // namespace

Error error(Errc code, std::string detail) { return make_error(spec_of(code), std::move(detail)); }

}  // namespace darwaza::indicators
