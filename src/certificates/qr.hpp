// QR codes as inline SVG, so that a printed or on-screen certificate carries its verify link.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace darwaza::certificates {

// Longest text we encode. A verify URL of ~100 bytes gives version 5–7 at level M; 1000 bytes of
// 8-bit data need version 26 (121×121 modules), about the densest code a phone still reads
// from an A4 print.
constexpr std::size_t kMaxQrTextBytes = 1000;
// Light border on every side, in modules, as ISO/IEC 18004 requires.
constexpr int kQrQuietZoneModules = 4;
inline constexpr std::string_view kQrDefaultLabel = "QR code for verifying this certificate";

// An <svg> element: error correction level M, the smallest version that fits, a white square
// with the quiet zone and one <path> of the dark modules; viewBox units are modules, so it
// scales to any size. Accessible name from `label` (role="img", aria-label and <title>).
// Throws std::length_error if text exceeds kMaxQrTextBytes, std::invalid_argument if it
// contains a NUL byte.
std::string qr_svg(std::string_view text, std::string_view label = kQrDefaultLabel);

}  // namespace darwaza::certificates
