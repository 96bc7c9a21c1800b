// Delivery of outbox messages: one Transport per channel, chosen at start-up (serve's
// --outbox-transport / --sms-transport). A transport sends one message or reports why not; the
// outbox worker decides about retrying.
#pragma once

#include <memory>
#include <string>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "notifications/types.hpp"

namespace darwaza::notifications {

class Transport {
 public:
  virtual ~Transport() = default;
  // `now` is the worker's clock when the send starts (the e-mail's Date header). A send returns
  // within the transport's timeout (SmtpOptions::timeout_ms), which the worker relies on.
  virtual Status send(const OutboxMessage& m, UnixMs now) = 0;
};

struct SmtpOptions {
  std::string host = "127.0.0.1";
  int port = 25;
  std::string from = "Darwaza <no-reply@darwaza.gov.pk>";
  bool starttls = false;        // require STARTTLS before sending
  long timeout_ms = 30000;      // connect + whole conversation; the outbox worker's send_timeout_ms
};

// SMTP through libcurl: one connection per message, a UTF-8 text/plain message.
std::unique_ptr<Transport> make_smtp_transport(SmtpOptions options);
// Development: one file per delivery in `dir` (<id>.eml for e-mail, <id>.sms.txt for SMS),
// written whole and then linked into place, so a reader never sees half a message. A message
// delivered again never replaces the earlier file: it becomes <id>.2.eml, <id>.3.eml, ...
// E-mails carry `from` (serve's --smtp-from), as the SMTP transport's do.
std::unique_ptr<Transport> make_file_transport(std::string dir, std::string from);

// The RFC 5322 message for an e-mail: Date, From, To, Subject (RFC 2047 encoded when not
// ASCII), Message-ID (from the outbox id, the same on every retry), MIME headers, CRLF lines.
std::string format_email(const OutboxMessage& m, const std::string& from, UnixMs now);
// RFC 2047 "B" encoded-words for a header value (split on character boundaries, each word at
// most 75 characters, folded); ASCII text is returned unchanged.
std::string encode_header_words(const std::string& text);
// The address inside "Name <addr>" (or the text itself).
std::string bare_address(const std::string& mailbox);

}  // namespace darwaza::notifications
