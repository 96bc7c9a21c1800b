#include "certificates/qr.hpp"

#include <cerrno>
#include <cstring>
#include <iterator>
#include <memory>
#include <new>
#include <stdexcept>

#include <fmt/format.h>
#include <qrencode.h>

namespace darwaza::certificates {
namespace {

std::string xml_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

struct QrFree {
  void operator()(QRcode* q) const { QRcode_free(q); }
};

}  // namespace

std::string qr_svg(std::string_view text, std::string_view label) {
  if (text.size() > kMaxQrTextBytes) {
    throw std::length_error(fmt::format("QR text is {} bytes; at most {} are encoded", text.size(), kMaxQrTextBytes));
  }
  if (text.find('\0') != std::string_view::npos) throw std::invalid_argument("QR text contains a NUL byte");
  const std::string nul_terminated(text);
  // Version 0 = smallest that fits; QR_MODE_8 + case-sensitive lets libqrencode switch to the
  // denser numeric and alphanumeric modes for the stretches where they apply.
  std::unique_ptr<QRcode, QrFree> qr(QRcode_encodeString(nul_terminated.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1));
  if (!qr) {
    if (errno == ENOMEM) throw std::bad_alloc();
    throw std::runtime_error(fmt::format("libqrencode failed: {}", std::strerror(errno)));
  }

  const int width = qr->width;
  const int size = width + 2 * kQrQuietZoneModules;
  // One subpath per horizontal run of dark modules: compact, and no hairline seams between
  // neighbouring modules when scaled.
  std::string d;
  for (int y = 0; y < width; ++y) {
    const unsigned char* row = qr->data + static_cast<std::size_t>(y) * width;
    for (int x = 0; x < width;) {
      if (!(row[x] & 1)) {
        ++x;
        continue;
      }
      int run = 1;
      while (x + run < width && (row[x + run] & 1)) ++run;
      fmt::format_to(std::back_inserter(d), "M{} {}h{}v1h-{}z", x + kQrQuietZoneModules, y + kQrQuietZoneModules, run, run);
      x += run;
    }
  }
  const std::string escaped_label = xml_escape(label);
  return fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {0} {0}" role="img" aria-label="{1}" shape-rendering="crispEdges">)"
      R"(<title>{1}</title><rect width="{0}" height="{0}" fill="#fff"/><path fill="#000" d="{2}"/></svg>)",
      size, escaped_label, d);
}

}  // namespace darwaza::certificates
