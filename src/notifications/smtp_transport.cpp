// SMTP delivery through libcurl (Debian's libcurl4-openssl-dev): libcurl speaks the protocol
// (EHLO, STARTTLS, MAIL FROM, RCPT TO, DATA with dot-stuffing); we only build the message.
#include <cstring>
#include <mutex>

#include <curl/curl.h>

#include "notifications/errors.hpp"
#include "notifications/transport.hpp"

namespace darwaza::notifications {

namespace {

struct Upload {
  const std::string* data;
  std::size_t pos = 0;
};

std::size_t read_chunk(char* buffer, std::size_t size, std::size_t nitems, void* userp) {
  auto* u = static_cast<Upload*>(userp);
  std::size_t n = std::min(size * nitems, u->data->size() - u->pos);
  std::memcpy(buffer, u->data->data() + u->pos, n);
  u->pos += n;
  return n;
}

class SmtpTransport final : public Transport {
 public:
  explicit SmtpTransport(SmtpOptions o) : o_(std::move(o)) {
    // Once per process, before any worker thread uses libcurl (curl_global_init is not
    // thread-safe in the libcurl Debian 12 ships).
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  }

  Status send(const OutboxMessage& m, UnixMs now) override {
    if (m.channel != Channel::email) return error(Errc::delivery_failed, "smtp transport given a non-email message");
    const std::string message = format_email(m, o_.from, now);
    CURL* curl = curl_easy_init();
    if (!curl) return error(Errc::delivery_failed, "curl_easy_init failed");
    char errbuf[CURL_ERROR_SIZE] = {0};
    const std::string url = "smtp://" + o_.host + ":" + std::to_string(o_.port);
    const std::string from = "<" + bare_address(o_.from) + ">";
    const std::string to = "<" + m.recipient + ">";
    curl_slist* rcpt = curl_slist_append(nullptr, to.c_str());
    Upload upload{&message};
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_chunk);
    curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, o_.timeout_ms);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, o_.timeout_ms);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
    if (o_.starttls) curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    CURLcode rc = curl_easy_perform(curl);
    long response = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response);
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(curl);
    if (rc != CURLE_OK)
      return error(Errc::delivery_failed, "smtp " + o_.host + ":" + std::to_string(o_.port) + ": " +
                            (errbuf[0] ? errbuf : curl_easy_strerror(rc)) + " (reply " + std::to_string(response) + ")");
    return ok_status();
  }

 private:
  SmtpOptions o_;
};

}  // namespace

std::unique_ptr<Transport> make_smtp_transport(SmtpOptions options) {
  return std::make_unique<SmtpTransport>(std::move(options));
}

}  // namespace darwaza::notifications
