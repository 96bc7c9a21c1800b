#include <filesystem>
#include <fstream>

#include "notifications/errors.hpp"
#include "notifications/transport.hpp"

namespace darwaza::notifications {

namespace {

class FileTransport final : public Transport {
 public:
  explicit FileTransport(std::string dir) : dir_(std::move(dir)) {}
  std::string name() const override { return "file"; }

  Status send(const OutboxMessage& m) override {
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    if (ec) return error(Errc::delivery_failed, "outbox dir " + dir_.string() + ": " + ec.message());
    const bool email = m.channel == Channel::email;
    auto final_path = dir_ / (m.id + (email ? ".eml" : ".sms.txt"));
    auto tmp = dir_ / (m.id + ".tmp");
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      if (email) out << format_email(m, "Darwaza <no-reply@darwaza.invalid>", SystemClock().now_ms());
      else out << "To: " << m.recipient << "\n\n" << m.body << "\n";
      out.flush();
      if (!out) return error(Errc::delivery_failed, "writing " + tmp.string() + " failed");
    }
    std::filesystem::rename(tmp, final_path, ec);
    if (ec) return error(Errc::delivery_failed, "renaming " + tmp.string() + ": " + ec.message());
    return ok_status();
  }

 private:
  std::filesystem::path dir_;
};

}  // namespace

std::unique_ptr<Transport> make_file_transport(std::string dir) { return std::make_unique<FileTransport>(std::move(dir)); }

}  // namespace darwaza::notifications
