#include <ctime>

#include <sodium.h>

#include "notifications/transport.hpp"

namespace darwaza::notifications {

namespace {
// An encoded-word is at most 75 characters: "=?UTF-8?B?" + base64 + "?=" leaves 63 for base64,
// that is 45 bytes of text (base64 of 45 bytes is 60 characters).
constexpr std::size_t kMaxEncodedWordBytes = 45;

std::string base64(std::string_view bytes) {
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

bool is_ascii_printable(const std::string& s) {
  for (unsigned char c : s)
    if (c < 0x20 || c > 0x7e) return false;
  return true;
}

// Header values must not carry CR or LF (header injection): they become spaces.
std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\r' || c == '\n') c = ' ';
  return s;
}

// Text with CRLF line ends only.
std::string crlf(const std::string& text) {
  std::string out;
  out.reserve(text.size() + 16);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') continue;
    if (text[i] == '\n') out += "\r\n";
    else out += text[i];
  }
  return out;
}

std::string rfc5322_date(UnixMs now) {
  std::time_t t = static_cast<std::time_t>(now / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}
}  // namespace

std::string encode_header_words(const std::string& raw) {
  std::string text = one_line(raw);
  if (is_ascii_printable(text)) return text;
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t end = std::min(text.size(), i + kMaxEncodedWordBytes);
    // Back up to the start of a UTF-8 character (never split one across words).
    while (end < text.size() && end > i && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    if (end == i) end = std::min(text.size(), i + kMaxEncodedWordBytes);
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64(std::string_view(text).substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

std::string bare_address(const std::string& mailbox) {
  auto lt = mailbox.find('<');
  auto gt = mailbox.rfind('>');
  if (lt != std::string::npos && gt != std::string::npos && gt > lt) return mailbox.substr(lt + 1, gt - lt - 1);
  return mailbox;
}

std::string format_email(const OutboxMessage& m, const std::string& from, UnixMs now) {
  std::string domain = bare_address(from);
  domain = domain.substr(domain.find('@') == std::string::npos ? domain.size() : domain.find('@') + 1);
  if (domain.empty()) domain = "darwaza.invalid";
  std::string out;
  out += "Date: " + rfc5322_date(now) + "\r\n";
  out += "From: " + one_line(from) + "\r\n";
  out += "To: <" + one_line(m.recipient) + ">\r\n";
  out += "Subject: " + encode_header_words(m.subject) + "\r\n";
  out += "Message-ID: <" + m.id + "@" + domain + ">\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=UTF-8\r\n";
  out += "Content-Transfer-Encoding: 8bit\r\n";
  out += "Auto-Submitted: auto-generated\r\n";
  out += "\r\n";
  out += crlf(m.body);
  out += "\r\n";
  return out;
}

}  // namespace darwaza::notifications
