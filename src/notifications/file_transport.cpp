#include <filesystem>
#include <fstream>

#include "core/crypto.hpp"
#include "notifications/errors.hpp"
#include "notifications/transport.hpp"

namespace darwaza::notifications {

namespace {

// Copies of one message kept side by side before the transport reports a failure (each is a
// repeated delivery, which should not happen).
constexpr int kMaxCopies = 100;

class FileTransport final : public Transport {
 public:
  FileTransport(std::string dir, std::string from) : dir_(std::move(dir)), from_(std::move(from)) {}

  Status send(const OutboxMessage& m, UnixMs now) override {
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    if (ec) return error(Errc::delivery_failed, "outbox dir " + dir_.string() + ": " + ec.message());
    const bool email = m.channel == Channel::email;
    auto tmp = dir_ / (m.id + "." + crypto::random_id("tmp"));  // two senders never share one
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      if (email) out << format_email(m, from_, now);
      else out << "To: " << m.recipient << "\n\n" << m.body << "\n";
      out.flush();
      if (!out) {
        std::filesystem::remove(tmp, ec);
        return error(Errc::delivery_failed, "writing " + tmp.string() + " failed");
      }
    }
    // A hard link puts the whole file in place at once and, unlike a rename, never replaces an
    // existing one: a repeated delivery lands beside the first (<id>.2.eml), where it shows.
    const std::string ext = email ? ".eml" : ".sms.txt";
    Status placed = error(Errc::delivery_failed, "more than " + std::to_string(kMaxCopies) + " copies of " + m.id);
    for (int copy = 1; copy <= kMaxCopies; ++copy) {
      auto path = dir_ / (m.id + (copy == 1 ? "" : "." + std::to_string(copy)) + ext);
      std::filesystem::create_hard_link(tmp, path, ec);
      if (!ec) {
        placed = ok_status();
        break;
      }
      if (ec != std::errc::file_exists) {
        placed = error(Errc::delivery_failed, "linking " + path.string() + ": " + ec.message());
        break;
      }
    }
    std::filesystem::remove(tmp, ec);
    return placed;
  }

 private:
  std::filesystem::path dir_;
  std::string from_;
};

}  // namespace

std::unique_ptr<Transport> make_file_transport(std::string dir, std::string from) {
  return std::make_unique<FileTransport>(std::move(dir), std::move(from));
}

}  // namespace darwaza::notifications
