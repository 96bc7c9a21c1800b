#include "support/smtp_sink.hpp"

#include <boost/asio.hpp>

namespace darwaza::test {

namespace asio = boost::asio;
using asio::ip::tcp;

struct SmtpSink::Impl {
  asio::io_context io;
  tcp::acceptor acceptor{io};
};

std::string SmtpMessage::header(const std::string& name) const {
  std::string lower_name = name + ":";
  for (auto& c : lower_name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::size_t pos = 0;
  while (pos < data.size()) {
    auto eol = data.find("\r\n", pos);
    if (eol == std::string::npos || eol == pos) break;  // end of headers
    std::string line = data.substr(pos, eol - pos);
    std::string head = line.substr(0, lower_name.size());
    for (auto& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (head == lower_name) {
      std::string value = line.substr(lower_name.size());
      // Continuation lines (folding) start with white space.
      while (eol + 2 < data.size() && (data[eol + 2] == ' ' || data[eol + 2] == '\t')) {
        auto next = data.find("\r\n", eol + 2);
        value += data.substr(eol + 2, next - eol - 2);
        eol = next;
      }
      auto first = value.find_first_not_of(' ');
      return first == std::string::npos ? "" : value.substr(first);
    }
    pos = eol + 2;
  }
  return "";
}

SmtpSink::SmtpSink(int refuse_first) : impl_(std::make_unique<Impl>()), refuse_left_(refuse_first) {
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(ep.protocol());
  impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  impl_->acceptor.bind(ep);
  impl_->acceptor.listen();
  port_ = impl_->acceptor.local_endpoint().port();
  thread_ = std::thread([this] { serve(); });
}

SmtpSink::~SmtpSink() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  // Wake the blocking accept with a connection of our own.
  try {
    asio::io_context io;
    tcp::socket s(io);
    s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
  } catch (...) {
  }
  if (thread_.joinable()) thread_.join();
}

std::vector<SmtpMessage> SmtpSink::accepted() {
  std::lock_guard lock(mu_);
  return accepted_;
}

std::vector<SmtpMessage> SmtpSink::refused() {
  std::lock_guard lock(mu_);
  return refused_;
}

bool SmtpSink::wait_for_accepted(std::size_t n, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return accepted_.size() >= n; });
}

void SmtpSink::serve() {
  for (;;) {
    tcp::socket socket(impl_->io);
    boost::system::error_code ec;
    impl_->acceptor.accept(socket, ec);
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
    }
    if (ec) continue;
    try {
      session(&socket);
    } catch (const std::exception&) {
      // The client went away mid-conversation: wait for the next one.
    }
  }
}

void SmtpSink::session(void* raw) {
  tcp::socket& s = *static_cast<tcp::socket*>(raw);
  asio::streambuf buf;
  auto say = [&](const std::string& line) { asio::write(s, asio::buffer(line + "\r\n")); };
  auto read_line = [&] {
    asio::read_until(s, buf, "\r\n");
    std::istream in(&buf);
    std::string line;
    std::getline(in, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
  };
  say("220 sink.test ESMTP test sink");
  SmtpMessage msg;
  for (;;) {
    std::string line = read_line();
    std::string verb = line.substr(0, 4);
    for (auto& c : verb) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (verb == "EHLO") {
      say("250-sink.test");
      say("250 8BITMIME");
    } else if (verb == "HELO") {
      say("250 sink.test");
    } else if (verb == "MAIL") {
      msg = SmtpMessage{};
      msg.mail_from = line.substr(line.find(':') + 1);
      say("250 2.1.0 OK");
    } else if (verb == "RCPT") {
      msg.rcpt_to.push_back(line.substr(line.find(':') + 1));
      say("250 2.1.5 OK");
    } else if (verb == "DATA") {
      say("354 End data with <CR><LF>.<CR><LF>");
      for (;;) {
        std::string d = read_line();
        if (d == ".") break;
        if (!d.empty() && d[0] == '.') d.erase(0, 1);
        msg.data += d + "\r\n";
      }
      bool refuse;
      {
        std::lock_guard lock(mu_);
        refuse = refuse_left_ > 0;
        if (refuse) {
          --refuse_left_;
          refused_.push_back(msg);
        } else {
          accepted_.push_back(msg);
        }
      }
      cv_.notify_all();
      say(refuse ? "451 4.3.0 Try again later" : "250 2.0.0 Queued");
    } else if (verb == "RSET" || verb == "NOOP") {
      say("250 OK");
    } else if (verb == "QUIT") {
      say("221 Bye");
      return;
    } else {
      say("502 5.5.2 Not implemented");
    }
  }
}

}  // namespace darwaza::test
